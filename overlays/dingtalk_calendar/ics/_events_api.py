"""The one place ics-sync touches DingTalk's event operations: their wire fields and calls.

Until the generated ``client.events.*`` methods exist, this adapter builds the bodies of
createEvent and patchEvent and sends them through the client's raw ``request``, with the
paths taken from the spec (``spec_data``); switching to the generated methods changes this
module only. Every write carries the ``x-client-token`` the caller derives (see ``_apply``),
so a write repeated after a crash or a lost answer is one write to DingTalk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dingtalk_calendar_api._call import path_segment
from dingtalk_calendar_api.spec_data import OPERATIONS

from .._errors import NotFoundError
from ._model import FeedEvent, Recurrence

if TYPE_CHECKING:
    from .._client import CalendarClient

CREATE, PATCH, DELETE = "createEvent", "patchEvent", "deleteEvent"


def event_body(event: FeedEvent) -> dict[str, Any]:
    """createEvent's body for ``event`` (all-day: dates, the end the day after; else times with their zone)."""
    body: dict[str, Any] = {"summary": event.summary, "isAllDay": event.all_day}
    if event.all_day:
        body["start"] = {"date": event.start}
        body["end"] = {"date": event.end}
    else:
        body["start"] = {"dateTime": event.start, "timeZone": event.time_zone}
        body["end"] = {"dateTime": event.end, "timeZone": event.time_zone}
    if event.description:
        body["description"] = event.description
    if event.location:
        body["location"] = {"displayName": event.location}
    if event.recurrence is not None:
        body["recurrence"] = _recurrence(event.recurrence)
    # A published calendar notifies nobody about each of its events, and keeps no reminders.
    body["reminders"] = []
    body["extra"] = {"noPushNotification": "true", "noChatNotification": "true"}
    return body


def _recurrence(rule: Recurrence) -> dict[str, Any]:
    pattern: dict[str, Any] = {"type": rule.kind, "interval": rule.interval}
    if rule.days_of_week:
        pattern["daysOfWeek"] = ",".join(rule.days_of_week)
    if rule.day_of_month is not None:
        pattern["dayOfMonth"] = rule.day_of_month
    if rule.index is not None:
        pattern["index"] = rule.index
    if rule.first_day_of_week is not None:
        pattern["firstDayOfWeek"] = rule.first_day_of_week
    if rule.count is not None:
        ranged: dict[str, Any] = {"type": "numbered", "numberOfOccurrences": rule.count}
    elif rule.until is not None:
        ranged = {"type": "endDate", "endDate": rule.until}
    else:
        ranged = {"type": "noEnd"}
    return {"pattern": pattern, "range": ranged}


def create(client: CalendarClient, user_id: str, calendar_id: str, body: Mapping[str, Any], token: str) -> str:
    """The new event's id."""
    result = client.request(
        "POST", _path(CREATE, user_id, calendar_id), json=dict(body), headers={"x-client-token": token}
    )
    event_id = result.body.get("id") if isinstance(result.body, dict) else None
    if not isinstance(event_id, str) or not event_id:
        raise ValueError("createEvent answered without an event id")
    return event_id


def patch(
    client: CalendarClient, user_id: str, calendar_id: str, event_id: str, body: Mapping[str, Any], token: str
) -> None:
    client.request(
        "PUT",
        _path(PATCH, user_id, calendar_id, event_id),
        json={**body, "id": event_id},
        headers={"x-client-token": token},
    )


def delete(client: CalendarClient, user_id: str, calendar_id: str, event_id: str, token: str) -> None:
    """Delete the event; one already gone counts as deleted."""
    with contextlib.suppress(NotFoundError):
        client.request("DELETE", _path(DELETE, user_id, calendar_id, event_id), headers={"x-client-token": token})


def is_recurring(body: Mapping[str, Any]) -> bool:
    return "recurrence" in body


def _path(operation_id: str, *values: str) -> str:
    operation = OPERATIONS[operation_id]
    path = operation.path
    for rule, value in zip(operation.path_parameters, values, strict=True):
        path = path.replace("{" + rule.name + "}", path_segment(value))
    return path
