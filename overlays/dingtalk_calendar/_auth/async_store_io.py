# unasync: the source of _auth/store_io.py (generator/unasync.py); run `make generate` after editing.
"""The token stores' reads, writes and locks: the Redis store's, and the token manager's view of its store."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from .._errors import TokenStoreError
from .locks import awithin_time_left
from .store_bases import _RELEASE_SCRIPT, RedisStoreBase, StoreViewBase, _decoded, _owner, logger, token_to_json
from .token import Token


class AsyncRedisIO(RedisStoreBase):
    """``RedisTokenStore``'s methods of one kind (its class joins this one and its twin)."""

    async def aget(self, key: str) -> Token | None:
        with self._failing_as_store_error("reading", key):
            async with self._aconnection() as client:
                return _decoded(key, await client.get(self._key(key)))

    async def aset(self, key: str, token: Token) -> None:
        with self._failing_as_store_error("writing", key):
            async with self._aconnection() as client:
                await client.set(self._key(key), token_to_json(token), px=self._entry_ttl_ms)

    async def adelete(self, key: str) -> None:
        with self._failing_as_store_error("deleting", key):
            async with self._aconnection() as client:
                await client.delete(self._key(key))

    @asynccontextmanager
    async def alock(self, key: str) -> AsyncIterator[None]:
        name, owner = self._lock_key(key), _owner()
        give_up_at = time.monotonic() + self._lock_timeout
        async with AsyncExitStack() as stack:
            with self._failing_as_store_error("locking", key):
                client = await stack.enter_async_context(self._aconnection())
                # Each SET runs to the store's timeout, not cut at the call's: a SET cut after Redis
                # ran it would leave a lock nobody releases, blocking the fleet until it lapses. Other
                # processes release the lock: no event of this process can tell, so it polls.
                while not await client.set(name, owner, nx=True, px=self._holder_ttl_ms()):
                    await self._apause(key, give_up_at)
            try:
                yield
            finally:
                try:
                    await client.eval(_RELEASE_SCRIPT, 1, name, owner)
                except (self._redis.RedisError, OSError):
                    logger.debug("could not release the token lock for %s; it lapses at its TTL", key)


class AsyncStoreViewIO(StoreViewBase):
    """``SharedStoreView``'s methods of one kind: a failing store is skipped (or raises, when essential)."""

    async def aget(self, key: str) -> Token | None:
        if self._skipping():
            return None
        try:
            # Cut at the call's limit when that comes before the store's own timeout (where a
            # read can be cut). Only reads are: a fetched token's write must not be lost, and a
            # lock is the store's to bound.
            return await awithin_time_left(self.store.aget(key), f"reading the token store for {key}")
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
