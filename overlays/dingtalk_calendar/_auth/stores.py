"""Where tokens are kept between fetches: in this process, or in Redis for a fleet.

A store holds one :class:`Token` per credential ``cache_key`` and offers a lock per key.
The token manager takes the lock around "read again, fetch if still needed, write", so
that of all the processes sharing one store, one fetches and the others read its token.

A shared store is a cache, so its outage must not stop calls: :class:`SharedStoreView` is
how the token manager sees its store. When the store raises :class:`TokenStoreError`, an
app's token (re-obtainable from its secret at any time) is fetched in this process and not
shared, and the store is left alone for ``STORE_RETRY_INTERVAL`` seconds, so one outage
costs each process one store timeout, not one per caller. A user token does raise: its
refresh token rotates and lives in the store, and fetching without it would spend the
refresh token the store holds and lose its successor.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AbstractContextManager,
    AsyncExitStack,
    ExitStack,
    asynccontextmanager,
    contextmanager,
)
from typing import Final, Protocol, runtime_checkable

from .._errors import TokenStoreError
from .credentials import Token, TokenProvider, UserCredentials
from .locks import KeyedLocks, holding, holding_thread_lock, waiting_for_lock, within_time_left
from .redis_store import RedisTokenStore as RedisTokenStore  # where the fleet imports it from

logger = logging.getLogger("dingtalk_calendar.auth")


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
        with holding(self._locks(key), waiting_for_lock(key)):
            yield

    async def aget(self, key: str) -> Token | None:
        return self.get(key)

    async def aset(self, key: str, token: Token) -> None:
        self.set(key, token)

    async def adelete(self, key: str) -> None:
        self.delete(key)

    @asynccontextmanager
    async def alock(self, key: str) -> AsyncIterator[None]:
        async with holding_thread_lock(self._locks(key), waiting_for_lock(key)):
            yield


STORE_RETRY_INTERVAL: Final = 30.0
"""Seconds a token manager leaves its store alone after the store failed."""


def store_is_essential(provider: TokenProvider) -> bool:
    """Whether ``provider``'s tokens must not be fetched past the store (a user's rotating refresh token)."""
    return isinstance(provider, UserCredentials)


class SharedStoreView:
    """A token manager's view of its store: a failing store is skipped, not waited on, for app tokens.

    Without an outage it is the store itself. After a :class:`TokenStoreError`, and for
    ``STORE_RETRY_INTERVAL`` seconds, reads find nothing, the lock is this process's own
    (the token manager's), and writes are skipped; the manager then fetches the token here
    and keeps it in memory. For an ``essential`` store the error is raised instead.
    """

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

    def get(self, key: str) -> Token | None:
        if self._skipping():
            return None
        try:
            return self.store.get(key)
        except TokenStoreError as error:
            self._failed(error, key)
            return None

    def set(self, key: str, token: Token) -> None:
        if self._skipping():
            return
        try:
            self.store.set(key, token)
        except TokenStoreError as error:
            self._kept_in_memory(error, key)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with ExitStack() as held:
            if not self._skipping():
                try:
                    held.enter_context(self.store.lock(key))
                except TokenStoreError as error:
                    self._failed(error, key)
            yield

    async def aget(self, key: str) -> Token | None:
        if self._skipping():
            return None
        try:
            # Cut at the call's limit when that comes before the store's own timeout. Only reads
            # are: a fetched token's write must not be lost, and a lock is the store's to bound.
            return await within_time_left(self.store.aget(key), f"reading the token store for {key}")
        except TokenStoreError as error:
            self._failed(error, key)
            return None

    async def aset(self, key: str, token: Token) -> None:
        if self._skipping():
            return
        try:
            await self.store.aset(key, token)
        except TokenStoreError as error:
            self._kept_in_memory(error, key)

    @asynccontextmanager
    async def alock(self, key: str) -> AsyncIterator[None]:
        async with AsyncExitStack() as held:
            if not self._skipping():
                try:
                    await held.enter_async_context(self.store.alock(key))
                except TokenStoreError as error:
                    self._failed(error, key)
            yield
