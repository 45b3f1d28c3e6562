"""A caller queued behind another's token fetch gives up when its call's time is up, and fetches nothing.

The holder's fetch is held open by a gate the test opens only after the waiter has ended
(or, on code that ignores the waiter's limit, after the waiter has waited long enough to
show it): nothing is ordered by sleeping, and no duration is asserted.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest

from dingtalk_calendar import (
    APITimeoutError,
    AsyncCalendarClient,
    CalendarClient,
    InternalAppCredentials,
    RetryPolicy,
    Scope,
    Token,
)
from dingtalk_calendar._auth.stores import MemoryTokenStore
from dingtalk_calendar._auth.token_manager import TokenManager
from dingtalk_calendar._transport.deadline import CallDeadline, time_left
from dingtalk_calendar_api import Client
from dingtalk_calendar_emulator import Emulator

LIMIT = 0.05
"""The waiter's time limit, in seconds."""

SHOWN_WAITING = 10.0
"""How long a waiter that ignores its limit is given to show it, before the gate opens anyway."""


class GatedCredentials:
    """An internal app whose token fetch, once started, waits for the test to open the gate."""

    def __init__(self, emulator: Emulator) -> None:
        app = emulator.internal_app
        self._inner = InternalAppCredentials(app.app_key, app.app_secret)
        self.started = threading.Event()
        self.gate = threading.Event()
        self.fetches = 0

    @property
    def cache_key(self) -> str:
        return self._inner.cache_key

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        self.fetches += 1
        self.started.set()
        self.gate.wait()
        return self._inner.fetch(client, previous=previous, now=now)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        self.fetches += 1
        self.started.set()
        await asyncio.to_thread(self.gate.wait)
        return await self._inner.afetch(client, previous=previous, now=now)


@pytest.fixture
def gated(dingtalk_emulator: Emulator) -> Iterator[GatedCredentials]:
    credentials = GatedCredentials(dingtalk_emulator)
    yield credentials
    credentials.gate.set()  # whatever happened, no thread stays blocked


def _limited_get_token(manager: TokenManager) -> str:
    with CallDeadline(LIMIT):
        return manager.get_token()


def _outcome(future: Future[Any]) -> BaseException | None:
    """The waiter's exception, or None if it got a token; the gate opens once it has ended."""
    try:
        future.result(timeout=SHOWN_WAITING)
    except TimeoutError:
        pass  # still waiting: it ignores its limit; let the holder finish so that it shows
    except BaseException as error:
        return error
    return None


def test_a_thread_waiting_for_another_threads_fetch_gives_up_at_its_limit(
    gated: GatedCredentials, dingtalk_emulator: Emulator
) -> None:
    manager = TokenManager(gated, base_url=dingtalk_emulator.url)
    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(manager.get_token)
        gated.started.wait()
        waiter = pool.submit(_limited_get_token, manager)
        waited = _outcome(waiter)
        gated.gate.set()
        token = holder.result()
        waited = waited or _outcome(waiter)
    assert isinstance(waited, APITimeoutError)
    assert f"waiting for the access token for {gated.cache_key}" in str(waited)
    assert f"time limit ({LIMIT:g} s) reached" in str(waited)  # names the limit, as every time-up error does
    assert "(not sent)" in str(waited)
    assert token not in str(waited)
    assert gated.fetches == 1  # the waiter fetched nothing
    assert dingtalk_emulator.stats.token_requests == 1


async def test_a_task_waiting_for_another_tasks_fetch_gives_up_at_its_limit(
    gated: GatedCredentials, dingtalk_emulator: Emulator
) -> None:
    manager = TokenManager(gated, base_url=dingtalk_emulator.url)

    async def limited() -> str:
        with CallDeadline(LIMIT):
            return await manager.aget_token()

    holder = asyncio.create_task(manager.aget_token())
    await asyncio.to_thread(gated.started.wait)
    waiter = asyncio.create_task(limited())  # queued on the event loop's lock
    await asyncio.wait({waiter}, timeout=SHOWN_WAITING)
    gated.gate.set()
    await holder
    with pytest.raises(APITimeoutError, match="waiting for the access token for internal:") as caught:
        await waiter
    assert f"time limit ({LIMIT:g} s) reached" in str(caught.value)
    assert gated.fetches == 1
    assert dingtalk_emulator.stats.token_requests == 1


async def test_a_task_waiting_for_a_threads_fetch_gives_up_at_its_limit(
    gated: GatedCredentials, dingtalk_emulator: Emulator
) -> None:
    manager = TokenManager(gated, base_url=dingtalk_emulator.url)

    async def limited() -> str:
        with CallDeadline(LIMIT):
            return await manager.aget_token()

    with ThreadPoolExecutor(1) as pool:
        holder = pool.submit(manager.get_token)  # holds the lock shared with threads
        await asyncio.to_thread(gated.started.wait)
        waiter = asyncio.create_task(limited())
        await asyncio.wait({waiter}, timeout=SHOWN_WAITING)
        gated.gate.set()
        holder.result()
    with pytest.raises(APITimeoutError, match="waiting for the access token for internal:"):
        await waiter
    assert gated.fetches == 1


def _calendar(emulator: Emulator) -> str:
    app = emulator.internal_app
    with CalendarClient(InternalAppCredentials(app.app_key, app.app_secret), base_url=emulator.url) as client:
        return client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"])).calendar_id


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_a_call_waiting_for_the_stores_lock_ends_at_its_max_elapsed(
    gated: GatedCredentials, dingtalk_emulator: Emulator, use_async: bool
) -> None:
    """Two clients of one app share a store: the second waits on the store's lock, not the manager's."""
    calendar_id = _calendar(dingtalk_emulator)
    dingtalk_emulator.stats.reset()
    store = MemoryTokenStore()
    holder = TokenManager(gated, store=store, base_url=dingtalk_emulator.url)
    policy = RetryPolicy(max_elapsed=LIMIT)
    with ThreadPoolExecutor(2) as pool:
        fetching = pool.submit(holder.get_token)
        gated.started.wait()
        if use_async:

            async def call_async() -> str:
                async with AsyncCalendarClient(
                    gated, base_url=dingtalk_emulator.url, token_store=store, retry_policy=policy
                ) as client:
                    return (await client.get("alice", calendar_id)).name

            waiter: Future[Any] = pool.submit(asyncio.run, call_async())
        else:

            def call() -> str:
                with CalendarClient(
                    gated, base_url=dingtalk_emulator.url, token_store=store, retry_policy=policy
                ) as client:
                    return client.get("alice", calendar_id).name

            waiter = pool.submit(call)
        waited = _outcome(waiter)
        gated.gate.set()
        fetching.result()
        waited = waited or _outcome(waiter)
    assert isinstance(waited, APITimeoutError)
    assert "waiting for the token store's lock for internal:" in str(waited)
    assert waited.operation == "getSubscribedCalendar"  # the call that waited, as its other errors name it
    assert f"time limit ({LIMIT:g} s) reached" in str(waited)
    assert gated.fetches == 1
    assert dingtalk_emulator.stats.token_requests == 1
    assert dingtalk_emulator.stats.requests("getSubscribedCalendar") == 0  # the call was not sent


class SlowStore(MemoryTokenStore):
    """A memory store whose reads under the lock return only once the reader's call is out of time."""

    def __init__(self) -> None:
        super().__init__()
        self._locked = threading.local()

    def get(self, key: str) -> Token | None:
        if getattr(self._locked, "held", False):
            left = time_left()
            while left is not None and left > 0:  # waits on the clock the call's limit runs on
                threading.Event().wait(left)
                left = time_left()
        return super().get(key)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with super().lock(key):
            self._locked.held = True
            try:
                yield
            finally:
                self._locked.held = False


def test_a_caller_whose_time_ran_out_under_the_lock_fetches_nothing(dingtalk_emulator: Emulator) -> None:
    app = dingtalk_emulator.internal_app
    manager = TokenManager(
        InternalAppCredentials(app.app_key, app.app_secret), store=SlowStore(), base_url=dingtalk_emulator.url
    )
    with pytest.raises(APITimeoutError, match="about to fetch the access token for internal:"), CallDeadline(LIMIT):
        manager.get_token()
    assert dingtalk_emulator.stats.token_requests == 0
    assert manager.get_token()  # the next caller, with time, fetches
    assert dingtalk_emulator.stats.token_requests == 1


def test_a_get_token_outside_any_call_waits_no_longer_than_the_managers_max_elapsed(
    gated: GatedCredentials, dingtalk_emulator: Emulator
) -> None:
    """What ``client.tokens.get_token()`` does: the client passes its RetryPolicy's ``max_elapsed``."""
    manager = TokenManager(gated, base_url=dingtalk_emulator.url, max_elapsed=LIMIT)
    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(manager.get_token)
        gated.started.wait()
        waiter = pool.submit(manager.get_token)  # no CallDeadline of its own
        waited = _outcome(waiter)
        gated.gate.set()
        holder.result()
        waited = waited or _outcome(waiter)
    assert isinstance(waited, APITimeoutError)
    assert gated.fetches == 1
