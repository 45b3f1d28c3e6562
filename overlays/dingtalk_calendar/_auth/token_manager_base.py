"""What the token manager's sync and async paths share: its settings, state and freshness rules.

``TokenManager`` (in ``_auth.token_manager``) puts them together with the two paths:
``_auth.async_token_access`` (written by hand) and ``_auth.token_access`` (generated from it).
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING

import httpx

from dingtalk_calendar_api.spec_data import DEFAULT_BASE_URL

from .._checks import is_number
from .._client.settings import as_timeout
from .._defaults import USER_AGENT
from .._errors import ConfigurationError
from .._secret import Secret
from .._transport.deadline import CallDeadline
from .locks import holding, holding_loop_lock, holding_thread_lock
from .stores import MemoryTokenStore, SharedStoreView, TokenStore, store_is_essential
from .token import Token, TokenProvider

if TYPE_CHECKING:
    import asyncio  # imported by the async paths themselves: a sync application never loads it

logger = logging.getLogger("dingtalk_calendar.auth")


class TokenManagerBase:
    """The state of one credential's token; see :class:`dingtalk_calendar.TokenManager`."""

    def __init__(
        self,
        provider: TokenProvider,
        *,
        store: TokenStore | None = None,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = 10.0,
        headers: Mapping[str, str] | None = None,
        refresh_margin: float = 300.0,
        min_ttl: float = 60.0,
        min_fetch_interval: float = 5.0,
        clock: Callable[[], float] = time.time,
        max_elapsed: float | None = None,
    ) -> None:
        _check_seconds(refresh_margin=refresh_margin, min_ttl=min_ttl, min_fetch_interval=min_fetch_interval)
        if max_elapsed is not None and not (is_number(max_elapsed) and max_elapsed > 0):
            raise ConfigurationError(f"TokenManager max_elapsed must be None or above 0 seconds, not {max_elapsed!r}")
        self.provider = provider
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        # What the fetch paths use: a failing shared store is skipped for app tokens (see _auth.stores).
        self._shared = SharedStoreView(self.store, essential=store_is_essential(provider), clock=clock)
        self.cache_key = provider.cache_key
        self._base_url = base_url
        self._transport = transport
        self._async_transport = async_transport
        self._timeout = as_timeout(timeout)
        self._headers = httpx.Headers({"User-Agent": USER_AGENT} if headers is None else headers)
        self._refresh_margin = refresh_margin
        self._min_ttl = min_ttl
        self._min_fetch_interval = min_fetch_interval
        self._clock = clock
        self._max_elapsed = max_elapsed
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
        return f"{type(self).__name__}(cache_key={self.cache_key!r}, store={self.store!r})"

    # --- freshness --------------------------------------------------------------------------

    def _refresh_due(self, token: Token) -> float:
        if token.obtained_at is None:
            return token.expires_at - self._refresh_margin
        lifetime = token.expires_at - token.obtained_at
        return token.obtained_at + max(self._min_ttl, lifetime - self._refresh_margin, lifetime / 2)

    def _usable(self, token: Token | None, now: float, *, rejected: Secret | None) -> bool:
        """Whether ``token`` may be sent now, without fetching."""
        if token is None:
            return False
        if rejected is not None and token.secret == rejected:
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

    def _adopt(self, token: Token, *, fetched: bool, now: float, rejected: Secret | None) -> Token:
        self._current = token
        if fetched:
            self._retry_refresh_at = -math.inf
            if rejected is not None:
                self._forced_fetch_at = now
            logger.info("fetched access token for %s; it expires in %.0f s", self.cache_key, token.expires_at - now)
        else:
            logger.debug("using the stored access token for %s", self.cache_key)
        return token

    def _fallback(self, error: Exception, previous: Token | None, now: float, *, rejected: Secret | None) -> Token:
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

    # --- locks ----------------------------------------------------------------------------

    # Both run what they guard under a time limit: the client call's, else ``max_elapsed``
    # (a get_token() of the application's own); no wait for a lock outlasts it.

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """The lock sync callers queue on."""
        with CallDeadline(self._max_elapsed), holding(self._thread_lock, self._fetch_under_way()):
            yield

    @asynccontextmanager
    async def _aexclusive(self) -> AsyncIterator[None]:
        """This event loop's lock for the key, then the lock shared with threads and other loops."""
        doing = self._fetch_under_way()
        with CallDeadline(self._max_elapsed):
            async with holding_loop_lock(self._loop_lock(), doing), holding_thread_lock(self._thread_lock, doing):
                yield

    def _fetch_under_way(self) -> str:
        return f"waiting for the access token for {self.cache_key}, which another caller is obtaining"

    def _loop_lock(self) -> asyncio.Lock:
        import asyncio

        # An asyncio.Lock belongs to one event loop; keep one per loop.
        loop = asyncio.get_running_loop()
        with self._loop_locks_guard:
            lock = self._loop_locks.get(loop)
            if lock is None:
                lock = self._loop_locks[loop] = asyncio.Lock()
            return lock

    def _args(self, transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None) -> dict[str, object]:
        return {"headers": self._headers} if transport is None else {"headers": self._headers, "transport": transport}


def _check_seconds(**settings: float) -> None:
    for name, value in settings.items():
        if not (is_number(value) and value >= 0):  # NaN too: every comparison with it is false
            raise ConfigurationError(f"TokenManager {name} must be a number of seconds, 0 or more, not {value!r}")
