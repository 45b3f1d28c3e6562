"""A one-line progress bar for bulk jobs, redrawn in place on a terminal."""

import threading
import time
from collections.abc import Callable
from typing import TextIO

from .._bulk.result import Progress

_WIDTH = 30


class ProgressBar:
    """Draws ``label [#####.....] settled/total  rate/s  time left  failed N`` on ``stream``; thread-safe.

    ``total`` counts distinct users (a repeated input line is one user); ``already_done``
    users (a resumed job's) are settled from the start, so the bar begins at their count
    rather than counting them up. The rate and the time left are this run's: users settled
    since the bar was made, over the time since (``clock``, injectable for tests).

    The caller decides whether to draw at all (only on a terminal, never with --json or
    --quiet); this class only draws.
    """

    def __init__(
        self,
        stream: TextIO,
        label: str,
        total: int,
        *,
        already_done: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._label = label
        self._total = total
        self._settled = already_done
        self._already_done = already_done
        self._failed = 0
        self._clock = clock
        self._started = clock()
        self._shown = ""
        self._lock = threading.Lock()

    def update(self, progress: Progress) -> None:
        with self._lock:
            self._total = progress.total  # the job's own count of distinct users
            if progress.outcome != "already_done":  # those are in the count from the start
                self._settled = max(self._settled, progress.settled)
            if progress.outcome == "failed":
                self._failed += 1
            self._draw()

    def close(self) -> None:
        """End the bar's line, so that what is printed next starts on its own line."""
        with self._lock:
            if self._shown:
                self._stream.write("\n")
                self._stream.flush()
                self._shown = ""

    def render(self) -> str:
        filled = _WIDTH * self._settled // self._total if self._total else _WIDTH
        bar = "#" * filled + "." * (_WIDTH - filled)
        text = f"{self._label} [{bar}] {self._settled}/{self._total}"
        elapsed = self._clock() - self._started
        this_run = self._settled - self._already_done
        if this_run > 0 and elapsed > 0:
            rate = this_run / elapsed
            text += f"  {rate:.1f}/s"
            if self._settled < self._total:
                text += f"  {_duration((self._total - self._settled) / rate)} left"
        return text + (f"  failed {self._failed}" if self._failed else "")

    def _draw(self) -> None:
        text = self.render()
        if text == self._shown:
            return  # nothing changed: spare the terminal
        # Pad over the previous line's tail: no terminal escape codes needed.
        self._stream.write("\r" + text.ljust(len(self._shown)))
        self._stream.flush()
        self._shown = text


def _duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``2h07m``: a time left, to the second under an hour."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
