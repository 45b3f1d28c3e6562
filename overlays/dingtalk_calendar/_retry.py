"""Retries with exponential backoff and jitter, as an httpx transport.

``RetryTransport`` (sync) and ``AsyncRetryTransport`` wrap the transport that does the
I/O and send a request again when that is both useful and safe::

    transport = RetryTransport(httpx.HTTPTransport(), policy=RetryPolicy(max_retries=3))
    client = dingtalk_calendar_api.Client(base_url=..., httpx_args={"transport": transport})

Per call, ``extensions={"dingtalk_retry": RetryPolicy(...)}`` replaces the transport's
policy. The token layer is an ``httpx.Auth``, above the transport: an
``InvalidAuthentication`` answer is not retried here but reaches it, and it sends the
call once more with a fresh token.

What is retried, per operation (the spec's ``x-dingtalk-idempotent``):

| operation | idempotent | connect failed | throttled | 5xx | no answer after sending | other errors |
|---|---|---|---|---|---|---|
| `createSubscribedCalendar` | no | retried | retried | **not retried** | **not retried** | not retried |
| `getAccessToken` | yes | retried | retried | retried | retried | not retried |
| `getCorpAccessToken` | yes | retried | retried | retried | retried | not retried |
| `getSubscribedCalendar` | yes | retried | retried | retried | retried | not retried |
| `getUserAccessToken` | no | retried | retried | **not retried** | **not retried** | not retried |
| `subscribeCalendar` | yes | retried | retried | retried | retried | not retried |
| `unsubscribeCalendar` | yes | retried | retried | retried | retried | not retried |
| `updateSubscribedCalendar` | yes | retried | retried | retried | retried | not retried |

- connect failed: ``httpx.ConnectError``, ``ConnectTimeout``, ``PoolTimeout``, ``ProxyError``:
  the request never left.
- throttled: HTTP 403 with ``Forbidden.AccessDenied.QpsLimitForAppkeyAndApi`` or
  ``Forbidden.AccessDenied.QpsLimitForApi``, or HTTP 429: DingTalk refused to act.
- 5xx: any HTTP 500-599 answer, JSON or not.
- no answer after sending: ``ReadTimeout``, ``WriteTimeout``, ``RemoteProtocolError``,
  ``ReadError``, ``WriteError`` (the connection dropped or the server went silent).
- other errors: any other 4xx, ``InvalidAuthentication`` included, and errors in the
  request itself (``UnsupportedProtocol``, ``LocalProtocolError``).

Why: a connect failure means DingTalk never saw the request, and a throttling answer
means it refused to act, so repeating either is always safe. After a 5xx, a timeout
while waiting for the answer, or a connection lost after sending, DingTalk may have
acted: repeating a create could make a second calendar, and repeating a user-token
request could spend the rotating refresh token twice, so for those two operations the
first such failure is final (a ``ServerError``, or an ``APIConnectionError`` whose text
says ``not retried``). A request of no known operation goes by its HTTP method.

The attempts made reach the caller: ``response.extensions["dingtalk_attempts"]`` on the
final answer, and ``.attempts`` on the ``APIConnectionError``/``APITimeoutError`` raised,
``from`` the httpx exception, when no answer came. Each retry is logged on the
``dingtalk_calendar.retry`` logger at INFO (operation, attempt, cause, wait), and each
decision to stop at DEBUG; never a header or a body.
"""

import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Final

import httpx

from dingtalk_calendar_api.spec_data import OPERATIONS

from ._deadline import Deadline
from ._errors import APIConnectionError, APITimeoutError
from ._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION, RETRY_EXTENSION
from ._retry_policy import (
    AttemptFailure,
    RetryDecision,
    RetryPolicy,
    classify_exception,
    classify_response,
    decide,
    is_idempotent,
    parse_retry_after,
)

logger = logging.getLogger("dingtalk_calendar.retry")

# Only a 403 may carry one of DingTalk's throttling codes; a 429 says so by its status.
_STATUSES_TO_READ: Final = frozenset({403})


class _Attempts:
    """One request's attempts so far, and the decisions both transports share."""

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
        self.policy = _policy_for(request, default_policy)
        operation = request.extensions.get(OPERATION_EXTENSION)
        self.operation = operation if isinstance(operation, str) else None
        self.idempotent = is_idempotent(self.operation, request.method)
        self.count = 0
        self._wall_clock = wall_clock
        self._random_value = random_value
        self.deadline = Deadline.for_request(self.policy.max_elapsed, clock)  # bounds the body too: see _deadline
        self._extensions = request.extensions

    @property
    def label(self) -> str:
        return self.operation or f"{self.request.method} {self.request.url.path}"

    def start(self) -> None:
        """Count an attempt and give it no more time than the policy has left."""
        self.count += 1
        timeout = self._extensions.get("timeout")
        left = self.deadline.left()
        if left is not None and isinstance(timeout, Mapping):
            capped = {name: left if value is None else min(value, left) for name, value in timeout.items()}
            self.request.extensions = {**self._extensions, "timeout": capped}

    def finish(self, response: httpx.Response) -> httpx.Response:
        response.extensions[ATTEMPTS_EXTENSION] = self.count
        return response

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
        raise cls(f"{cause}; {decision.reason}", operation=self.operation, attempts=self.count) from error

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
            idempotent=self.idempotent,
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


def _policy_for(request: httpx.Request, default: RetryPolicy) -> RetryPolicy:
    policy = request.extensions.get(RETRY_EXTENSION)
    if policy is None:
        return default
    if not isinstance(policy, RetryPolicy):
        raise TypeError(f"extensions[{RETRY_EXTENSION!r}] must be a RetryPolicy, not {type(policy).__name__}")
    return policy


def _buffered(response: httpx.Response, raw: bytes) -> tuple[httpx.Response, str | None]:
    """A fresh, unread copy of an answer whose body we had to read, and its error code."""
    copy = httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(raw),  # still encoded: the client decodes it as usual
        extensions=response.extensions,
    )
    try:
        decoded = httpx.Response(200, headers=response.headers, content=raw).content  # undoes gzip and the like
    except httpx.DecodingError:
        return copy, None
    return copy, _error_code(decoded)


def _error_code(content: bytes) -> str | None:
    try:
        body = json.loads(content)
    except ValueError:  # not JSON: no code to read
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


class RetryTransport(httpx.BaseTransport):
    """A sync transport that retries another one (default ``httpx.HTTPTransport()``).

    ``sleep``, ``clock`` (monotonic), ``wall_clock`` (for ``Retry-After`` dates) and
    ``random`` (jitter) are there for tests.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        random: Callable[[], float] = random.random,
    ) -> None:
        self.transport = transport if transport is not None else httpx.HTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._random = random

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(
            request, self.policy, clock=self._clock, wall_clock=self._wall_clock, random_value=self._random
        )
        try:
            while True:
                attempts.start()
                try:
                    response, code = self._send(request, attempts)
                except httpx.TransportError as error:
                    wait = attempts.wait_after_error(error)
                else:
                    retry_wait = attempts.wait_after_response(response, code)
                    if retry_wait is None:
                        return attempts.finish(response)
                    response.close()
                    wait = retry_wait
                self._sleep(wait)
        finally:
            attempts.restore()

    def _send(self, request: httpx.Request, attempts: _Attempts) -> tuple[httpx.Response, str | None]:
        response = self.transport.handle_request(request)
        attempts.deadline.bound(response, attempts.timed_out)
        if response.status_code not in _STATUSES_TO_READ:
            return response, None
        if response.is_stream_consumed:  # an inner transport read it already (a mock, a cache)
            return response, _error_code(response.content)
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        return _buffered(response, raw)

    def close(self) -> None:
        self.transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The asyncio twin of ``RetryTransport``; it waits with ``asyncio.sleep``."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        random: Callable[[], float] = random.random,
    ) -> None:
        self.transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        if sleep is None:
            import asyncio  # here, not at import: a sync application never loads it

            sleep = asyncio.sleep
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._random = random

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = _Attempts(
            request, self.policy, clock=self._clock, wall_clock=self._wall_clock, random_value=self._random
        )
        try:
            while True:
                attempts.start()
                try:
                    response, code = await attempts.deadline.run_async(
                        self._send(request, attempts), attempts.timed_out, "no answer yet"
                    )
                except httpx.TransportError as error:
                    wait = attempts.wait_after_error(error)
                else:
                    retry_wait = attempts.wait_after_response(response, code)
                    if retry_wait is None:
                        return attempts.finish(response)
                    await response.aclose()
                    wait = retry_wait
                await self._sleep(wait)
        finally:
            attempts.restore()

    async def _send(self, request: httpx.Request, attempts: _Attempts) -> tuple[httpx.Response, str | None]:
        response = await self.transport.handle_async_request(request)
        attempts.deadline.bound(response, attempts.timed_out)
        if response.status_code not in _STATUSES_TO_READ:
            return response, None
        if response.is_stream_consumed:  # an inner transport read it already (a mock, a cache)
            return response, _error_code(response.content)
        try:
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        return _buffered(response, raw)

    async def aclose(self) -> None:
        await self.transport.aclose()


def retry_table() -> str:
    """The per-operation table of the module docstring, asked of ``decide`` and the spec."""
    columns = {
        "connect failed": AttemptFailure.NOT_SENT,
        "throttled": AttemptFailure.THROTTLED,
        "5xx": AttemptFailure.SERVER_ERROR,
        "no answer after sending": AttemptFailure.TIMED_OUT,
        "other errors": AttemptFailure.FINAL,
    }
    lines = [f"| operation | idempotent | {' | '.join(columns)} |", "|" + "---|" * (len(columns) + 2)]
    for operation in OPERATIONS.values():
        cells = [_table_cell(failure, operation.idempotent) for failure in columns.values()]
        idempotent = "yes" if operation.idempotent else "no"
        lines.append(f"| `{operation.operation_id}` | {idempotent} | {' | '.join(cells)} |")
    return "\n".join(lines)


def _table_cell(failure: AttemptFailure, idempotent: bool) -> str:
    first_retry = decide(RetryPolicy(max_elapsed=None), failure, idempotent=idempotent, attempts=1, elapsed=0.0)
    if first_retry.retry:
        return "retried"
    # Bold where only idempotency stops the retry: the cases the README must explain.
    return "**not retried**" if failure.retryable else "not retried"
