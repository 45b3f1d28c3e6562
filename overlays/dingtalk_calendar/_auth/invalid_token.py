"""Telling DingTalk's refusal of a token from other answers, for both of ``DingTalkAuth``'s flows."""

import logging
from typing import Final

import httpx

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.spec_data import GLOBAL_ERRORS

from .._json import UnreadableJSONError, decode_json

logger = logging.getLogger("dingtalk_calendar.auth")

# The status DingTalk answers a bad or expired token with (400, not 401), as the spec says.
INVALID_AUTHENTICATION_STATUS: Final = next(
    error.status for error in GLOBAL_ERRORS if error.code == ErrorCode.INVALID_AUTHENTICATION
)


def is_invalid_authentication(response: httpx.Response) -> bool:
    """Whether DingTalk refused the request's token (``InvalidAuthentication``). The body must be read."""
    if response.status_code != INVALID_AUTHENTICATION_STATUS:
        return False
    try:
        body = decode_json(response.content, what="an error answer")
    except UnreadableJSONError:
        return False
    return isinstance(body, dict) and body.get("code") == ErrorCode.INVALID_AUTHENTICATION


def log_resend(cache_key: str) -> None:
    logger.info(
        "DingTalk refused the access token for %s (InvalidAuthentication); sending once more with a new one",
        cache_key,
    )
