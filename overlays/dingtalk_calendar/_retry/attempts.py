"""What both retry transports share: one request's attempts, and reading a refusal's code.

The transports themselves are ``_retry.async_transport.AsyncRetryTransport`` (written by hand) and
``_retry.transport.RetryTransport`` (generated from it); ``_retry.table`` documents them.
"""

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Final

import httpx

from dingtalk_calendar_api.spec_data import OPERATIONS

from .._errors import APIConnectionError, APITimeoutError, ConfigurationError
from .._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION, RETRY_EXTENSION
from .._redact import detached
from .._transport.body import BodyError, BodyTooLarge, decoded_response
from .._transport.deadline import Deadline
from .policy import (
    AttemptFailure,
    RetryDecision,
    RetryPolicy,
    answer_code,
    classify_exception,
    classify_response,
    decide,
    is_idempotent,
)
from .retry_after import parse_retry_after

logger = logging.getLogger("dingtalk_calendar.retry")

# A 403 may carry one of DingTalk's throttling codes; a 429 may be the page of an IP ban; a
# 400 may be idempotencyProcessing (the same request still running).
STATUSES_TO_READ: Final = frozenset({400, 403, 429})


class Attempts:
    """One request's attempts so far, and the decisions both transports share."""

    __slots__ = (
        "_clock",
        "_extensions",
        "_random_value",
        "_started",
        "_wall_clock",
        "count",
        "deadline",
        "operation",
        "policy",
        "request",
    )

    def __init__(
        self,
        request: httpx.Request,
        default_policy: RetryPolicy,
        *,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
        random_value: Callable[[], float],
    ) -> None:
        self.request = request
        self.policy = policy_for(request, default_policy)
        operation = request.extensions.get(OPERATION_EXTENSION)
        self.operation = operation if isinstance(operation, str) else None
        add_client_token(request, self.operation)
        self.count = 0
        self._wall_clock = wall_clock
        self._random_value = random_value
        self._clock = clock
        self._started = 0.0
        self.deadline = Deadline.for_request(self.policy.max_elapsed, clock)  # the body's read too

        self._extensions = request.extensions

    @property
    def label(self) -> str:
        return self.operation or f"{self.request.method} {self.request.url.path}"

    def start(self) -> None:
        """Count an attempt and give it no more time than the policy has left."""
        self.count += 1
        self._started = self._clock()
        timeout = self._extensions.get("timeout")
        left = self.deadline.left()
        if left is not None and isinstance(timeout, Mapping) and _cut_needed(timeout, left):
            capped = {name: left if value is None else min(value, left) for name, value in timeout.items()}
            self.request.extensions = {**self._extensions, "timeout": capped}

    def finish(self, response: httpx.Response) -> httpx.Response:
        response.extensions[ATTEMPTS_EXTENSION] = self.count
        return response

    def check_time(self) -> None:
        """Raise once the time is up: a body that trickles never trips a read timeout."""
        if self.deadline.expired:
            raise self.timed_out(self.deadline.reason("the answer was still arriving"))

    def decoded(self, response: httpx.Response, body: bytes) -> httpx.Response:
        """The attempt's answer with its decoded body in it."""
        return decoded_response(response, body, self.request, timedelta(seconds=self._clock() - self._started))

    def body_refused(self, error: BodyError, response: httpx.Response, cap: int) -> APIConnectionError:
        """The error for an answer whose body is too large or does not decode (never retried)."""
        if isinstance(error, BodyTooLarge):
            reason = f"the answer's body passed the limit of {cap:,} bytes (max_response_bytes)"
        else:
            reason = str(error)
        return APIConnectionError(
            f"HTTP {response.status_code}: {reason}; not read further", operation=self.operation, attempts=self.count
        )

    def timed_out(self, reason: str) -> APITimeoutError:
        """The error for a request whose time limit ran out while ``reason``."""
        return APITimeoutError(reason, operation=self.operation, attempts=self.count)

    def restore(self) -> None:
        """Give the request back its own extensions (the auth layer may send it again)."""
        self.request.extensions = self._extensions

    def wait_after_error(self, error: httpx.TransportError) -> float:
        """Seconds to wait before the next attempt; raises our error when there is none."""
        failure = classify_exception(error)
        cause = f"{failure.value} ({type(error).__name__}: {error})" if str(error) else failure.value
        decision = self._decide(failure, cause, retry_after=None)
        if decision.retry:
            return decision.wait
        cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        # Detached: the library's frames below hold the request's secrets as it was sending them.
        raise cls(f"{cause}; {decision.reason}", operation=self.operation, attempts=self.count) from detached(error)

    def wait_after_response(self, response: httpx.Response, code: str | None) -> float | None:
        """Seconds to wait before the next attempt, or None to hand this answer back."""
        failure = classify_response(response.status_code, code)
        if failure is None:
            return None
        cause = f"{failure.value} (HTTP {response.status_code}{f' {code}' if code else ''})"
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=self._wall_clock())
        decision = self._decide(failure, cause, retry_after=retry_after)
        return decision.wait if decision.retry else None

    def _decide(self, failure: AttemptFailure, cause: str, *, retry_after: float | None) -> RetryDecision:
        decision = decide(
            self.policy,
            failure,
            idempotent=is_idempotent(self.operation, self.request.method, self.request.headers),
            attempts=self.count,
            elapsed=self._elapsed(),
            retry_after=retry_after,
            random_value=self._random_value(),
        )
        if decision.retry:
            logger.info(
                "%s: attempt %d %s; retrying in %.2f s (retry %d of %d)",
                self.label,
                self.count,
                cause,
                decision.wait,
                self.count,
                self.policy.max_retries,
            )
        elif failure is not AttemptFailure.FINAL:
            logger.debug("%s: attempt %d %s; %s", self.label, self.count, cause, decision.reason)
        return decision

    def _elapsed(self) -> float:
        return self.deadline.elapsed()


def _cut_needed(timeout: Mapping[str, float | None], left: float) -> bool:
    """Whether any of an attempt's timeouts is unlimited or longer than the time left."""
    for value in timeout.values():  # noqa: SIM110 - a loop, not any(): no generator on every attempt
        if value is None or value > left:
            return True
    return False


def add_client_token(request: httpx.Request, operation_id: str | None) -> None:
    """Give a request of an operation the spec marks ``x-dingtalk-client-token`` a token of its own.

    One per call, set before the first attempt, so every retry sends the same one and DingTalk
    acts once; a token the caller set (``headers={"x-client-token": ...}``) is kept.
    """
    operation = OPERATIONS.get(operation_id) if operation_id else None
    header = operation.client_token if operation is not None else None
    if header is not None and header not in request.headers:
        request.headers[header] = uuid.uuid4().hex


def policy_for(request: httpx.Request, default: RetryPolicy) -> RetryPolicy:
    policy = request.extensions.get(RETRY_EXTENSION)
    if policy is None:
        return default
    if not isinstance(policy, RetryPolicy):
        raise ConfigurationError(f"extensions[{RETRY_EXTENSION!r}] must be a RetryPolicy, not {type(policy).__name__}")
    return policy


def error_code(content: bytes) -> str | None:
    return answer_code(content)  # the body's code, or the mark of an IP-ban page


def default_sleep() -> Callable[[float], None]:
    """How the sync transport waits between attempts."""
    return time.sleep


def default_async_sleep() -> Callable[[float], Awaitable[None]]:
    """How the async transport waits: never ``time.sleep``, which would stall the event loop."""
    import asyncio  # here, not at import: a sync application never loads it

    return asyncio.sleep
