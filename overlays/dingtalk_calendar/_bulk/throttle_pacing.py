"""How a bulk job slows down when DingTalk throttles it, and speeds back up (AIMD).

A throttling answer means DingTalk did nothing and the app's quota window is full: the job
must send less. :class:`ThrottlePacing` sits behind the job's rate limiter: unthrottled it
adds nothing (the limiter alone sets the pace); each throttling answer cuts the pace it
allows to ``DECREASE`` of itself (multiplicative decrease), once per episode: answers to
calls sent before the cut do not cut again; each success adds ``RECOVERY`` of the limiter's
rate back (additive increase).

The pace recovers quickly only up to a ceiling just under the pace that was throttled
(``CEILING_KEEP`` of it): on a busy machine calls sent evenly arrive bunched, so the
limiter's own rate may be too close to DingTalk's quota, and recovering straight back to it
would be throttled again within seconds. The ceiling creeps back towards the limiter's rate
slowly (``CREEP``), so a job slowed by a passing spell of load regains its full rate.
"""

import threading
import time
from collections.abc import Callable
from typing import Final

DECREASE: Final = 0.85
"""The share of its pace a job keeps after a throttling answer."""

RECOVERY: Final = 0.0015
"""The share of the limiter's rate a success gives back (about 130 successes from a cut to the ceiling)."""

CEILING_KEEP: Final = 0.97
"""The ceiling after a throttling answer, as a share of the pace that was throttled."""

CREEP: Final = 0.00002
"""The share of the limiter's rate a success gives the ceiling back (1 % in 500 successes)."""

FLOOR: Final = 0.5
"""Calls a second below which a throttled job never goes."""


class ThrottlePacing:
    """A job's pace under throttling; ``limit`` is its rate limiter's rate (calls a second)."""

    def __init__(self, limit: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self.rate = limit
        """The pace allowed now (calls a second)."""
        self.ceiling = limit
        """The pace a success recovers to quickly: just under the last pace throttled."""
        self.episode = 0
        """Counts the cuts; a call remembers the episode it was sent in."""
        self._arrival = 0.0

    def reserve(self) -> tuple[float, int]:
        """(Seconds to wait before the next call, the episode it is sent in)."""
        with self._lock:
            if self.rate >= self.limit:
                return 0.0, self.episode
            now = self._clock()
            arrival = max(self._arrival, now)
            self._arrival = arrival + 1.0 / self.rate
            return arrival - now, self.episode

    def throttled(self, episode: int) -> None:
        """A call sent in ``episode`` was throttled: cut the pace, unless it was cut since that call left."""
        with self._lock:
            if episode != self.episode:
                return
            self.episode += 1
            self.ceiling = max(FLOOR, min(self.rate, self.limit) * CEILING_KEEP)
            self.rate = max(FLOOR, min(self.rate, self.limit) * DECREASE)
            # DingTalk's window is full now: the next call waits one paced interval.
            self._arrival = max(self._arrival, self._clock() + 1.0 / self.rate)

    def succeeded(self) -> None:
        with self._lock:
            if self.ceiling < self.limit:
                self.ceiling = min(self.limit, self.ceiling + CREEP * self.limit)
            if self.rate < self.ceiling:
                self.rate = min(self.ceiling, self.rate + RECOVERY * self.limit)
