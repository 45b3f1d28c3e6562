# unasync: the source of _retry/transport.py (generator/unasync.py); run `make generate` after editing.
"""A transport that retries another one; what is retried and why is told in ``_retry.table``'s docstring."""

import random
import time
from collections.abc import Awaitable, Callable

import httpx

from .._transport.body import DEFAULT_MAX_RESPONSE_BYTES, BodyError, BodyReader, BodyTooLarge, ask_for_decodable
from .attempts import STATUSES_TO_READ, Attempts, default_async_sleep, error_code
from .policy import RetryPolicy


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """A transport that retries another one (by default httpx's own, ``httpx.AsyncHTTPTransport()``).

    ``sleep``, ``clock`` (monotonic), ``wall_clock`` (for ``Retry-After`` dates) and
    ``random`` (jitter) are there for tests. Every answer is read whole here, decoded, and
    refused past ``max_response_bytes`` (see ``_transport.body``).
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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._sleep = sleep if sleep is not None else default_async_sleep()
        self._clock = clock
        self._wall_clock = wall_clock
        self._random = random
        self.max_response_bytes = max_response_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempts = Attempts(
            request, self.policy, clock=self._clock, wall_clock=self._wall_clock, random_value=self._random
        )
        ask_for_decodable(request)
        try:
            async with attempts.deadline.aenforce(attempts.timed_out, "the answer had not all arrived"):
                while True:
                    attempts.start()
                    try:
                        response = await self._read(await self.transport.handle_async_request(request), attempts)
                    except httpx.TransportError as error:
                        wait = attempts.wait_after_error(error)
                    else:
                        code = error_code(response.content) if response.status_code in STATUSES_TO_READ else None
                        retry_wait = attempts.wait_after_response(response, code)
                        if retry_wait is None:
                            return attempts.finish(response)
                        wait = retry_wait
                    await self._sleep(wait)
        finally:
            attempts.restore()

    async def _read(self, response: httpx.Response, attempts: Attempts) -> httpx.Response:
        """The answer read whole and decoded, under the size cap and the time limit (see ``_transport.body``)."""
        if response.is_stream_consumed:  # read already by an inner transport (a mock, a cache)
            body = response.content
            if len(body) > self.max_response_bytes:
                raise attempts.body_refused(BodyTooLarge(), response, self.max_response_bytes)
            return attempts.decoded(response, body)
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        try:
            reader = BodyReader(response.headers, self.max_response_bytes)
            async for chunk in stream:  # read once, here: no need for aiter_raw's bookkeeping
                reader.feed(chunk)
                attempts.check_time()
            body = reader.decoded()
        except BodyError as error:
            raise attempts.body_refused(error, response, self.max_response_bytes) from None
        finally:
            await stream.aclose()  # the stream's own: the answer stays open for its decoded body
        return attempts.decoded(response, body)

    async def aclose(self) -> None:
        await self.transport.aclose()
