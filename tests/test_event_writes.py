"""Event writes are idempotent (x-client-token); client.events.list follows the pages to the sync token."""

import inspect
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dingtalk_calendar import AsyncPages, InvalidParameterError, ListEvents, MalformedResponseError, ValidationError
from dingtalk_calendar_emulator import Emulator
from tests.client_support import FAST_RETRIES, both, open_client, recorded_client
from tests.recording_server import Answer, recording_server

EVENTS = "/v1.0/calendar/users/alice/calendars/primary/events"
EVENT = {
    "summary": "Standup",
    "start": {"dateTime": "2026-03-02T09:00:00+08:00", "timeZone": "Asia/Shanghai"},
    "end": {"dateTime": "2026-03-02T09:15:00+08:00", "timeZone": "Asia/Shanghai"},
}
EVENT_ARGS: dict[str, Any] = {"summary": EVENT["summary"], "start": EVENT["start"], "end": EVENT["end"]}


@both
def test_a_create_whose_answer_is_lost_is_retried_and_makes_one_event(kind: str, dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    with open_client(kind, emu) as client:
        emu.faults.next("drop_after", operation="createEvent")  # acts, then loses the answer
        created = client.request("POST", EVENTS, json=EVENT)
    assert created.body["summary"] == "Standup"
    assert emu.stats.requests("createEvent") == 2  # sent again with the same token, answered from the first
    assert len(emu.events.events_of("primary", "alice")) == 1


@both
def test_idempotency_processing_is_waited_out(kind: str, dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    with open_client(kind, emu) as client:
        emu.faults.next("idempotency_processing", operation="createEvent")
        created = client.request("POST", EVENTS, json=EVENT)
    assert created.body["id"]
    assert emu.stats.statuses("createEvent") == {400: 1, 200: 1}


def test_a_token_per_call_the_same_on_each_retry_and_the_callers_own_kept() -> None:
    with recording_server() as server:
        server.queued = [Answer(502, b"{}")]
        server.answer_json(200, {"id": "e1"})
        with open_client_on(server.url) as client:
            client.request("POST", EVENTS, json=EVENT)
            client.request("POST", EVENTS, json=EVENT)
            client.request("POST", EVENTS, json=EVENT, headers={"x-client-token": "mine"})
        tokens = [request.headers.get("x-client-token") for request in server.received]
    assert tokens[0] == tokens[1]  # the retry of the first call
    assert tokens[2] != tokens[0]  # a new call, a new token
    assert tokens[3] == "mine"


def test_no_token_on_operations_the_spec_does_not_mark() -> None:
    with recording_server() as server:
        server.answer_json(200, {"events": []})
        with open_client_on(server.url) as client:
            client.request("GET", EVENTS)
        assert "x-client-token" not in server.received[0].headers


def done(client: Any, value: Any) -> Any:
    """``value``, or what it gives once awaited on the async client's loop."""
    return client._runner.run(value) if inspect.isawaitable(value) else value


def collect(kind: str, client: Any, pages: Any) -> list[Any]:
    """Every item of ``pages``: ``for`` over a sync client's, ``async for`` over an async one's."""
    if kind == "sync":
        return list(pages)
    assert isinstance(pages, AsyncPages)

    async def items() -> list[Any]:
        return [item async for item in pages]

    result: list[Any] = client._runner.run(items())
    return result


@both
def test_list_follows_next_token_and_keeps_the_sync_token(kind: str, dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    with open_client(kind, emu) as client:
        for n in range(5):
            done(client, client.events.create("alice", "primary", **{**EVENT_ARGS, "summary": f"e{n}"}))
        pages = client.events.list("alice", "primary", max_results=2)
        assert emu.stats.requests("listEvents") == 0  # nothing is sent before the first item is asked for
        summaries = [event["summary"] for event in collect(kind, client, pages)]
        summaries_sorted = sorted(summaries)
        assert summaries_sorted == [f"e{n}" for n in range(5)]
        assert pages.pages == 3
        assert emu.stats.requests("listEvents") == 3
        assert pages.sync_token
        assert isinstance(pages.last_page, ListEvents)
        # Iterated again, it lists again from the first page, and counts that listing alone.
        assert sorted(event["summary"] for event in collect(kind, client, pages)) == summaries_sorted
        assert pages.pages == 3
        assert emu.stats.requests("listEvents") == 6
        assert pages.last_page.next_token is None
        # Incremental read: nothing changed, then one new event.
        assert collect(kind, client, client.events.list("alice", "primary", sync_token=pages.sync_token)) == []
        done(client, client.events.create("alice", "primary", **{**EVENT_ARGS, "summary": "late"}))
        later = client.events.list("alice", "primary", sync_token=pages.sync_token)
        assert [event["summary"] for event in collect(kind, client, later)] == ["late"]


@both
def test_a_next_token_already_followed_ends_the_listing_in_an_error_not_a_loop(kind: str) -> None:
    with recorded_client(kind) as (client, server):
        server.queued.append(Answer(body=json.dumps({"events": [{"id": "e1"}], "nextToken": "t-1"}).encode()))
        server.queued.append(Answer(body=json.dumps({"events": [{"id": "e2"}], "nextToken": "t-2"}).encode()))
        server.answer_json(200, {"events": [{"id": "e3"}], "nextToken": "t-1"})  # back to the first: a cycle
        with pytest.raises(MalformedResponseError, match="nextToken is one already followed"):
            collect(kind, client, client.events.list("alice", "primary"))
        assert len(server.received) == 3


def test_the_emulators_window_compares_instants_across_zones(dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    with open_client("sync", emu) as client:
        # 09:00 in Shanghai is 01:00 UTC: the same day, but before a window opening at 02:00 UTC.
        done(client, client.events.create("alice", "primary", **EVENT_ARGS))
        late = {"dateTime": "2026-03-02T12:00:00+08:00", "timeZone": "Asia/Shanghai"}
        done(client, client.events.create("alice", "primary", summary="Lunch", start=late, end=late))

        def listed(**window: str) -> list[str]:
            answer = client.request("GET", EVENTS, params=window)
            return sorted(event["summary"] for event in answer.body["events"])

        assert listed(timeMin="2026-03-02T02:00:00Z") == ["Lunch"]
        assert listed(timeMin="2026-03-02T00:00:00Z", timeMax="2026-03-02T02:00:00Z") == ["Standup"]
        assert listed(timeMin="2026-03-02") == ["Lunch", "Standup"]  # a date is midnight in China
        for bad in ({"timeMin": "yesterday"}, {"timeMin": "2026-01-01T00:00:00Z", "timeMax": "2027-06-01T00:00:00Z"}):
            with pytest.raises(InvalidParameterError, match="timeMin"):
                client.request("GET", EVENTS, params=bad)


@both
def test_list_checks_its_arguments_before_any_request(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client, pytest.raises(ValidationError, match="max_results"):
        client.events.list("alice", "primary", max_results=1000)
    assert dingtalk_emulator.stats.requests("listEvents") == 0


@both
@pytest.mark.parametrize(
    ("given", "field", "why"),
    [
        ({"start": {**EVENT_ARGS["start"], "dateTime": 5}}, "start.dateTime", "must be a string, not int"),
        ({"attendees": [{"id": "bob"}, {"id": 7}]}, "attendees[1].id", "must be a string, not int"),
        ({"attendees": [{"id": "bob", "isOptional": "yes"}]}, "attendees[0].isOptional", "must be a boolean"),
        ({"reminders": ["15 minutes"]}, "reminders[0]", "must be a mapping, not str"),
        ({"recurrence": {"pattern": "daily", "range": {"type": "noEnd"}}}, "recurrence.pattern", "must be an object"),
    ],
)
def test_a_mapping_argument_is_checked_to_its_depths_and_named_as_written(
    kind: str, given: dict[str, Any], field: str, why: str
) -> None:
    # Mappings are written with DingTalk's names (dateTime), and an error names them so.
    with recorded_client(kind) as (client, server):
        with pytest.raises(ValidationError) as raised:
            client.events.create("alice", "primary", **{**EVENT_ARGS, **given})
        assert server.received == []
    assert raised.value.field == field
    assert why in raised.value.reason


@both
def test_per_call_options_apply_to_every_page(kind: str) -> None:
    pages = [{"events": [{"id": "a"}], "nextToken": "t1"}, {"events": [{"id": "b"}], "nextToken": "t2"}]
    with recorded_client(kind) as (client, server):
        server.queued = [Answer(200, json.dumps(page).encode()) for page in pages]
        server.answer_json(200, {"events": [{"id": "c"}], "syncToken": "s"})
        listing = client.events.list(
            "alice", "primary", max_results=1, extra_headers={"x-trace": "mine"}, extra_query={"lang": "en"}
        )
        ids = [event["id"] for event in collect(kind, client, listing)]
    assert ids == ["a", "b", "c"]
    assert listing.sync_token == "s"
    assert [request.headers.get("x-trace") for request in server.received] == ["mine"] * 3
    queries = [parse_qs(urlsplit(request.raw_path).query) for request in server.received]
    assert [query.get("nextToken") for query in queries] == [None, ["t1"], ["t2"]]
    assert all(query["lang"] == ["en"] and query["maxResults"] == ["1"] for query in queries)


def open_client_on(url: str) -> Any:
    from dingtalk_calendar import CalendarClient

    return CalendarClient("fixed-token", base_url=url, retry_policy=FAST_RETRIES)


@both
def test_delete_answers_the_generic_done_for_dingtalks_empty_200(kind: str, dingtalk_emulator: Emulator) -> None:
    from dingtalk_calendar import Done, NotFoundError

    with open_client(kind, dingtalk_emulator) as client:
        created = done(client, client.events.create("alice", "primary", **EVENT_ARGS))
        deleted = done(client, client.events.delete("alice", "primary", created.id))
        assert isinstance(deleted, Done)
        assert deleted.raw_response is not None
        assert deleted.raw_response.content == b""
        with pytest.raises(NotFoundError):
            done(client, client.events.delete("alice", "primary", created.id))
