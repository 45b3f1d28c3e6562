"""The emulator's clock: real monotonic time plus an offset that tests can move forward."""

import threading
import time


class Clock:
    """Emulated time in seconds. It runs with the real clock; ``advance`` jumps it ahead.

    Token expiry, authorization codes, refresh tokens and the QPS window all read this
    clock, so a test can expire a token with ``emu.clock.advance(7200)`` instead of waiting.
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds on the emulated clock (an arbitrary origin, like ``time.monotonic``)."""
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Move emulated time forward by ``seconds`` (never backward: expiry must stay monotonic)."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward, got {seconds} seconds")
        with self._lock:
            self._offset += seconds

    @property
    def offset(self) -> float:
        """How far the emulated clock runs ahead of the real one, in seconds."""
        return self._offset
