"""Fault injection and throttling, as the SDK's retry tests will meet them."""

from collections.abc import Callable

import httpx
import pytest

from dingtalk_calendar_emulator import Emulator

Factory = Callable[..., Emulator]
Connect = Callable[[Emulator], httpx.Client]

GET_PATH = "/v1.0/calendar/users/alice/subscribedCalendars/unknown"
TOKEN_BODY = {"appKey": "emulator-app-key", "appSecret": "emulator-app-secret"}


def test_next_drop_closes_the_connection_once(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(GET_PATH, headers=auth)
    assert http.get(GET_PATH, headers=auth).status_code == 400  # the next one is served again
    assert emu.stats.requests("getSubscribedCalendar") == 2


@pytest.mark.parametrize(("kind", "status"), [("500", 500), ("502", 502), ("503", 503), ("504", 504)])
def test_next_5xx_answers_a_json_error(
    emu: Emulator, http: httpx.Client, auth: dict[str, str], kind: str, status: int
) -> None:
    emu.faults.next(kind)
    response = http.get(GET_PATH, headers=auth)
    assert response.status_code == status
    assert response.json()["requestid"] == response.headers["x-acs-request-id"]


def test_next_502_html_answers_a_gateway_page(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("502_html")
    response = http.get(GET_PATH, headers=auth)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "x-acs-request-id" in response.headers


def test_next_malformed_answers_broken_json(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("malformed")
    response = http.get(GET_PATH, headers=auth)
    assert response.status_code == 200
    with pytest.raises(ValueError, match=r"Expecting|Unterminated|Extra"):
        response.json()


def test_next_throttle_answers_dingtalks_qps_error(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("throttle", count=2)
    codes = [http.get(GET_PATH, headers=auth).json()["code"] for _ in range(3)]
    assert codes == [
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        "invalidParameter",
    ]


def test_next_only_hits_the_named_operation(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("500", operation="getAccessToken")
    assert http.get(GET_PATH, headers=auth).status_code == 400
    assert http.post("/v1.0/oauth2/accessToken", json=TOKEN_BODY).status_code == 500
    assert http.post("/v1.0/oauth2/accessToken", json=TOKEN_BODY).status_code == 200


def test_qps_quota_per_app_and_api(dingtalk_emulator_factory: Factory, connect: Connect) -> None:
    emu = dingtalk_emulator_factory(qps_limit=3)
    auth = {"x-acs-dingtalk-access-token": emu.issue_token()}
    http = connect(emu)
    statuses = [http.get(GET_PATH, headers=auth).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 403]
    other_api = http.post("/v1.0/calendar/users/alice/calendars/unknown/subscribe", headers=auth)
    assert other_api.status_code == 400  # the quota is per API
    emu.clock.advance(1.0)
    assert http.get(GET_PATH, headers=auth).status_code == 400
