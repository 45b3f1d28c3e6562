"""The exceptions the SDK raises (``_errors`` makes them from DingTalk's answers, and is where they are imported from).

Catch at the level you care about: the README's error tree, which ``make generate`` writes
from these classes (``generator/readme_tables.py``), shows the hierarchy with each class's
first docstring line.

DingTalk reuses 400 and 403 for many causes, so an answer is classified by the body's
``code`` first (``ERROR_CLASS_BY_CODE``, one entry per generated ``ErrorCode``) and by
the HTTP status second. An unknown code still raises, classified by status, with
``raw_code`` and the body kept.

A class whose ``ends_bulk_job`` is True names an error that no retry and no other item
of a bulk job can get past (the monthly quota, the IP allowlist, a ban of this IP): a
bulk job stops at the first one and says why.
"""

import re
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Final

import httpx

from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason

from ._error_base import DingTalkError
from ._retry.retry_after import parse_retry_after

_MAX_MESSAGE_LENGTH: Final = 300


class ConfigurationError(DingTalkError, ValueError):
    """The settings cannot be used (a client argument, a ``DINGTALK_*`` variable, a CLI flag); nothing was sent.

    The message names the setting and says why, never its value when that is a secret.
    """


class TokenStoreError(DingTalkError):
    """The shared token store failed or did not answer within its timeout (Redis down or frozen).

    App tokens never show it: the token manager then fetches in this process instead. A
    user token does, since its rotating refresh token lives in the store. Raised ``from``
    the store's own exception, which stays in ``__cause__``.
    """


class ValidationError(DingTalkError, ValueError):
    """A value was rejected before anything was sent."""

    def __init__(self, field: str, reason: str, *, operation: str | None = None) -> None:
        self.field = field
        """The offending field as the caller wrote it: ``name``, ``scope.users[1]``, and a mapping's own
        keys inside it (``start.dateTime``, ``attendees[0].id``)."""
        self.reason = reason
        """Why, in words (may be an ``ErrorReason``, the message DingTalk would have answered)."""
        self.operation = operation
        prefix = f"{operation}: " if operation else ""
        super().__init__(f"{prefix}invalid {field}: {reason} (not sent)")


class APIConnectionError(DingTalkError):
    """No answer from DingTalk: the connection failed, was dropped, or timed out.

    Raised ``from`` the underlying httpx exception, which stays in ``__cause__``.
    """

    def __init__(self, message: str, *, operation: str | None = None, attempts: int = 1) -> None:
        self.message = message
        self.operation = operation
        self.attempts = attempts
        prefix = f"{operation}: " if operation else ""
        super().__init__(f"{prefix}{_one_line(message)} ({_attempts_text(attempts)})")


class APITimeoutError(APIConnectionError):
    """DingTalk did not answer in time (connect, read, write or pool timeout)."""


class APIStatusError(DingTalkError):
    """DingTalk, or something in front of it, answered with an error."""

    advice: ClassVar[str | None] = None
    """What the error means and what to do, added to the message where the class knows."""

    def __init__(
        self,
        *,
        status_code: int,
        raw_code: str | None = None,
        message: str | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        attempts: int = 1,
        body: dict[str, Any] | None = None,
        headers: httpx.Headers | None = None,
        detail: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.raw_code = raw_code
        """The body's ``code`` as sent, kept even when ``ErrorCode`` does not know it."""
        self.code = ErrorCode.parse(raw_code)
        self.message = message
        """The body's ``message`` as sent."""
        self.reason = ErrorReason.parse(message)
        """The documented message as an enum, to branch on without matching strings."""
        self.request_id = request_id
        """DingTalk's ``requestid``: quote it in a support ticket."""
        self.operation = operation
        self.attempts = attempts
        self.body = body
        """The parsed JSON body, with secret fields redacted; None when it was not JSON."""
        self.headers = headers if headers is not None else httpx.Headers()
        """The response's headers (never the request's, which hold the token), secret ones masked."""
        self.detail = detail
        """What was wrong with the answer when its body does not say (an HTML page, ...)."""
        super().__init__(self._summary())

    def _summary(self) -> str:
        head = [f"HTTP {self.status_code}"] if self.attempts else []
        if self.raw_code:
            head.append(_one_line(self.raw_code))
        line = f"{self.operation}: " if self.operation else ""
        line += " ".join(head)
        text = self.message or self.detail
        if text:
            line += f": {_one_line(text)}"
        notes = [f"request id {self.request_id}"] if self.request_id else []
        notes.append(_attempts_text(self.attempts))
        advice = self._advice()
        return f"{line} ({', '.join(notes)})" + (f". {advice}" if advice else "")

    def _advice(self) -> str | None:
        return self.advice

    def __repr__(self) -> str:
        fields = {
            "status_code": self.status_code,
            "raw_code": self.raw_code,
            "message": self.message,
            "request_id": self.request_id,
            "operation": self.operation,
            "attempts": self.attempts,
        }
        shown = ", ".join(f"{name}={value!r}" for name, value in fields.items() if value is not None)
        return f"{type(self).__name__}({shown})"


class BadRequestError(APIStatusError):
    """HTTP 400 that no more specific class claims."""


class InvalidParameterError(BadRequestError):
    """``invalidParameter``: DingTalk rejected a value; ``reason`` says which rule."""


class SubscribeLimitExceededError(BadRequestError):
    """``exceedSubscribeLimit``: the user subscribes to as many calendars as allowed."""


class EventLimitExceededError(BadRequestError):
    """``flowLimit``: the user created 100 events today; creating more waits for tomorrow."""


class IdempotencyProcessingError(BadRequestError):
    """``idempotencyProcessing``: a request with the same ``x-client-token`` is still running.

    The retry layer waits it out and sends again; this is raised only when the call's
    retries or time ran out first.
    """


class SubscribedCalendarUnsupportedError(InvalidParameterError):
    """``invalidParameter.subscribed.invalid``: the operation needs participants; a subscribed calendar has none."""


class AuthenticationError(APIStatusError):
    """The token or the credentials were refused (``InvalidAuthentication``: HTTP 400)."""

    ends_bulk_job = True


class InvalidCredentialsError(AuthenticationError):
    """A token endpoint refused the app's credentials (key/secret, suite ticket, auth code, corp)."""


class RefreshTokenInvalidError(InvalidCredentialsError):
    """The user refresh token is unknown, already rotated or expired: the user must sign in again.

    DingTalk answers it as ``invalidRefreshToken``; the token layer also raises it itself,
    as ``RefreshTokenInvalidError("why")``, when it has no refresh token left to send
    (``attempts`` is then 0: nothing was sent).
    """

    def __init__(self, message: str | None = None, /, **fields: Any) -> None:
        if not fields:
            # Raised before any call: what DingTalk would have answered, marked as not sent.
            fields = {"status_code": 400, "raw_code": ErrorCode.INVALID_REFRESH_TOKEN.value, "attempts": 0}
        if message is not None:
            fields["message"] = message
        super().__init__(**fields)


class PermissionDeniedError(APIStatusError):
    """The caller may not do this (``permissionDenied``; DingTalk answers it with 400 or 403)."""


class AccessTokenPermissionDeniedError(PermissionDeniedError):
    """The app lacks a permission (scope) the API needs; grant it in the developer console."""

    ends_bulk_job = True

    @property
    def required_scopes(self) -> tuple[str, ...]:
        """The scopes DingTalk says are missing (``accessdenieddetail.requiredScopes``)."""
        detail = (self.body or {}).get("accessdenieddetail")
        scopes = detail.get("requiredScopes") if isinstance(detail, dict) else None
        if not isinstance(scopes, list):
            return ()
        return tuple(str(scope) for scope in scopes)


class NotFoundError(APIStatusError):
    """HTTP 404."""


class RateLimitError(APIStatusError):
    """Throttled: ``Forbidden.AccessDenied.QpsLimit*`` (HTTP 403) or HTTP 429. Wait about a second.

    Per second: per app per API (``QpsLimitForAppkeyAndApi``, 20 on a standard
    organisation), per API for all of DingTalk (``QpsLimitForApi``), per third-party suite
    per customer organisation per API (``QpsLimitForSuitekeyAndOrgAndApi``).
    ``retry_after`` is the wait DingTalk's pages advise for this kind of limit.
    """

    retry_after: ClassVar[float] = 1.0
    """Seconds to wait before calling this API again (a ``Retry-After`` header, if sent, says better)."""


class PerMinuteRateLimitError(RateLimitError):
    """A per-minute quota (``QpmLimitForAppkeyAndApi``, ``QpmLimitForSuitekeyAndOrgAndApi``).

    A one-second wait does not help: the retry layer waits ``RetryPolicy.per_minute_wait``
    (60 s), which the default ``max_elapsed`` does not allow, so the call fails with this.
    """

    retry_after: ClassVar[float] = 60.0
    advice = "A per-minute quota: calls to this API succeed again in the next minute, not the next second"


class SystemBusyError(RateLimitError):
    """HTTP 429 ``system.busy`` or ``systemBusy``: DingTalk throttles in general. Retried like any throttling."""


class EgressIpBannedError(RateLimitError):
    """DingTalk banned this machine's egress IP for minutes (more than 10,000 calls in 20 seconds).

    The ban answers with an HTML page instead of an error body; every call from the IP
    fails until it ends, so it is not retried, and a bulk job stops. ``ban_seconds`` is
    the ban as the page says (``"wait"``, in minutes), else the documented five minutes.
    """

    ends_bulk_job = True
    retry_after: ClassVar[float] = 300.0

    def __init__(self, *, ban_seconds: float = 300.0, **fields: Any) -> None:
        self.ban_seconds = ban_seconds
        """How long the ban lasts, in seconds, from the moment DingTalk answered."""
        super().__init__(**fields)

    def _advice(self) -> str:
        return (
            f"DingTalk banned this egress IP for about {self.ban_seconds / 60:g} minutes after too many calls "
            "from it (10,000 in 20 seconds); spread the calls over more egress IPs, or wait out the ban"
        )


class QuotaExceededError(APIStatusError):
    """``Forbidden.AccessDenied.ApiCountLimitForOrg``: the organisation used up its monthly quota.

    A standard organisation has 5,000 calls a month (token, identity and address-book
    calls not counted). Retrying is pointless until the quota resets, so nothing retries
    it and a bulk job stops. ``resets_in`` is the seconds until it resets when DingTalk
    says (a ``Retry-After`` header), else None.
    """

    ends_bulk_job = True

    @property
    def resets_in(self) -> float | None:
        """Seconds until the quota resets, if DingTalk said (``Retry-After``)."""
        return parse_retry_after(self.headers.get("retry-after"), now=time.time())

    def _advice(self) -> str:
        resets_in = self.resets_in
        when = (
            f"DingTalk says it resets in {resets_in:.0f} s"
            if resets_in is not None
            else "DingTalk did not say when it resets (it is counted per month)"
        )
        return (
            f"The organisation's monthly API quota is used up; retrying will not help: {when}. "
            "Upgrading the organisation's DingTalk edition raises it"
        )


class IpNotAllowedError(PermissionDeniedError):
    """``Forbidden.AccessDenied.IpNotInWhiteList``: this machine's egress IP is not on the app's allowlist.

    Add the server's egress IP to the app's IP allowlist in the developer console (for a
    third-party suite, the suite's allowlist). Not retried; a bulk job stops.
    """

    ends_bulk_job = True
    advice = (
        "The request's egress IP address is not on the app's IP allowlist: add this server's "
        "egress IP in the DingTalk developer console; retrying from this address will not help"
    )


class ServerError(APIStatusError):
    """HTTP 5xx."""


class MalformedResponseError(APIStatusError):
    """The body is not the JSON DingTalk sends: a proxy's HTML page, an empty or cut-off answer.

    ``status_code`` and ``headers`` are kept; ``detail`` says what came instead, and
    ``body_preview`` shows its start (not for token endpoints, whose bodies hold tokens).
    """

    body_preview: str | None = None


class MalformedServerError(ServerError, MalformedResponseError):
    """A 5xx whose body is not DingTalk's JSON (an empty 502, a load balancer's page)."""


class MalformedRateLimitError(RateLimitError, MalformedResponseError):
    """A 429 whose body is not DingTalk's JSON (a gateway's throttling page)."""


ERROR_CLASS_BY_CODE: Final[Mapping[ErrorCode, type[APIStatusError]]] = MappingProxyType(
    {
        ErrorCode.INVALID_PARAMETER: InvalidParameterError,
        ErrorCode.EXCEED_SUBSCRIBE_LIMIT: SubscribeLimitExceededError,
        ErrorCode.INVALID_PARAMETER_EVENT_CALENDAR_ID: InvalidParameterError,
        ErrorCode.INVALID_PARAMETER_EVENT_EVENT_ID: InvalidParameterError,
        ErrorCode.INVALID_PARAMETER_MAX_RESULTS: InvalidParameterError,
        ErrorCode.INVALID_PARAMETER_SUBSCRIBED_INVALID: SubscribedCalendarUnsupportedError,
        ErrorCode.PARAM_ILLEGAL: InvalidParameterError,
        ErrorCode.FLOW_LIMIT: EventLimitExceededError,
        ErrorCode.IDEMPOTENCY_PROCESSING: IdempotencyProcessingError,
        ErrorCode.PERMISSION_DENY: PermissionDeniedError,
        ErrorCode.ITEM_NOT_FOUND: NotFoundError,
        ErrorCode.INSTANCE_NOT_EXIST: NotFoundError,
        ErrorCode.INVALID_AUTHENTICATION: AuthenticationError,
        ErrorCode.INVALID_CLIENT_ID_OR_SECRET: InvalidCredentialsError,
        ErrorCode.INVALID_AUTH_CODE: InvalidCredentialsError,
        ErrorCode.INVALID_SUITE_KEY: InvalidCredentialsError,
        ErrorCode.INVALID_SUITE_TICKET: InvalidCredentialsError,
        ErrorCode.INVALID_AUTH_INFO: InvalidCredentialsError,
        ErrorCode.INVALID_REFRESH_TOKEN: RefreshTokenInvalidError,
        ErrorCode.PERMISSION_DENIED: PermissionDeniedError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_ACCESS_TOKEN_PERMISSION_DENIED: AccessTokenPermissionDeniedError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_API: RateLimitError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_APPKEY_AND_API: RateLimitError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API: RateLimitError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPM_LIMIT_FOR_APPKEY_AND_API: PerMinuteRateLimitError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPM_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API: PerMinuteRateLimitError,
        ErrorCode.SYSTEM_BUSY: SystemBusyError,
        ErrorCode.SYSTEMBUSY: SystemBusyError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_API_COUNT_LIMIT_FOR_ORG: QuotaExceededError,
        ErrorCode.FORBIDDEN_ACCESS_DENIED_IP_NOT_IN_WHITE_LIST: IpNotAllowedError,
    }
)
"""The class of every code the spec documents. A test fails when ``ErrorCode`` gains a
member without an entry here, so a new code cannot ship unclassified."""

THROTTLING_CODES: Final[frozenset[str]] = frozenset(
    code.value
    for code, cls in ERROR_CLASS_BY_CODE.items()
    if issubclass(cls, RateLimitError) and not issubclass(cls, PerMinuteRateLimitError)
)
"""Codes of per-second limits ("too many calls, DingTalk did nothing"): retried after about a second."""

PER_MINUTE_THROTTLING_CODES: Final[frozenset[str]] = frozenset(
    code.value for code, cls in ERROR_CLASS_BY_CODE.items() if issubclass(cls, PerMinuteRateLimitError)
)
"""Codes of per-minute limits: DingTalk did nothing, and a retry must wait for the next minute."""

_WHITESPACE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > _MAX_MESSAGE_LENGTH:
        return text[: _MAX_MESSAGE_LENGTH - 1] + "…"
    return text


def _attempts_text(attempts: int) -> str:
    if attempts == 0:
        return "not sent"
    return "1 attempt" if attempts == 1 else f"{attempts} attempts"
