"""ics-sync: publish an iCalendar feed into a DingTalk calendar (the ``ics`` extra).

    from dingtalk_calendar.ics import sync_feed
    summary = sync_feed(client, "holidays.ics", user_id="alice", calendar_id=calendar_id,
                        state_path="holidays.state.json", apply=True)

See docs/ics-sync.md: keys, digests, client tokens, recurrence and its horizon, the
refusals (unreadable, empty, mass delete) and DingTalk's daily limit.
"""

from ._errors import FeedRefusedError, IcsSyncError, StateError
from ._sync import (
    DAILY_CREATE_LIMIT,
    DEFAULT_HORIZON_DAYS,
    LOOKBACK_DAYS,
    Plan,
    SyncSummary,
    apply_plan,
    plan_sync,
    sync_feed,
)

__all__ = [
    "DAILY_CREATE_LIMIT",
    "DEFAULT_HORIZON_DAYS",
    "LOOKBACK_DAYS",
    "FeedRefusedError",
    "IcsSyncError",
    "Plan",
    "StateError",
    "SyncSummary",
    "apply_plan",
    "plan_sync",
    "sync_feed",
]
