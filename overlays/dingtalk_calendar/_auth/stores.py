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

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from .async_store_io import AsyncStoreViewIO
from .credentials import UserCredentials
from .locks import KeyedLocks, holding, holding_thread_lock, waiting_for_lock
from .redis_store import RedisTokenStore as RedisTokenStore  # where the fleet imports it from
from .store_bases import STORE_RETRY_INTERVAL as STORE_RETRY_INTERVAL
from .store_bases import TokenStore as TokenStore
from .store_io import StoreViewIO
from .token import Token, TokenProvider


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


def store_is_essential(provider: TokenProvider) -> bool:
    """Whether ``provider``'s tokens must not be fetched past the store (a user's rotating refresh token)."""
    return isinstance(provider, UserCredentials)


class SharedStoreView(StoreViewIO, AsyncStoreViewIO):
    """A token manager's view of its store: a failing store is skipped, not waited on, for app tokens.

    Without an outage it is the store itself. After a :class:`TokenStoreError`, and for
    ``STORE_RETRY_INTERVAL`` seconds, reads find nothing, the lock is this process's own
    (the token manager's), and writes are skipped; the manager then fetches the token here
    and keeps it in memory. For an ``essential`` store the error is raised instead.
    """
