"""Events in primary and subscribed calendars: what the seven event operations do.

Sources: ``zh/create-schedule.md``, ``zh/modify-event.md``, ``zh/delete-event.md``,
``zh/query-details-about-an-event.md``, ``zh/query-an-event-list.md``,
``zh/query-a-calendar.md`` and ``zh/get-the-participants-of-a-schedule.md``. What a
subscribed calendar accepts is partly inferred; each operation's ``x-dingtalk-subscribed``
in the spec says which part. Modelled here:

- ``primary`` is each user's own calendar: its events are the user's. A subscribed calendar's
  events may be written by its author and managers (others: ``permissionDeny``) and read by
  them and its subscribers.
- At most ``daily_create_limit`` (100) events created per organiser per day (China's day,
  UTC+8, on the emulator's clock): then ``flowLimit``.
- Recurrence: ``interval`` 1-365 and ``numberOfOccurrences`` 1-99, with the pages' messages.
- Lists page by ``maxResults`` (at most 100) with an opaque ``nextToken``; the last page of
  a listing without ``timeMax`` gives a ``syncToken``, and a later list with it gives the
  events changed since, deleted ones with ``status: cancelled``.
- ``listAttendees`` refuses a subscribed calendar (``invalidParameter.subscribed.invalid``).

Idempotency (``x-client-token``) is the server's, see ``idempotency``: it wraps every
operation the spec marks, this module never sees a replay.
"""

import base64
import binascii
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Final

from attrs import define

from dingtalk_calendar_api.checks import Violation
from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason
from dingtalk_calendar_api.models import (
    CalendarEntry,
    CalendarList,
    CreateEventRequest,
    ListCalendarsResponse,
    PatchEventRequest,
)
from dingtalk_calendar_api.operation_ids import OperationId
from dingtalk_calendar_api.spec_data import OPERATIONS

from .calendars import Answer, calendar_refusal
from .clock import Clock
from .errors import ApiError, documented, invalid_parameter
from .state import PRIMARY_CALENDAR_ID, CalendarStore

CREATE = OperationId.CREATE_EVENT
GET = OperationId.GET_EVENT
LIST = OperationId.LIST_EVENTS
PATCH = OperationId.PATCH_EVENT
DELETE = OperationId.DELETE_EVENT
CALENDARS = OperationId.LIST_CALENDARS
ATTENDEES = OperationId.LIST_ATTENDEES

_DAILY = OPERATIONS[CREATE].daily_limit
DEFAULT_DAILY_CREATE_LIMIT: Final = _DAILY.calls if _DAILY else None  # the spec's x-dingtalk-daily-limit


def _query_maximum(operation: str, name: str) -> int:
    """A query parameter's ``maximum`` in the spec (the largest page DingTalk answers)."""
    (rule,) = [rule for rule in OPERATIONS[operation].query_parameters if rule.name == name]
    assert rule.maximum is not None, f"openapi.yaml: {operation} {name} has no maximum"
    return int(rule.maximum)


MAX_PAGE: Final = _query_maximum(LIST, "maxResults")
MAX_ATTENDEE_PAGE: Final = _query_maximum(ATTENDEES, "maxResults")
# The pages' ranges, as their messages state them ("must between [1, 99]", "[1, 365]").
OCCURRENCES: Final = (1, 99)
INTERVAL: Final = (1, 365)
_CHINA_OFFSET: Final = 8 * 3600
_CHINA: Final = timezone(timedelta(seconds=_CHINA_OFFSET))
INSTANCE_SEPARATOR: Final = "@"
"""An instance of a recurring event is named ``<master id>@<its start>`` (event ids have no "@")."""
_SYNC_PREFIX: Final = "sync:"
_PAGE_PREFIX: Final = "page:"


@define
class StoredEvent:
    event_id: str
    calendar_key: tuple[str, str]
    """("primary", owner) or (subscribed calendar id, "")."""
    organizer: str
    fields: dict[str, Any]
    """The wire fields sent (summary, start, end, ...), as the last write left them."""
    created: float
    updated: float
    change: int
    """The store's change counter when this event last changed (syncToken deltas)."""
    deleted: bool = False


class EventService:
    """The event operations over the calendar store (for subscribed calendars) and its own events."""

    def __init__(
        self,
        store: CalendarStore,
        clock: Clock,
        *,
        daily_create_limit: int | None = DEFAULT_DAILY_CREATE_LIMIT,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.clock = clock
        self.daily_create_limit = daily_create_limit
        self._wall_clock = wall_clock
        self._lock = threading.RLock()
        self._events: dict[str, StoredEvent] = {}
        self._changes = 0
        self._created_today: dict[tuple[str, int], int] = {}

    # The operations

    def create(self, user_id: str, calendar_id: str, body: Any) -> Answer:
        fields = _fields(CREATE, CreateEventRequest.from_dict, body)
        if "end" not in fields:
            raise documented(CREATE, ErrorReason.EVENT_END_TIME_NOT_SET)
        _check_times(CREATE, fields)
        _check_recurrence(CREATE, fields)
        with self._lock:
            key = self._writable(CREATE, user_id, calendar_id)
            day = self._day()
            count = self._created_today.get((user_id, day), 0)
            if self.daily_create_limit is not None and count >= self.daily_create_limit:
                raise documented(CREATE, ErrorReason.CURRENT_USER_CAN_NOT_CREATE_EVENTS_EXCEED_100_PER_DAY)
            self._created_today[(user_id, day)] = count + 1
            if key[1] == "":  # a subscribed calendar has no participants (inferred): attendees are not kept
                fields.pop("attendees", None)
            now = self._now()
            self._changes += 1
            event = StoredEvent(_new_id(len(self._events)), key, user_id, fields, now, now, self._changes)
            self._events[event.event_id] = event
            return Answer(self._wire(event, user_id))

    def get(self, user_id: str, calendar_id: str, event_id: str) -> Answer:
        with self._lock:
            key = self._readable(GET, user_id, calendar_id)
            master_id, _, instance = event_id.partition(INSTANCE_SEPARATOR)
            if instance and master_id in self._events and "recurrence" in self._events[master_id].fields:
                # An instance id of a recurring event: the emulator keeps no instances, so none exists.
                raise documented(GET, ErrorReason.INSTANCE_NOT_EXIST)
            return Answer(self._wire(self._event(GET, key, event_id), user_id, full=True))

    def patch(self, user_id: str, calendar_id: str, event_id: str, body: Any) -> Answer:
        fields = _fields(PATCH, PatchEventRequest.from_dict, body)
        _check_recurrence(PATCH, fields)
        with self._lock:
            key = self._writable(PATCH, user_id, calendar_id)
            event = self._event(PATCH, key, event_id)
            if key[1] != "" and event.organizer != user_id:
                raise documented(PATCH, ErrorReason.PERMISSIONDENY)  # only the organiser, on a primary calendar
            fields.pop("id", None)
            if key[1] == "":
                fields.pop("attendees", None)
            self._changes += 1
            event.fields.update(fields)
            event.updated = self._now()
            event.change = self._changes
            return Answer(self._wire(event, user_id))

    def delete(self, user_id: str, calendar_id: str, event_id: str) -> Answer:
        with self._lock:
            key = self._writable(DELETE, user_id, calendar_id)
            event = self._event(DELETE, key, event_id)
            self._changes += 1
            event.deleted = True
            event.updated = self._now()
            event.change = self._changes
        return Answer(None)

    def list_events(self, user_id: str, calendar_id: str, query: Mapping[str, str]) -> Answer:
        limit = _int_query(LIST, query, "maxResults", MAX_PAGE, 1, MAX_PAGE)
        with self._lock:
            key = self._readable(LIST, user_id, calendar_id)
            sync = query.get("syncToken")
            since = _decode(LIST, sync, _SYNC_PREFIX) if sync else None
            offset, frozen_at = (0, self._changes)
            if query.get("nextToken"):
                offset, frozen_at = _page_token(LIST, query["nextToken"])
            show_deleted = query.get("showDeleted", "false").lower() == "true" or since is not None
            window = _window(query.get("timeMin"), query.get("timeMax"))
            chosen = [
                e
                for e in sorted(self._events.values(), key=lambda e: e.event_id)
                if e.calendar_key == key
                and (since is None or e.change > since)
                and (show_deleted or not e.deleted)
                and _in_window(e, *window)
            ]
            page = chosen[offset : offset + limit]
            body: dict[str, Any] = {"events": [self._wire(e, user_id, full=True) for e in page]}
            if offset + limit < len(chosen):
                body["nextToken"] = _encode(_PAGE_PREFIX, f"{offset + limit}:{frozen_at}")
            elif "timeMax" not in query:
                body["syncToken"] = _encode(_SYNC_PREFIX, str(max(frozen_at, self._changes)))
            return Answer(body)

    def list_calendars(self, user_id: str) -> Answer:
        snapshot = self.store.snapshot()
        entries = [CalendarEntry(id=PRIMARY_CALENDAR_ID, summary=user_id, type_="primary", privilege="owner")]
        subscribed = set(self.store.subscriptions_of(user_id))
        for calendar in snapshot.calendars.values():
            if user_id == calendar.author or user_id in calendar.managers:
                privilege = "owner" if user_id == calendar.author else "writer"
            elif calendar.calendar_id in subscribed:
                privilege = "reader"
            else:
                continue
            entries.append(
                CalendarEntry(
                    id=calendar.calendar_id,
                    summary=calendar.name,
                    description=calendar.description or "",
                    type_="subscribed",
                    privilege=privilege,
                )
            )
        return Answer(ListCalendarsResponse(response=CalendarList(calendars=entries)).to_dict())

    def list_attendees(self, user_id: str, calendar_id: str, event_id: str, query: Mapping[str, str]) -> Answer:
        if calendar_id != PRIMARY_CALENDAR_ID:
            raise documented(ATTENDEES, ErrorReason.SUBSCRIBED_CALENDAR_NOT_SUPPORT_THIS_METHOD)
        raw_limit = query.get("maxResults", "100")
        if not raw_limit.isdigit() or not 0 <= int(raw_limit) <= MAX_ATTENDEE_PAGE:
            raise documented(ATTENDEES, ErrorReason.MAXRESULTS_SIZE_MUST_WITHIN_RANGE_0_500)
        with self._lock:
            event = self._event(ATTENDEES, self._readable(ATTENDEES, user_id, calendar_id), event_id)
            attendees = [
                {"id": a.get("id", ""), "isOptional": bool(a.get("isOptional", False)), "responseStatus": "needsAction"}
                for a in event.fields.get("attendees", [])
            ]
        offset = _decode_offset(ATTENDEES, query.get("nextToken"))
        limit = int(raw_limit) or 100
        body: dict[str, Any] = {"attendees": attendees[offset : offset + limit]}
        if offset + limit < len(attendees):
            body["nextToken"] = _encode(_PAGE_PREFIX, f"{offset + limit}:0")
        return Answer(body)

    # Inspection (tests)

    def events_of(self, calendar_id: str, owner: str = "") -> list[dict[str, Any]]:
        """The live events of a calendar (``owner`` for ``primary``), as getEvent would answer them."""
        key = (calendar_id, owner if calendar_id == PRIMARY_CALENDAR_ID else "")
        with self._lock:
            return [
                self._wire(e, e.organizer, full=True)
                for e in self._events.values()
                if e.calendar_key == key and not e.deleted
            ]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._created_today.clear()

    # Rules

    def _calendar_key(self, user_id: str, calendar_id: str) -> tuple[str, str]:
        return (calendar_id, user_id) if calendar_id == PRIMARY_CALENDAR_ID else (calendar_id, "")

    def _writable(self, operation_id: str, user_id: str, calendar_id: str) -> tuple[str, str]:
        """The calendar's key, if ``user_id`` may write its events: its own primary, or as author or manager."""
        if calendar_id == PRIMARY_CALENDAR_ID:
            return self._calendar_key(user_id, calendar_id)
        calendar = self._subscribed(operation_id, calendar_id)
        if user_id != calendar.author and user_id not in calendar.managers:
            raise _permission_deny(operation_id)
        return self._calendar_key(user_id, calendar_id)

    def _readable(self, operation_id: str, user_id: str, calendar_id: str) -> tuple[str, str]:
        """The calendar's key, if ``user_id`` may read it: writers, and subscribers of a subscribed calendar."""
        if calendar_id == PRIMARY_CALENDAR_ID:
            return self._calendar_key(user_id, calendar_id)
        calendar = self._subscribed(operation_id, calendar_id)
        readers = (calendar.author, *calendar.managers)
        if user_id not in readers and calendar_id not in self.store.subscriptions_of(user_id):
            raise _permission_deny(operation_id)
        return self._calendar_key(user_id, calendar_id)

    def _subscribed(self, operation_id: str, calendar_id: str) -> Any:
        calendar = self.store.get(calendar_id)
        if calendar is None:
            raise _not_found(operation_id, f"calendar {calendar_id} not found")
        return calendar

    def _event(self, operation_id: str, key: tuple[str, str], event_id: str) -> StoredEvent:
        event = self._events.get(event_id)
        if event is None or event.deleted or event.calendar_key != key:
            raise _not_found(operation_id, f"event {event_id} not found")
        return event

    def _wire(self, event: StoredEvent, user_id: str, *, full: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": event.event_id,
            **{k: v for k, v in event.fields.items() if k not in ("extra", "attendees")},
            "organizer": {"id": event.organizer, "self": event.organizer == user_id},
            "createTime": _iso(event.created),
            "updateTime": _iso(event.updated),
        }
        if "attendees" in event.fields:
            body["attendees"] = [
                {**a, "responseStatus": "needsAction", "self": a.get("id") == user_id}
                for a in event.fields["attendees"]
            ]
        if full:
            body["status"] = "cancelled" if event.deleted else "confirmed"
        return body

    def _now(self) -> float:
        return self._wall_clock() + self.clock.offset

    def _day(self) -> int:
        return int((self._now() + _CHINA_OFFSET) // 86400)


def _fields(operation_id: str, read: Callable[[Any], Any], body: Any) -> dict[str, Any]:
    """The body through the generated model (its wire names), or the forwarded error for one it cannot read.

    The generated checker checks the top level's rules; a nested value of the wrong shape
    (``"start": []``, ``"interval": "2"``) is found here, and refused as DingTalk would, not a 500.
    """
    try:
        fields: dict[str, Any] = read(body).to_dict()
        _shape(fields.get("start"), fields.get("end"), fields.get("extra"))
        recurrence = fields.get("recurrence") or {}
        for part, name in (("pattern", "interval"), ("range", "numberOfOccurrences")):
            value = (recurrence.get(part) or {}).get(name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise TypeError(f"recurrence.{part}.{name} must be an integer")
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        raise invalid_parameter(operation_id, f"the event cannot be read: {error}") from None
    return fields


def _shape(*times: Any) -> None:
    for value in times:
        if value is not None and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
            raise TypeError("start, end and extra must be objects of strings")


def event_refusal(operation_id: str, violation: Violation) -> ApiError:
    """A broken field rule the spec documents no row for, as the event pages answer it."""
    if operation_id == CALENDARS:
        return documented(CALENDARS, ErrorReason.PARAM_ILLEGAL)  # the page's only error
    if not violation.path and operation_id in (CREATE, PATCH):
        return documented(operation_id, ErrorReason.EVENT_MUST_BE_PROVIDED)
    return calendar_refusal(operation_id, violation)


def _check_times(operation_id: str, fields: Mapping[str, Any]) -> None:
    """The create page's rules on start and end: all-day events give dates (the end after the
    start), others date-times with the same zone at both ends."""
    start, end = fields.get("start") or {}, fields.get("end") or {}
    if fields.get("isAllDay"):
        if not start.get("date") or not end.get("date") or "dateTime" in start or "dateTime" in end:
            raise invalid_parameter(operation_id, "an all-day event needs start.date and end.date only")
        if end["date"] <= start["date"]:
            raise invalid_parameter(operation_id, "end.date must be after start.date (the day after the last day)")
        return
    if "date" in start and "dateTime" not in start:
        return  # an all-day event that does not say isAllDay: DingTalk takes the dates
    if not start.get("dateTime") or not end.get("dateTime"):
        raise invalid_parameter(operation_id, "start.dateTime and end.dateTime are required")
    if not start.get("timeZone") or start.get("timeZone") != end.get("timeZone"):
        raise invalid_parameter(operation_id, "start.timeZone and end.timeZone must be given and the same")


def _check_recurrence(operation_id: str, fields: Mapping[str, Any]) -> None:
    recurrence = fields.get("recurrence") or {}
    interval = (recurrence.get("pattern") or {}).get("interval")
    if interval is not None and not INTERVAL[0] <= interval <= INTERVAL[1]:
        raise documented(operation_id, ErrorReason.RECURRENCE_INTERVAL_MUST_BETWEEN_1_365)
    count = (recurrence.get("range") or {}).get("numberOfOccurrences")
    if count is not None and not OCCURRENCES[0] <= count <= OCCURRENCES[1]:
        raise documented(operation_id, ErrorReason.RECURRENCE_RANGE_NUMBEROFOCCURRENCES_MUST_BETWEEN_1_99)


def _parsed(text: str) -> datetime | None:
    """An ISO-8601 date-time, or a date (its midnight in China, as an all-day event's day)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=_CHINA)


def _instant(text: str, name: str) -> datetime:
    when = _parsed(text)
    if when is None:
        raise invalid_parameter(LIST, f"{name} is not an ISO-8601 date-time: {text!r}")
    return when


def _window(time_min: str | None, time_max: str | None) -> tuple[datetime | None, datetime | None]:
    """The listing's window; its ends at most a year apart, as the list page says."""
    low = _instant(time_min, "timeMin") if time_min else None
    high = _instant(time_max, "timeMax") if time_max else None
    if low and high and high - low > timedelta(days=366):
        raise invalid_parameter(LIST, "timeMin and timeMax must be at most a year apart")
    return low, high


def _in_window(event: StoredEvent, low: datetime | None, high: datetime | None) -> bool:
    """Whether the event starts within the window, compared as instants (zones included)."""
    if low is None and high is None:
        return True
    start = event.fields.get("start") or {}
    when = _parsed(start.get("dateTime") or start.get("date") or "")
    return when is not None and (low is None or when >= low) and (high is None or when <= high)


def _int_query(operation_id: str, query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid_parameter(operation_id, f"{name} must be between {low} and {high}")
    return int(raw)


def _encode(prefix: str, text: str) -> str:
    return base64.urlsafe_b64encode((prefix + text).encode()).decode().rstrip("=")


def _decode(operation_id: str, token: str, prefix: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if not text.startswith(prefix):
            raise ValueError(text)
        return int(text[len(prefix) :].split(":")[0])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise invalid_parameter(operation_id, f"invalid {prefix.rstrip(':')} token") from None


def _page_token(operation_id: str, token: str) -> tuple[int, int]:
    """(offset, change counter when the listing began) of a nextToken."""
    offset = _decode(operation_id, token, _PAGE_PREFIX)
    text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    frozen_at = text.rsplit(":", 1)[-1]
    if not frozen_at.isdigit():
        raise invalid_parameter(operation_id, "invalid page token")
    return offset, int(frozen_at)


def _decode_offset(operation_id: str, token: str | None) -> int:
    return 0 if not token else _decode(operation_id, token, _PAGE_PREFIX)


def _new_id(serial: int) -> str:
    return base64.urlsafe_b64encode(f"{serial + 1}@event.emulator".encode()).decode().rstrip("=")


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _permission_deny(operation_id: str) -> ApiError:
    return documented(operation_id, ErrorReason.PERMISSIONDENY)


def _not_found(operation_id: str, detail: str) -> ApiError:
    """``itemNotFound`` where the operation's page documents it, else the forwarded ``invalidParameter``."""
    if any(error.code == ErrorCode.ITEM_NOT_FOUND for error in OPERATIONS[operation_id].errors):
        return ApiError(404, ErrorCode.ITEM_NOT_FOUND.value, detail)
    return invalid_parameter(operation_id, detail)
