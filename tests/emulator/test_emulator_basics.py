"""The emulator's happy paths over loopback HTTP: tokens, the five operations, request ids."""

import httpx

from dingtalk_calendar_emulator import Emulator

ACME_SCOPE = {"corpIds": ["ding-acme"]}
CALENDARS = "/v1.0/calendar/users/{user}/subscribedCalendars"


def create(http: httpx.Client, auth: dict[str, str], user: str = "alice", **body: object) -> str:
    body.setdefault("name", "Festivals")
    body.setdefault("subscribeScope", ACME_SCOPE)
    response = http.post(CALENDARS.format(user=user), json=body, headers=auth)
    assert response.status_code == 200, response.text
    calendar_id = response.json()["calendarId"]
    assert isinstance(calendar_id, str)
    return calendar_id


def test_internal_app_token_is_reused_while_valid(emu: Emulator, http: httpx.Client) -> None:
    app = emu.internal_app
    body = {"appKey": app.app_key, "appSecret": app.app_secret}
    first = http.post("/v1.0/oauth2/accessToken", json=body)
    second = http.post("/v1.0/oauth2/accessToken", json=body)
    assert first.status_code == 200
    assert first.json() == {"accessToken": first.json()["accessToken"], "expireIn": 7200}
    assert second.json()["accessToken"] == first.json()["accessToken"]
    assert emu.stats.token_requests == 2
    assert emu.stats.token_requests_for(app.app_key) == 2


def test_create_then_get_returns_the_calendar(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    calendar_id = create(http, auth, description="Spring and autumn", managers=["bob"])
    response = http.get(f"{CALENDARS.format(user='bob')}/{calendar_id}", headers=auth)
    assert response.status_code == 200
    assert response.json() == {
        "calendarId": calendar_id,
        "name": "Festivals",
        "description": "Spring and autumn",
        "author": "alice",
        "managers": ["bob"],
        "subscribeScope": {"unionIds": [], "openConversationIds": [], "corpIds": ["ding-acme"]},
    }
    assert calendar_id in emu.state.calendars


def test_every_create_makes_a_new_calendar(http: httpx.Client, auth: dict[str, str]) -> None:
    assert create(http, auth) != create(http, auth)


def test_update_changes_only_the_fields_sent(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    calendar_id = create(http, auth, description="old")
    response = http.put(f"{CALENDARS.format(user='alice')}/{calendar_id}", json={"name": "Renamed"}, headers=auth)
    assert response.status_code == 200
    assert response.json() == {"result": True}
    calendar = emu.state.calendars[calendar_id]
    assert (calendar.name, calendar.description) == ("Renamed", "old")


def test_subscribe_answers_an_empty_body_and_unsubscribe_a_result(
    emu: Emulator, http: httpx.Client, auth: dict[str, str]
) -> None:
    calendar_id = create(http, auth)
    subscribe = http.post(f"/v1.0/calendar/users/bob/calendars/{calendar_id}/subscribe", headers=auth)
    assert subscribe.status_code == 200
    assert subscribe.content == b""
    again = http.post(f"/v1.0/calendar/users/bob/calendars/{calendar_id}/subscribe", headers=auth)
    assert again.status_code == 200
    assert emu.state.subscriptions == {"bob": (calendar_id,)}
    unsubscribe = http.post(f"/v1.0/calendar/users/bob/calendars/{calendar_id}/unsubscribe", headers=auth)
    assert unsubscribe.json() == {"result": True}
    assert emu.state.subscriptions == {}


def test_every_answer_carries_a_request_id(http: httpx.Client, auth: dict[str, str]) -> None:
    ok = http.get(f"{CALENDARS.format(user='alice')}/{create(http, auth)}", headers=auth)
    error = http.get(f"{CALENDARS.format(user='alice')}/nope", headers=auth)
    not_found = http.get("/v1.0/nowhere")
    ids = [r.headers["x-acs-request-id"] for r in (ok, error, not_found)]
    assert len(set(ids)) == 3
    assert error.json()["requestid"] == ids[1]
    assert not_found.status_code == 404
    assert not_found.json()["requestid"] == ids[2]


def test_missing_or_unknown_token_is_invalid_authentication(http: httpx.Client) -> None:
    missing = http.get(f"{CALENDARS.format(user='alice')}/x")
    unknown = http.get(f"{CALENDARS.format(user='alice')}/x", headers={"x-acs-dingtalk-access-token": "nope"})
    for response in (missing, unknown):
        assert response.status_code == 400
        assert response.json()["code"] == "InvalidAuthentication"
