"""Run one test body against both clients: the async client's coroutines are driven to completion."""

import asyncio
import contextvars
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from dingtalk_calendar import AsyncCalendarClient, CalendarClient, InternalAppCredentials, RetryPolicy
from dingtalk_calendar._generated.async_resources import AsyncMethods
from dingtalk_calendar_emulator import Emulator
from tests.recording_server import RecordingServer, recording_server

# Small waits, so that retry tests take milliseconds; the policy's logic is unchanged.
FAST_RETRIES = RetryPolicy(max_retries=2, initial_backoff=0.01, max_backoff=0.02, throttle_wait=0.01)


TestFunction = TypeVar("TestFunction", bound=Callable[..., None])

TOKEN = "fixed-token-for-the-recording-server"


class Blocking:
    """The async client seen through a sync surface: each coroutine runs to completion on one loop."""

    def __init__(self, client: AsyncCalendarClient, runner: asyncio.Runner) -> None:
        self.client = client
        self._runner = runner

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.client, name)
        if isinstance(attribute, AsyncMethods):  # client.events, client.calendars: their calls block too
            return Blocking(cast(AsyncCalendarClient, attribute), self._runner)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        def run(*args: Any, **kwargs: Any) -> Any:
            # In the caller's context, as an await in the caller's own task would be (its current span).
            return self._runner.run(attribute(*args, **kwargs), context=contextvars.copy_context())

        return run


@contextmanager
def open_client(kind: str, emu: Emulator, **options: Any) -> Iterator[Any]:
    """A sync ``CalendarClient`` or a ``Blocking`` async one, on the emulator's internal app."""
    app = emu.internal_app
    options.setdefault("credentials", InternalAppCredentials(app.app_key, app.app_secret))
    options.setdefault("retry_policy", FAST_RETRIES)
    if kind == "sync":
        with CalendarClient(base_url=emu.url, **options) as client:
            yield client
        return
    with asyncio.Runner() as runner:
        async_client = AsyncCalendarClient(base_url=emu.url, **options)
        try:
            yield Blocking(async_client, runner)
        finally:
            runner.run(async_client.aclose())


def both(test: TestFunction) -> TestFunction:
    """Parametrise a test over ``kind`` in ("sync", "async")."""
    import pytest

    # Typed as the decorator it is: called on a Callable[..., None], its overloads both match (Any).
    parametrize: Callable[[TestFunction], TestFunction] = pytest.mark.parametrize("kind", ["sync", "async"])
    return parametrize(test)


@contextmanager
def recorded_client(kind: str, **options: Any) -> Iterator[tuple[Any, RecordingServer]]:
    """A client (with a fixed token unless ``credentials=`` says otherwise) on a recording server, and the server."""
    options.setdefault("retry_policy", FAST_RETRIES)
    credentials = options.pop("credentials", TOKEN)
    with recording_server() as server:
        if kind == "sync":
            with CalendarClient(credentials, base_url=server.url, **options) as client:
                yield client, server
            return
        with asyncio.Runner() as runner:
            async_client = AsyncCalendarClient(credentials, base_url=server.url, **options)
            try:
                yield Blocking(async_client, runner), server
            finally:
                runner.run(async_client.aclose())
