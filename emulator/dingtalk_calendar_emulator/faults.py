"""Fault injection: what goes wrong with the next requests, on purpose.

Two ways, usable together:

* deterministic, for tests that need an exact sequence::

      emu.faults.next("502_html", count=2, operation="getSubscribedCalendar")

  The next two getSubscribedCalendar requests get a 502 with an HTML body; other
  requests are untouched. Entries are used in the order they were queued.

* random, at seeded rates, for soak tests::

      emu.faults.set_rates(error_5xx=0.1, drop=0.05, seed=1)

A fault is applied after the request is read and before the emulator acts on it, so the
request has no effect, except ``drop_after``, which acts and then loses the answer (the
case that makes retrying a non-idempotent call dangerous).

Kinds:

==================  ===================================================================
``drop``            close the connection without an answer
``drop_after``      serve the request (state changes), then close without an answer
``500`` ``502``     that HTTP status with a JSON error body (also ``503``, ``504``)
``502_html``        502 with an HTML page, as a proxy in front of DingTalk would send
``html``            200 with an HTML page instead of JSON
``malformed``       200, ``application/json``, a truncated JSON body
``throttle``        403 ``Forbidden.AccessDenied.QpsLimitForAppkeyAndApi``
``throttle_api``    403 ``Forbidden.AccessDenied.QpsLimitForApi``
``throttle_suite``  403 ``Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi``
``qpm``             403 ``Forbidden.AccessDenied.QpmLimitForAppkeyAndApi`` (per minute)
``qpm_suite``       403 ``Forbidden.AccessDenied.QpmLimitForSuitekeyAndOrgAndApi``
``quota``           403 ``Forbidden.AccessDenied.ApiCountLimitForOrg`` (the monthly quota)
``ip_not_allowed``  403 ``Forbidden.AccessDenied.IpNotInWhiteList``
``ip_ban``          403 with the HTML page of a per-egress-IP ban of five minutes
``busy``            429 ``system.busy``
``busy_camel``      429 ``systemBusy``
``latency:S``       answer normally after S more seconds (``latency:0.5``)
==================  ===================================================================

and ``idempotency_processing``: 400 ``idempotencyProcessing``, as if a request with the same
``x-client-token`` were still running.
"""

import random
import threading
from collections.abc import Iterable

from attrs import define, frozen

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.spec_data import OPERATIONS

ERROR_STATUSES = {"500": 500, "502": 502, "503": 503, "504": 504}
GLOBAL_ERROR_KINDS = {
    "throttle_api": ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_API,
    "throttle_suite": ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API,
    "qpm": ErrorCode.FORBIDDEN_ACCESS_DENIED_QPM_LIMIT_FOR_APPKEY_AND_API,
    "qpm_suite": ErrorCode.FORBIDDEN_ACCESS_DENIED_QPM_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API,
    "quota": ErrorCode.FORBIDDEN_ACCESS_DENIED_API_COUNT_LIMIT_FOR_ORG,
    "ip_not_allowed": ErrorCode.FORBIDDEN_ACCESS_DENIED_IP_NOT_IN_WHITE_LIST,
    "busy": ErrorCode.SYSTEM_BUSY,
    "busy_camel": ErrorCode.SYSTEMBUSY,
}
"""Fault kinds answered with one of the spec's global errors, in its status and message."""
KINDS = frozenset(
    {
        "drop",
        "drop_after",
        "502_html",
        "html",
        "malformed",
        "throttle",
        "ip_ban",
        "idempotency_processing",
        *ERROR_STATUSES,
        *GLOBAL_ERROR_KINDS,
    }
)
_RANDOM_5XX = ("500", "502", "503", "502_html")


@frozen
class Fault:
    """What to do to one request: wait ``latency`` seconds, then apply ``kind`` (None: answer normally)."""

    kind: str | None
    latency: float = 0.0


@define
class _Queued:
    fault: Fault
    remaining: int
    operation: str | None


def parse_kind(kind: str) -> Fault:
    """Check a kind name (see the module docstring) and turn it into a Fault."""
    if kind.startswith("latency:"):
        try:
            seconds = float(kind.removeprefix("latency:"))
        except ValueError:
            raise ValueError(f"latency needs seconds, as in 'latency:0.5', got {kind!r}") from None
        if seconds < 0:
            raise ValueError(f"latency cannot be negative, got {kind!r}")
        return Fault(None, seconds)
    if kind not in KINDS:
        raise ValueError(f"unknown fault {kind!r}; known: {', '.join(sorted(KINDS))}, latency:SECONDS")
    return Fault(kind)


def _check_operation(operation: str | None) -> None:
    if operation is not None and operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}; known: {', '.join(sorted(OPERATIONS))}")


class Faults:
    """The faults one emulator injects. Thread-safe; change it at any time, even while serving."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Queued] = []
        self._random = random.Random()  # noqa: S311 - picks faults, not secrets
        self._rates: dict[str, float] = {}
        self._latency = 0.0
        self._operations: frozenset[str] | None = None
        self._injected: dict[str, int] = {}

    def next(self, kind: str, count: int = 1, operation: str | None = None) -> None:
        """Give the next ``count`` requests (of ``operation`` only, if given) the fault ``kind``.

        ``kind`` is one of the kinds in the module docstring, such as ``"drop"``, ``"500"``,
        ``"502_html"``, ``"malformed"``, ``"throttle"`` or ``"latency:0.5"``; ``operation`` an
        operationId of openapi.yaml, such as ``"createSubscribedCalendar"`` or ``"getAccessToken"``.
        """
        fault = parse_kind(kind)
        _check_operation(operation)
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        with self._lock:
            self._queue.append(_Queued(fault, count, operation))

    def set_rates(
        self,
        *,
        error_5xx: float = 0.0,
        drop: float = 0.0,
        malformed: float = 0.0,
        html: float = 0.0,
        drop_after: float = 0.0,
        latency: float = 0.0,
        seed: int | None = None,
        operations: Iterable[str] | None = None,
    ) -> None:
        """Inject faults at random into every request (or only those of ``operations``).

        ``error_5xx``, ``drop``, ``malformed``, ``html`` and ``drop_after`` are shares between
        0 and 1 of the requests that get a 5xx answer (500, 502, 503 or an HTML 502), a
        dropped connection, a truncated JSON body, an HTML body with status 200, or their
        answer lost after acting; their sum must not pass 1.
        ``latency`` is seconds added to every affected answer. ``seed`` makes the sequence
        repeatable. Calling it again replaces the previous rates; all zero turns them off.
        """
        rates = {"5xx": error_5xx, "drop": drop, "malformed": malformed, "html": html, "drop_after": drop_after}
        for name, rate in rates.items():
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"the {name} rate must be between 0 and 1, got {rate}")
        if sum(rates.values()) > 1.0:
            raise ValueError(f"the fault rates add up to more than 1: {rates}")
        if latency < 0:
            raise ValueError(f"latency cannot be negative, got {latency}")
        chosen = None if operations is None else frozenset(operations)
        for operation in chosen or ():
            _check_operation(operation)
        with self._lock:
            self._rates = {name: rate for name, rate in rates.items() if rate > 0}
            self._latency = latency
            self._operations = chosen
            self._random = random.Random(seed)  # noqa: S311 - picks faults, not secrets

    def clear(self) -> None:
        """Forget queued faults and rates: every request is answered normally again."""
        with self._lock:
            self._queue.clear()
            self._rates = {}
            self._latency = 0.0
            self._operations = None

    @property
    def pending(self) -> int:
        """How many queued (deterministic) faults are still to be applied."""
        with self._lock:
            return sum(entry.remaining for entry in self._queue)

    @property
    def injected(self) -> dict[str, int]:
        """How many faults of each kind were applied so far (latency-only ones as ``latency``)."""
        with self._lock:
            return dict(self._injected)

    def draw(self, operation_id: str) -> Fault | None:
        """The fault for one request of ``operation_id``, or None (called by the server)."""
        with self._lock:
            fault = self._take_queued(operation_id) or self._roll(operation_id)
            if fault is not None:
                name = fault.kind or "latency"
                self._injected[name] = self._injected.get(name, 0) + 1
            return fault

    def _take_queued(self, operation_id: str) -> Fault | None:
        for index, entry in enumerate(self._queue):
            if entry.operation is None or entry.operation == operation_id:
                entry.remaining -= 1
                if entry.remaining == 0:
                    del self._queue[index]
                return entry.fault
        return None

    def _roll(self, operation_id: str) -> Fault | None:
        if not self._rates and not self._latency:
            return None
        if self._operations is not None and operation_id not in self._operations:
            return None
        kind: str | None = None
        roll = self._random.random()
        for name, rate in self._rates.items():
            if roll < rate:
                kind = self._random.choice(_RANDOM_5XX) if name == "5xx" else name
                break
            roll -= rate
        if kind is None and not self._latency:
            return None
        return Fault(kind, self._latency)
