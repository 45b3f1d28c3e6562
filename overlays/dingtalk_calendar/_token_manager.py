"""One credential's access token: cached, refreshed ahead of expiry, fetched by one caller at a time.

Single flight, from the inside out:

* a fresh token in this manager's memory is returned with no lock and no I/O;
* otherwise sync callers queue on one ``threading.Lock``; async callers first on an
  ``asyncio.Lock`` of their event loop (so that 1,000 tasks do not poll), then on the same
  ``threading.Lock`` (so that other threads and event loops are excluded too);
* the holder reads the store, and only when it has no fresh token either, takes the
  store's lock (cross-process for Redis), reads once more, fetches, and writes.

Every waiter re-reads after the holder is done, so a cold start of any number of threads,
tasks or processes causes one token request.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING

import httpx

from dingtalk_calendar_api import Client
from dingtalk_calendar_api.spec_data import DEFAULT_BASE_URL

from ._locks import holding_thread_lock
from ._token_store import MemoryTokenStore, SharedStoreView, TokenStore, store_is_essential
from ._tokens import Token, TokenProvider

if TYPE_CHECKING:
    import asyncio  # imported by the async paths themselves: a sync application never loads it

logger = logging.getLogger("dingtalk_calendar.auth")


class TokenManager:
    """Keeps one credential's access token fresh. Thread-safe and usable from any event loop.

    ``provider``: the credential (``InternalAppCredentials``, ``EnterpriseAppCredentials``,
    ``UserCredentials``, ``FixedToken``).

    ``store``: where tokens are kept; ``MemoryTokenStore()`` by default, a
    ``RedisTokenStore`` to share them (and user refresh tokens) across processes and hosts.

    ``base_url``, ``transport``, ``async_transport``, ``timeout``: how the token endpoints are
    reached (they need no token). Pass the transports your API client uses (a retrying one,
    a mock) to treat token requests the same way; they are not closed here.

    ``refresh_margin``: a token is replaced this many seconds before it expires (300), or at
    half its life when that comes later, so a short-lived token is not fetched on every call.

    ``min_ttl``: whatever ``expireIn`` DingTalk answers (0, 1, ...), a token is used for at
    least this many seconds (60) before it is fetched again; the token endpoints are rate
    limited, and a tiny lifetime must not turn every call into a token request.

    ``min_fetch_interval``: when DingTalk rejects the current token, a new one is fetched at
    once; but when it rejects that one too within this many seconds (5), no other is fetched
    before they have passed, and the call fails instead. A server that refuses every token
    (a tiny ``expireIn``, a misconfigured app) then costs one token request per interval,
    not one per call.

    ``clock``: wall-clock seconds since the epoch (``time.time``); tokens in a shared store
    carry wall-clock times, which every process and host can compare.
    """

    def __init__(
        self,
        provider: TokenProvider,
        *,
        store: TokenStore | None = None,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = 10.0,
        refresh_margin: float = 300.0,
        min_ttl: float = 60.0,
        min_fetch_interval: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if refresh_margin < 0 or min_ttl < 0 or min_fetch_interval < 0:
            raise ValueError("refresh_margin, min_ttl and min_fetch_interval cannot be negative")
        self.provider = provider
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        # What the fetch paths use: a failing shared store is skipped for app tokens (see _token_store).
        self._shared = SharedStoreView(self.store, essential=store_is_essential(provider), clock=clock)
        self.cache_key = provider.cache_key
        self._base_url = base_url
        self._transport = transport
        self._async_transport = async_transport
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._refresh_margin = refresh_margin
        self._min_ttl = min_ttl
        self._min_fetch_interval = min_fetch_interval
        self._clock = clock
        self._current: Token | None = None
        # After a failed refresh ahead of expiry, the still valid token is used until then.
        self._retry_refresh_at = -math.inf
        # When a token was last fetched because DingTalk rejected the one before (this process).
        self._forced_fetch_at = -math.inf
        self._thread_lock = threading.Lock()
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._loop_locks_guard = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenManager(cache_key={self.cache_key!r}, store={self.store!r})"

    # --- public ---------------------------------------------------------------------------

    def get_token(self) -> str:
        """The access token to send now; fetched (once, whoever else asks) when needed."""
        current = self._current
        if current is not None and self._usable(current, self._clock(), rejected=None):
            return current.access_token
        with self._thread_lock:
            return self._obtain(rejected=None).access_token

    async def aget_token(self) -> str:
        """The async twin of :meth:`get_token`."""
        current = self._current
        if current is not None and self._usable(current, self._clock(), rejected=None):
            return current.access_token
        async with self._exclusive():
            return (await self._aobtain(rejected=None)).access_token

    def invalidate(self, token: str) -> str:
        """Report that DingTalk rejected ``token``; returns the token to send instead.

        Only when ``token`` is still the current one is a new one fetched, so many callers
        reporting the same rejected token cause one request. Within ``min_fetch_interval`` of
        the previous such fetch, none is made and ``token`` itself is returned: the caller then
        sees the failure.
        """
        with self._thread_lock:
            return self._obtain(rejected=token).access_token

    async def ainvalidate(self, token: str) -> str:
        """The async twin of :meth:`invalidate`."""
        async with self._exclusive():
            return (await self._aobtain(rejected=token)).access_token

    # --- freshness --------------------------------------------------------------------------

    def _refresh_due(self, token: Token) -> float:
        if token.obtained_at is None:
            return token.expires_at - self._refresh_margin
        lifetime = token.expires_at - token.obtained_at
        return token.obtained_at + max(self._min_ttl, lifetime - self._refresh_margin, lifetime / 2)

    def _usable(self, token: Token | None, now: float, *, rejected: str | None) -> bool:
        """Whether ``token`` may be sent now, without fetching."""
        if token is None:
            return False
        if rejected is not None and token.access_token == rejected:
            if now - self._forced_fetch_at < self._min_fetch_interval:
                logger.warning(
                    "DingTalk rejected the access token for %s again %.1f s after it was replaced for the "
                    "same reason; not fetching another before %g s have passed",
                    self.cache_key,
                    now - self._forced_fetch_at,
                    self._min_fetch_interval,
                )
                return True
            return False
        if now < self._refresh_due(token):
            return True
        # Past the refresh point, but a refresh failed a moment ago: keep the valid token a while.
        return rejected is None and now < self._retry_refresh_at and now < token.expires_at

    def _adopt(self, token: Token, *, fetched: bool, now: float, rejected: str | None) -> Token:
        self._current = token
        if fetched:
            self._retry_refresh_at = -math.inf
            if rejected is not None:
                self._forced_fetch_at = now
            logger.info("fetched access token for %s; it expires in %.0f s", self.cache_key, token.expires_at - now)
        else:
            logger.debug("using the stored access token for %s", self.cache_key)
        return token

    def _fallback(self, error: Exception, previous: Token | None, now: float, *, rejected: str | None) -> Token:
        """After a failed refresh: the previous token if it is still valid, else the error."""
        if rejected is not None or previous is None or now >= previous.expires_at:
            raise error
        self._retry_refresh_at = now + max(self._min_fetch_interval, 1.0)
        logger.warning(
            "refreshing the access token for %s failed (%s); using the current one, valid for %.0f s more",
            self.cache_key,
            type(error).__name__,
            previous.expires_at - now,
        )
        self._current = previous
        return previous

    # --- sync -------------------------------------------------------------------------------

    def _obtain(self, *, rejected: str | None) -> Token:
        """Under the manager's lock: this process's token, the store's, or a new one."""
        now = self._clock()
        if self._usable(self._current, now, rejected=rejected):
            assert self._current is not None
            return self._current
        stored = self._shared.get(self.cache_key)
        if self._usable(stored, now, rejected=rejected):
            assert stored is not None
            return self._adopt(stored, fetched=False, now=now, rejected=rejected)
        with self._shared.lock(self.cache_key):
            # Another process may have stored a token while we waited for the lock.
            stored = self._shared.get(self.cache_key)
            now = self._clock()
            if self._usable(stored, now, rejected=rejected):
                assert stored is not None
                return self._adopt(stored, fetched=False, now=now, rejected=rejected)
            logger.debug("fetching an access token for %s", self.cache_key)
            try:
                with self._token_client() as client:
                    token = self.provider.fetch(client, previous=stored, now=now)
            except Exception as error:
                return self._fallback(error, stored, now, rejected=rejected)
            self._shared.set(self.cache_key, token)
        return self._adopt(token, fetched=True, now=now, rejected=rejected)

    @contextmanager
    def _token_client(self) -> Iterator[Client]:
        # A client per fetch (one every two hours or so): nothing to close between fetches.
        client = Client(base_url=self._base_url, timeout=self._timeout, httpx_args=self._args(self._transport))
        try:
            yield client
        finally:
            if self._transport is None:  # closing would close a transport that is not ours
                client.get_httpx_client().close()

    # --- async ------------------------------------------------------------------------------

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """This event loop's lock for the key, then the lock shared with threads and other loops."""
        async with self._loop_lock(), holding_thread_lock(self._thread_lock):
            yield

    def _loop_lock(self) -> asyncio.Lock:
        import asyncio

        # An asyncio.Lock belongs to one event loop; keep one per loop.
        loop = asyncio.get_running_loop()
        with self._loop_locks_guard:
            lock = self._loop_locks.get(loop)
            if lock is None:
                lock = self._loop_locks[loop] = asyncio.Lock()
            return lock

    async def _aobtain(self, *, rejected: str | None) -> Token:
        now = self._clock()
        if self._usable(self._current, now, rejected=rejected):
            assert self._current is not None
            return self._current
        stored = await self._shared.aget(self.cache_key)
        if self._usable(stored, now, rejected=rejected):
            assert stored is not None
            return self._adopt(stored, fetched=False, now=now, rejected=rejected)
        async with self._shared.alock(self.cache_key):
            stored = await self._shared.aget(self.cache_key)
            now = self._clock()
            if self._usable(stored, now, rejected=rejected):
                assert stored is not None
                return self._adopt(stored, fetched=False, now=now, rejected=rejected)
            logger.debug("fetching an access token for %s", self.cache_key)
            try:
                async with self._async_token_client() as client:
                    token = await self.provider.afetch(client, previous=stored, now=now)
            except Exception as error:
                return self._fallback(error, stored, now, rejected=rejected)
            await self._shared.aset(self.cache_key, token)
        return self._adopt(token, fetched=True, now=now, rejected=rejected)

    @asynccontextmanager
    async def _async_token_client(self) -> AsyncIterator[Client]:
        # A client per fetch also keeps the manager free of any one event loop.
        client = Client(base_url=self._base_url, timeout=self._timeout, httpx_args=self._args(self._async_transport))
        try:
            yield client
        finally:
            if self._async_transport is None:
                await client.get_async_httpx_client().aclose()

    @staticmethod
    def _args(transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None) -> dict[str, object]:
        return {} if transport is None else {"transport": transport}
