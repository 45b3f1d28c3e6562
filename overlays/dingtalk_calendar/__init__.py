"""The DingTalk subscribed-calendar SDK: the hand-written layer over the generated client.

Start with :class:`CalendarClient` (or :class:`AsyncCalendarClient`) and one of the
credential classes; see the README for each app type, errors, retries, bulk jobs and
extension by overlays. The low-level generated client is ``dingtalk_calendar_api``.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from dingtalk_calendar_api.error_codes import ErrorCode as ErrorCode, ErrorReason as ErrorReason

from ._client.async_client import AsyncCalendarClient as AsyncCalendarClient
from ._client.client import CalendarClient as CalendarClient
from ._defaults import (
    DEFAULT_BASE_URL as DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES as DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT as DEFAULT_TIMEOUT,
)
from ._errors import (
    ERROR_CLASS_BY_CODE as ERROR_CLASS_BY_CODE,
    AccessTokenPermissionDeniedError as AccessTokenPermissionDeniedError,
    APIConnectionError as APIConnectionError,
    APIStatusError as APIStatusError,
    APITimeoutError as APITimeoutError,
    AuthenticationError as AuthenticationError,
    BadRequestError as BadRequestError,
    ConfigurationError as ConfigurationError,
    DingTalkError as DingTalkError,
    EgressIpBannedError as EgressIpBannedError,
    EventLimitExceededError as EventLimitExceededError,
    IdempotencyProcessingError as IdempotencyProcessingError,
    InvalidCredentialsError as InvalidCredentialsError,
    InvalidParameterError as InvalidParameterError,
    IpNotAllowedError as IpNotAllowedError,
    MalformedRateLimitError as MalformedRateLimitError,
    MalformedResponseError as MalformedResponseError,
    MalformedServerError as MalformedServerError,
    NotFoundError as NotFoundError,
    PerMinuteRateLimitError as PerMinuteRateLimitError,
    PermissionDeniedError as PermissionDeniedError,
    QuotaExceededError as QuotaExceededError,
    RateLimitError as RateLimitError,
    RefreshTokenInvalidError as RefreshTokenInvalidError,
    ServerError as ServerError,
    SubscribedCalendarUnsupportedError as SubscribedCalendarUnsupportedError,
    SubscribeLimitExceededError as SubscribeLimitExceededError,
    SystemBusyError as SystemBusyError,
    TokenStoreError as TokenStoreError,
    ValidationError as ValidationError,
    error_from_response as error_from_response,
)
from ._extensions import (
    ATTEMPTS_EXTENSION as ATTEMPTS_EXTENSION,
    OPERATION_EXTENSION as OPERATION_EXTENSION,
    RETRY_EXTENSION as RETRY_EXTENSION,
)
from ._generated import RESULTS
from ._json import UnreadableJSONError as UnreadableJSONError
from ._logging import RedactingFilter as RedactingFilter
from ._overlay.overlay import Attempt as Attempt, Overlay as Overlay, TokenRequest as TokenRequest
from ._version import __version__ as __version__

if TYPE_CHECKING:
    from ._auth.credentials import (
        EnterpriseAppCredentials as EnterpriseAppCredentials,
        FixedToken as FixedToken,
        InternalAppCredentials as InternalAppCredentials,
        UserCredentials as UserCredentials,
    )
    from ._auth.httpx_auth import DingTalkAuth as DingTalkAuth
    from ._auth.redis_store import RedisTokenStore as RedisTokenStore
    from ._auth.stores import MemoryTokenStore as MemoryTokenStore, TokenStore as TokenStore
    from ._auth.token import Token as Token, TokenProvider as TokenProvider
    from ._auth.token_manager import TokenManager as TokenManager
    from ._bulk.async_run import abulk_run as abulk_run
    from ._bulk.errors import (
        BulkJobError as BulkJobError,
        BulkJobInterrupted as BulkJobInterrupted,
        ResultFalseError as ResultFalseError,
        UnexpectedError as UnexpectedError,
    )
    from ._bulk.ledger import StopSignal as StopSignal
    from ._bulk.rate_limit import (
        DEFAULT_BULK_RATE as DEFAULT_BULK_RATE,
        AsyncRateLimiter as AsyncRateLimiter,
        RateLimit as RateLimit,
        RateLimiter as RateLimiter,
        RedisRateLimit as RedisRateLimit,
        budget_key as budget_key,
    )
    from ._bulk.result import BulkResult as BulkResult, Failure as Failure, Progress as Progress
    from ._bulk.run import bulk_run as bulk_run
    from ._call.models import Scope as Scope
    from ._client.env import credentials_from_env as credentials_from_env, settings_from_env as settings_from_env
    from ._client.pages import AsyncPages as AsyncPages, Pages as Pages
    from ._client.raw import RawResult as RawResult
    from ._generated.results import *  # noqa: F403 - the result classes generated from the spec
    from ._overlay.otel import OpenTelemetryOverlay as OpenTelemetryOverlay
    from ._retry.policy import NO_RETRIES as NO_RETRIES, RetryPolicy as RetryPolicy
    from ._retry.table import (
        AsyncRetryTransport as AsyncRetryTransport,
        RetryTransport as RetryTransport,
        retry_table as retry_table,
    )
    from ._transport.aiohttp_transport import AsyncAiohttpTransport as AsyncAiohttpTransport

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
    "Scope": "._call.models",
    **dict.fromkeys(RESULTS, "._generated.results"),
    **dict.fromkeys(["NO_RETRIES", "RetryPolicy"], "._retry.policy"),
    **dict.fromkeys(["MemoryTokenStore", "TokenStore"], "._auth.stores"),
    "RedisTokenStore": "._auth.redis_store",
    **dict.fromkeys(
        [
            "EnterpriseAppCredentials",
            "FixedToken",
            "InternalAppCredentials",
            "UserCredentials",
        ],
        "._auth.credentials",
    ),
    **dict.fromkeys(["Token", "TokenProvider"], "._auth.token"),
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
    return sorted({*globals(), *_LAZY})


# What the package exports: to type checkers, the ``X as X`` imports above; at run time, those
# names and the lazily loaded ones.
if not TYPE_CHECKING:
    __all__ = sorted(
        {*_LAZY, "__version__", *(name for name in globals() if not name.startswith("_"))}
        - {"Any", "RESULTS", "TYPE_CHECKING", "import_module"}  # imported for this module's own use
    )
