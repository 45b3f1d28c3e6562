"""The event operations' spec extensions: what a subscribed calendar does, idempotency tokens, pagination."""

from typing import Any

import pytest

from dingtalk_calendar_api.spec_data import OPERATIONS
from generator.generate import ROOT, load_spec

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
    assert OPERATIONS["listEvents"].pagination == {"next": "nextToken", "sync": "syncToken", "items": "events"}
    assert OPERATIONS["listAttendees"].pagination == {"next": "nextToken", "items": "attendees"}


def test_no_pending_entry_names_an_operation_the_spec_has() -> None:
    spec = load_spec(ROOT / "openapi.yaml")
    pending = {entry["operation"] for entry in spec["x-dingtalk-docs-pending"]}
    have = {f"{op.method} {op.path}" for op in OPERATIONS.values()}
    assert pending.isdisjoint(have)
