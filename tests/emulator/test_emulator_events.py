"""The emulator's events: who may write and read, idempotency, flowLimit, recurrence limits, pages and deltas."""

import threading
from typing import Any

import httpx
import pytest

from dingtalk_calendar_emulator import Emulator

EVENTS = "/v1.0/calendar/users/{user}/calendars/{calendar}/events"


def _event(summary: str = "Standup", day: str = "2026-03-02") -> dict[str, Any]:
    return {
        "summary": summary,
        "start": {"dateTime": f"{day}T09:00:00+08:00", "timeZone": "Asia/Shanghai"},
        "end": {"dateTime": f"{day}T09:15:00+08:00", "timeZone": "Asia/Shanghai"},
    }


def _subscribed_calendar(http: httpx.Client, auth: dict[str, str], *, managers: list[str]) -> str:
    answer = http.post(
        "/v1.0/calendar/users/alice/subscribedCalendars",
        headers=auth,
        json={"name": "Holidays", "managers": managers, "subscribeScope": {"corpIds": ["ding-acme"]}},
    )
    assert answer.status_code == 200, answer.text
    calendar_id: str = answer.json()["calendarId"]
    return calendar_id


def _create(http: httpx.Client, auth: dict[str, str], user: str, calendar: str, **headers: str) -> httpx.Response:
    return http.post(EVENTS.format(user=user, calendar=calendar), headers={**auth, **headers}, json=_event())


def test_author_and_managers_write_subscribers_read_others_are_refused(
    emu: Emulator, http: httpx.Client, auth: dict[str, str]
) -> None:
    calendar = _subscribed_calendar(http, auth, managers=["bob"])
    assert http.post(f"/v1.0/calendar/users/carol/calendars/{calendar}/subscribe", headers=auth).status_code == 200
    assert _create(http, auth, "alice", calendar).status_code == 200
    assert _create(http, auth, "bob", calendar).status_code == 200
    refused = _create(http, auth, "carol", calendar)
    assert (refused.status_code, refused.json()["code"]) == (400, "permissionDeny")
    seen = http.get(EVENTS.format(user="carol", calendar=calendar), headers=auth).json()
    assert [e["summary"] for e in seen["events"]] == ["Standup", "Standup"]
    outsider = http.get(EVENTS.format(user="dave", calendar=calendar), headers=auth)
    assert outsider.json()["code"] == "permissionDeny"
    assert len(emu.events.events_of(calendar)) == 2


def test_list_attendees_refuses_a_subscribed_calendar(http: httpx.Client, auth: dict[str, str]) -> None:
    calendar = _subscribed_calendar(http, auth, managers=[])
    event_id = _create(http, auth, "alice", calendar).json()["id"]
    answer = http.get(f"{EVENTS.format(user='alice', calendar=calendar)}/{event_id}/attendees", headers=auth)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalidParameter.subscribed.invalid"
    assert answer.json()["message"] == "Subscribed calendar not support this method"
    primary = _create(http, auth, "alice", "primary").json()["id"]
    listed = http.get(f"{EVENTS.format(user='alice', calendar='primary')}/{primary}/attendees", headers=auth)
    assert listed.status_code == 200


def test_the_same_client_token_is_the_same_request_for_a_day(
    emu: Emulator, http: httpx.Client, auth: dict[str, str]
) -> None:
    first = _create(http, auth, "alice", "primary", **{"x-client-token": "t-1"})
    again = _create(http, auth, "alice", "primary", **{"x-client-token": "t-1"})
    assert first.json()["id"] == again.json()["id"]
    assert len(emu.events.events_of("primary", "alice")) == 1
    emu.clock.advance(24 * 3600 + 1)
    auth = {**auth, "x-acs-dingtalk-access-token": emu.issue_token()}  # the old one expired too
    later = _create(http, auth, "alice", "primary", **{"x-client-token": "t-1"})
    assert later.json()["id"] != first.json()["id"]


def test_a_duplicate_of_a_running_request_answers_idempotency_processing(
    emu: Emulator, http: httpx.Client, auth: dict[str, str]
) -> None:
    emu.faults.next("latency:2", operation="createEvent")  # the first request is slow
    answers: list[httpx.Response] = []
    slow = threading.Thread(
        target=lambda: answers.append(_create(http, auth, "alice", "primary", **{"x-client-token": "t"}))
    )
    slow.start()
    # Wait until the slow request has arrived (the stats count it) rather than for a fixed time.
    while emu.stats.requests("createEvent") < 1:
        threading.Event().wait(0.01)
    with httpx.Client(base_url=emu.url) as other:
        duplicate = _create(other, auth, "alice", "primary", **{"x-client-token": "t"})
    slow.join()
    assert (duplicate.status_code, duplicate.json()["code"]) == (400, "idempotencyProcessing")
    assert answers[0].status_code == 200
    assert len(emu.events.events_of("primary", "alice")) == 1


def test_flow_limit_after_the_daily_number_of_creates(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.events.daily_create_limit = 3
    for _ in range(3):
        assert _create(http, auth, "alice", "primary").status_code == 200
    refused = _create(http, auth, "alice", "primary")
    assert refused.json() | {"requestid": ""} == {
        "code": "flowLimit",
        "message": "current user can not create events exceed 100 per day",
        "requestid": "",
    }
    assert _create(http, auth, "bob", "primary").status_code == 200  # per user
    emu.clock.advance(24 * 3600)
    auth = {**auth, "x-acs-dingtalk-access-token": emu.issue_token()}
    assert _create(http, auth, "alice", "primary").status_code == 200  # a new day


@pytest.mark.parametrize(
    ("recurrence", "message"),
    [
        ({"pattern": {"type": "daily", "interval": 366}}, "Recurrence interval must between [1, 365]"),
        ({"pattern": {"type": "daily", "interval": 0}}, "Recurrence interval must between [1, 365]"),
        (
            {"pattern": {"type": "daily", "interval": 1}, "range": {"type": "numbered", "numberOfOccurrences": 100}},
            "Recurrence range numberOfOccurrences must between [1, 99]",
        ),
    ],
)
def test_recurrence_limits(http: httpx.Client, auth: dict[str, str], recurrence: Any, message: str) -> None:
    answer = http.post(
        EVENTS.format(user="alice", calendar="primary"), headers=auth, json={**_event(), "recurrence": recurrence}
    )
    assert (answer.status_code, answer.json()["message"]) == (400, message)


def test_pages_follow_next_token_and_the_sync_token_gives_changes(http: httpx.Client, auth: dict[str, str]) -> None:
    url = EVENTS.format(user="alice", calendar="primary")
    ids = [http.post(url, headers=auth, json=_event(f"e{n}")).json()["id"] for n in range(5)]
    seen: list[str] = []
    params: dict[str, str] = {"maxResults": "2"}
    while True:
        page = http.get(url, headers=auth, params=params).json()
        seen += [e["id"] for e in page["events"]]
        if "nextToken" not in page:
            break
        params = {"maxResults": "2", "nextToken": page["nextToken"]}
    assert sorted(seen) == sorted(ids)
    sync = page["syncToken"]
    http.put(f"{url}/{ids[0]}", headers=auth, json={"id": ids[0], "summary": "moved"})
    assert http.delete(f"{url}/{ids[1]}", headers=auth).status_code == 200
    delta = http.get(url, headers=auth, params={"syncToken": sync}).json()
    assert {(e["id"], e["status"]) for e in delta["events"]} == {(ids[0], "confirmed"), (ids[1], "cancelled")}
    bad = http.get(url, headers=auth, params={"nextToken": "not-a-token"})
    assert (bad.status_code, bad.json()["code"]) == (400, "invalidParameter")


def test_list_calendars_shows_primary_and_subscribed_with_privileges(http: httpx.Client, auth: dict[str, str]) -> None:
    calendar = _subscribed_calendar(http, auth, managers=["bob"])
    http.post(f"/v1.0/calendar/users/carol/calendars/{calendar}/subscribe", headers=auth)
    for user, privilege in (("alice", "owner"), ("bob", "writer"), ("carol", "reader")):
        listed = http.get(f"/v1.0/calendar/users/{user}/calendars", headers=auth).json()["response"]["calendars"]
        assert {(c["id"], c["type"], c["privilege"]) for c in listed} == {
            ("primary", "primary", "owner"),
            (calendar, "subscribed", privilege),
        }
