"""DingTalk's ``x-client-token``: the same token within one day is the same request.

The create page (``zh/create-schedule.md``, request headers) says a token names one request
for a day, and its error table gives ``400 idempotencyProcessing`` for a duplicate that
arrives while the first is still running. Here, for every operation the spec marks with
``x-dingtalk-client-token``:

- a request whose token is running answers ``idempotencyProcessing``;
- a request whose token succeeded within the window gets the first answer again, and does
  nothing (no second event, no count against ``flowLimit``);
- a token whose request failed is forgotten, so the request may be sent again (inferred:
  the pages do not say what a failed request's token means; a client retrying a refusal
  such as ``flowLimit`` the next day must not be stuck with the old answer).

A token is scoped to its operation and path (the user and calendar), as a client's token
names one request. The mark is set when the request arrives, before an injected latency, so
a duplicate sent during a slow first request sees it running. (A simplification: the
replay is answered before the token is checked.)
"""

import threading
from collections.abc import Mapping
from typing import Any, Final

from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason

from .clock import Clock
from .errors import ApiError

WINDOW: Final = 24 * 3600.0
"""Seconds a token names its request (the page: expires after one day)."""

_RUNNING: Final = object()

Served = tuple[int, Mapping[str, Any] | None]


class IdempotencyKeys:
    """Tokens seen, their answers and when; one per emulator."""

    def __init__(self, clock: Clock, window: float = WINDOW) -> None:
        self._clock = clock
        self._window = window
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, ...], tuple[float, object]] = {}

    def begin(self, key: tuple[str, ...]) -> Served | None:
        """Mark ``key`` running and return None; or the earlier answer; raises ``idempotencyProcessing``."""
        now = self._clock.now()
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen[0] < self._window:
                if seen[1] is _RUNNING:
                    raise ApiError(
                        400, ErrorCode.IDEMPOTENCY_PROCESSING.value, ErrorReason.IDEMPOTENCY_PROCESSING.value
                    )
                answer: Served = seen[1]  # type: ignore[assignment]
                return answer
            self._seen[key] = (now, _RUNNING)
        return None

    def finish(self, key: tuple[str, ...], served: Served | None) -> None:
        """Keep a successful answer for the window; forget a failed (or abandoned: None) one."""
        with self._lock:
            if served is not None and served[0] < 300:
                started = self._seen.get(key, (self._clock.now(), None))[0]
                self._seen[key] = (started, served)
            else:
                self._seen.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
