"""When to send a request again, and how long to wait first: pure decisions, no I/O.

The transports in ``_retry/table.py`` describe what happened to an attempt (a ``AttemptFailure``)
and ask ``decide`` whether to try again; everything here is a function of its
arguments (the random draw for jitter included), so it is tested without a network.
"""

import enum
from typing import Final, NamedTuple

import httpx
from attrs import field, frozen

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.spec_data import OPERATIONS

from .._checks import number
from .._errors import PER_MINUTE_THROTTLING_CODES, THROTTLING_CODES, egress_ip_ban_seconds
from .._json import UnreadableJSONError, decode_json
from .retry_after import parse_retry_after as parse_retry_after  # where the fleet imports it from

# RFC 9110: these methods may be repeated without a different effect.
_IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@frozen
class RetryPolicy:
    """How hard to try: how many retries, how long in all, how long between attempts.

    The wait before retry *n* (1, 2, ...) is ``initial_backoff * 2 ** (n - 1)``, at most
    ``max_backoff``, less up to ``jitter`` of itself at random, so that many clients do
    not retry in step. A throttled call waits ``throttle_wait`` plus up to ``jitter`` of
    it (DingTalk's advice: about a second); one throttled by a per-minute quota
    (``QpmLimit*``) waits ``per_minute_wait`` plus jitter instead, which the default
    ``max_elapsed`` does not allow, so it fails at once rather than after a useless
    one-second retry. A ``Retry-After`` answer header wins over all of them, up to
    ``max_retry_after``. No retry starts that would end its wait past
    ``max_elapsed`` seconds after the first attempt began, and each attempt's timeouts
    are cut to the time left, so ``max_elapsed`` bounds the whole call.
    """

    max_retries: int = field(default=2, validator=number("RetryPolicy", whole=True))
    """Retries after the first attempt (0: send once)."""
    max_elapsed: float | None = field(default=60.0, validator=number("RetryPolicy", above=True, none=True))
    """Seconds for all attempts and waits together; None for no limit but ``max_retries``."""
    initial_backoff: float = field(default=0.5, validator=number("RetryPolicy"))
    max_backoff: float = field(default=8.0, validator=number("RetryPolicy"))
    jitter: float = field(default=0.25, validator=number("RetryPolicy", most=1))
    """The random share of each wait, from 0 (none) to 1."""
    throttle_wait: float = field(default=1.0, validator=number("RetryPolicy"))
    """Seconds to wait after a throttling answer that names no ``Retry-After``."""
    max_retry_after: float = field(default=60.0, validator=number("RetryPolicy"))
    """The longest ``Retry-After`` obeyed; a longer one is cut to this."""
    per_minute_wait: float = field(default=60.0, validator=number("RetryPolicy"))
    """Seconds to wait after a per-minute throttling answer (``QpmLimit*``) that names no ``Retry-After``."""
    retry_throttled: bool = True
    """False: a (per-second) throttling answer is handed back at once, for a caller that paces
    and retries by itself (a bulk job does, through its rate limiter)."""

    def backoff(self, retry_number: int, random_value: float) -> float:
        """The wait before retry ``retry_number`` (1-based); ``random_value`` in [0, 1)."""
        base = min(self.initial_backoff * 2.0 ** (retry_number - 1), self.max_backoff)
        return base * (1 - self.jitter * random_value)

    def throttled_backoff(self, random_value: float) -> float:
        """The wait after a throttling answer; never shorter than ``throttle_wait``."""
        return self.throttle_wait * (1 + self.jitter * random_value)

    def per_minute_backoff(self, random_value: float) -> float:
        """The wait after a per-minute throttling answer; never shorter than ``per_minute_wait``."""
        return self.per_minute_wait * (1 + self.jitter * random_value)


NO_RETRIES: Final = RetryPolicy(max_retries=0)
"""Send once, whatever happens."""


class AttemptFailure(enum.Enum):
    """What went wrong with one attempt, as far as retrying is concerned."""

    NOT_SENT = "could not connect"
    """Connect error or timeout, no free connection: DingTalk never saw the request."""
    THROTTLED = "throttled"
    """A throttling answer: DingTalk refused to act."""
    THROTTLED_PER_MINUTE = "throttled per minute"
    """A per-minute throttling answer: DingTalk refused to act until the next minute."""
    TIMED_OUT = "timed out"
    """Read or write timeout: the request may have reached DingTalk and acted."""
    CONNECTION_LOST = "connection lost"
    """The connection broke after sending began: DingTalk may have acted."""
    SERVER_ERROR = "server error"
    """A 5xx: DingTalk, or a proxy, failed, possibly after acting."""
    IN_PROGRESS = "still in progress"
    """``idempotencyProcessing``: the same request (same ``x-client-token``) is still running; this copy did nothing."""
    FINAL = "failed"
    """An answer or error another attempt would not change (a 400, a bad URL, ...)."""

    @property
    def certainly_not_acted(self) -> bool:
        """Whether repeating the request cannot do its work twice."""
        return self in (
            AttemptFailure.NOT_SENT,
            AttemptFailure.THROTTLED,
            AttemptFailure.THROTTLED_PER_MINUTE,
            AttemptFailure.IN_PROGRESS,
        )

    @property
    def retryable(self) -> bool:
        return self is not AttemptFailure.FINAL


def classify_exception(error: httpx.TransportError) -> AttemptFailure:
    """The failure an httpx transport error means."""
    # Order matters: ConnectTimeout and PoolTimeout are TimeoutExceptions too.
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ProxyError):
        return AttemptFailure.NOT_SENT
    if isinstance(error, httpx.TimeoutException):
        return AttemptFailure.TIMED_OUT
    if isinstance(error, httpx.NetworkError | httpx.RemoteProtocolError):
        return AttemptFailure.CONNECTION_LOST
    return AttemptFailure.FINAL  # UnsupportedProtocol, LocalProtocolError: our request is wrong


EGRESS_IP_BAN: Final = "<egress IP ban page>"
"""What ``answer_code`` says of the HTML page of a per-IP ban, which has no code of its own."""


def answer_code(content: bytes) -> str | None:
    """The ``code`` of an error body, ``EGRESS_IP_BAN`` for a ban page, else None."""
    try:
        body = decode_json(content, what="an error answer")
    except UnreadableJSONError:  # not JSON: no code to read, unless it is the page of an IP ban
        return EGRESS_IP_BAN if egress_ip_ban_seconds(content) is not None else None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def classify_response(status_code: int, code: str | None) -> AttemptFailure | None:
    """The failure an answer means, or None for an answer to hand back as it is."""
    if status_code < 400:
        return None
    if code == EGRESS_IP_BAN:
        return AttemptFailure.FINAL  # a ban of minutes: a retry within the call only meets it again
    if code in PER_MINUTE_THROTTLING_CODES:
        return AttemptFailure.THROTTLED_PER_MINUTE
    if code == ErrorCode.IDEMPOTENCY_PROCESSING:  # a duplicate still running: wait, send again
        return AttemptFailure.IN_PROGRESS
    # The error-code page also lists system.busy with HTTP 500 ("internal error"): a server
    # error that may have acted, not a refusal.
    if status_code == 429 or (code in THROTTLING_CODES and status_code < 500):
        return AttemptFailure.THROTTLED
    if status_code == 501:  # Not Implemented: the server does not do this at all; asking again cannot help
        return AttemptFailure.FINAL
    if status_code >= 500:
        return AttemptFailure.SERVER_ERROR
    return AttemptFailure.FINAL


def is_idempotent(operation_id: str | None, method: str, headers: httpx.Headers | None = None) -> bool:
    """Whether sending the request twice has the effect of sending it once.

    The spec's ``x-dingtalk-idempotent`` decides for its operations, and its
    ``x-dingtalk-client-token`` makes a request carrying that header idempotent (DingTalk
    takes the same token within a day as the same request); any other request goes by
    its HTTP method (a bare POST is taken as not idempotent).
    """
    operation = OPERATIONS.get(operation_id) if operation_id else None
    if operation is not None:
        token_header = operation.client_token
        return operation.idempotent or (token_header is not None and headers is not None and token_header in headers)
    return method.upper() in _IDEMPOTENT_METHODS


class RetryDecision(NamedTuple):
    """Whether to send the request again, after how long, and why (for logs and errors)."""

    retry: bool
    wait: float
    """Seconds to sleep before the next attempt (0 when not retrying)."""
    reason: str
    """Why not, when not retrying ("retry limit (2) reached"); else what failed."""


def decide(
    policy: RetryPolicy,
    failure: AttemptFailure,
    *,
    idempotent: bool,
    attempts: int,
    elapsed: float,
    retry_after: float | None = None,
    random_value: float = 0.0,
) -> RetryDecision:
    """Whether to retry after ``attempts`` attempts that took ``elapsed`` seconds so far."""
    if not failure.retryable:
        return RetryDecision(False, 0.0, "not retryable")
    if failure is AttemptFailure.THROTTLED and not policy.retry_throttled:
        return RetryDecision(False, 0.0, "throttled: left to the caller's own pacing")
    if not idempotent and not failure.certainly_not_acted:
        return RetryDecision(False, 0.0, "not retried: not idempotent, and the request may have reached DingTalk")
    if attempts > policy.max_retries:
        return RetryDecision(False, 0.0, f"retry limit ({policy.max_retries}) reached")
    if retry_after is not None:
        wait = min(retry_after, policy.max_retry_after)
    elif failure is AttemptFailure.THROTTLED:
        wait = policy.throttled_backoff(random_value)
    elif failure is AttemptFailure.THROTTLED_PER_MINUTE:
        wait = policy.per_minute_backoff(random_value)
    else:
        wait = policy.backoff(attempts, random_value)
    if policy.max_elapsed is not None and elapsed + wait >= policy.max_elapsed:
        return RetryDecision(False, 0.0, f"time limit ({policy.max_elapsed:g} s) reached")
    return RetryDecision(True, wait, failure.value)
