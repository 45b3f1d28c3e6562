"""The emulator checks the spec's field rules with the generated checker, before an operation runs.

A broken rule that an ``x-dingtalk-errors`` row is tagged with answers that row; any other
answers DingTalk's forwarded ``invalidParameter`` detail (``Missing<field>`` on the token
endpoints). The rows are found by tag, not by a hand table, so these cases follow the spec.
"""

import httpx
import pytest

from dingtalk_calendar_api.checks import check_request_body
from dingtalk_calendar_api.spec_data import OPERATIONS
from dingtalk_calendar_emulator import Emulator

CALENDARS = "/v1.0/calendar/users/{user}/subscribedCalendars"
ACME = {"corpIds": ["ding-acme"]}


def new_calendar(http: httpx.Client, auth: dict[str, str]) -> str:
    response = http.post(CALENDARS.format(user="alice"), json={"name": "Team", "subscribeScope": ACME}, headers=auth)
    assert response.status_code == 200, response.text
    return str(response.json()["calendarId"])


def test_every_tagged_row_is_what_the_emulator_answers_for_its_rule(http: httpx.Client, auth: dict[str, str]) -> None:
    # For each row tagged with a field of the body, a body breaking exactly that rule gets exactly that row.
    breaking: dict[str, object] = {
        "required": None,
        "minLength": "",
        "pattern": " \t",
        "maxLength": "n" * 1025,
        "atLeastOneOf": {},
    }
    calendar_id = new_calendar(http, auth)
    seen = 0
    for operation in OPERATIONS.values():
        schema = operation.body_schema
        if schema is None or not operation.requires_token:
            continue
        for row in operation.errors:
            if row.field is None or row.field not in {"name", "subscribeScope"}:
                continue
            for rule in row.rules:
                body: dict[str, object] = {"name": "Team", "subscribeScope": ACME}
                if breaking[rule] is None:
                    del body[row.field]
                else:
                    body[row.field] = breaking[rule]
                violation = check_request_body(operation.operation_id, body)
                if violation is None or violation.rule != rule:
                    continue  # the rule cannot break alone here (update's name is optional)
                path = operation.path.format(userId="alice", calendarId=calendar_id)
                response = http.request(operation.method, path, json=body, headers=auth)
                assert (response.status_code, response.json()["code"], response.json()["message"]) == (
                    row.status,
                    row.code,
                    row.message,
                ), (operation.operation_id, rule)
                seen += 1
    assert seen >= 6


def test_an_id_past_the_spec_limit_is_refused_with_a_forwarded_detail(http: httpx.Client, auth: dict[str, str]) -> None:
    response = http.get(f"{CALENDARS.format(user='alice')}/{'c' * 257}", headers=auth)
    assert response.status_code == 400
    assert response.json()["message"] == "calendarId length must less than 256"


def test_a_lone_surrogate_in_a_body_is_refused(http: httpx.Client, auth: dict[str, str]) -> None:
    # Valid JSON ("\ud800" is an escape), but no text: DingTalk could not store it.
    raw = b'{"name": "Team \\ud800", "subscribeScope": {"corpIds": ["ding-acme"]}}'
    response = http.post(CALENDARS.format(user="alice"), content=raw, headers=auth)
    assert response.status_code == 400
    assert response.json()["message"] == "name must be valid Unicode text (it holds a lone surrogate)"


def test_a_null_field_of_an_update_changes_nothing(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    calendar_id = new_calendar(http, auth)
    path = f"{CALENDARS.format(user='alice')}/{calendar_id}"
    response = http.put(path, json={"name": "Renamed", "description": None, "subscribeScope": None}, headers=auth)
    assert response.json() == {"result": True}
    calendar = emu.state.calendars[calendar_id]
    assert (calendar.name, calendar.scope.corp_ids) == ("Renamed", ("ding-acme",))


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"appSecret": "s"}, "MissingappKey", "appKey is mandatory for this action."),
        ({"appKey": "", "appSecret": "s"}, "MissingappKey", "appKey is mandatory for this action."),
        ({"appKey": 7, "appSecret": "s"}, "invalidParameter", "appKey must be a string"),
    ],
)
def test_token_requests_answer_the_gateways_codes(
    http: httpx.Client, body: dict[str, object], code: str, message: str
) -> None:
    response = http.post("/v1.0/oauth2/accessToken", json=body)
    assert (response.status_code, response.json()["code"], response.json()["message"]) == (400, code, message)


def test_a_grant_type_outside_the_spec_enum_is_refused(emu: Emulator, http: httpx.Client) -> None:
    app = emu.personal_app
    body = {"clientId": app.client_id, "clientSecret": app.client_secret, "grantType": "password"}
    response = http.post("/v1.0/oauth2/userAccessToken", json=body)
    assert response.status_code == 400
    assert response.json()["message"] == "grantType must be one of authorization_code, refresh_token"
