# unasync: the source of _auth/token_flow.py (generator/unasync.py); run `make generate` after editing.
"""``DingTalkAuth``'s flow: the managed token on each request, and one renewal when DingTalk refuses it.

The flow is httpx's generator (``async_auth_flow``), which the SDK's clients and any other
httpx client run alike, in two steps: the token put on, and after an answer, the request to
send once more, if any.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

import httpx

from .._redact import put_token
from .._secret import Secret
from .invalid_token import INVALID_AUTHENTICATION_STATUS, is_invalid_authentication, log_resend

if TYPE_CHECKING:
    from .token_manager import TokenManager


class AsyncTokenFlow:
    """The flow's steps, for ``DingTalkAuth``, which holds the ``tokens``."""

    tokens: TokenManager

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Send ``request`` with the current token; on ``InvalidAuthentication``, once more with a new one."""
        token = await self.aauthorize(request)
        response = yield request
        again = await self.arenewed(request, token, response)
        if again is not None:
            yield again

    async def aauthorize(self, request: httpx.Request) -> Secret:
        """Put the current token on ``request``; returns that token (masked in any ``repr``)."""
        token = await self.tokens.aget_secret()
        put_token(request, token)
        return token

    async def arenewed(self, request: httpx.Request, token: Secret, response: httpx.Response) -> httpx.Request | None:
        """``request`` with a new token when ``response`` is DingTalk refusing ``token``; else None (send no more)."""
        if response.status_code != INVALID_AUTHENTICATION_STATUS:
            return None
        await response.aread()  # only a 400's body is read here (the SDK's retry layer has read it already)
        if not is_invalid_authentication(response):
            return None
        renewed = await self.tokens.ainvalidate_secret(token)
        if renewed == token:
            return None
        log_resend(self.tokens.cache_key)
        put_token(request, renewed)
        return request
