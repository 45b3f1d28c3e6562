# unasync: the source of _sync_auth.py (generator/unasync.py); run `make generate` after editing.
"""``DingTalkAuth``'s flow: the managed token on each request, and one renewal when DingTalk refuses it."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

import httpx

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from ._invalid_token import INVALID_AUTHENTICATION_STATUS, is_invalid_authentication, log_resend

if TYPE_CHECKING:
    from ._token_manager import TokenManager


async def async_token_flow(
    tokens: TokenManager, request: httpx.Request
) -> AsyncGenerator[httpx.Request, httpx.Response]:
    """Send ``request`` with the current token; on ``InvalidAuthentication``, once more with a new one."""
    token = await tokens.aget_token()
    request.headers[ACCESS_TOKEN_HEADER] = token
    response = yield request
    if response.status_code != INVALID_AUTHENTICATION_STATUS:
        return
    await response.aread()  # only a 400's body is read: other answers can still be streamed
    if not is_invalid_authentication(response):
        return
    renewed = await tokens.ainvalidate(token)
    if renewed == token:
        return
    log_resend(tokens.cache_key)
    request.headers[ACCESS_TOKEN_HEADER] = renewed
    yield request
