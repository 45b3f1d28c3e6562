"""Which RRULEs DingTalk can hold as one recurring event, and as what.

DingTalk's pattern (``zh/create-schedule.md``): daily; weekly on some weekdays;
absoluteMonthly on one day of the month; relativeMonthly on the first to fourth or last
weekday; absoluteYearly on the start's date; every ``interval`` (1-365) of them. Its range:
no end, until a date, or ``numberOfOccurrences`` (1-99) times. Anything else (BYSETPOS,
BYHOUR, several month days, COUNT above 99, ...) is expanded into single events instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from ._model import Recurrence

WEEKDAYS = {"MO": "monday", "TU": "tuesday", "WE": "wednesday", "TH": "thursday", "FR": "friday",
            "SA": "saturday", "SU": "sunday"}  # fmt: skip
INDEXES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
MAX_COUNT = 99
MAX_INTERVAL = 365


def dingtalk_recurrence(rule: dict[str, list[Any]], start: date) -> tuple[Recurrence | None, str | None]:
    """(DingTalk's form of ``rule``, None), or (None, why it has none)."""
    parts = {key.upper(): value for key, value in rule.items()}
    frequency = str(_one(parts.pop("FREQ", ["?"]))).upper()
    interval = int(_one(parts.pop("INTERVAL", [1])))
    count = parts.pop("COUNT", None)
    until = parts.pop("UNTIL", None)
    week_start = parts.pop("WKST", None)
    if not 1 <= interval <= MAX_INTERVAL:
        return None, f"INTERVAL={interval} (DingTalk: 1-{MAX_INTERVAL})"
    if count is not None and not 1 <= int(_one(count)) <= MAX_COUNT:
        return None, f"COUNT={_one(count)} (DingTalk: at most {MAX_COUNT})"
    common: dict[str, Any] = {
        "interval": interval,
        "count": int(_one(count)) if count is not None else None,
        "until": _until(_one(until)) if until is not None else None,
        "first_day_of_week": WEEKDAYS.get(str(_one(week_start)).upper()) if week_start else None,
    }
    by_day = [str(day).upper() for day in parts.pop("BYDAY", [])]
    month_days = [int(day) for day in parts.pop("BYMONTHDAY", [])]
    months = [int(month) for month in parts.pop("BYMONTH", [])]
    if parts:
        return None, f"{', '.join(sorted(parts))} (not in DingTalk's pattern)"
    if frequency == "DAILY" and not (by_day or month_days or months):
        return Recurrence("daily", **common), None
    if frequency == "WEEKLY" and not (month_days or months):
        days = by_day or [list(WEEKDAYS)[start.weekday()]]
        if all(day in WEEKDAYS for day in days):
            return Recurrence("weekly", days_of_week=tuple(WEEKDAYS[day] for day in days), **common), None
        return None, f"BYDAY={','.join(by_day)} in a weekly rule"
    if frequency == "MONTHLY" and not months:
        if not by_day and len(month_days) <= 1:
            day = month_days[0] if month_days else start.day
            if 1 <= day <= 31:
                return Recurrence("absoluteMonthly", day_of_month=day, **common), None
        if len(by_day) == 1 and not month_days:
            ordinal, weekday = by_day[0][:-2], by_day[0][-2:]
            if ordinal.lstrip("+-").isdigit() and int(ordinal) in INDEXES and weekday in WEEKDAYS:
                index = INDEXES[int(ordinal)]
                return Recurrence("relativeMonthly", days_of_week=(WEEKDAYS[weekday],), index=index, **common), None
        return None, "a monthly rule on several days or a fifth weekday"
    if frequency == "YEARLY" and not by_day:
        if months in ([], [start.month]) and month_days in ([], [start.day]):
            return Recurrence("absoluteYearly", **common), None
        return None, "a yearly rule on other days than its start's"
    return None, f"FREQ={frequency} with {'BYDAY' if by_day else 'BYMONTH' if months else 'BYMONTHDAY'}"


def _one(values: Any) -> Any:
    return values[0] if isinstance(values, list | tuple) else values


def _until(value: Any) -> str:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=UTC).isoformat(timespec="seconds")
