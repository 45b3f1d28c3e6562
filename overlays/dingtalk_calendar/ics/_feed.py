"""An iCalendar feed read into events keyed by (UID, RECURRENCE-ID), as DingTalk can hold them.

Parsing is icalendar's. A recurring event becomes one DingTalk recurring event when its
rule fits DingTalk's pattern and range (``_rules``); otherwise (RDATE, EXDATE, a moved or
changed instance, BYSETPOS, COUNT above 99, ...) it is expanded with python-dateutil into
single events between ``horizon_start`` and ``horizon_end``, each keyed by its
RECURRENCE-ID (its original start), so a moved instance (a VEVENT with that RECURRENCE-ID)
replaces exactly the occurrence it moves. Cancelled events (STATUS:CANCELLED) are left out.

Times: a date-time with a TZID keeps its zone (an IANA name); UTC stays UTC; a floating
time is read in ``default_zone``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from attrs import frozen

from ._model import Expansion, FeedEvent, Key, Recurrence
from ._rules import dingtalk_recurrence

MAX_OCCURRENCES = 2000
"""Expanded occurrences kept per recurring event (a bound on memory for a daily rule over years)."""


class FeedParseError(ValueError):
    """The feed is not iCalendar this reader can use."""


@frozen
class Feed:
    events: dict[Key, FeedEvent]
    expansions: tuple[Expansion, ...]
    skipped: tuple[str, ...]
    """Why some VEVENTs were left out (one line each)."""


def read_feed(data: bytes, *, horizon_start: date, horizon_end: date, default_zone: str = "UTC") -> Feed:
    """The feed's events; raises ``FeedParseError`` when it is not iCalendar at all."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise FeedParseError(f"not an iCalendar feed: {error}") from None
    if not isinstance(calendar, icalendar.Calendar):
        raise FeedParseError("not an iCalendar feed: no VCALENDAR")
    floating = ZoneInfo(default_zone)
    masters: dict[str, Any] = {}
    overrides: dict[str, list[Any]] = {}
    skipped: list[str] = []
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID", "")).strip()
        if not uid or component.get("DTSTART") is None:
            skipped.append(f"a VEVENT without {'UID' if not uid else 'DTSTART'} ({component.get('SUMMARY', '')!s})")
            continue
        if component.get("RECURRENCE-ID") is not None:
            overrides.setdefault(uid, []).append(component)
        else:
            masters[uid] = component  # the last of a repeated UID wins, as a later SEQUENCE would
    events: dict[Key, FeedEvent] = {}
    expansions: list[Expansion] = []
    window = (horizon_start, horizon_end)
    for uid, master in masters.items():
        moved = overrides.get(uid, [])
        try:
            _add_master(uid, master, moved, window, floating, events, expansions)
        except (ValueError, TypeError, OverflowError) as error:
            skipped.append(f"UID {uid}: {error}")
    for uid, moved in overrides.items():
        if uid in masters:
            continue
        for component in moved:  # an instance whose series is not in the feed: a single event
            try:
                _put(events, _single(uid, component, floating, _recurrence_id(component, floating)))
            except (ValueError, TypeError) as error:
                skipped.append(f"UID {uid}: {error}")
    return Feed(events, tuple(expansions), tuple(skipped))


def _add_master(
    uid: str,
    master: Any,
    moved: list[Any],
    window: tuple[date, date],
    floating: tzinfo,
    events: dict[Key, FeedEvent],
    expansions: list[Expansion],
) -> None:
    rule = master.get("RRULE")
    has_dates = master.get("RDATE") is not None or master.get("EXDATE") is not None
    if rule is None and not master.get("RDATE"):
        _put(events, _single(uid, master, floating, ""))
        for component in moved:
            _put(events, _single(uid, component, floating, _recurrence_id(component, floating)))
        return
    start = _decoded(master, "DTSTART")
    reason = None
    if has_dates:
        reason = "RDATE or EXDATE"
    elif moved:
        reason = "a moved or changed instance (RECURRENCE-ID)"
    recurrence = None
    if reason is None and rule is not None:
        recurrence, reason = dingtalk_recurrence(dict(rule), start)
    if recurrence is not None:
        _put(events, _single(uid, master, floating, "", recurrence))
        return
    occurrences = _occurrences(master, start, window, floating)
    replaced = {_recurrence_id(component, floating): component for component in moved}
    summary = str(master.get("SUMMARY", ""))
    timed = isinstance(start, datetime)
    for when in occurrences:
        rid = _rid_text(when if timed else when.date())
        component = replaced.pop(rid, None)
        if component is not None:
            if str(component.get("STATUS", "")).upper() != "CANCELLED":
                _put(events, _single(uid, component, floating, rid))
            continue
        _put(events, _single(uid, master, floating, rid, at=when))
    for rid, component in replaced.items():  # moved into the window from outside it
        _put(events, _single(uid, component, floating, rid))
    expansions.append(Expansion(uid, summary, reason or "a rule DingTalk cannot hold", len(occurrences)))


def _put(events: dict[Key, FeedEvent], event: FeedEvent | None) -> None:
    if event is not None:
        events[event.key] = event


def _single(
    uid: str, component: Any, floating: tzinfo, rid: str, recurrence: Recurrence | None = None, at: Any = None
) -> FeedEvent | None:
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start = _decoded(component, "DTSTART")
    end = _end(component, start)
    if at is not None:  # an occurrence of an expanded series: the master's length, from its own start
        length = end - start
        start = at.date() if not isinstance(start, datetime) else at
        end = start + length
    summary = str(component.get("SUMMARY", "")).strip() or "(no title)"
    description = str(component.get("DESCRIPTION", ""))[:5000]
    location = str(component.get("LOCATION", ""))
    if not isinstance(start, datetime):
        start_text, end_text, zone = start.isoformat(), end.isoformat(), ""
    else:
        start, zone = _zoned(start, floating)
        end, _ = _zoned(end, floating)
        start_text, end_text = start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds")
    return FeedEvent(
        key=(uid, rid),
        summary=summary[:2048],
        start=start_text,
        end=end_text,
        all_day=not isinstance(start, datetime),
        time_zone=zone,
        description=description,
        location=location,
        recurrence=recurrence,
    )


def _decoded(component: Any, name: str) -> Any:
    value = component.decoded(name)
    if not isinstance(value, date):
        raise ValueError(f"{name} is not a date or date-time")
    return value


def _end(component: Any, start: Any) -> Any:
    if component.get("DTEND") is not None:
        end = _decoded(component, "DTEND")
        if isinstance(end, datetime) != isinstance(start, datetime):
            raise ValueError("DTSTART and DTEND are not both dates or both date-times")
        return end if end > start else start + (timedelta(days=1) if not isinstance(start, datetime) else timedelta())
    if component.get("DURATION") is not None:
        return start + component.decoded("DURATION")
    # RFC 5545: without DTEND or DURATION an all-day event lasts its day, a timed one no time.
    return start + timedelta(days=1) if not isinstance(start, datetime) else start


def _zoned(value: datetime, floating: tzinfo) -> tuple[datetime, str]:
    """The time and its zone's IANA name; a zone without one (a fixed offset) is written in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=floating)
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo):
        return value, zone.key
    return value.astimezone(UTC), "UTC"


def _recurrence_id(component: Any, floating: tzinfo) -> str:
    return _rid_text(_decoded(component, "RECURRENCE-ID"), floating)


def _rid_text(value: Any, floating: tzinfo | None = None) -> str:
    """A RECURRENCE-ID as one text whatever its zone: the UTC instant, or the date."""
    if not isinstance(value, datetime):
        return str(value.strftime("%Y%m%d"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=floating or UTC)
    return str(value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))


def _occurrences(master: Any, start: Any, window: tuple[date, date], floating: tzinfo) -> list[Any]:
    """The series' starts within the window (dates become midnight date-times), RDATEs in, EXDATEs out."""
    from dateutil.rrule import rruleset, rrulestr

    timed = isinstance(start, datetime)
    first = start if timed else datetime(start.year, start.month, start.day)
    if timed and first.tzinfo is None:
        first = first.replace(tzinfo=floating)
    series = rruleset()
    rule = master.get("RRULE")
    if rule is not None:
        text = _until_like_start(rule.to_ical().decode(), aware=first.tzinfo is not None)
        series.rrule(rrulestr(text, dtstart=first))  # type: ignore[arg-type]
    else:
        series.rdate(first)
    for when in _dates(master.get("RDATE"), first, floating):
        series.rdate(when)
    for when in _dates(master.get("EXDATE"), first, floating):
        series.exdate(when)
    low = datetime(window[0].year, window[0].month, window[0].day)
    high = datetime(window[1].year, window[1].month, window[1].day)
    if first.tzinfo is not None:
        low, high = low.replace(tzinfo=UTC), high.replace(tzinfo=UTC)
    found: list[Any] = []
    for when in series.xafter(low, inc=True):
        if when > high or len(found) >= MAX_OCCURRENCES:
            break
        found.append(when)
    return found


def _until_like_start(rule: str, *, aware: bool) -> str:
    """dateutil wants UNTIL in UTC when DTSTART has a zone, and without one when it has none."""

    def fix(match: re.Match[str]) -> str:
        value = match.group(1)
        if aware and not value.endswith("Z"):
            value = (value if "T" in value else value + "T235959") + "Z"
        if not aware and value.endswith("Z"):
            value = value[:-1]
        return f"UNTIL={value}"

    return re.sub(r"UNTIL=([0-9TZ]+)", fix, rule)


def _dates(prop: Any, first: datetime, floating: tzinfo) -> Iterable[datetime]:
    if prop is None:
        return
    for group in prop if isinstance(prop, list) else [prop]:
        for item in group.dts:
            value = item.dt
            if not isinstance(value, datetime):
                value = datetime(value.year, value.month, value.day, first.hour, first.minute, tzinfo=first.tzinfo)
            elif value.tzinfo is None and first.tzinfo is not None:
                value = value.replace(tzinfo=floating)
            elif value.tzinfo is not None and first.tzinfo is None:
                value = value.replace(tzinfo=None)
            yield value
