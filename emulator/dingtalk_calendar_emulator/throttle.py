"""DingTalk's per-app, per-API QPS quota."""

import threading
from collections import deque

from .clock import Clock

WINDOW_SECONDS = 1.0


class QpsLimiter:
    """At most ``limit`` requests per app and API in any sliding one-second window.

    A sliding window (not a fixed one aligned to whole seconds) because it never lets a
    burst of twice the quota through across a second boundary, so a client that passes
    here stays under DingTalk's quota whichever way DingTalk counts. Rejected requests
    do not use up quota. The window runs on the emulated clock: ``clock.advance(1)``
    empties it. ``limit`` None turns the quota off.
    """

    def __init__(self, clock: Clock, limit: int | None) -> None:
        self.clock = clock
        self.limit = limit
        self._accepted: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, app_key: str, operation_id: str) -> bool:
        """Count one request of ``app_key`` to ``operation_id``; False when it is over the quota."""
        limit = self.limit
        if limit is None:
            return True
        now = self.clock.now()
        with self._lock:
            stamps = self._accepted.setdefault((app_key, operation_id), deque())
            while stamps and stamps[0] <= now - WINDOW_SECONDS:
                stamps.popleft()
            if len(stamps) >= limit:
                return False
            stamps.append(now)
            return True
