"""An ``httpx.Auth`` that sends a managed access token and recovers once from a rejected one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .async_token_flow import AsyncTokenFlow
from .invalid_token import is_invalid_authentication
from .token_flow import TokenFlow

if TYPE_CHECKING:
    from .token_manager import TokenManager

__all__ = ["DingTalkAuth", "is_invalid_authentication"]


class DingTalkAuth(AsyncTokenFlow, TokenFlow, httpx.Auth):
    """Puts the current access token in DingTalk's header; on ``InvalidAuthentication``, renews it and re-sends once.

    Give it to the generated client (``dingtalk_calendar_api.Client(base_url=..., auth=auth)``)
    or to any ``httpx.Client``/``httpx.AsyncClient`` that talks to DingTalk. When the re-sent
    request is refused too, or no other token can be had, that answer is returned for the
    caller to raise; the request is never sent a third time.

    Only 400 answers have their body read here, so other responses can still be streamed.
    The flow is written once, in ``_auth/async_token_flow.py``; ``_auth/token_flow.py`` is generated from it.
    """

    def __init__(self, tokens: TokenManager) -> None:
        self.tokens = tokens

    def __repr__(self) -> str:
        return f"DingTalkAuth({self.tokens!r})"
