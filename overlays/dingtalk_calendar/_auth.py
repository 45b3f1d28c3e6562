"""An ``httpx.Auth`` that sends a managed access token and recovers once from a rejected one."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Generator
from typing import Final

import httpx

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.spec_data import GLOBAL_ERRORS

from ._redact import put_token
from ._token_manager import TokenManager

logger = logging.getLogger("dingtalk_calendar.auth")

# The status DingTalk answers a bad or expired token with (400, not 401), as the spec says.
_INVALID_AUTHENTICATION_STATUS: Final = next(
    error.status for error in GLOBAL_ERRORS if error.code == ErrorCode.INVALID_AUTHENTICATION
)


def is_invalid_authentication(response: httpx.Response) -> bool:
    """Whether DingTalk refused the request's token (``InvalidAuthentication``). The body must be read."""
    if response.status_code != _INVALID_AUTHENTICATION_STATUS:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") == ErrorCode.INVALID_AUTHENTICATION


class DingTalkAuth(httpx.Auth):
    """Puts the current access token in DingTalk's header; on ``InvalidAuthentication``, renews it and re-sends once.

    Give it to the generated client (``dingtalk_calendar_api.Client(base_url=..., auth=auth)``)
    or to any ``httpx.Client``/``httpx.AsyncClient`` that talks to DingTalk. When the re-sent
    request is refused too, or no other token can be had, that answer is returned for the
    caller to raise; the request is never sent a third time.

    Only 400 answers have their body read here, so other responses can still be streamed.
    """

    def __init__(self, tokens: TokenManager) -> None:
        self.tokens = tokens

    def __repr__(self) -> str:
        return f"DingTalkAuth({self.tokens!r})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.tokens.get_token()
        put_token(request, token)
        response = yield request
        if response.status_code != _INVALID_AUTHENTICATION_STATUS:
            return
        response.read()
        if not is_invalid_authentication(response):
            return
        renewed = self.tokens.invalidate(token)
        if renewed == token:
            return
        self._log_retry()
        put_token(request, renewed)
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self.tokens.aget_token()
        put_token(request, token)
        response = yield request
        if response.status_code != _INVALID_AUTHENTICATION_STATUS:
            return
        await response.aread()
        if not is_invalid_authentication(response):
            return
        renewed = await self.tokens.ainvalidate(token)
        if renewed == token:
            return
        self._log_retry()
        put_token(request, renewed)
        yield request

    def _log_retry(self) -> None:
        logger.info(
            "DingTalk refused the access token for %s (InvalidAuthentication); sending once more with a new one",
            self.tokens.cache_key,
        )
