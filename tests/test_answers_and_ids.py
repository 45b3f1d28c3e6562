"""Answers that break the spec's response schema, and ids the SDK cannot send (issue 11, items 5 and 6).

Over real sockets: a small server on 127.0.0.1 answers whatever a test sets, and records
what reached it. A malformed answer is a ``MalformedResponseError`` naming the field, never a
``TypeError`` or a value of the wrong type; an unsendable id is a ``ValidationError`` before
anything is sent.
"""

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from dingtalk_calendar import (
    AsyncCalendarClient,
    CalendarClient,
    MalformedResponseError,
    RetryPolicy,
    Scope,
    ValidationError,
)
from dingtalk_calendar_api.spec_data import OPERATIONS
from tests.recording_server import RecordingServer, recording_server

TOKEN = "fixed-token-for-these-tests"
NO_RETRIES = RetryPolicy(max_retries=0)
ACME = Scope(organisations=["ding-acme"])
Call = Callable[[Any], Any]


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as running:
        yield running


def call(kind: str, server: RecordingServer, action: Call) -> Any:
    """``action(client)`` on a sync client, or on an async one (awaiting what it returns)."""
    if kind == "sync":
        with CalendarClient(TOKEN, base_url=server.url, retry_policy=NO_RETRIES) as client:
            return action(client)

    async def run() -> Any:
        async with AsyncCalendarClient(TOKEN, base_url=server.url, retry_policy=NO_RETRIES) as client:
            return await action(client)

    return asyncio.run(run())


both = pytest.mark.parametrize("kind", ["sync", "async"])

GET: Call = lambda c: c.get("alice", "cal-1")  # noqa: E731
CREATE: Call = lambda c: c.create("alice", name="Team", scope=ACME)  # noqa: E731
UPDATE: Call = lambda c: c.update("alice", "cal-1", name="New")  # noqa: E731
SUBSCRIBE: Call = lambda c: c.subscribe("bob", "cal-1")  # noqa: E731


def LIST_EVENTS(c: Any) -> Any:
    pages = c.events.list("alice", "primary")
    if isinstance(c, CalendarClient):
        return list(pages)

    async def read() -> list[Any]:
        return [event async for event in pages]

    return read()


GOOD_CALENDAR = {
    "calendarId": "cal-1",
    "name": "Team",
    "description": "",
    "author": "alice",
    "managers": ["bob"],
    "subscribeScope": {"corpIds": ["ding-acme"]},
}


def nested(depth: int) -> bytes:
    return b'{"managers": ' + b"[" * depth + b"]" * depth + b"}"


@both
@pytest.mark.parametrize(
    ("action", "body", "field", "why"),
    [
        (GET, {**GOOD_CALENDAR, "managers": "bob"}, "managers", "must be a list of strings, not str"),
        (GET, {**GOOD_CALENDAR, "managers": ["bob", 7]}, "managers[1]", "must be a string, not int"),
        (GET, {**GOOD_CALENDAR, "calendarId": 5}, "calendarId", "must be a string, not int"),
        (CREATE, {"calendarId": None}, "calendarId", "must be a string, not null"),
        (GET, {**GOOD_CALENDAR, "subscribeScope": "everyone"}, "subscribeScope", "must be an object, not str"),
        (
            GET,
            {**GOOD_CALENDAR, "subscribeScope": {"unionIds": "alice"}},
            "subscribeScope.unionIds",
            "must be a list of strings, not str",
        ),
        (GET, ["not", "an", "object"], "body", "must be an object, not list"),
        (CREATE, {"calendarId": 5}, "calendarId", "must be a string, not int"),
        (UPDATE, {"result": "false"}, "result", "must be a boolean, not str"),
        (UPDATE, {"result": 0}, "result", "must be a boolean, not int"),
        (SUBSCRIBE, {"result": 1}, "result", "must be a boolean, not int"),
        (LIST_EVENTS, {"events": ["e1"]}, "events[0]", "must be an object, not str"),
        (LIST_EVENTS, {"events": [{"id": "e1"}, {"id": 5}]}, "events[1].id", "must be a string, not int"),
        (LIST_EVENTS, {"events": [{"id": "e1", "start": "today"}]}, "events[0].start", "must be an object, not str"),
        (
            LIST_EVENTS,
            {"events": [{"id": "e1", "attendees": [{"id": "bob"}, {"id": 3}]}]},
            "events[0].attendees[1].id",
            "must be a string, not int",
        ),
    ],
    ids=[
        "managers-str",
        "managers-int-item",
        "calendarId-int",
        "required-null",
        "scope-str",
        "scope-users-str",
        "body-list",
        "created-calendarId-int",
        "result-str",
        "result-0",
        "subscribe-result-1",
        "event-str",
        "event-id-int",
        "event-start-str",
        "attendee-id-int",
    ],
)
def test_an_answer_of_the_wrong_shape_names_its_field(
    kind: str, server: RecordingServer, action: Call, body: Any, field: str, why: str
) -> None:
    server.answer_json(200, body)
    with pytest.raises(MalformedResponseError) as raised:
        call(kind, server, action)
    assert f"whose {field} {why}" in str(raised.value)
    assert raised.value.status_code == 200


@both
def test_an_answers_null_for_an_optional_field_reads_as_left_out(kind: str, server: RecordingServer) -> None:
    # The required calendarId's null is a wrong type (above); these may be left out, so null is that.
    server.answer_json(200, {**GOOD_CALENDAR, "name": None, "subscribeScope": {"corpIds": None, "unionIds": ["bob"]}})
    calendar = call(kind, server, GET)
    assert calendar.name == ""  # as when DingTalk leaves it out
    assert calendar.scope.organisations == ()
    assert calendar.scope.users == ("bob",)
    server.answer_json(200, {"events": [{"id": "e1", "summary": None}], "nextToken": None})
    assert call(kind, server, LIST_EVENTS) == [{"id": "e1"}]  # one page: a null next token is none


@both
def test_json_nested_past_the_parsers_depth_is_a_malformed_answer(kind: str, server: RecordingServer) -> None:
    server.answer_raw(200, nested(100_000), "application/json")
    with pytest.raises(MalformedResponseError, match="nested too deeply"):
        call(kind, server, GET)


@both
def test_answers_of_the_right_shape_still_come_back(kind: str, server: RecordingServer) -> None:
    server.answer_json(200, GOOD_CALENDAR)
    calendar = call(kind, server, GET)
    assert (calendar.calendar_id, calendar.managers, calendar.scope.organisations) == (
        "cal-1",
        ("bob",),
        ("ding-acme",),
    )
    server.answer_json(200, {"result": False})
    assert call(kind, server, UPDATE).result is False
    server.answer_json(200, {"unknownKey": 1})  # unknown keys are kept, not refused
    assert call(kind, server, UPDATE).result is True


@both
def test_an_answer_past_a_limit_on_what_is_sent_is_read(kind: str, server: RecordingServer) -> None:
    # DingTalk's limits on requests (a scope that names someone, 1-99 occurrences) are not
    # held against its answers: a calendar or event made in its own app is still readable.
    server.answer_json(200, {**GOOD_CALENDAR, "subscribeScope": {}})
    calendar = call(kind, server, GET)
    assert calendar.scope.is_empty
    event = {"id": "ev-1", "summary": "Stand-up", "recurrence": {"range": {"numberOfOccurrences": 200}}}
    server.answer_json(200, event)
    got = call(kind, server, lambda c: c.events.get("alice", "cal-1", "ev-1"))
    assert got.recurrence == {"range": {"numberOfOccurrences": 200}}
    server.answer_json(200, {**event, "recurrence": {"range": {"numberOfOccurrences": "200"}}})
    with pytest.raises(MalformedResponseError, match="numberOfOccurrences must be an integer"):
        call(kind, server, lambda c: c.events.get("alice", "cal-1", "ev-1"))


# -- ids the SDK cannot send -------------------------------------------------------------------

LONGEST = 256
"""The spec's maxLength of userId and calendarId (see its parameters for why)."""


def test_the_spec_carries_the_id_limit() -> None:
    for operation in OPERATIONS.values():
        assert {p.max_length for p in operation.path_parameters} <= {LONGEST}


@both
@pytest.mark.parametrize(
    ("action", "field", "why"),
    [
        (lambda c: c.get("\ud800", "cal-1"), "user_id", "lone surrogate"),
        (lambda c: c.get("alice", "cal-\udfff"), "calendar_id", "lone surrogate"),
        (lambda c: c.get("alice", "c" * 100_000), "calendar_id", "at most 256 characters (got 100000)"),
        (lambda c: c.subscribe("u" * 257, "cal-1"), "user_id", "at most 256 characters (got 257)"),
        (lambda c: c.unsubscribe("bob", "\ud83d"), "calendar_id", "lone surrogate"),
        (lambda c: c.create("alice", name="Team \ud800", scope=ACME), "name", "lone surrogate"),
        (
            lambda c: c.create("alice", name="Team", scope=Scope(users=["bob", "\udc00"])),
            "scope.users[1]",
            "lone surrogate",
        ),
        (lambda c: c.update("alice", "cal-1", managers=["\ud800"]), "managers[0]", "lone surrogate"),
    ],
    ids=[
        "user-surrogate",
        "calendar-surrogate",
        "calendar-huge",
        "user-257",
        "unsub",
        "name",
        "scope-users",
        "managers",
    ],
)
def test_an_id_that_cannot_be_sent_is_refused_before_sending(
    kind: str, server: RecordingServer, action: Call, field: str, why: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        call(kind, server, action)
    assert raised.value.field == field
    assert why in raised.value.reason
    assert server.received == []  # nothing sent, not even a token request


@both
def test_an_id_at_the_limit_is_sent(kind: str, server: RecordingServer) -> None:
    server.answer_json(200, {"result": True})
    assert call(kind, server, lambda c: c.subscribe("u" * LONGEST, "c" * LONGEST)).result is True
    assert len(server.received) == 1
    assert ("/" + "u" * LONGEST + "/") in server.received[0].raw_path


def test_the_limit_keeps_the_request_line_under_the_gateways_8_kb() -> None:
    # The worst case: both ids at the limit, every character four UTF-8 bytes, each byte %XX.
    operation = OPERATIONS["getSubscribedCalendar"]
    worst = operation.path.format(userId="%F0%9F%98%80" * LONGEST, calendarId="%F0%9F%98%80" * LONGEST)
    assert len(f"GET {worst} HTTP/1.1\r\n".encode()) < 8 * 1024
    assert json.dumps(worst)  # plain ASCII once encoded
