"""The event operations' spec extensions: what a subscribed calendar does, idempotency tokens, pagination."""

import re
from typing import Any

import pytest

from dingtalk_calendar_api.spec_data import OPERATIONS
from generator.generate import ROOT, load_spec
from generator.sdk import build_sdk_context

EVENT_OPERATIONS = (
    "createEvent",
    "getEvent",
    "listEvents",
    "patchEvent",
    "deleteEvent",
    "listCalendars",
    "listAttendees",
)


def _operations() -> dict[str, dict[str, Any]]:
    spec = load_spec(ROOT / "openapi.yaml")
    found: dict[str, dict[str, Any]] = {}
    for item in spec["paths"].values():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op and method != "parameters":
                found[op["operationId"]] = op
    return found


@pytest.mark.parametrize("operation_id", EVENT_OPERATIONS)
def test_each_event_operation_says_what_is_documented_and_what_inferred_on_subscribed_calendars(
    operation_id: str,
) -> None:
    marked = _operations()[operation_id]["x-dingtalk-subscribed"]
    assert set(marked) <= {"documented", "inferred"}
    assert all(isinstance(text, str) and text.strip() for text in marked.values())


def test_every_event_write_and_only_those_carry_a_client_token() -> None:
    marked = {op.operation_id for op in OPERATIONS.values() if op.client_token}
    assert marked == {"createEvent", "patchEvent", "deleteEvent"}
    assert {OPERATIONS[op].client_token for op in marked} == {"x-client-token"}


def test_the_lists_name_their_page_tokens() -> None:
    paged = {
        o["operation_id"]: o["pagination"] for o in build_sdk_context(load_spec(ROOT / "openapi.yaml"))["operations"]
    }
    assert {name for name, pagination in paged.items() if pagination} == {"listEvents", "listAttendees"}
    assert paged["listEvents"] == {
        "item_field": "events",
        "next": "next_token",
        "next_wire": "nextToken",
        "sync": "sync_token",
        "sync_wire": "syncToken",
        "parameter": "next_token",
        "item": "dict[str, Any]",
    }
    assert paged["listAttendees"]["sync"] is None


@pytest.mark.parametrize(
    ("pagination", "message"),
    [
        ({"items": "events", "next": "pageToken"}, "'pageToken' is not a field of ListEventsResponse"),
        ({"items": "syncToken", "next": "nextToken"}, "needs `items` (an array field) and `next`"),
    ],
)
def test_a_pagination_the_answer_cannot_hold_is_refused(pagination: dict[str, str], message: str) -> None:
    spec = load_spec(ROOT / "openapi.yaml")
    spec["paths"]["/v1.0/calendar/users/{userId}/calendars/{calendarId}/events"]["get"]["x-dingtalk-pagination"] = (
        pagination
    )
    with pytest.raises(SystemExit, match=re.escape(message)):
        build_sdk_context(spec)


def test_no_pending_entry_names_an_operation_the_spec_has() -> None:
    spec = load_spec(ROOT / "openapi.yaml")
    pending = {entry["operation"] for entry in spec["x-dingtalk-docs-pending"]}
    have = {f"{op.method} {op.path}" for op in OPERATIONS.values()}
    assert pending.isdisjoint(have)


def test_the_daily_create_limit_is_the_specs_and_the_emulator_enforces_it() -> None:
    from dingtalk_calendar.ics import DAILY_CREATE_LIMIT
    from dingtalk_calendar_emulator.events import DEFAULT_DAILY_CREATE_LIMIT

    limit = _operations()["createEvent"]["x-dingtalk-daily-limit"]
    assert DAILY_CREATE_LIMIT == DEFAULT_DAILY_CREATE_LIMIT == limit["count"]
    assert OPERATIONS["createEvent"].daily_limit == (limit["count"], limit["error"])


@pytest.mark.parametrize(
    ("limit", "complaint"),
    [
        ({"count": 0, "error": "flowLimit"}, "positive whole count"),
        ({"count": 5, "error": "noSuchCode"}, "names an error"),
    ],
)
def test_a_daily_limit_the_operation_cannot_hold_is_refused(limit: dict[str, Any], complaint: str) -> None:
    from generator.generate import build_context

    spec = load_spec(ROOT / "openapi.yaml")
    spec["paths"]["/v1.0/calendar/users/{userId}/calendars/{calendarId}/events"]["post"]["x-dingtalk-daily-limit"] = (
        limit
    )
    with pytest.raises(SystemExit, match=complaint):
        build_context(spec)
