"""One user's call in a bulk job: what its answer means, and how long a per-minute refusal pauses the job."""

import time
from typing import Final

from .._checks import is_number
from .._errors import ConfigurationError, DingTalkError, EgressIpBannedError, PerMinuteRateLimitError, RateLimitError
from .._extensions import OPERATION_EXTENSION
from .._generated.results import Result
from .._retry.retry_after import parse_retry_after
from .errors import ResultFalseError, UnexpectedError
from .rate_limit import DEFAULT_BULK_RATE
from .throttle_pacing import ThrottlePacing

PER_MINUTE_RETRIES: Final = 2
"""How many times a bulk job pauses for one user's per-minute refusal and retries it."""

PER_MINUTE_WAIT: Final = 60.0
"""The pause after a per-minute refusal without ``Retry-After`` (``RetryPolicy.per_minute_wait``)."""


class NotAttempted(Exception):
    """The job stopped before this user's call was sent."""


def is_throttling(error: DingTalkError | None) -> bool:
    """A per-second throttling answer: DingTalk did nothing, and the job should send less.

    Per-minute refusals pause the job instead, and an egress-IP ban lasts minutes: both keep
    their own handling.
    """
    return isinstance(error, RateLimitError) and not isinstance(error, PerMinuteRateLimitError | EgressIpBannedError)


def pacing_for(limiter: object) -> ThrottlePacing:
    rate = getattr(limiter, "rate", None)
    return ThrottlePacing(rate if isinstance(rate, int | float) and rate > 0 else DEFAULT_BULK_RATE)


def outcome(returned: object) -> DingTalkError | None:
    """None for success; a ``{"result": false}`` answer is not one."""
    if isinstance(returned, Result) and not returned.result:
        response = returned.raw_response
        operation = response.request.extensions.get(OPERATION_EXTENSION) if response is not None else None
        return ResultFalseError(
            operation=operation if isinstance(operation, str) else None, request_id=returned.request_id
        )
    return None


def unexpected(error: Exception) -> UnexpectedError:
    """A call's bug as the user's failure: one user's bug must not lose the job's result."""
    wrapped = UnexpectedError(error)
    wrapped.__cause__ = error
    return wrapped


def pause_for(error: DingTalkError, per_minute_wait: float) -> float:
    """The seconds to pause the job after a per-minute refusal: DingTalk's Retry-After, else ours."""
    headers = getattr(error, "headers", None)
    retry_after = parse_retry_after(headers.get("retry-after"), now=time.time()) if headers is not None else None
    return retry_after if retry_after is not None else per_minute_wait


def give_up_at(time_limit: float | None) -> float:
    """The monotonic time after which a throttled user is no longer sent again."""
    if time_limit is None:
        return float("inf")
    if not is_number(time_limit) or not time_limit > 0:
        raise ConfigurationError(f"time_limit must be None or more than 0 seconds, not {time_limit!r}")
    return time.monotonic() + time_limit
