"""How one round of calls is timed, and how rounds become one figure.

Standard library only: the official SDK's worker imports this module too, so both sides
are timed by the very same loop.
"""

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """One round: seconds per call, by the wall clock and by this process's CPU."""

    wall: float
    cpu: float


def time_calls(call: Callable[[], object], calls: int) -> Sample:
    """Make ``calls`` calls back to back; the cost of one."""
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(calls):
        call()
    return Sample((time.perf_counter() - wall_start) / calls, (time.process_time() - cpu_start) / calls)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def median_wall(samples: Sequence[Sample]) -> float:
    return median([s.wall for s in samples])


def median_cpu(samples: Sequence[Sample]) -> float:
    return median([s.cpu for s in samples])
