"""Tokens in Redis, shared by a fleet: :class:`RedisTokenStore`, and the JSON a token is stored as."""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, Final

from .._errors import ConfigurationError, TokenStoreError
from .._json import UnreadableJSONError, decode_json
from .._transport.deadline import time_left
from .credentials import Token
from .locks import out_of_time, waiting_for_lock

if TYPE_CHECKING:
    import redis
    import redis.asyncio

logger = logging.getLogger("dingtalk_calendar.auth")


def token_to_json(token: Token) -> str:
    """The stored form of a token (JSON; an infinite expiry is written as null)."""
    expires_at = None if math.isinf(token.expires_at) else token.expires_at
    return json.dumps(
        {
            "access_token": token.access_token,
            "expires_at": expires_at,
            "refresh_token": token.refresh_token,
            "obtained_at": token.obtained_at,
        }
    )


def token_from_json(data: str | bytes) -> Token:
    """The token :func:`token_to_json` wrote."""
    fields = decode_json(data, what="a stored token")
    expires_at = fields["expires_at"]
    return Token(
        access_token=fields["access_token"],
        expires_at=math.inf if expires_at is None else float(expires_at),
        refresh_token=fields.get("refresh_token"),
        obtained_at=fields.get("obtained_at"),
    )


# Deletes the lock only when it still holds our owner value: a holder whose lock expired
# must not release the lock that another process took since.
_RELEASE_SCRIPT = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""

_THIRTY_ONE_DAYS = 31 * 24 * 3600.0

# Tokens and locks live under two namespaces after the prefix: whatever a cache key holds,
# a token entry can never be written where a lock is taken, nor the reverse. "v2" marks the
# key scheme; entries of the first scheme (``prefix + key`` and ``prefix + key + ":lock"``)
# are never read, so an upgraded fleet fetches each token once and the old entries expire.
TOKEN_NAMESPACE: Final = "v2/token/"  # noqa: S105 - a key namespace, not a password
LOCK_NAMESPACE: Final = "v2/lock/"


class RedisTokenStore:
    """Tokens in Redis, shared by every process and host that uses the same Redis and prefix.

    Needs redis-py (``pip install 'dingtalk-calendar[redis]'``). Give a ``url``
    (``redis://host:6379/0``) or ready clients; async calls use ``async_client`` or, from a
    ``url``, a short-lived connection per use, so the store works from any event loop.

    ``timeout`` (2 s) bounds each Redis command of the clients made from ``url``, connecting
    included: a Redis that is down or frozen raises :class:`TokenStoreError` within it (ready
    clients keep their own ``socket_timeout``). The token manager cuts an async read sooner
    when its call has less time left (``APITimeoutError``); a sync one cannot be, since
    redis-py sets timeouts per connection, not per command. A bad ``url`` is a
    :class:`ConfigurationError` at once.

    The lock is ``SET key owner NX PX ttl`` with a random owner and a compare-and-delete
    release. It must not lapse while its holder still fetches, and a crashed holder blocks the
    others until it does: its ``ttl`` is ``lock_ttl`` (120 s), or, when the holder's call has
    longer left (a ``RetryPolicy.max_elapsed`` above 120 s), that time plus two store
    timeouts (reading again and writing the token). Without a time limit on the call
    (``max_elapsed=None``) it is ``lock_ttl``. A waiter that gets no lock within
    ``lock_timeout`` raises :class:`TokenStoreError` (and the token manager fetches an app's
    token itself); one whose call runs out of time first raises ``APITimeoutError``. Entries
    expire after ``entry_ttl`` (31 days, past a user refresh token's life) only to collect
    garbage: freshness is decided from the token's own expiry.

    Keys are ``prefix + "v2/token/" + cache_key`` for tokens and ``prefix + "v2/lock/" +
    cache_key`` for locks; a cache key encodes every field of its credential set and an HMAC
    of its secrets (see :func:`~dingtalk_calendar._auth.credentials.credential_key`), never a secret.
    Entries written by SDK versions before this scheme are ignored (never served): each
    credential's token is fetched once more and the old entries expire after ``entry_ttl``.

    Tokens (and user refresh tokens) are stored in clear: protect the Redis server as you
    protect the app secret.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: redis.Redis | None = None,
        async_client: redis.asyncio.Redis | None = None,
        prefix: str = "dingtalk_calendar:token:",
        timeout: float = 2.0,
        lock_ttl: float = 120.0,
        lock_timeout: float = 60.0,
        poll_interval: float = 0.05,
        entry_ttl: float = _THIRTY_ONE_DAYS,
    ) -> None:
        try:
            import redis as redis_module
            import redis.asyncio as redis_asyncio_module
        except ImportError as exc:  # pragma: no cover - the test environment has redis-py
            raise ImportError(
                "RedisTokenStore needs redis-py; install it with: pip install 'dingtalk-calendar[redis]'"
            ) from exc
        if url is None and client is None and async_client is None:
            raise ConfigurationError("RedisTokenStore needs a url, a client or an async_client")
        if url is not None:
            _check_url(url)
        if not 0 < timeout < math.inf:
            raise ConfigurationError(f"RedisTokenStore timeout must be a positive number of seconds, not {timeout!r}")
        self._redis = redis_module
        self._redis_asyncio = redis_asyncio_module
        self._url = url
        self._client = client
        self._async_client = async_client
        self._prefix = prefix
        self._timeout = timeout
        self.lock_ttl = lock_ttl
        """Seconds after which a holder's lock lapses at the soonest (longer for a call with more time left)."""
        self._lock_ttl_ms = max(1, int(lock_ttl * 1000))
        self._lock_timeout = lock_timeout
        self._poll_interval = poll_interval
        self._entry_ttl_ms = max(1, int(entry_ttl * 1000))

    def __repr__(self) -> str:
        # The URL may carry a password; the prefix is what tells stores apart.
        return f"RedisTokenStore(prefix={self._prefix!r})"

    def _key(self, key: str) -> str:
        return self._prefix + TOKEN_NAMESPACE + key

    def _lock_key(self, key: str) -> str:
        return self._prefix + LOCK_NAMESPACE + key

    def _holder_ttl_ms(self) -> int:
        """How long a lock taken now lives: ``lock_ttl``, or what the holder's call has left, if longer."""
        left = time_left()
        if left is None:
            return self._lock_ttl_ms
        # After its fetch the holder may wait the store's timeout twice: to read again, to write.
        return max(self._lock_ttl_ms, math.ceil((left + 2 * self._timeout) * 1000))

    def _pause_or_give_up(self, key: str, give_up_at: float) -> float:
        """Seconds to wait before asking for ``key``'s lock again; raises when the wait is over."""
        now = time.monotonic()
        if now >= give_up_at:
            raise TokenStoreError(f"Redis token store: no lock for {key} within {self._lock_timeout:g} s")
        left = time_left()
        if left is not None and left <= 0.0:
            raise out_of_time(waiting_for_lock(key))
        # Jitter keeps waiting processes from retrying in lock step (not a security matter).
        pause = self._poll_interval * random.uniform(0.5, 1.5)  # noqa: S311
        return min(pause, give_up_at - now, math.inf if left is None else left)

    # --- sync -----------------------------------------------------------------------------

    def _sync(self) -> redis.Redis:
        if self._client is None:
            if self._url is None:
                raise RuntimeError("this RedisTokenStore has only an async client; use it from async code")
            self._client = self._redis.Redis.from_url(
                self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
            )
        return self._client

    def close(self) -> None:
        """Close the sync client if this store made it (from a ``url``)."""
        if self._client is not None and self._url is not None:
            self._client.close()
            self._client = None

    @contextmanager
    def _failing_as_store_error(self, action: str, key: str) -> Iterator[None]:
        # redis-py's own exceptions are no DingTalkError; its messages name host and port, never the password.
        try:
            yield
        except (self._redis.RedisError, OSError) as error:
            raise TokenStoreError(
                f"Redis token store: {action} {key} failed: {type(error).__name__}: {error}"
            ) from error

    def get(self, key: str) -> Token | None:
        with self._failing_as_store_error("reading", key):
            return _decoded(key, self._sync().get(self._key(key)))

    def set(self, key: str, token: Token) -> None:
        with self._failing_as_store_error("writing", key):
            self._sync().set(self._key(key), token_to_json(token), px=self._entry_ttl_ms)

    def delete(self, key: str) -> None:
        with self._failing_as_store_error("deleting", key):
            self._sync().delete(self._key(key))

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        client = self._sync()
        name, owner = self._lock_key(key), _owner()
        give_up_at = time.monotonic() + self._lock_timeout
        with self._failing_as_store_error("locking", key):
            while not client.set(name, owner, nx=True, px=self._holder_ttl_ms()):
                time.sleep(self._pause_or_give_up(key, give_up_at))
        try:
            yield
        finally:
            try:
                client.eval(_RELEASE_SCRIPT, 1, name, owner)
            except (self._redis.RedisError, OSError):
                logger.debug("could not release the token lock for %s; it lapses at its TTL", key)

    # --- async ----------------------------------------------------------------------------

    @asynccontextmanager
    async def _async(self) -> AsyncIterator[redis.asyncio.Redis]:
        if self._async_client is not None:
            yield self._async_client
            return
        if self._url is None:
            raise RuntimeError("this RedisTokenStore has only a sync client; use it from sync code")
        # A connection per use: an asyncio Redis client belongs to the event loop it first ran
        # in, and the store is used only when a token must be fetched, so this costs little.
        client = self._redis_asyncio.Redis.from_url(
            self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
        )
        try:
            yield client
        finally:
            await client.aclose()

    async def aget(self, key: str) -> Token | None:
        with self._failing_as_store_error("reading", key):
            async with self._async() as client:
                return _decoded(key, await client.get(self._key(key)))

    async def aset(self, key: str, token: Token) -> None:
        with self._failing_as_store_error("writing", key):
            async with self._async() as client:
                await client.set(self._key(key), token_to_json(token), px=self._entry_ttl_ms)

    async def adelete(self, key: str) -> None:
        with self._failing_as_store_error("deleting", key):
            async with self._async() as client:
                await client.delete(self._key(key))

    @asynccontextmanager
    async def alock(self, key: str) -> AsyncIterator[None]:
        import asyncio  # here, not at import: a sync application never loads it

        name, owner = self._lock_key(key), _owner()
        give_up_at = time.monotonic() + self._lock_timeout
        async with AsyncExitStack() as stack:
            with self._failing_as_store_error("locking", key):
                client = await stack.enter_async_context(self._async())
                # Each SET runs to the store's timeout, not cut at the call's: a SET cut after Redis
                # ran it would leave a lock nobody releases, blocking the fleet until it lapses. Other
                # processes release the lock: no asyncio.Event of ours can tell.
                while not await client.set(name, owner, nx=True, px=self._holder_ttl_ms()):  # noqa: ASYNC110
                    await asyncio.sleep(self._pause_or_give_up(key, give_up_at))
            try:
                yield
            finally:
                try:
                    await client.eval(_RELEASE_SCRIPT, 1, name, owner)
                except (self._redis.RedisError, OSError):
                    logger.debug("could not release the token lock for %s; it lapses at its TTL", key)


def _owner() -> str:
    """A random value that marks a Redis lock as ours."""
    import secrets  # only the Redis store needs it

    return secrets.token_hex(16)


def _decoded(key: str, raw: Any) -> Token | None:
    if raw is None:
        return None
    try:
        return token_from_json(raw)
    except (UnreadableJSONError, ValueError, KeyError, TypeError):
        # A damaged entry is treated as absent: the token is fetched again and overwrites it.
        logger.warning("ignoring an unreadable stored token for %s", key)
        return None


_REDIS_SCHEMES: Final = ("redis", "rediss", "unix")


def _check_url(url: str) -> None:
    """Refuse a URL redis-py could not connect to, now rather than at the first token fetch."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as error:
        raise ConfigurationError(f"the Redis URL is not a URL ({error})") from None
    if parts.scheme not in _REDIS_SCHEMES:
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise ConfigurationError(
            f"the Redis URL must start with redis://, rediss:// or unix:// (it has {shown}): redis://host:6379/0"
        )
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigurationError("the Redis URL names no host: redis://host:6379/0")
    from redis.connection import parse_url  # the rest (database, query options) as redis-py reads it

    try:
        parse_url(url)  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
    except ValueError as error:  # its messages name the option, never the password
        raise ConfigurationError(f"the Redis URL cannot be used: {error}") from None
