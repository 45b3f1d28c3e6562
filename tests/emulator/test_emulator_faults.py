"""Fault injection and throttling, as the SDK's retry tests will meet them."""

import re
from collections.abc import Callable
from typing import TypedDict

import httpx
import pytest

from dingtalk_calendar_emulator import Emulator

Factory = Callable[..., Emulator]
Connect = Callable[[Emulator], httpx.Client]

GET_PATH = "/v1.0/calendar/users/alice/subscribedCalendars/unknown"


class Rates(TypedDict, total=False):
    """The rates a test hands ``Faults.set_rates``."""

    error_5xx: float
    drop: float
    latency: float


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


def test_drop_after_acts_then_loses_the_answer(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("drop_after", operation="createSubscribedCalendar")
    body = {"name": "x", "subscribeScope": {"corpIds": ["ding-acme"]}}
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1.0/calendar/users/alice/subscribedCalendars", json=body, headers=auth)
    assert len(emu.state.calendars) == 1  # the calendar exists although the caller never heard of it


def test_plain_drop_has_no_effect(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("drop", operation="createSubscribedCalendar")
    body = {"name": "x", "subscribeScope": {"corpIds": ["ding-acme"]}}
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/v1.0/calendar/users/alice/subscribedCalendars", json=body, headers=auth)
    assert emu.state.calendars == {}


def test_html_fault_answers_200_with_a_page(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("html")
    response = http.get(GET_PATH, headers=auth)
    assert response.status_code == 200
    assert response.text.startswith("<!DOCTYPE html>")


def test_latency_fault_delays_the_answer(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("latency:60")  # far past the timeout, however busy the machine
    with pytest.raises(httpx.ReadTimeout):
        http.get(GET_PATH, headers=auth, timeout=0.1)
    assert emu.faults.injected == {"latency": 1}


def test_queued_faults_apply_in_order(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.next("503")
    emu.faults.next("502", count=2)
    assert emu.faults.pending == 3
    statuses = [http.get(GET_PATH, headers=auth).status_code for _ in range(4)]
    assert statuses == [503, 502, 502, 400]
    assert emu.faults.pending == 0


@pytest.mark.parametrize(
    ("kind", "count", "operation", "complaint"),
    [
        ("boom", 1, None, "unknown fault 'boom'"),
        ("latency:soon", 1, None, "latency needs seconds"),
        ("500", 0, None, "count must be at least 1"),
        ("500", 1, "getCalendar", "unknown operation 'getCalendar'"),
    ],
)
def test_bad_fault_requests_are_refused(
    emu: Emulator, kind: str, count: int, operation: str | None, complaint: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(complaint)):
        emu.faults.next(kind, count=count, operation=operation)


def test_seeded_rates_repeat_the_same_sequence(connect: Connect, dingtalk_emulator_factory: Factory) -> None:
    outcomes = []
    for _ in range(2):
        emu = dingtalk_emulator_factory(qps_limit=None)
        emu.faults.set_rates(error_5xx=0.3, drop=0.1, malformed=0.1, seed=7, operations=["getSubscribedCalendar"])
        http = connect(emu)
        auth = {"x-acs-dingtalk-access-token": emu.issue_token()}
        seen = []
        for _ in range(60):
            try:
                response = http.get(GET_PATH, headers=auth)
            except httpx.RemoteProtocolError:
                seen.append("drop")
                continue
            seen.append(str(response.status_code) if response.status_code != 200 else "malformed")
        outcomes.append(seen)
        assert http.post("/v1.0/oauth2/accessToken", json=TOKEN_BODY).status_code == 200  # not a chosen operation
    assert outcomes[0] == outcomes[1]
    assert {"drop", "malformed", "400"} <= set(outcomes[0])
    assert any(status.startswith("5") for status in outcomes[0])


def test_clear_stops_all_faults(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.set_rates(error_5xx=1.0)
    emu.faults.next("drop")
    emu.faults.clear()
    assert http.get(GET_PATH, headers=auth).status_code == 400


@pytest.mark.parametrize(
    ("rates", "complaint"),
    [
        ({"error_5xx": 1.5}, "between 0 and 1"),
        ({"drop": 0.6, "error_5xx": 0.6}, "add up to more than 1"),
        ({"latency": -1.0}, "cannot be negative"),
    ],
)
def test_bad_rates_are_refused(emu: Emulator, rates: Rates, complaint: str) -> None:
    with pytest.raises(ValueError, match=re.escape(complaint)):
        emu.faults.set_rates(**rates)


def test_rate_latency_slows_every_answer(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    emu.faults.set_rates(latency=60, operations=["getSubscribedCalendar"])
    with pytest.raises(httpx.ReadTimeout):
        http.get(GET_PATH, headers=auth, timeout=0.1)
    assert http.post("/v1.0/oauth2/accessToken", json=TOKEN_BODY).status_code == 200  # not slowed


def test_an_emulator_bug_answers_500_in_dingtalks_shape(
    emu: Emulator, http: httpx.Client, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(emu._calendars, "get", broken)
    response = http.get(GET_PATH, headers=auth)
    assert response.status_code == 500
    assert response.json()["code"] == "EmulatorError"
    assert response.json()["requestid"] == response.headers["x-acs-request-id"]
