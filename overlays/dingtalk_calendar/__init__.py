"""The DingTalk subscribed-calendar SDK: the hand-written layer over the generated client.

Start with :class:`CalendarClient` (or :class:`AsyncCalendarClient`) and one of the
credential classes; see the README for each app type, errors, retries, bulk jobs and
extension by overlays. The low-level generated client is ``dingtalk_calendar_api``.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason

from ._async_client import AsyncCalendarClient
from ._client import CalendarClient
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
from ._overlay import Attempt, Overlay, TokenRequest
from ._version import __version__

if TYPE_CHECKING:
    from ._auth import DingTalkAuth
    from ._bulk import (
        BulkJobError,
        BulkJobInterrupted,
        BulkResult,
        Failure,
        Progress,
        ResultFalseError,
        StopSignal,
        UnexpectedError,
        abulk_run,
        bulk_run,
    )
    from ._env import credentials_from_env, settings_from_env
    from ._generated.results import *  # noqa: F403 - the result classes generated from the spec
    from ._models import Calendar, Scope
    from ._otel import OpenTelemetryOverlay
    from ._pages import AsyncPages, Pages
    from ._rate_limit import DEFAULT_BULK_RATE, AsyncRateLimiter, RateLimit, RateLimiter, RedisRateLimit, budget_key
    from ._raw import RawResult
    from ._retry import AsyncRetryTransport, RetryTransport, retry_table
    from ._retry_policy import NO_RETRIES, RetryPolicy
    from ._token_manager import TokenManager
    from ._token_store import MemoryTokenStore, RedisTokenStore, TokenStore
    from ._tokens import (
        EnterpriseAppCredentials,
        FixedToken,
        InternalAppCredentials,
        Token,
        TokenProvider,
        UserCredentials,
    )
    from ._transport.aiohttp_transport import AsyncAiohttpTransport

# Loaded on first use (PEP 562): the async transport imports asyncio, which a sync application
# should not pay for, and bulk jobs, rate limiters and environment settings are for some
# applications only; the auth, retry and token layers load when the first client is made, and
# the attrs value classes (results, credentials, policies, token stores) when first used, so
# that importing the SDK does not import attrs.
# Type checkers see the ordinary imports above.
_LAZY = {
    "AsyncAiohttpTransport": "._transport.aiohttp_transport",
    "OpenTelemetryOverlay": "._otel",  # imports opentelemetry-api (the otel extra)
    "RawResult": "._raw",
    "Pages": "._pages",
    "AsyncPages": "._pages",
    "retry_table": "._retry",
    "DingTalkAuth": "._auth",
    "AsyncRetryTransport": "._retry",
    "RetryTransport": "._retry",
    "TokenManager": "._token_manager",
    **dict.fromkeys(["Calendar", "Scope"], "._models"),
    **dict.fromkeys(RESULTS, "._generated.results"),
    **dict.fromkeys(["NO_RETRIES", "RetryPolicy"], "._retry_policy"),
    **dict.fromkeys(["MemoryTokenStore", "RedisTokenStore", "TokenStore"], "._token_store"),
    **dict.fromkeys(
        [
            "EnterpriseAppCredentials",
            "FixedToken",
            "InternalAppCredentials",
            "Token",
            "TokenProvider",
            "UserCredentials",
        ],
        "._tokens",
    ),
    **dict.fromkeys(
        [
            "BulkJobError",
            "BulkJobInterrupted",
            "BulkResult",
            "Failure",
            "Progress",
            "ResultFalseError",
            "StopSignal",
            "UnexpectedError",
            "abulk_run",
            "bulk_run",
        ],
        "._bulk",
    ),
    **dict.fromkeys(["credentials_from_env", "settings_from_env"], "._env"),
    **dict.fromkeys(
        ["DEFAULT_BULK_RATE", "AsyncRateLimiter", "RateLimit", "RateLimiter", "RedisRateLimit", "budget_key"],
        "._rate_limit",
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
