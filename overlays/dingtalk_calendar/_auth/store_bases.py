"""What the token stores' sync and async methods share: the state they work on.

The Redis store's and the store view's reads, writes and locks are written once, async, in
``async_store_io.py`` (``store_io.py`` is their sync twin, written by ``generator/unasync.py``);
``RedisTokenStore`` and ``SharedStoreView`` join both sides to these bases. Also the
``TokenStore`` protocol, and the JSON a token is stored as in Redis.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, Final, Protocol, runtime_checkable

from .._checks import is_number
from .._errors import ConfigurationError, TokenStoreError
from .._json import UnreadableJSONError, decode_json
from .._transport.deadline import time_left, time_up
from .locks import waiting_for_lock
from .token import Token

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


class RedisStoreBase:
    """A :class:`RedisTokenStore`'s settings, keys and clients (see its docstring)."""

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
            if not isinstance(url, str):
                raise ConfigurationError(f"RedisTokenStore url must be a string, not {type(url).__name__}")
            _check_url(url)
        seconds = {"timeout": timeout, "lock_ttl": lock_ttl, "poll_interval": poll_interval, "entry_ttl": entry_ttl}
        for name, value in {**seconds, "lock_timeout": lock_timeout}.items():
            if not (is_number(value) and (0 < value < math.inf or (name == "lock_timeout" and value == 0))):
                raise ConfigurationError(f"RedisTokenStore {name} must be a positive number of seconds, not {value!r}")
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
            raise time_up(waiting_for_lock(key))
        # Jitter keeps waiting processes from retrying in lock step (not a security matter).
        pause = self._poll_interval * random.uniform(0.5, 1.5)  # noqa: S311
        return min(pause, give_up_at - now, math.inf if left is None else left)

    def _pause(self, key: str, give_up_at: float) -> None:
        time.sleep(self._pause_or_give_up(key, give_up_at))

    async def _apause(self, key: str, give_up_at: float) -> None:
        import asyncio  # here, not at import: a sync application never loads it

        await asyncio.sleep(self._pause_or_give_up(key, give_up_at))

    @contextmanager
    def _connection(self) -> Iterator[redis.Redis]:
        if self._client is None:
            if self._url is None:
                raise ConfigurationError("this RedisTokenStore has only an async client; use it from async code")
            self._client = self._redis.Redis.from_url(
                self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
            )
        yield self._client

    @asynccontextmanager
    async def _aconnection(self) -> AsyncIterator[redis.asyncio.Redis]:
        if self._async_client is not None:
            yield self._async_client
            return
        if self._url is None:
            raise ConfigurationError("this RedisTokenStore has only a sync client; use it from sync code")
        # A connection per use: an asyncio Redis client belongs to the event loop it first ran
        # in, and the store is used only when a token must be fetched, so this costs little.
        client = self._redis_asyncio.Redis.from_url(
            self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
        )
        try:
            yield client
        finally:
            await client.aclose()

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


@runtime_checkable
class TokenStore(Protocol):
    """Keeps tokens by cache key, with a lock per key for single flight across processes.

    ``lock``/``alock`` must exclude every other holder of the same key that shares the store
    (other threads, event loops, processes or hosts, as far as the store reaches). A store
    that cannot do its job raises :class:`TokenStoreError`, within a bounded time. The
    stores here also stop waiting for a lock when the running call's time is up
    (``_transport.deadline.time_left()``), raising ``APITimeoutError``; the token manager cuts an
    ``aget`` there itself.
    """

    def get(self, key: str) -> Token | None: ...

    def set(self, key: str, token: Token) -> None: ...

    def delete(self, key: str) -> None: ...

    def lock(self, key: str) -> AbstractContextManager[None]: ...

    async def aget(self, key: str) -> Token | None: ...

    async def aset(self, key: str, token: Token) -> None: ...

    async def adelete(self, key: str) -> None: ...

    def alock(self, key: str) -> AbstractAsyncContextManager[None]: ...


STORE_RETRY_INTERVAL: Final = 30.0
"""Seconds a token manager leaves its store alone after the store failed."""


class StoreViewBase:
    """A :class:`SharedStoreView`'s store and its outage state (see its docstring)."""

    def __init__(self, store: TokenStore, *, essential: bool, clock: Callable[[], float]) -> None:
        self.store = store
        self._essential = essential
        self._clock = clock
        self._skip_until = -math.inf

    def _skipping(self) -> bool:
        return self._clock() < self._skip_until

    def _failed(self, error: TokenStoreError, key: str) -> None:
        if self._essential:
            raise error
        self._skip_until = self._clock() + STORE_RETRY_INTERVAL
        logger.warning(
            "the token store failed (%s); fetching the access token for %s in this process, not shared, "
            "and leaving the store alone for %g s",
            error,
            key,
            STORE_RETRY_INTERVAL,
        )

    def _kept_in_memory(self, error: TokenStoreError, key: str) -> None:
        # The token was fetched: raising would lose it (and a user's rotated refresh token with it).
        logger.warning("the token store failed (%s); the new access token for %s is kept in memory only", error, key)
        if not self._essential:
            self._skip_until = self._clock() + STORE_RETRY_INTERVAL
