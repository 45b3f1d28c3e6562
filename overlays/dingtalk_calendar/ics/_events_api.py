"""The one place ics-sync touches DingTalk's event operations: the generated ``client.events`` methods.

``event_body`` gives the keyword arguments of ``client.events.create`` (and ``patch``) for an
event of the feed; the plan digests them, so an unchanged event costs no call. Every write
carries the ``x-client-token`` the caller derives from the event's key and digest (see
``_sync._token``), so a write repeated after a crash or a lost answer is one write to DingTalk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._errors import MalformedResponseError, NotFoundError
from ._model import FeedEvent, Recurrence

if TYPE_CHECKING:
    from .._client.client import CalendarClient


def event_body(event: FeedEvent) -> dict[str, Any]:
    """``client.events.create``'s keyword arguments for ``event`` (all-day: dates, the end the day
    after; else times with their zone)."""
    body: dict[str, Any] = {"summary": event.summary, "is_all_day": event.all_day}
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
    created = client.events.create(user_id, calendar_id, **body, x_client_token=token)
    if not created.id:  # the spec leaves it optional; without it the event could never be changed again
        answer = created.raw_response
        raise MalformedResponseError(
            status_code=answer.status_code if answer is not None else 200,
            operation="createEvent",
            request_id=created.request_id,
            headers=answer.headers if answer is not None else None,
            detail="a 2xx answer without the new event's id",
        )
    return created.id


def patch(
    client: CalendarClient, user_id: str, calendar_id: str, event_id: str, body: Mapping[str, Any], token: str
) -> None:
    client.events.patch(user_id, calendar_id, event_id, id=event_id, **body, x_client_token=token)


def delete(client: CalendarClient, user_id: str, calendar_id: str, event_id: str, token: str) -> None:
    """Delete the event; one already gone counts as deleted."""
    with contextlib.suppress(NotFoundError):
        client.events.delete(user_id, calendar_id, event_id, x_client_token=token)


def is_recurring(body: Mapping[str, Any]) -> bool:
    return "recurrence" in body
