"""The loop's alarms (``_alarms``) and ``cutoff``, on a real event loop whose clock the test moves.

``SteeredLoop`` is asyncio's own selector loop with two knobs: ``skew`` moves its clock
forward (an alarm comes due without waiting for it) and ``early`` makes it run each timer
that many seconds before its time (as a loop does within its clock's resolution). It also
counts the timers armed on it. The tests wait on events and assert orders and counts, never
durations.
"""

import asyncio
import gc
import random
import weakref
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import aiohttp
import httpx
import pytest

from dingtalk_calendar import APITimeoutError, AsyncCalendarClient, RetryPolicy
from dingtalk_calendar._aiohttp_transport import _WATCHABLE, _ReadWatch
from dingtalk_calendar._alarms import _REBUILD_FROM, Alarm, alarms_for, cutoff

from .scripted_server import Received, Reply, response, scripted_server

T = TypeVar("T")


class SteeredLoop(asyncio.SelectorEventLoop):
    skew = 0.0
    early = 0.0
    frozen: float | None = None
    timers_armed = 0

    def time(self) -> float:
        if self.frozen is not None:
            return self.frozen
        return super().time() + self.skew

    def call_at(self, when: float, callback: Callable[..., object], *args: Any, context: Any = None) -> Any:
        self.timers_armed += 1
        return super().call_at(when - self.early, callback, *args, context=context)

    @contextmanager
    def frozen_clock(self) -> Iterator[None]:
        """The clock stands still in the block: alarms set in it with one delay tie."""
        self.frozen = self.time()
        try:
            yield
        finally:
            self.frozen = None


def run(main: Callable[[SteeredLoop], Coroutine[Any, Any, T]], *, early: float = 0.0) -> T:
    """``asyncio.run(main(loop))`` on a fresh ``SteeredLoop``."""

    def factory() -> SteeredLoop:
        loop = SteeredLoop()
        loop.early = early
        return loop

    with asyncio.Runner(loop_factory=factory) as runner:
        loop = runner.get_loop()
        assert isinstance(loop, SteeredLoop)
        return runner.run(main(loop))


class Rings:
    """Callbacks that record, in order, which alarm rang; ``until(n)`` waits for ``n`` rings."""

    def __init__(self) -> None:
        self.order: list[object] = []
        self._changed = asyncio.Event()

    def callback(self, name: object) -> Callable[[], None]:
        def ring() -> None:
            self.order.append(name)
            self._changed.set()

        return ring

    async def until(self, count: int) -> None:
        while len(self.order) < count:
            self._changed.clear()
            await self._changed.wait()


async def next_turns(count: int = 3) -> None:
    """Let the loop run a few turns (due timers ring in the first)."""
    for _ in range(count):
        await asyncio.sleep(0)


# -- Alarms ---------------------------------------------------------------------------------------


def test_alarms_set_out_of_order_ring_in_time_order() -> None:
    delays = [7.0, 1.0, 9.0, 3.0, 5.0, 2.0, 8.0, 4.0, 6.0, 10.0]

    async def main(loop: SteeredLoop) -> list[object]:
        alarms, rings = alarms_for(loop), Rings()
        for delay in delays:
            alarms.set(delay, rings.callback(delay))
        assert len(alarms) == len(delays)
        loop.skew += 11.0
        await rings.until(len(delays))
        assert len(alarms) == 0
        return rings.order

    assert run(main) == sorted(delays)


def test_alarms_ring_only_when_due() -> None:
    async def main(loop: SteeredLoop) -> list[object]:
        alarms, rings = alarms_for(loop), Rings()
        alarms.set(100.0, rings.callback("late"))
        alarms.set(1.0, rings.callback("soon"))
        loop.skew += 2.0
        await rings.until(1)
        await next_turns()
        assert len(alarms) == 1
        return rings.order

    assert run(main) == ["soon"]


def test_tied_alarms_ring_in_the_order_they_were_set() -> None:
    async def main(loop: SteeredLoop) -> list[object]:
        alarms, rings = alarms_for(loop), Rings()
        with loop.frozen_clock():
            for name in range(20):
                alarms.set(1.0, rings.callback(name))
        loop.skew += 2.0
        await rings.until(20)
        return rings.order

    assert run(main) == list(range(20))


def test_a_cancelled_alarm_never_rings() -> None:
    async def main(loop: SteeredLoop) -> list[object]:
        alarms, rings = alarms_for(loop), Rings()
        first = alarms.set(1.0, rings.callback("first"))
        alarms.set(2.0, rings.callback("second"))
        third = alarms.set(3.0, rings.callback("third"))
        first.cancel()
        assert len(alarms) == 2
        first.cancel()  # twice: counted once
        assert len(alarms) == 2
        third.cancel()
        assert len(alarms) == 1
        loop.skew += 4.0
        await rings.until(1)
        await next_turns()
        assert len(alarms) == 0
        assert alarms.cancelled == 0  # the cancelled ones left the heap, and the count with them
        return rings.order

    assert run(main) == ["second"]


def test_cancelling_an_alarm_that_rang_changes_nothing() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms, rings = alarms_for(loop), Rings()
        rang = alarms.set(1.0, rings.callback("rang"))
        alarms.set(5.0, rings.callback("later"))
        loop.skew += 2.0
        await rings.until(1)
        rang.cancel()
        assert alarms.cancelled == 0
        assert len(alarms) == 1
        loop.skew += 5.0
        await rings.until(2)
        assert len(alarms) == 0
        assert rings.order == ["rang", "later"]

    run(main)


def test_a_callback_that_sets_alarms() -> None:
    async def main(loop: SteeredLoop) -> list[object]:
        alarms, rings = alarms_for(loop), Rings()

        def first() -> None:
            rings.callback("first")()
            alarms.set(1.0, rings.callback("set by first"))
            alarms.set(-1.0, rings.callback("set by first, already due"))

        alarms.set(1.0, first)
        alarms.set(1.5, rings.callback("second"))
        loop.skew += 2.0
        await rings.until(3)
        assert len(alarms) == 1
        loop.skew += 2.0
        await rings.until(4)
        return rings.order

    # "second" was due with "first"; an alarm set by a callback rings from the loop's next turn
    assert run(main) == ["first", "second", "set by first, already due", "set by first"]


def test_a_callback_that_sets_an_alarm_due_at_once_lets_the_loop_turn() -> None:
    # Each ring sets the next alarm, already due: the loop must run other callbacks between two
    # rings (as asyncio does with call_soon), not ring them all in one go.
    async def main(loop: SteeredLoop) -> list[str]:
        alarms, events, done = alarms_for(loop), [], asyncio.Event()

        def again(left: int) -> Callable[[], None]:
            def ring() -> None:
                events.append("ring")
                if left:
                    loop.call_soon(events.append, "turn")
                    alarms.set(0.0, again(left - 1))
                else:
                    done.set()

            return ring

        with loop.frozen_clock():  # each alarm set is due at once, whatever the clock's resolution
            alarms.set(0.0, again(3))
            await done.wait()
        return events

    assert run(main) == ["ring", "turn", "ring", "turn", "ring", "turn", "ring"]


def test_a_callback_that_sets_alarms_while_the_heap_is_rebuilt() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms, rings = alarms_for(loop), Rings()
        doomed = [alarms.set(50.0, rings.callback("cancelled")) for _ in range(3 * _REBUILD_FROM)]

        def cancel_all_and_set() -> None:
            rings.callback("trigger")()
            for alarm in doomed:
                alarm.cancel()
            for name in range(3):  # the heap is rebuilt under the ring
                alarms.set(1.0, rings.callback(name))

        alarms.set(1.0, cancel_all_and_set)
        alarms.set(1.0, rings.callback("due with the trigger"))
        loop.skew += 2.0
        await rings.until(2)
        assert len(alarms) == 3
        assert len(alarms._heap) < 2 * _REBUILD_FROM  # rebuilt: the cancelled ones are gone
        loop.skew += 2.0
        await rings.until(5)
        loop.skew += 100.0
        await next_turns()
        assert rings.order == ["trigger", "due with the trigger", 0, 1, 2]
        assert len(alarms) == 0
        assert alarms.cancelled == len(alarms._heap)

    run(main)


def test_an_alarm_set_and_cancelled_while_ringing_stays_counted_through_a_rebuild() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms, rings = alarms_for(loop), Rings()
        doomed = [alarms.set(50.0, rings.callback("cancelled")) for _ in range(3 * _REBUILD_FROM)]
        set_by_first: list[Alarm] = []
        counted: list[int] = []

        def first() -> None:
            # due before second, held aside for the next turn
            set_by_first.append(alarms.set(-1.9, rings.callback("cancelled")))

        def second() -> None:
            counted.append(len(alarms))
            set_by_first[0].cancel()
            counted.append(len(alarms))
            for alarm in doomed:
                alarm.cancel()
            alarms.set(5.0, rings.callback("kept"))  # past the threshold: the heap is rebuilt

        alarms.set(1.0, first)
        alarms.set(1.0, second)
        loop.skew += 2.0
        await next_turns()
        assert counted == [len(doomed) + 1, len(doomed)]  # the alarm held aside counts
        assert alarms.cancelled == sum(1 for entry in alarms._heap if entry[2].callback is None)
        assert len(alarms) == 1
        loop.skew += 10.0
        await rings.until(1)
        assert rings.order == ["kept"]
        assert len(alarms) == 0
        assert alarms.cancelled >= 0

    run(main)


def test_a_callback_that_raises_is_reported_and_the_other_alarms_still_ring() -> None:
    async def main(loop: SteeredLoop) -> list[object]:
        alarms, rings, reported = alarms_for(loop), Rings(), []
        loop.set_exception_handler(lambda _, context: reported.append(context.get("exception")))

        def broken() -> None:
            raise ValueError("a broken callback")

        alarms.set(1.0, broken)
        alarms.set(1.0, rings.callback("due with it"))
        alarms.set(3.0, rings.callback("later"))
        loop.skew += 2.0
        await rings.until(1)
        loop.skew += 2.0
        await rings.until(2)
        assert [type(error) for error in reported] == [ValueError]
        return rings.order

    assert run(main) == ["due with it", "later"]


def test_counts_stay_right_through_random_sets_cancels_and_rings() -> None:
    # A seeded mix of sets (some already due), cancels (some of alarms that rang, some twice)
    # and callbacks that set and cancel alarms themselves, enough to rebuild the heap many times.
    rng = random.Random(17)

    async def main(loop: SteeredLoop) -> None:
        alarms = alarms_for(loop)
        made: list[Alarm] = []
        rang: list[int] = []
        cancelled_first: set[int] = set()

        def check() -> None:
            assert alarms.cancelled == sum(1 for entry in alarms._heap if entry[2].callback is None)
            assert len(alarms) == sum(1 for entry in alarms._heap if entry[2].callback is not None)

        def cancel(index: int) -> None:
            if made[index].callback is not None:
                cancelled_first.add(index)
            made[index].cancel()

        def make(delay: float, nested: bool) -> None:
            index = len(made)

            def ring() -> None:
                rang.append(index)
                if nested:
                    for _ in range(rng.randrange(3)):
                        make(rng.uniform(-1.0, 3.0), nested=False)
                    cancel(rng.randrange(max(len(made) - 100, 0), len(made)))

            made.append(alarms.set(delay, ring))

        for _ in range(400):
            for _ in range(rng.randrange(40)):
                make(rng.uniform(-1.0, 60.0), nested=rng.random() < 0.3)
            for _ in range(rng.randrange(60)):  # mostly of recent alarms, still to ring
                cancel(rng.randrange(max(len(made) - 100, 0), len(made)))
            check()
            loop.skew += rng.uniform(0.0, 2.0)
            await next_turns(4)
            check()
        for _ in range(2):  # the second for the alarms set by the first one's callbacks
            loop.skew += 100.0
            await next_turns(6)
            check()
        assert len(alarms) == 0
        assert len(rang) == len(set(rang))  # none rang twice
        assert set(rang) == set(range(len(made))) - cancelled_first
        assert len(alarms._heap) <= 2 * _REBUILD_FROM + 2 or alarms.cancelled * 2 <= len(alarms._heap)

    run(main)


def test_memory_stays_bounded_when_alarms_are_set_and_cancelled() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms = alarms_for(loop)
        for _ in range(10_000):
            alarms.set(30.0, lambda: None).cancel()
        assert len(alarms) == 0
        assert len(alarms._heap) <= 2 * _REBUILD_FROM + 2
        kept = [alarms.set(30.0, lambda: None) for _ in range(10)]
        for _ in range(10_000):
            alarms.set(30.0, lambda: None).cancel()
        assert len(alarms) == len(kept)
        assert len(alarms._heap) <= 2 * (_REBUILD_FROM + len(kept)) + 2

    run(main)


def test_one_loop_timer_re_armed_only_for_an_earlier_alarm() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms = alarms_for(loop)
        before = loop.timers_armed
        alarms.set(10.0, lambda: None)
        assert loop.timers_armed == before + 1
        for delay in (11.0, 20.0, 10.5, 30.0, 12.0):
            alarms.set(delay, lambda: None)
        assert loop.timers_armed == before + 1  # none earlier: the one timer serves them
        alarms.set(5.0, lambda: None)
        assert loop.timers_armed == before + 2
        assert len([handle for handle in loop._scheduled if not handle.cancelled()]) == 1  # type: ignore[attr-defined]

    run(main)


def test_after_a_ring_the_timer_is_armed_for_the_next_alarm() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms, rings = alarms_for(loop), Rings()
        for delay in (1.0, 2.0, 3.0):
            alarms.set(delay, rings.callback(delay))
        before = loop.timers_armed
        loop.skew += 1.5
        await rings.until(1)
        assert loop.timers_armed == before + 1
        pending = [handle for handle in loop._scheduled if not handle.cancelled()]  # type: ignore[attr-defined]
        assert len(pending) == 1
        assert pending[0].when() == pytest.approx(alarms._heap[0][0])

    run(main)


def test_a_timer_the_loop_runs_early_still_rings_its_alarm() -> None:
    async def main(loop: SteeredLoop) -> list[object]:
        alarms, rings = alarms_for(loop), Rings()
        alarms.set(0.05, rings.callback("early"))  # run 0.5 s early: at once, before its time
        before = loop.timers_armed
        await rings.until(1)
        assert loop.timers_armed == before  # rang at the first run, not armed again
        return rings.order

    assert run(main, early=0.5) == ["early"]


def test_one_alarms_per_loop_and_the_old_loop_is_not_kept_alive() -> None:
    async def first(loop: SteeredLoop) -> "weakref.ref[asyncio.AbstractEventLoop]":
        alarms = alarms_for(loop)
        assert alarms_for(loop) is alarms
        alarms.set(30.0, lambda: None)  # left set as the loop ends
        alarms.set(20.0, asyncio.current_task().cancel)  # type: ignore[union-attr]
        return weakref.ref(loop)

    old_loop = run(first)

    async def second(loop: SteeredLoop) -> None:
        assert alarms_for(loop)._loop is loop

    run(second)
    gc.collect()
    assert old_loop() is None


def test_alarms_for_two_loops_alive_at_once() -> None:
    one, two = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        alarms_one = alarms_for(one)
        assert alarms_for(two) is not alarms_one
        assert alarms_for(one) is alarms_one
        assert alarms_for(two) is alarms_for(two)
    finally:
        one.close()
        two.close()


# -- cutoff ---------------------------------------------------------------------------------------


def test_cutoff_raises_timeout_error_at_the_limit() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms = alarms_for(loop)
        start, reached = len(alarms), asyncio.Event()
        scope = cutoff(5.0)

        async def block() -> None:
            async with scope:
                loop.skew += 6.0
                reached.set()
                await asyncio.Event().wait()

        with pytest.raises(TimeoutError):
            await block()
        assert reached.is_set()
        assert scope.expired()
        assert len(alarms) == start
        assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]

    run(main)


def test_cutoff_that_ends_first_changes_nothing() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms = alarms_for(loop)
        start = len(alarms)
        async with cutoff(5.0) as scope:
            assert len(alarms) == start + 1
            await next_turns()
            value = "done"
        assert value == "done"
        assert not scope.expired()
        assert len(alarms) == start
        loop.skew += 10.0  # the alarm, cancelled, never cancels the task
        await next_turns()
        assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]

    run(main)


def test_cutoff_lets_an_outer_cancel_through() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms, entered = alarms_for(loop), asyncio.Event()
        start = len(alarms)
        scopes: list[cutoff] = []

        async def body() -> None:
            async with cutoff(5.0) as scope:
                scopes.append(scope)
                entered.set()
                await asyncio.Event().wait()

        task = asyncio.create_task(body())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not scopes[0].expired()
        assert len(alarms) == start

    run(main)


def test_cutoff_lets_an_outer_cancel_through_when_both_come_in_one_turn() -> None:
    # The limit is reached and the task cancelled from outside before it runs again: the cancel
    # wins (as with asyncio.timeout), it is not swallowed into a TimeoutError.
    async def main(loop: SteeredLoop) -> None:
        entered = asyncio.Event()

        async def body() -> None:
            async with cutoff(5.0):
                entered.set()
                await asyncio.Event().wait()

        task = asyncio.create_task(body())
        await entered.wait()
        loop.skew += 6.0
        await asyncio.sleep(0)  # the alarm rings in this turn, and cancels the task
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(main)


def test_nested_cutoffs_the_inner_expires() -> None:
    async def main(loop: SteeredLoop) -> None:
        inner = cutoff(5.0)

        async def block() -> None:
            async with inner:
                loop.skew += 6.0
                await asyncio.Event().wait()

        async with cutoff(50.0) as outer:
            with pytest.raises(TimeoutError):
                await block()
            await next_turns()
        assert inner.expired()
        assert not outer.expired()

    run(main)


def test_nested_cutoffs_the_outer_expires() -> None:
    async def main(loop: SteeredLoop) -> None:
        outer, inner = cutoff(5.0), cutoff(50.0)

        async def block() -> None:
            async with outer, inner:
                loop.skew += 6.0
                await asyncio.Event().wait()

        with pytest.raises(TimeoutError):
            await block()
        assert outer.expired()
        assert not inner.expired()

    run(main)


def test_nested_cutoffs_expiring_in_one_ring() -> None:
    async def main(loop: SteeredLoop) -> None:
        outer, inner = cutoff(5.0), cutoff(5.0)

        async def block() -> None:
            loop.frozen = loop.time()  # the two limits tie
            async with outer:
                try:
                    async with inner:
                        loop.frozen = None
                        loop.skew += 6.0
                        await asyncio.Event().wait()
                except TimeoutError:
                    pytest.fail("the inner cutoff took the outer one's cancellation")

        with pytest.raises(TimeoutError):
            await block()
        assert outer.expired()
        assert inner.expired()
        assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]

    run(main)


def test_cutoff_outside_a_task() -> None:
    with pytest.raises(RuntimeError):  # no loop at all
        cutoff(1.0).__aenter__().send(None)
    raised: list[BaseException] = []

    def in_a_plain_callback() -> None:
        try:
            cutoff(1.0).__aenter__().send(None)
        except BaseException as error:  # what it raised is the test's subject
            raised.append(error)

    loop = asyncio.new_event_loop()
    try:
        loop.call_soon(in_a_plain_callback)
        loop.call_soon(loop.stop)
        loop.run_forever()
    finally:
        loop.close()
    assert [type(error) for error in raised] == [RuntimeError]
    assert "inside a task" in str(raised[0])


def test_cutoff_with_no_time_left_expires_at_the_first_await() -> None:
    async def main(_: SteeredLoop) -> None:
        with pytest.raises(TimeoutError):
            async with cutoff(0.0):
                await asyncio.Event().wait()

    run(main)


def test_many_cutoffs_leave_no_alarm_behind() -> None:
    async def main(loop: SteeredLoop) -> None:
        alarms = alarms_for(loop)
        start = len(alarms)

        async def call(index: int) -> int:
            async with cutoff(30.0):
                await asyncio.sleep(0)
                return index

        assert await asyncio.gather(*(call(index) for index in range(500))) == list(range(500))
        assert len(alarms) == start
        alarms.set(30.0, lambda: None).cancel()  # the cancelled ones go at the next set
        assert len(alarms._heap) <= 2 * _REBUILD_FROM + 2

    run(main)


# -- aiohttp's read timeout on the alarms (_ReadWatch), through the client ------------------------

READ_TIMEOUT = 5.0
TIMEOUTS = httpx.Timeout(60.0, read=READ_TIMEOUT)
QUICK_RETRIES = RetryPolicy(max_retries=2, initial_backoff=0.0, max_backoff=0.0, max_elapsed=None)
BODY = b'{"calendarId": "cal-1", "name": "Trickled", "author": "alice"}'


def client(url: str, **options: Any) -> AsyncCalendarClient:
    options.setdefault("retry_policy", RetryPolicy(max_retries=0))
    return AsyncCalendarClient("a-fixed-token", base_url=url, timeout=TIMEOUTS, **options)


def protocols(c: AsyncCalendarClient) -> list[Any]:
    """The aiohttp protocols of ``c``'s pool: those in use, then the idle ones."""
    pool = c._transport.transport._pool  # type: ignore[attr-defined]
    connector = pool.session.connector
    return [*connector._acquired, *(protocol for idle in connector._conns.values() for protocol, _ in idle)]


def test_the_default_transport_keeps_reads_on_the_alarms() -> None:
    assert _WATCHABLE, (
        "aiohttp's ResponseHandler lost a hook _ReadWatch replaces (_reschedule_timeout, _drop_timeout,"
        " _on_read_timeout, start_timeout): read timeouts run on aiohttp's own timers again"
    )

    async def main(_: SteeredLoop) -> list[type]:
        async with scripted_server(lambda _: Reply(response(body=BODY))) as server, client(server.url) as c:
            assert (await c.get("alice", "cal-1")).name == "Trickled"
            return [type(protocol) for protocol in protocols(c)]

    assert run(main) == [_ReadWatch]


def test_a_silent_server_is_a_read_timeout_retried() -> None:
    async def main(loop: SteeredLoop) -> tuple[APITimeoutError, int]:
        release = asyncio.Event()

        async def silent(_: Received) -> Reply:
            loop.skew += READ_TIMEOUT + 1.0  # the request went out, its read watch is set
            await release.wait()
            return Reply(data=None)

        async with scripted_server(silent) as server, client(server.url, retry_policy=QUICK_RETRIES) as c:
            with pytest.raises(APITimeoutError) as caught:
                await c.get("alice", "cal-1")
            release.set()
        return caught.value, len(server.received)

    error, requests = run(main)
    assert isinstance(error.__cause__, httpx.ReadTimeout)
    assert error.attempts == 3
    assert requests == 3


def test_a_body_trickling_within_the_read_timeout_is_read_whole() -> None:
    # Each part comes 0.6 read timeouts after the one before: the read timeout restarts with
    # each, though the whole answer takes three read timeouts.
    parts = [BODY[index : index + 13] for index in range(0, len(BODY), 13)]
    assert len(parts) == 5

    async def main(loop: SteeredLoop) -> tuple[str, int]:
        c = client("http://127.0.0.1:1")  # replaced below, once the server's port is known
        moved = asyncio.Event()  # the client's read watch moved: it received a part

        def answer(_: Received) -> Reply:
            [watch] = protocols(c)
            reschedule = watch._reschedule_timeout

            def observed() -> None:
                reschedule()
                moved.set()

            watch._reschedule_timeout = observed
            head = b"HTTP/1.1 200 X\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(BODY)
            return Reply(head + parts[0], later=trickle)

        async def trickle(writer: asyncio.StreamWriter) -> None:
            for part in parts[1:]:
                await moved.wait()  # the client has the part before
                moved.clear()
                loop.skew += 0.6 * READ_TIMEOUT
                writer.write(part)
                await writer.drain()

        async with scripted_server(answer) as server:
            c = client(server.url)
            async with c:
                calendar = await c.get("alice", "cal-1")
        return calendar.name, len(server.received)

    assert run(main) == ("Trickled", 1)


def test_a_read_timeout_made_shorter_is_kept() -> None:
    async def main(loop: SteeredLoop) -> BaseException | None:
        protocol = _ReadWatch(loop)
        protocol.read_timeout = 600.0
        protocol.start_timeout()
        protocol.read_timeout = 1.0  # the next request on the connection has a shorter one
        protocol.start_timeout()
        loop.skew += 2.0
        await next_turns()
        return protocol.exception()

    assert isinstance(run(main), aiohttp.SocketTimeoutError)


def test_a_read_watch_the_loop_rings_early_times_out_at_once() -> None:
    # The loop runs its timers 2 s early: aiohttp's own timer would fail the read then, and so
    # must the watch, not set itself again and again until the clock reaches its time.
    async def main(loop: SteeredLoop) -> tuple[type, int]:
        release, armed = asyncio.Event(), []

        async def silent(_: Received) -> Reply:
            armed.append(loop.timers_armed)
            loop.skew += READ_TIMEOUT - 1.0  # not yet the read timeout, but the timer runs
            await release.wait()
            return Reply(data=None)

        async with scripted_server(silent) as server, client(server.url) as c:
            with pytest.raises(APITimeoutError) as caught:
                await c.get("alice", "cal-1")
            armed.append(loop.timers_armed)
            release.set()
        return type(caught.value.__cause__), armed[1] - armed[0]

    cause, timers_armed = run(main, early=2.0)
    assert cause is httpx.ReadTimeout
    assert timers_armed <= 3
