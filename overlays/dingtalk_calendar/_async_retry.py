# unasync: the source of _sync_retry.py (generator/unasync.py); run `make generate` after editing.
"""A transport that retries another one; what is retried and why is told in ``_retry``'s docstring."""

import random
import time
from collections.abc import Awaitable, Callable

import httpx

from ._retry_attempts import STATUSES_TO_READ, Attempts, buffered, default_async_sleep, error_code
from ._retry_policy import RetryPolicy


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """A transport that retries another one (by default httpx's own, ``httpx.AsyncHTTPTransport()``).

    ``sleep``, ``clock`` (monotonic), ``wall_clock`` (for ``Retry-After`` dates) and
    ``random`` (jitter) are there for tests.
    """

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
        self._sleep = sleep if sleep is not None else default_async_sleep()
        self._clock = clock
        self._wall_clock = wall_clock
        self._random = random

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = Attempts(
            request, self.policy, clock=self._clock, wall_clock=self._wall_clock, random_value=self._random
        )
        try:
            while True:
                attempts.start()
                try:
                    with attempts.deadline.aenforce(attempts.timed_out, "the answer had not all arrived"):
                        response = await self.transport.handle_async_request(request)
                        attempts.deadline.bound(response, attempts.timed_out)
                        code = None
                        if response.status_code in STATUSES_TO_READ:
                            response, code = await self._read_refusal(response)
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

    async def _read_refusal(self, response: httpx.Response) -> tuple[httpx.Response, str | None]:
        """A 403 or 429 read whole, and the code in it: a throttle may be retried (see ``_retry``)."""
        if response.is_stream_consumed:  # an inner transport read it already (a mock, a cache)
            return response, error_code(response.content)
        try:
            raw = bytearray()
            async for chunk in response.aiter_raw():
                raw += chunk
        finally:
            await response.aclose()
        return buffered(response, bytes(raw))

    async def aclose(self) -> None:
        await self.transport.aclose()
