# unasync: the source of _auth/token_access.py (generator/unasync.py); run `make generate` after editing.
"""The token manager's path to a token: from its memory, from the store, or fetched."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import dingtalk_calendar_api

from .._secret import Secret
from .locks import check_time_left
from .token import Token
from .token_manager_base import TokenManagerBase, logger

if TYPE_CHECKING:
    from dingtalk_calendar_api import Client


class AsyncTokenAccess(TokenManagerBase):
    """Getting and replacing the token; ``TokenManager`` has these methods and their twins."""

    async def aget_token(self) -> str:
        """The access token to send now; fetched (once, whoever else asks) when needed.

        The token's text, for code that sends it itself; :meth:`aget_secret` keeps it masked.
        """
        return (await self.aget_secret()).reveal()

    async def aget_secret(self) -> Secret:
        """The access token to send now, as a :class:`~dingtalk_calendar._secret.Secret` (``DingTalkAuth`` sends it)."""
        current = self._current
        if current is not None and self._usable(current, self._clock(), rejected=None):
            return current.secret
        async with self._aexclusive():
            token = await self._aobtain(rejected=None)
        return token.secret

    async def ainvalidate(self, token: str | Secret) -> str:
        """Report that DingTalk rejected ``token``; returns the token to send instead.

        Only when ``token`` is still the current one is a new one fetched, so many callers
        reporting the same rejected token cause one request. Within ``min_fetch_interval`` of
        the previous such fetch, none is made and ``token`` itself is returned: the caller then
        sees the failure.
        """
        return (await self.ainvalidate_secret(Secret(token))).reveal()

    async def ainvalidate_secret(self, token: Secret) -> Secret:
        """:meth:`ainvalidate` with the tokens held as :class:`~dingtalk_calendar._secret.Secret`."""
        async with self._aexclusive():
            replacement = await self._aobtain(rejected=token)
        return replacement.secret

    async def _aobtain(self, *, rejected: Secret | None) -> Token:
        """Under the manager's lock: this process's token, the store's, or a new one."""
        now = self._clock()
        if self._usable(self._current, now, rejected=rejected):
            assert self._current is not None
            return self._current
        stored = await self._shared.aget(self.cache_key)
        if self._usable(stored, now, rejected=rejected):
            assert stored is not None
            return self._adopt(stored, fetched=False, now=now, rejected=rejected)
        async with self._shared.alock(self.cache_key):
            # Another process may have stored a token while we waited for the lock.
            stored = await self._shared.aget(self.cache_key)
            now = self._clock()
            if self._usable(stored, now, rejected=rejected):
                assert stored is not None
                return self._adopt(stored, fetched=False, now=now, rejected=rejected)
            # A caller out of time would not use the token: leave the fetch to the next one.
            check_time_left(f"about to fetch the access token for {self.cache_key}")
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
        # A client per fetch (one every two hours or so): nothing stays open between fetches.
        client = dingtalk_calendar_api.Client(
            base_url=self._base_url, timeout=self._timeout, httpx_args=self._args(self._async_transport)
        )
        try:
            yield client
        finally:
            if self._async_transport is None:  # closing would close a transport that is not ours
                await client.get_async_httpx_client().aclose()
