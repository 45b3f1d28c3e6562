"""Where tokens are kept between fetches: in this process, or in Redis for a fleet.

A store holds one :class:`Token` per credential ``cache_key`` and offers a lock per key.
The token manager takes the lock around "read again, fetch if still needed, write", so
that of all the processes sharing one store, one fetches and the others read its token.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager, AbstractContextManager, asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ._locks import KeyedLocks, holding_thread_lock
from ._tokens import Token

if TYPE_CHECKING:
    import redis
    import redis.asyncio

logger = logging.getLogger("dingtalk_calendar.auth")


@runtime_checkable
class TokenStore(Protocol):
    """Keeps tokens by cache key, with a lock per key for single flight across processes.

    ``lock``/``alock`` must exclude every other holder of the same key that shares the store
    (other threads, event loops, processes or hosts, as far as the store reaches).
    """

    def get(self, key: str) -> Token | None: ...

    def set(self, key: str, token: Token) -> None: ...

    def delete(self, key: str) -> None: ...

    def lock(self, key: str) -> AbstractContextManager[None]: ...

    async def aget(self, key: str) -> Token | None: ...

    async def aset(self, key: str, token: Token) -> None: ...

    async def adelete(self, key: str) -> None: ...

    def alock(self, key: str) -> AbstractAsyncContextManager[None]: ...


class MemoryTokenStore:
    """Tokens in this process's memory (the default). Shared by the threads and event loops of one process."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._locks = KeyedLocks()

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={sorted(self._tokens)!r})"

    def get(self, key: str) -> Token | None:
        return self._tokens.get(key)

    def set(self, key: str, token: Token) -> None:
        self._tokens[key] = token

    def delete(self, key: str) -> None:
        self._tokens.pop(key, None)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self._locks(key):
            yield

    async def aget(self, key: str) -> Token | None:
        return self.get(key)

    async def aset(self, key: str, token: Token) -> None:
        self.set(key, token)

    async def adelete(self, key: str) -> None:
        self.delete(key)

    @asynccontextmanager
    async def alock(self, key: str) -> AsyncIterator[None]:
        async with holding_thread_lock(self._locks(key)):
            yield


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
    fields = json.loads(data)
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


class RedisTokenStore:
    """Tokens in Redis, shared by every process and host that uses the same Redis and prefix.

    Needs redis-py (``pip install 'dingtalk-calendar[redis]'``). Give a ``url``
    (``redis://host:6379/0``) or ready clients; async calls use ``async_client`` or, from a
    ``url``, a short-lived connection per use, so the store works from any event loop.

    The lock is ``SET key owner NX PX lock_ttl`` with a random owner and a compare-and-delete
    release. ``lock_ttl`` bounds how long a crashed holder blocks the others; keep it above the
    time a token request can take. A waiter that gets no lock within ``lock_timeout`` raises
    ``TimeoutError``. Entries expire after ``entry_ttl`` (31 days, past a user refresh token's
    life) only to collect garbage: freshness is decided from the token's own expiry.

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
        lock_ttl: float = 30.0,
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
            raise ValueError("RedisTokenStore needs a url, a client or an async_client")
        self._redis = redis_module
        self._redis_asyncio = redis_asyncio_module
        self._url = url
        self._client = client
        self._async_client = async_client
        self._prefix = prefix
        self._lock_ttl_ms = max(1, int(lock_ttl * 1000))
        self._lock_timeout = lock_timeout
        self._poll_interval = poll_interval
        self._entry_ttl_ms = max(1, int(entry_ttl * 1000))

    def __repr__(self) -> str:
        # The URL may carry a password; the prefix is what tells stores apart.
        return f"RedisTokenStore(prefix={self._prefix!r})"

    def _key(self, key: str) -> str:
        return self._prefix + key

    def _lock_key(self, key: str) -> str:
        return self._prefix + key + ":lock"

    def _pause(self) -> float:
        # Jitter keeps waiting processes from retrying in lock step (not a security matter).
        return self._poll_interval * random.uniform(0.5, 1.5)  # noqa: S311

    # --- sync -----------------------------------------------------------------------------

    def _sync(self) -> redis.Redis:
        if self._client is None:
            if self._url is None:
                raise RuntimeError("this RedisTokenStore has only an async client; use it from async code")
            self._client = self._redis.Redis.from_url(self._url)
        return self._client

    def close(self) -> None:
        """Close the sync client if this store made it (from a ``url``)."""
        if self._client is not None and self._url is not None:
            self._client.close()
            self._client = None

    def get(self, key: str) -> Token | None:
        return _decoded(key, self._sync().get(self._key(key)))

    def set(self, key: str, token: Token) -> None:
        self._sync().set(self._key(key), token_to_json(token), px=self._entry_ttl_ms)

    def delete(self, key: str) -> None:
        self._sync().delete(self._key(key))

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        client = self._sync()
        name, owner = self._lock_key(key), _owner()
        deadline = time.monotonic() + self._lock_timeout
        while not client.set(name, owner, nx=True, px=self._lock_ttl_ms):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no token lock for {key} within {self._lock_timeout:g} s")
            time.sleep(self._pause())
        try:
            yield
        finally:
            client.eval(_RELEASE_SCRIPT, 1, name, owner)

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
        client = self._redis_asyncio.Redis.from_url(self._url)
        try:
            yield client
        finally:
            await client.aclose()

    async def aget(self, key: str) -> Token | None:
        async with self._async() as client:
            return _decoded(key, await client.get(self._key(key)))

    async def aset(self, key: str, token: Token) -> None:
        async with self._async() as client:
            await client.set(self._key(key), token_to_json(token), px=self._entry_ttl_ms)

    async def adelete(self, key: str) -> None:
        async with self._async() as client:
            await client.delete(self._key(key))

    @asynccontextmanager
    async def alock(self, key: str) -> AsyncIterator[None]:
        import asyncio  # here, not at import: a sync application never loads it

        name, owner = self._lock_key(key), _owner()
        deadline = time.monotonic() + self._lock_timeout
        async with self._async() as client:
            while not await client.set(name, owner, nx=True, px=self._lock_ttl_ms):
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"no token lock for {key} within {self._lock_timeout:g} s")
                await asyncio.sleep(self._pause())
            try:
                yield
            finally:
                await client.eval(_RELEASE_SCRIPT, 1, name, owner)


def _owner() -> str:
    """A random value that marks a Redis lock as ours."""
    import secrets  # only the Redis store needs it

    return secrets.token_hex(16)


def _decoded(key: str, raw: Any) -> Token | None:
    if raw is None:
        return None
    try:
        return token_from_json(raw)
    except (ValueError, KeyError, TypeError):
        # A damaged entry is treated as absent: the token is fetched again and overwrites it.
        logger.warning("ignoring an unreadable stored token for %s", key)
        return None
