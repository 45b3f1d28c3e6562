"""The DingTalk subscribed-calendar SDK: the hand-written layer over the generated client.

Start with :class:`CalendarClient` (or :class:`AsyncCalendarClient`) and one of the
credential classes; see the README for each app type, errors, retries, bulk jobs and
extension by overlays. The low-level generated client is ``dingtalk_calendar_api``.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason

from ._client.async_client import AsyncCalendarClient
from ._client.client import CalendarClient
from ._defaults import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._errors import (
    ERROR_CLASS_BY_CODE,
    AccessTokenPermissionDeniedError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    DingTalkError,
    EgressIpBannedError,
    EventLimitExceededError,
    IdempotencyProcessingError,
    InvalidCredentialsError,
    InvalidParameterError,
    IpNotAllowedError,
    MalformedRateLimitError,
    MalformedResponseError,
    MalformedServerError,
    NotFoundError,
    PerMinuteRateLimitError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    RefreshTokenInvalidError,
    ServerError,
    SubscribedCalendarUnsupportedError,
    SubscribeLimitExceededError,
    SystemBusyError,
    TokenStoreError,
    ValidationError,
    error_from_response,
)
from ._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION, RETRY_EXTENSION
from ._generated import RESULTS
from ._json import UnreadableJSONError
from ._logging import RedactingFilter
from ._overlay.overlay import Attempt, Overlay, TokenRequest
from ._version import __version__

if TYPE_CHECKING:
    from ._auth.credentials import (
        EnterpriseAppCredentials,
        FixedToken,
        InternalAppCredentials,
        Token,
        TokenProvider,
        UserCredentials,
    )
    from ._auth.httpx_auth import DingTalkAuth
    from ._auth.redis_store import RedisTokenStore
    from ._auth.stores import MemoryTokenStore, TokenStore
    from ._auth.token_manager import TokenManager
    from ._bulk.async_run import abulk_run
    from ._bulk.errors import BulkJobError, BulkJobInterrupted, ResultFalseError, UnexpectedError
    from ._bulk.ledger import StopSignal
    from ._bulk.rate_limit import (
        DEFAULT_BULK_RATE,
        AsyncRateLimiter,
        RateLimit,
        RateLimiter,
        RedisRateLimit,
        budget_key,
    )
    from ._bulk.result import BulkResult, Failure, Progress
    from ._bulk.run import bulk_run
    from ._call.models import Calendar, Scope
    from ._client.env import credentials_from_env, settings_from_env
    from ._client.pages import AsyncPages, Pages
    from ._client.raw import RawResult
    from ._generated.results import *  # noqa: F403 - the result classes generated from the spec
    from ._overlay.otel import OpenTelemetryOverlay
    from ._retry.policy import NO_RETRIES, RetryPolicy
    from ._retry.table import AsyncRetryTransport, RetryTransport, retry_table
    from ._transport.aiohttp_transport import AsyncAiohttpTransport

# Loaded on first use (PEP 562): the async transport imports asyncio, which a sync application
# should not pay for, and bulk jobs, rate limiters and environment settings are for some
# applications only; the auth, retry and token layers load when the first client is made, and
# the attrs value classes (results, credentials, policies, token stores) when first used, so
# that importing the SDK does not import attrs.
# Type checkers see the ordinary imports above.
_LAZY = {
    "AsyncAiohttpTransport": "._transport.aiohttp_transport",
    "OpenTelemetryOverlay": "._overlay.otel",  # imports opentelemetry-api (the otel extra)
    "RawResult": "._client.raw",
    "Pages": "._client.pages",
    "AsyncPages": "._client.pages",
    "retry_table": "._retry.table",
    "DingTalkAuth": "._auth.httpx_auth",
    "AsyncRetryTransport": "._retry.table",
    "RetryTransport": "._retry.table",
    "TokenManager": "._auth.token_manager",
    **dict.fromkeys(["Calendar", "Scope"], "._call.models"),
    **dict.fromkeys(RESULTS, "._generated.results"),
    **dict.fromkeys(["NO_RETRIES", "RetryPolicy"], "._retry.policy"),
    **dict.fromkeys(["MemoryTokenStore", "TokenStore"], "._auth.stores"),
    "RedisTokenStore": "._auth.redis_store",
    **dict.fromkeys(
        [
            "EnterpriseAppCredentials",
            "FixedToken",
            "InternalAppCredentials",
            "Token",
            "TokenProvider",
            "UserCredentials",
        ],
        "._auth.credentials",
    ),
    "bulk_run": "._bulk.run",
    "abulk_run": "._bulk.async_run",
    "StopSignal": "._bulk.ledger",
    **dict.fromkeys(["BulkJobError", "BulkJobInterrupted", "ResultFalseError", "UnexpectedError"], "._bulk.errors"),
    **dict.fromkeys(["BulkResult", "Failure", "Progress"], "._bulk.result"),
    **dict.fromkeys(["credentials_from_env", "settings_from_env"], "._client.env"),
    **dict.fromkeys(
        ["DEFAULT_BULK_RATE", "AsyncRateLimiter", "RateLimit", "RateLimiter", "RedisRateLimit", "budget_key"],
        "._bulk.rate_limit",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "ATTEMPTS_EXTENSION",
    "DEFAULT_BASE_URL",
    "DEFAULT_BULK_RATE",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ERROR_CLASS_BY_CODE",
    "NO_RETRIES",
    "OPERATION_EXTENSION",
    "RETRY_EXTENSION",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AccessTokenPermissionDeniedError",
    "AsyncAiohttpTransport",
    "AsyncCalendarClient",
    "AsyncPages",
    "AsyncRateLimiter",
    "AsyncRetryTransport",
    "Attempt",
    "AuthenticationError",
    "BadRequestError",
    "BulkJobError",
    "BulkJobInterrupted",
    "BulkResult",
    "Calendar",
    "CalendarClient",
    "ConfigurationError",
    "DingTalkAuth",
    "DingTalkError",
    "EgressIpBannedError",
    "EnterpriseAppCredentials",
    "ErrorCode",
    "ErrorReason",
    "EventLimitExceededError",
    "Failure",
    "FixedToken",
    "IdempotencyProcessingError",
    "InternalAppCredentials",
    "InvalidCredentialsError",
    "InvalidParameterError",
    "IpNotAllowedError",
    "MalformedRateLimitError",
    "MalformedResponseError",
    "MalformedServerError",
    "MemoryTokenStore",
    "NotFoundError",
    "OpenTelemetryOverlay",
    "Overlay",
    "Pages",
    "PerMinuteRateLimitError",
    "PermissionDeniedError",
    "Progress",
    "QuotaExceededError",
    "RateLimit",
    "RateLimitError",
    "RateLimiter",
    "RawResult",
    "RedactingFilter",
    "RedisRateLimit",
    "RedisTokenStore",
    "RefreshTokenInvalidError",
    "ResultFalseError",
    "RetryPolicy",
    "RetryTransport",
    "Scope",
    "ServerError",
    "StopSignal",
    "SubscribeLimitExceededError",
    "SubscribedCalendarUnsupportedError",
    "SystemBusyError",
    "Token",
    "TokenManager",
    "TokenProvider",
    "TokenRequest",
    "TokenStore",
    "TokenStoreError",
    "UnexpectedError",
    "UnreadableJSONError",
    "UserCredentials",
    "ValidationError",
    "__version__",
    "abulk_run",
    "budget_key",
    "bulk_run",
    "credentials_from_env",
    "error_from_response",
    "retry_table",
    "settings_from_env",
]
__all__ += RESULTS  # the result classes generated from the spec (CreatedCalendar, Result, ...)
