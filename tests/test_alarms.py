"""The loop's alarms (``_alarms``) and ``cutoff``, on a real event loop whose clock the test moves.

``SteeredLoop`` is asyncio's own selector loop with two knobs: ``skew`` moves its clock
forward (an alarm comes due without waiting for it) and ``early`` makes it run each timer
that many seconds before its time (as a loop does within its clock's resolution). It also
counts the timers armed on it. The tests wait on events and assert orders and counts, never
durations.
"""

import asyncio
import gc
import weakref
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest

from dingtalk_calendar._alarms import _REBUILD_FROM, alarms_for, cutoff

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
