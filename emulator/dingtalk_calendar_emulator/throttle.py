"""DingTalk's quotas per second, per minute and per month.

As ``zh/how-to-process-api-throttling-on-the-dingtalk-server.md`` describes them.

``Throttle`` applies them to one call in the order a client meets them, each with the
code of ``zh/server-api-error-codes-1.md``: an internal or personal app is counted per
app and API (``...ForAppkeyAndApi``); a third-party enterprise app per suite, customer
organisation and API (``...ForSuitekeyAndOrgAndApi``), so one busy customer does not
throttle the others. The monthly quota counts the calls of one organisation.
"""

import threading
from collections import deque

from dingtalk_calendar_api.error_codes import ErrorCode

from .apps import EnterpriseApp, InternalApp
from .clock import Clock
from .errors import ApiError, global_error
from .tokens import Grant

WINDOW_SECONDS = 1.0
MINUTE_SECONDS = 60.0
MONTH_SECONDS = 30 * 24 * 3600.0
"""The emulator's month: 30 days of emulated time (its clock has no calendar)."""


class QpsLimiter:
    """At most ``limit`` requests per key and API in any sliding window of ``window`` seconds.

    A sliding window (not a fixed one aligned to whole seconds) because it never lets a
    burst of twice the quota through across a boundary, so a client that passes here
    stays under DingTalk's quota whichever way DingTalk counts. Rejected requests do not
    use up quota. The window runs on the emulated clock: ``clock.advance(window)``
    empties it. ``limit`` None turns the quota off.
    """

    def __init__(self, clock: Clock, limit: int | None, window: float = WINDOW_SECONDS) -> None:
        self.clock = clock
        self.limit = limit
        self.window = window
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
            while stamps and stamps[0] <= now - self.window:
                stamps.popleft()
            if len(stamps) >= limit:
                return False
            stamps.append(now)
            return True

    def clear(self) -> None:
        """Forget every request counted so far."""
        with self._lock:
            self._accepted.clear()


class MonthlyQuota:
    """At most ``limit`` calls per organisation in each emulated month; None turns it off."""

    def __init__(self, clock: Clock, limit: int | None) -> None:
        self.clock = clock
        self.limit = limit
        self._used: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def allow(self, organisation: str) -> bool:
        """Count one call of ``organisation``; False once this month's quota is used up."""
        limit = self.limit
        if limit is None:
            return True
        key = (organisation, int(self.clock.now() // MONTH_SECONDS))
        with self._lock:
            used = self._used.get(key, 0)
            if used >= limit:
                return False
            self._used[key] = used + 1
            return True

    def clear(self) -> None:
        """Forget every call counted so far."""
        with self._lock:
            self._used.clear()


class Throttle:
    """Every quota of one emulator: ``qps_limit`` and ``qpm_limit`` per app (or suite and
    organisation) and API, ``monthly_quota`` per organisation; None turns one off."""

    def __init__(
        self, clock: Clock, qps_limit: int | None, qpm_limit: int | None = None, monthly_quota: int | None = None
    ) -> None:
        self.per_second = QpsLimiter(clock, qps_limit)
        self.per_minute = QpsLimiter(clock, qpm_limit, MINUTE_SECONDS)
        self.monthly = MonthlyQuota(clock, monthly_quota)

    def clear(self) -> None:
        """Forget what every quota counted (the limits stay)."""
        for quota in (self.per_second, self.per_minute, self.monthly):
            quota.clear()

    def check(self, grant: Grant, operation_id: str) -> ApiError | None:
        """The error of the first quota this call of ``grant`` exceeds (the call is counted), or None."""
        per_org = isinstance(grant.app, EnterpriseApp) and grant.corp_id is not None
        key = f"{grant.app.key}/{grant.corp_id}" if per_org else grant.app.key
        if not self.per_second.allow(key, operation_id):
            return per_second_error(per_org)
        if not self.per_minute.allow(key, operation_id):
            code = (
                ErrorCode.FORBIDDEN_ACCESS_DENIED_QPM_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API
                if per_org
                else ErrorCode.FORBIDDEN_ACCESS_DENIED_QPM_LIMIT_FOR_APPKEY_AND_API
            )
            return global_error(code)
        organisation = _organisation_of(grant)
        if organisation is not None and not self.monthly.allow(organisation):
            return global_error(ErrorCode.FORBIDDEN_ACCESS_DENIED_API_COUNT_LIMIT_FOR_ORG)
        return None


def per_second_error(per_org: bool = False) -> ApiError:
    """The per-second throttling error of an app (or, ``per_org``, of a suite for one organisation)."""
    if per_org:
        return global_error(ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_SUITEKEY_AND_ORG_AND_API)
    return global_error(ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_APPKEY_AND_API)


def _organisation_of(grant: Grant) -> str | None:
    # The monthly quota counts an organisation's apps; a personal app's user belongs to none.
    if grant.corp_id is not None:
        return grant.corp_id
    if isinstance(grant.app, InternalApp):
        return grant.app.corp_id or f"app:{grant.app.key}"
    return None
