"""What a feed says, in plain values: one event per (UID, RECURRENCE-ID), times as DingTalk wants them."""

from __future__ import annotations

from attrs import frozen

Key = tuple[str, str]
"""(UID, RECURRENCE-ID as ISO text, or "" for a single or recurring event as a whole)."""


@frozen
class Recurrence:
    """A rule DingTalk can hold (its pattern and range)."""

    kind: str  # daily, weekly, absoluteMonthly, relativeMonthly, absoluteYearly
    interval: int
    days_of_week: tuple[str, ...] = ()
    day_of_month: int | None = None
    index: str | None = None
    first_day_of_week: str | None = None
    count: int | None = None
    until: str | None = None


@frozen
class FeedEvent:
    key: Key
    summary: str
    start: str
    """yyyy-MM-dd for an all-day event, else an ISO-8601 date-time with its offset."""
    end: str
    """For an all-day event the day after its last day, as both iCalendar and DingTalk count it."""
    all_day: bool
    time_zone: str
    description: str = ""
    location: str = ""
    recurrence: Recurrence | None = None


@frozen
class Expansion:
    """A recurring event DingTalk cannot hold, published as single events: why, and how many."""

    uid: str
    summary: str
    reason: str
    occurrences: int
