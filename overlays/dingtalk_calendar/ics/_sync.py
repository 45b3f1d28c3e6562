"""Plan, then apply: make a DingTalk calendar match an iCalendar feed.

The plan compares the feed's events (``_feed``) with the state file (``_state``) by key
(UID, RECURRENCE-ID) and by the digest of the body DingTalk would get: a new key is a
create, a changed digest an update, a key gone from the feed a delete, anything else costs
no call. Applying runs deletes, then updates, then creates, saving the state after each.

Every write carries an ``x-client-token`` made from the event's key and digest: a run
killed after DingTalk acted but before the state was saved sends the same token again when
rerun, and DingTalk (within its one-day window) answers with the event it made the first
time rather than a second one.

At most 100 events are created per organiser per day (DingTalk's ``flowLimit``): the plan
says how many days the creates need, and a run that meets the limit stops, saves what it
did and says so (``SyncSummary.complete`` False); rerunning it the next day goes on.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from attrs import field, frozen

from dingtalk_calendar_api.operation_ids import OperationId
from dingtalk_calendar_api.spec_data import OPERATIONS

from .._checks import is_whole
from .._errors import EventLimitExceededError, ValidationError
from . import _events_api as api
from ._errors import FeedRefusedError
from ._feed import Feed, FeedParseError, read_feed
from ._model import Expansion, Key
from ._state import Entry, State

if TYPE_CHECKING:
    from .._client.client import CalendarClient

_DAILY = OPERATIONS[OperationId.CREATE_EVENT].daily_limit
if _DAILY is None:  # pragma: no cover - the spec's createEvent carries x-dingtalk-daily-limit
    raise RuntimeError("openapi.yaml: createEvent has no x-dingtalk-daily-limit")
DAILY_CREATE_LIMIT: Final = _DAILY.calls
"""DingTalk's flowLimit: events created per organiser per day (the spec's ``x-dingtalk-daily-limit``)."""
DEFAULT_HORIZON_DAYS: Final = 365
"""How far ahead a recurring event DingTalk cannot hold is expanded, in days from today."""
LOOKBACK_DAYS: Final = 31
"""How far back it is expanded (recent occurrences stay visible)."""


@frozen
class Change:
    key: Key
    summary: str
    body: dict[str, Any] = field(eq=False)
    digest: str
    event_id: str | None = None


@frozen
class Plan:
    creates: tuple[Change, ...]
    updates: tuple[Change, ...]
    deletes: tuple[Change, ...]
    unchanged: int
    expansions: tuple[Expansion, ...]
    skipped: tuple[str, ...]
    horizon: tuple[date, date]
    known: int
    """Events the state holds before the run."""

    @property
    def days_needed(self) -> int:
        """Days the creates need at DingTalk's 100 a day for one organiser."""
        return math.ceil(len(self.creates) / DAILY_CREATE_LIMIT)

    def lines(self) -> list[str]:
        """The plan for people: one line per change, then what was expanded or left out, and the days needed."""
        out = [f"create {c.summary!r} ({_when(c)})" for c in self.creates]
        out += [f"update {c.summary!r} ({_when(c)})" for c in self.updates]
        out += [f"delete {c.key[0]}{f' {c.key[1]}' if c.key[1] else ''}" for c in self.deletes]
        low, high = self.horizon
        for expansion in self.expansions:
            out.append(
                f"expanded {expansion.summary!r} (UID {expansion.uid}): {expansion.reason}; "
                f"{expansion.occurrences} single events between {low} and {high}"
            )
        out += [f"skipped {why}" for why in self.skipped]
        if self.days_needed > 1:
            out.append(
                f"{len(self.creates)} creates need {self.days_needed} days at DingTalk's {DAILY_CREATE_LIMIT} events "
                f"per organiser per day: rerun each day (or split the feed among {self.days_needed} organisers)"
            )
        return out


@frozen
class SyncSummary:
    created: int
    updated: int
    deleted: int
    unchanged: int
    applied: bool
    complete: bool = True
    """False when DingTalk's daily limit stopped the run; rerun later to finish."""
    plan: Plan | None = field(default=None, eq=False)

    def document(self) -> dict[str, Any]:
        """The ``--json`` summary."""
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "applied": self.applied,
        }


def _check_settings(today: object, horizon_days: object, default_zone: object) -> None:
    """A ``ValidationError`` naming the first setting that cannot work (before the feed or state is read)."""
    from zoneinfo import ZoneInfo

    if today is not None and (not isinstance(today, date) or isinstance(today, datetime)):
        raise ValidationError("today", f"must be a date, not {type(today).__name__}")
    if not is_whole(horizon_days) or horizon_days < 0:
        raise ValidationError("horizon_days", f"must be a whole number of days, 0 or more, not {horizon_days!r}")
    try:
        if isinstance(default_zone, str):
            ZoneInfo(default_zone)
            return
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError; "../x" a ValueError
        pass
    raise ValidationError("default_zone", f"must be an IANA time zone such as 'Asia/Shanghai', not {default_zone!r}")


def _feed_bytes(feed: object) -> bytes:
    """The feed's bytes: given, or read from a file's path (a ``ValidationError`` when they cannot be)."""
    if isinstance(feed, bytes):
        return feed
    if not isinstance(feed, str | PathLike):
        raise ValidationError("feed", f"must be the feed's bytes or a file's path, not {type(feed).__name__}")
    try:
        return Path(feed).read_bytes()
    except OSError as error:
        if isinstance(feed, str) and feed.lstrip().startswith("BEGIN:"):  # the feed's text, not its path
            raise ValidationError("feed", "a str is a file's path: give the feed's own text as bytes") from None
        raise ValidationError("feed", f"{str(feed)!r} cannot be read ({error.strerror or error})") from None


def plan_sync(
    feed: bytes,
    state: State,
    *,
    today: date | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    allow_mass_delete: bool = False,
    default_zone: str = "UTC",
) -> Plan:
    """What applying ``feed`` would do; raises ``FeedRefusedError`` for an unsafe feed."""
    _check_settings(today, horizon_days, default_zone)
    return _plan(feed, state, today, horizon_days, allow_mass_delete, default_zone)


def _plan(
    feed: bytes, state: State, today: date | None, horizon_days: int, allow_mass_delete: bool, default_zone: str
) -> Plan:
    today = today or date.today()
    horizon = (today - timedelta(days=LOOKBACK_DAYS), today + timedelta(days=horizon_days))
    try:
        parsed: Feed = read_feed(feed, horizon_start=horizon[0], horizon_end=horizon[1], default_zone=default_zone)
    except FeedParseError as error:
        raise FeedRefusedError("unreadable", f"the feed changes nothing: {error}") from None
    creates: list[Change] = []
    updates: list[Change] = []
    unchanged = 0
    for key, event in sorted(parsed.events.items()):
        body = api.event_body(event)
        digest = _digest(body)
        known = state.entries.get(key)
        if known is None:
            creates.append(Change(key, event.summary, body, digest))
        elif known.digest != digest:
            updates.append(Change(key, event.summary, body, digest, known.event_id))
        else:
            unchanged += 1
    deletes = [
        Change(key, "", {}, entry.digest, entry.event_id)
        for key, entry in sorted(state.entries.items())
        if key not in parsed.events
    ]
    if not allow_mass_delete:
        if not parsed.events:
            raise FeedRefusedError(
                "empty", "the feed has no events: it changes nothing (--allow-mass-delete to empty the calendar)"
            )
        if state.entries and len(deletes) * 2 > len(state.entries):
            raise FeedRefusedError(
                "mass-delete",
                f"the feed would delete {len(deletes)} of {len(state.entries)} events: it changes nothing "
                "(--allow-mass-delete to apply it)",
            )
    return Plan(
        tuple(creates), tuple(updates), tuple(deletes), unchanged, parsed.expansions, parsed.skipped, horizon,
        len(state.entries),
    )  # fmt: skip


def apply_plan(
    client: CalendarClient, plan: Plan, state: State, *, on_write: Callable[[str, Change], None] | None = None
) -> SyncSummary:
    """Send the plan's writes; the state is saved after each one."""
    user_id, calendar_id = state.user_id, state.calendar_id
    done = {"created": 0, "updated": 0, "deleted": 0}
    for change in plan.deletes:
        assert change.event_id is not None
        api.delete(client, user_id, calendar_id, change.event_id, _token(state, "delete", change))
        del state.entries[change.key]
        state.save()
        done["deleted"] += 1
        _tell(on_write, "delete", change)
    for change in plan.updates:
        assert change.event_id is not None
        event_id = change.event_id
        if api.is_recurring(change.body) != (state.entries[change.key].digest.startswith("r")):
            # Recurring turned single or back: DingTalk cannot drop a recurrence by a change; replace it.
            api.delete(client, user_id, calendar_id, event_id, _token(state, "delete", change))
            event_id = _create(client, state, change)
        else:
            api.patch(client, user_id, calendar_id, event_id, change.body, _token(state, "update", change))
        state.entries[change.key] = Entry(event_id, change.digest)
        state.save()
        done["updated"] += 1
        _tell(on_write, "update", change)
    complete = True
    for change in plan.creates:
        try:
            event_id = _create(client, state, change)
        except EventLimitExceededError:
            complete = False  # DingTalk's daily limit: what is done is saved; a later run goes on
            break
        state.entries[change.key] = Entry(event_id, change.digest)
        state.save()
        done["created"] += 1
        _tell(on_write, "create", change)
    return SyncSummary(applied=True, unchanged=plan.unchanged, complete=complete, plan=plan, **done)


def sync_feed(
    client: CalendarClient,
    feed: bytes | str | Path,
    *,
    user_id: str,
    calendar_id: str,
    state_path: str | Path,
    apply: bool = False,
    allow_mass_delete: bool = False,
    today: date | None = None,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    default_zone: str = "UTC",
) -> SyncSummary:
    """Plan (and with ``apply=True`` apply) ``feed`` (its bytes, or a file's path) into ``calendar_id``.

    ``user_id`` is the organiser of the events (the calendar's author or a manager for a
    subscribed calendar). Without ``apply`` nothing is sent: the summary counts what would
    change (``applied`` False) and its ``plan`` says how.
    """
    _check_settings(today, horizon_days, default_zone)
    data = _feed_bytes(feed)
    state = State.load(state_path, user_id=user_id, calendar_id=calendar_id)
    plan = _plan(data, state, today, horizon_days, allow_mass_delete, default_zone)
    if not apply:
        return SyncSummary(len(plan.creates), len(plan.updates), len(plan.deletes), plan.unchanged, False, plan=plan)
    return apply_plan(client, plan, state)


def _create(client: CalendarClient, state: State, change: Change) -> str:
    return api.create(client, state.user_id, state.calendar_id, change.body, _token(state, "create", change))


def _digest(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # The first letter says whether the body recurs, so that a plan can see a series turn single.
    return ("r" if api.is_recurring(body) else "s") + hashlib.sha256(text.encode()).hexdigest()[:31]


def _token(state: State, action: str, change: Change) -> str:
    """The write's x-client-token: the same for the same write of the same event version in the same calendar."""
    material = json.dumps(
        [state.user_id, state.calendar_id, action, change.key, change.digest, change.event_id or ""],
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _when(change: Change) -> str:
    start = change.body.get("start", {})
    return str(start.get("date") or start.get("dateTime") or "")


def _tell(on_write: Callable[[str, Change], None] | None, action: str, change: Change) -> None:
    if on_write is not None:
        on_write(action, change)
