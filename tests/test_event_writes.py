"""Event writes are idempotent (x-client-token) and listEvents pages are followed to the sync token."""

import asyncio
from typing import Any

import pytest

from dingtalk_calendar import AsyncCalendarClient, InternalAppCredentials, Pages
from dingtalk_calendar_emulator import Emulator
from tests.client_support import FAST_RETRIES, both, open_client
from tests.recording_server import Answer, recording_server

EVENTS = "/v1.0/calendar/users/alice/calendars/primary/events"
EVENT = {
    "summary": "Standup",
    "start": {"dateTime": "2026-03-02T09:00:00+08:00", "timeZone": "Asia/Shanghai"},
    "end": {"dateTime": "2026-03-02T09:15:00+08:00", "timeZone": "Asia/Shanghai"},
}


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


@both
def test_pages_follow_next_token_and_keep_the_sync_token(kind: str, dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    with open_client(kind, emu) as client:
        for n in range(5):
            client.request("POST", EVENTS, json={**EVENT, "summary": f"e{n}"})
        sdk_client: Any = client if kind == "sync" else client.client
        pages = Pages(sdk_client, "listEvents", user_id="alice", calendar_id="primary", params={"maxResults": "2"})
        if kind == "sync":
            summaries = [event["summary"] for event in pages]
        else:

            async def collect() -> list[str]:
                return [event["summary"] async for event in pages]

            summaries = client._runner.run(collect())
    assert sorted(summaries) == [f"e{n}" for n in range(5)]
    assert pages.pages == 3
    assert pages.sync_token


def test_pages_refuse_an_operation_without_pagination(dingtalk_emulator: Emulator) -> None:
    from dingtalk_calendar import ConfigurationError

    client = AsyncCalendarClient(base_url=dingtalk_emulator.url, credentials=InternalAppCredentials("k", "s"))
    with pytest.raises(ConfigurationError):
        Pages(client, "createEvent", user_id="alice", calendar_id="primary")
    asyncio.run(client.aclose())


def open_client_on(url: str) -> Any:
    from dingtalk_calendar import CalendarClient

    return CalendarClient("fixed-token", base_url=url, retry_policy=FAST_RETRIES)
