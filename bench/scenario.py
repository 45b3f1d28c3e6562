"""The five operations as every client under test makes them: the same users, calendar and fields.

Standard library only (the official SDK's worker imports it). The calendar that get,
update, subscribe and unsubscribe work on is made once, before timing, by ``prepare``.
"""

from typing import Final

OPERATIONS: Final = ("create", "get", "update", "subscribe", "unsubscribe")
AUTHOR: Final = "alice"
"""Creates calendars and reads and updates them (the author may)."""
SUBSCRIBER: Final = "bob"
"""Subscribes and unsubscribes (in the scope through the organisation)."""
CORP: Final = "ding-acme"
"""The demo directory's organisation of alice and bob."""
CREATED_NAME: Final = "Bench holidays"
UPDATED_NAME: Final = "Bench holidays (renamed)"
ACCESS_TOKEN_HEADER: Final = "x-acs-dingtalk-access-token"  # noqa: S105 - a header name


def create_path(user_id: str) -> str:
    return f"/v1.0/calendar/users/{user_id}/subscribedCalendars"


def calendar_path(user_id: str, calendar_id: str) -> str:
    return f"/v1.0/calendar/users/{user_id}/subscribedCalendars/{calendar_id}"


def subscribe_path(user_id: str, calendar_id: str) -> str:
    return f"/v1.0/calendar/users/{user_id}/calendars/{calendar_id}/subscribe"


def unsubscribe_path(user_id: str, calendar_id: str) -> str:
    return f"/v1.0/calendar/users/{user_id}/calendars/{calendar_id}/unsubscribe"
