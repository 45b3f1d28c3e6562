"""A one-line progress bar for bulk jobs, redrawn in place on a terminal."""

import threading
from typing import TextIO

from .._bulk import Progress

_WIDTH = 30


class ProgressBar:
    """Draws ``label [#####.....] settled/total  failed N`` on ``stream``; thread-safe.

    The caller decides whether to draw at all (only on a terminal, never with --json or
    --quiet); this class only draws.
    """

    def __init__(self, stream: TextIO, label: str, total: int) -> None:
        self._stream = stream
        self._label = label
        self._total = total
        self._settled = 0
        self._failed = 0
        self._shown = ""
        self._lock = threading.Lock()

    def update(self, progress: Progress) -> None:
        with self._lock:
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
        return text + (f"  failed {self._failed}" if self._failed else "")

    def _draw(self) -> None:
        text = self.render()
        if text == self._shown:
            return  # nothing changed: spare the terminal
        # Pad over the previous line's tail: no terminal escape codes needed.
        self._stream.write("\r" + text.ljust(len(self._shown)))
        self._stream.flush()
        self._shown = text
