"""Many organisations for one suite, each with its own quotas, and counts a test can read.

A third-party suite is counted by DingTalk per customer organisation: per second
(``QpsLimitForSuitekeyAndOrgAndApi``), per minute (``QpmLimitForSuitekeyAndOrgAndApi``)
and per month (``ApiCountLimitForOrg``). ``Fleet`` gives each organisation its own
figures (``OrgQuota``) and counts, per organisation, what DingTalk would have seen: calls
accepted, each kind of refusal, and subscribe calls for a user already subscribed (a
duplicate: harmless to DingTalk, but the work of a fleet job that lost track).

    fleet = Fleet({"ding-a": OrgQuota(per_second=5, monthly=100)})
    with Emulator(fleet=fleet, directory=...) as emu:
        ...
        fleet.counts("ding-a").accepted

Calls of an organisation the table does not name, and of other kinds of app, meet the
emulator's own quotas as before.
"""

import threading
import time
from collections.abc import Mapping
from typing import Any

from attrs import define, evolve, frozen

from dingtalk_calendar_api.error_codes import ErrorCode

from .apps import EnterpriseApp
from .calendars import Answer, CalendarService
from .clock import Clock
from .errors import ApiError
from .throttle import Throttle
from .tokens import Grant


@frozen
class OrgQuota:
    """One organisation's quotas for the suite: calls per second and per minute per API, per month in all."""

    per_second: int | None = 20
    per_minute: int | None = None
    monthly: int | None = 5000
    """5,000 calls a month: DingTalk's standard edition."""


@define
class OrgCounts:
    """What one organisation's calendar calls met (wall-clock times, for run reports)."""

    accepted: int = 0
    per_second_refusals: int = 0
    per_minute_refusals: int = 0
    monthly_refusals: int = 0
    subscribed: int = 0
    """Subscribe calls that subscribed a user who was not subscribed yet."""
    duplicate_subscribes: int = 0
    """Subscribe calls for a user already subscribed to that calendar."""
    first_call: float | None = None
    first_subscribe: float | None = None
    """When this organisation's first subscribe call arrived (new or not; ``time.time()``)."""
    last_subscribe: float | None = None
    """When the last new subscription of this organisation was made (``time.time()``)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "perSecondRefusals": self.per_second_refusals,
            "perMinuteRefusals": self.per_minute_refusals,
            "monthlyRefusals": self.monthly_refusals,
            "subscribed": self.subscribed,
            "duplicateSubscribes": self.duplicate_subscribes,
            "firstCall": self.first_call,
            "firstSubscribe": self.first_subscribe,
            "lastSubscribe": self.last_subscribe,
        }


_REFUSAL_FIELDS = {
    ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API.value: "per_second_refusals",
    ErrorCode.FORBIDDEN_ACCESS_DENIED_QPM_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API.value: "per_minute_refusals",
    ErrorCode.FORBIDDEN_ACCESS_DENIED_API_COUNT_LIMIT_FOR_ORG.value: "monthly_refusals",
}


class Fleet:
    """Per-organisation quotas of the suite, and per-organisation counts; thread-safe."""

    def __init__(self, quotas: Mapping[str, OrgQuota], *, wall_clock: Any = time.time) -> None:
        self.quotas = dict(quotas)
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._counts: dict[str, OrgCounts] = {}
        self._throttles: dict[str, Throttle] = {}

    def counts(self, corp_id: str) -> OrgCounts:
        """A copy of the counts of one organisation (zeros when it made no call)."""
        with self._lock:
            return evolve(self._counts.get(corp_id, OrgCounts()))

    def snapshot(self) -> dict[str, Any]:
        """Every organisation's quota and counts, as JSON-ready data (POST /_emulator/fleet)."""
        with self._lock:
            return {
                corp_id: {
                    "quota": {"perSecond": q.per_second, "perMinute": q.per_minute, "monthly": q.monthly},
                    **self._counts.get(corp_id, OrgCounts()).to_dict(),
                }
                for corp_id, q in self.quotas.items()
            }

    def clear(self) -> None:
        """Forget every count and every quota's window."""
        with self._lock:
            self._counts.clear()
            for throttle in self._throttles.values():
                throttle.clear()

    def throttle(
        self, clock: Clock, qps_limit: int | None, qpm_limit: int | None, monthly_quota: int | None
    ) -> Throttle:
        """The emulator's throttle: this table's quotas for its organisations, the given ones for the rest."""
        with self._lock:
            self._throttles = {
                corp_id: Throttle(clock, q.per_second, q.per_minute, q.monthly) for corp_id, q in self.quotas.items()
            }
        return _FleetThrottle(self, clock, qps_limit, qpm_limit, monthly_quota)

    def calendar_service(self, *args: Any, **kwargs: Any) -> CalendarService:
        """The emulator's calendar operations, counting subscriptions per organisation."""
        return _CountingCalendars(self, *args, **kwargs)

    def _org_throttle(self, grant: Grant) -> Throttle | None:
        if not isinstance(grant.app, EnterpriseApp) or grant.corp_id is None:
            return None
        return self._throttles.get(grant.corp_id)

    def _record(self, corp_id: str, error: ApiError | None) -> None:
        with self._lock:
            counts = self._counts.setdefault(corp_id, OrgCounts())
            if counts.first_call is None:
                counts.first_call = self._wall_clock()
            if error is None:
                counts.accepted += 1
            elif error.code in _REFUSAL_FIELDS:
                name = _REFUSAL_FIELDS[error.code]
                setattr(counts, name, getattr(counts, name) + 1)

    def _record_subscribe(self, corp_id: str, new: bool) -> None:
        with self._lock:
            counts = self._counts.setdefault(corp_id, OrgCounts())
            if counts.first_subscribe is None:
                counts.first_subscribe = self._wall_clock()
            if new:
                counts.subscribed += 1
                counts.last_subscribe = self._wall_clock()
            else:
                counts.duplicate_subscribes += 1


class _FleetThrottle(Throttle):
    def __init__(
        self, fleet: Fleet, clock: Clock, qps_limit: int | None, qpm_limit: int | None, monthly_quota: int | None
    ) -> None:
        super().__init__(clock, qps_limit, qpm_limit, monthly_quota)
        self._fleet = fleet

    def check(self, grant: Grant, operation_id: str) -> ApiError | None:
        org_throttle = self._fleet._org_throttle(grant)
        if org_throttle is None:
            return super().check(grant, operation_id)
        error = org_throttle.check(grant, operation_id)
        assert grant.corp_id is not None  # an organisation's throttle is only found with one
        self._fleet._record(grant.corp_id, error)
        return error

    def clear(self) -> None:
        super().clear()
        self._fleet.clear()


class _CountingCalendars(CalendarService):
    def __init__(self, fleet: Fleet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fleet = fleet

    def subscribe(self, grant: Grant, user_id: str, calendar_id: str) -> Answer:
        with self.store.locked():  # the store's lock is re-entrant: the check and the call are one step
            already = calendar_id in self.store.subscriptions_of(user_id)
            answer = super().subscribe(grant, user_id, calendar_id)
        if grant.corp_id is not None and grant.corp_id in self._fleet.quotas:
            self._fleet._record_subscribe(grant.corp_id, new=not already)
        return answer
