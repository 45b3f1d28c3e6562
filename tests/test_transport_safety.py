"""What no transport may do, over real sockets: give an answer to the wrong request, grow without
bound, stall past its time, or end a call in anything but its result or a ``DingTalkError``.

Each case is one of the findings of issue 24, run on both clients where both can meet it. The
servers run in threads (``tests/threaded_server.py``), so a forked child and a second event loop
can use them too. Nothing here orders events by time: the tests wait on the servers' events.
"""

import asyncio
import gzip
import json
import os
import socket
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from dingtalk_calendar import (
    APIConnectionError,
    APITimeoutError,
    AsyncCalendarClient,
    CalendarClient,
    DingTalkError,
    RetryPolicy,
)

from .threaded_server import head, threaded_server

TOKEN = "a-fixed-token"
MiB = 1024 * 1024


def named(connection: socket.socket, target: str) -> bool:
    """Answers a get with the calendar the request named: a wrong answer shows."""
    body = json.dumps({"calendarId": target.rsplit("/", 1)[-1], "name": target, "author": "a"}).encode()
    connection.sendall(head(body_length=len(body)) + body)
    return True


# -- fork --------------------------------------------------------------------------------------


def _wrong_answers(client: CalendarClient, label: str, calls: int) -> int:
    wrong = 0
    for n in range(calls):
        target = f"{label}-{n}"
        if client.get("alice", target).calendar_id != target:
            wrong += 1
    return wrong


def _in_children(count: int, work: Callable[[str], int]) -> list[int]:
    """Fork ``count`` children, each running ``work(label)``; their exit codes (wrong answers, 99: an error)."""
    pids = []
    for child in range(count):
        pid = os.fork()
        if pid == 0:  # the child: never return into pytest
            code = 99
            try:
                code = min(work(f"child{child}"), 98)
            finally:
                os._exit(code)
        pids.append(pid)
    return pids


def _exit_codes(pids: list[int]) -> list[int]:
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_sync_client_used_across_fork_never_gives_another_requests_answer() -> None:
    with threaded_server(named) as server:
        client = CalendarClient(TOKEN, base_url=server.url, max_retries=0)
        assert _wrong_answers(client, "before", 5) == 0  # the pool now holds an idle connection
        pids = _in_children(3, lambda label: _wrong_answers(client, label, 200))
        in_parent = _wrong_answers(client, "parent", 200)
        assert (_exit_codes(pids), in_parent) == ([0, 0, 0], 0)
        client.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_an_async_client_used_across_fork_starts_a_fresh_pool_in_the_child() -> None:
    async def wrong_answers(client: AsyncCalendarClient, label: str, calls: int) -> int:
        results = await asyncio.gather(*(client.get("alice", f"{label}-{n}") for n in range(calls)))
        return sum(result.calendar_id != f"{label}-{n}" for n, result in enumerate(results))

    with threaded_server(named) as server:
        client = AsyncCalendarClient(TOKEN, base_url=server.url, max_retries=0)
        assert asyncio.run(wrong_answers(client, "before", 5)) == 0
        pids = _in_children(2, lambda label: asyncio.run(wrong_answers(client, label, 50)))
        in_parent = asyncio.run(wrong_answers(client, "parent", 50))
        assert (_exit_codes(pids), in_parent) == ([0, 0], 0)


# -- size cap ----------------------------------------------------------------------------------


@contextmanager
def open_client(kind: str, url: str, **options: Any) -> Iterator[Callable[[], Any]]:
    """A client of ``kind``; yields a function that makes one ``get`` call and returns its result."""
    if "retry_policy" not in options:
        options.setdefault("max_retries", 0)
    if kind == "sync":
        with CalendarClient(TOKEN, base_url=url, **options) as sync_client:
            yield lambda: sync_client.get("alice", "cal-1")
        return
    async_client = AsyncCalendarClient(TOKEN, base_url=url, **options)
    loop = asyncio.new_event_loop()
    try:
        yield lambda: loop.run_until_complete(async_client.get("alice", "cal-1"))
    finally:
        loop.run_until_complete(async_client.aclose())
        loop.close()


def bomb(decoded: int) -> bytes:
    """``decoded`` bytes of JSON-looking zeros, gzip inside gzip: a few kilobytes on the wire."""
    return gzip.compress(gzip.compress(b"0" * decoded, 9), 9)


def compressed_answer(status: int, body: bytes) -> Callable[[socket.socket, str], bool]:
    def answer(connection: socket.socket, target: str) -> bool:
        connection.sendall(head(status, len(body), "content-encoding: gzip, gzip\r\n") + body)
        return True

    return answer


def endless(connection: socket.socket, target: str) -> bool:
    """A chunked body that never ends, as fast as the client takes it."""
    connection.sendall(head(200, None))
    chunk = b"%x\r\n%s\r\n" % (65536, b"0" * 65536)
    while True:
        connection.sendall(chunk)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("status", [200, 403, 500])
def test_a_decompression_bomb_is_refused_near_the_cap(kind: str, status: int) -> None:
    payload = bomb(64 * MiB)
    assert len(payload) < 64 * 1024
    with (
        threaded_server(compressed_answer(status, payload)) as server,
        open_client(kind, server.url, max_response_bytes=MiB) as call,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(APIConnectionError, match="max_response_bytes") as caught:
                call()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 8 * MiB  # near the cap, nowhere near the 64 MiB the answer decodes to
    assert f"HTTP {status}" in str(caught.value)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_endless_chunked_answer_ends_at_the_cap(kind: str) -> None:
    with (
        threaded_server(endless) as server,
        open_client(kind, server.url, max_response_bytes=2 * MiB) as call,
        pytest.raises(APIConnectionError, match="max_response_bytes"),
    ):
        call()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_answer_under_the_cap_is_decoded_as_before(kind: str) -> None:
    body = json.dumps({"calendarId": "cal-1", "name": "x" * 100_000, "author": "a"}).encode()
    with (
        threaded_server(compressed_answer(200, gzip.compress(gzip.compress(body)))) as server,
        open_client(kind, server.url) as call,
    ):
        assert call().name == "x" * 100_000


def test_the_cap_must_be_a_positive_number_of_bytes() -> None:
    from dingtalk_calendar import ConfigurationError

    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        CalendarClient(TOKEN, max_response_bytes=0)


# -- stalled bodies ----------------------------------------------------------------------------


def stalls_after_one_byte(released: threading.Event) -> Callable[[socket.socket, str], bool]:
    def answer(connection: socket.socket, target: str) -> bool:
        connection.sendall(head(200, 100) + b"{")
        released.wait()
        return False

    return answer


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_stalled_body_is_a_typed_timeout_retried_by_the_policy(kind: str) -> None:
    released = threading.Event()
    policy = RetryPolicy(max_retries=1, initial_backoff=0.0, max_backoff=0.0, max_elapsed=30.0)
    try:
        with (
            threaded_server(stalls_after_one_byte(released)) as server,
            open_client(kind, server.url, timeout=0.2, retry_policy=policy) as call,
        ):
            with pytest.raises(APITimeoutError) as caught:
                call()
            assert caught.value.attempts == 2  # a get: retried once, as the policy says
            assert server.requests == 2
    finally:
        released.set()


# -- closing with calls in flight, and two event loops -------------------------------------------


def held_until(release: threading.Event) -> Callable[[socket.socket, str], bool]:
    def answer(connection: socket.socket, target: str) -> bool:
        release.wait()
        return named(connection, target)

    return answer


def test_closing_a_sync_client_ends_its_calls_in_flight_typed() -> None:
    release = threading.Event()
    outcomes: list[object] = []
    with threaded_server(held_until(release)) as server:
        client = CalendarClient(TOKEN, base_url=server.url, max_retries=0)

        def call(n: int) -> None:
            try:
                outcomes.append(client.get("alice", f"cal-{n}"))
            except Exception as error:
                outcomes.append(error)

        threads = [threading.Thread(target=call, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for _ in range(8):
            server.arrived.acquire()  # every call is in flight
        client.close()
        release.set()
        for thread in threads:
            thread.join()
        after = []
        for n in range(8, 12):  # and calls made after closing
            call(n)
            after.append(outcomes[-1])
    assert len(outcomes) == 12
    assert all(not isinstance(outcome, Exception) or isinstance(outcome, DingTalkError) for outcome in outcomes)
    assert all(isinstance(outcome, APIConnectionError) and "closed" in str(outcome) for outcome in after)


async def test_closing_an_async_client_ends_its_calls_in_flight_typed() -> None:
    release = threading.Event()
    with threaded_server(held_until(release)) as server:
        client = AsyncCalendarClient(TOKEN, base_url=server.url, max_retries=0)
        calls = [asyncio.create_task(client.get("alice", f"cal-{n}")) for n in range(20)]
        for _ in range(20):
            await asyncio.to_thread(server.arrived.acquire)
        await client.aclose()
        release.set()
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        with pytest.raises(APIConnectionError, match="closed"):
            await client.get("alice", "after")
    assert all(not isinstance(outcome, BaseException) or isinstance(outcome, DingTalkError) for outcome in outcomes)


def test_one_async_client_used_from_two_running_loops_names_the_misuse() -> None:
    release = threading.Event()
    with threaded_server(held_until(release)) as server:
        client = AsyncCalendarClient(TOKEN, base_url=server.url, max_retries=0)
        first: list[object] = []
        thread = threading.Thread(target=lambda: first.append(asyncio.run(client.get("alice", "first"))))
        thread.start()
        server.arrived.acquire()  # the first loop's call is in flight

        async def second() -> None:
            with pytest.raises(APIConnectionError, match="another event loop"):
                await client.get("alice", "second")

        try:
            asyncio.run(second())
        finally:
            release.set()
            thread.join()
    assert [result.calendar_id for result in first] == ["first"]  # type: ignore[attr-defined]
