"""The three kinds of app and their tokens: reuse, renewal, expiry, rotation, permissions."""

from collections.abc import Callable

import httpx
import pytest

from dingtalk_calendar_emulator import EnterpriseApp, InternalApp, PersonalApp
from dingtalk_calendar_emulator.emulator import Emulator

Factory = Callable[..., Emulator]
Connect = Callable[[Emulator], httpx.Client]

GET_PATH = "/v1.0/calendar/users/alice/subscribedCalendars/unknown"


def token_header(token: str) -> dict[str, str]:
    return {"x-acs-dingtalk-access-token": token}


def corp_body(app: EnterpriseApp, corp_id: str = "ding-acme") -> dict[str, str]:
    return {
        "suiteKey": app.suite_key,
        "suiteSecret": app.suite_secret,
        "authCorpId": corp_id,
        "suiteTicket": app.suite_ticket,
    }


def user_body(app: PersonalApp, **grant: str) -> dict[str, str]:
    return {"clientId": app.client_id, "clientSecret": app.client_secret, **grant}


def test_token_expires_after_its_ttl(emu: Emulator, http: httpx.Client) -> None:
    app = emu.internal_app
    body = {"appKey": app.app_key, "appSecret": app.app_secret}
    token = http.post("/v1.0/oauth2/accessToken", json=body).json()["accessToken"]
    emu.clock.advance(7199)
    assert http.get(GET_PATH, headers=token_header(token)).json()["code"] == "invalidParameter"
    emu.clock.advance(1)
    assert http.get(GET_PATH, headers=token_header(token)).json()["code"] == "InvalidAuthentication"
    fresh = http.post("/v1.0/oauth2/accessToken", json=body).json()["accessToken"]
    assert fresh != token


def test_asking_again_renews_the_same_token(emu: Emulator, http: httpx.Client) -> None:
    app = emu.internal_app
    body = {"appKey": app.app_key, "appSecret": app.app_secret}
    token = http.post("/v1.0/oauth2/accessToken", json=body).json()["accessToken"]
    emu.clock.advance(7000)
    again = http.post("/v1.0/oauth2/accessToken", json=body).json()
    assert again == {"accessToken": token, "expireIn": 7200}
    emu.clock.advance(7000)  # 14,000 s after the first answer, 7,000 after the renewal
    assert http.get(GET_PATH, headers=token_header(token)).status_code == 400
    assert http.get(GET_PATH, headers=token_header(token)).json()["code"] != "InvalidAuthentication"


def test_token_ttl_is_configurable(dingtalk_emulator_factory: Factory, connect: Connect) -> None:
    emu = dingtalk_emulator_factory(token_ttl=60)
    body = {"appKey": emu.internal_app.app_key, "appSecret": emu.internal_app.app_secret}
    assert connect(emu).post("/v1.0/oauth2/accessToken", json=body).json()["expireIn"] == 60


def test_revoked_tokens_are_refused(emu: Emulator, http: httpx.Client) -> None:
    token = emu.issue_token()
    assert emu.revoke_tokens(emu.internal_app) == 1
    assert http.get(GET_PATH, headers=token_header(token)).json()["code"] == "InvalidAuthentication"


def test_enterprise_app_gets_one_token_per_corp(emu: Emulator, http: httpx.Client) -> None:
    app = emu.enterprise_app
    acme = http.post("/v1.0/oauth2/corpAccessToken", json=corp_body(app, "ding-acme")).json()
    globex = http.post("/v1.0/oauth2/corpAccessToken", json=corp_body(app, "ding-globex")).json()
    assert acme["expireIn"] == 7200
    assert acme["accessToken"] != globex["accessToken"]
    # A corp token acts for that corp's users only.
    headers = token_header(acme["accessToken"])
    scope = {"corpIds": ["ding-globex"]}
    mine = http.post(
        "/v1.0/calendar/users/carol/subscribedCalendars", json={"name": "x", "subscribeScope": scope}, headers=headers
    )
    theirs = http.post(
        "/v1.0/calendar/users/dave/subscribedCalendars", json={"name": "x", "subscribeScope": scope}, headers=headers
    )
    assert mine.status_code == 200
    assert theirs.json()["code"] == "permissionDenied"


def test_enterprise_app_refuses_a_stale_ticket_and_accepts_the_new_one(emu: Emulator, http: httpx.Client) -> None:
    app = emu.enterprise_app
    stale = corp_body(app)
    new_ticket = app.push_suite_ticket()
    assert http.post("/v1.0/oauth2/corpAccessToken", json=stale).json()["code"] == "invalidSuiteTicket"
    assert http.post("/v1.0/oauth2/corpAccessToken", json={**stale, "suiteTicket": new_ticket}).status_code == 200


def test_enterprise_app_serves_only_authorising_corps(
    dingtalk_emulator_factory: Factory,
    connect: Connect,
) -> None:
    suite = EnterpriseApp("suite", "suite-secret", "ticket", authorised_corp_ids=["ding-globex"])
    emu = dingtalk_emulator_factory(apps=[suite])
    assert connect(emu).post("/v1.0/oauth2/corpAccessToken", json=corp_body(suite, "ding-globex")).status_code == 200
    refused = connect(emu).post("/v1.0/oauth2/corpAccessToken", json=corp_body(suite, "ding-acme"))
    assert refused.json()["code"] == "invalidAuthInfo"  # the page's code: the corp has not enabled the app


def test_personal_app_code_is_single_use(emu: Emulator, http: httpx.Client) -> None:
    app = emu.personal_app
    body = user_body(app, grantType="authorization_code", code=app.issue_auth_code("frank"))
    first = http.post("/v1.0/oauth2/userAccessToken", json=body)
    assert first.status_code == 200
    assert set(first.json()) == {"accessToken", "refreshToken", "expireIn"}  # frank has no corp
    assert http.post("/v1.0/oauth2/userAccessToken", json=body).json()["code"] == "invalidAuthCode"


def test_personal_app_code_expires(emu: Emulator, http: httpx.Client) -> None:
    app = emu.personal_app
    code = app.issue_auth_code("alice")
    emu.clock.advance(301)
    body = user_body(app, grantType="authorization_code", code=code)
    assert http.post("/v1.0/oauth2/userAccessToken", json=body).json()["code"] == "invalidAuthCode"


def test_refresh_token_rotates_on_use(emu: Emulator, http: httpx.Client) -> None:
    app = emu.personal_app
    granted = http.post(
        "/v1.0/oauth2/userAccessToken",
        json=user_body(app, grantType="authorization_code", code=app.issue_auth_code("alice")),
    ).json()
    assert granted["corpId"] == "ding-acme"
    refreshed = http.post(
        "/v1.0/oauth2/userAccessToken",
        json=user_body(app, grantType="refresh_token", refreshToken=granted["refreshToken"]),
    ).json()
    assert refreshed["refreshToken"] != granted["refreshToken"]
    reused = http.post(
        "/v1.0/oauth2/userAccessToken",
        json=user_body(app, grantType="refresh_token", refreshToken=granted["refreshToken"]),
    )
    assert reused.json()["code"] == "invalidRefreshToken"


def test_refresh_token_expires_after_thirty_days(emu: Emulator, http: httpx.Client) -> None:
    app = emu.personal_app
    granted = http.post(
        "/v1.0/oauth2/userAccessToken",
        json=user_body(app, grantType="authorization_code", code=app.issue_auth_code("alice")),
    ).json()
    emu.clock.advance(30 * 24 * 3600)
    expired = http.post(
        "/v1.0/oauth2/userAccessToken",
        json=user_body(app, grantType="refresh_token", refreshToken=granted["refreshToken"]),
    )
    assert expired.json()["code"] == "invalidRefreshToken"


def test_user_token_acts_only_for_its_user(emu: Emulator, http: httpx.Client) -> None:
    headers = token_header(emu.issue_token(emu.personal_app, union_id="frank"))
    scope = {"unionIds": ["frank", "erin"]}
    own = http.post(
        "/v1.0/calendar/users/frank/subscribedCalendars", json={"name": "x", "subscribeScope": scope}, headers=headers
    )
    other = http.post(
        "/v1.0/calendar/users/erin/subscribedCalendars", json={"name": "x", "subscribeScope": scope}, headers=headers
    )
    assert own.status_code == 200
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("permissions", "read_status", "write_status"),
    [({"Calendar.Calendar.Read"}, 400, 403), ({"Calendar.Calendar.Write"}, 403, 400), (set(), 403, 403)],
)
def test_permissions_are_checked_per_operation(
    emu: Emulator, http: httpx.Client, permissions: set[str], read_status: int, write_status: int
) -> None:
    app = emu.add_app(InternalApp("limited", "limited-secret", permissions=permissions))
    headers = token_header(emu.issue_token(app))
    read = http.get(GET_PATH, headers=headers)
    write = http.post("/v1.0/calendar/users/alice/calendars/unknown/subscribe", headers=headers)
    assert (read.status_code, write.status_code) == (read_status, write_status)
    for response in (read, write):
        if response.status_code == 403:
            assert response.json()["code"] == "Forbidden.AccessDenied.AccessTokenPermissionDenied"


def test_token_request_with_a_missing_field_is_refused(http: httpx.Client) -> None:
    response = http.post("/v1.0/oauth2/accessToken", json={"appKey": "emulator-app-key"})
    assert response.status_code == 400
    assert "appSecret" in response.json()["message"]


def test_token_endpoints_count_their_requests(emu: Emulator, http: httpx.Client) -> None:
    http.post("/v1.0/oauth2/accessToken", json={"appKey": "k", "appSecret": "s"})
    http.post("/v1.0/oauth2/corpAccessToken", json=corp_body(emu.enterprise_app))
    assert emu.stats.token_requests == 2
    assert emu.stats.requests("getAccessToken") == 1
    assert emu.stats.token_requests_for(emu.enterprise_app.suite_key) == 1


def test_token_requests_are_throttled_per_app(emu: Emulator, http: httpx.Client) -> None:
    emu.qps_limit = 2
    app = emu.internal_app
    body = {"appKey": app.app_key, "appSecret": app.app_secret}
    statuses = [http.post("/v1.0/oauth2/accessToken", json=body).status_code for _ in range(3)]
    assert statuses == [200, 200, 403]
    refused = http.post("/v1.0/oauth2/accessToken", json=body).json()
    assert refused["code"] == "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"
    other = emu.add_app(InternalApp("other", "other-secret"))
    assert (
        http.post("/v1.0/oauth2/accessToken", json={"appKey": "other", "appSecret": "other-secret"}).status_code == 200
    )
    assert other.app_key == "other"


def test_asking_again_for_a_corp_token_gives_a_new_one(emu: Emulator, http: httpx.Client) -> None:
    # zh/obtain-the-access-token-of-the-authorized-enterprise-1.md: within its life, a new token
    # each time (the internal-app and user pages: the same one, renewed).
    app = emu.enterprise_app
    first = http.post("/v1.0/oauth2/corpAccessToken", json=corp_body(app)).json()["accessToken"]
    second = http.post("/v1.0/oauth2/corpAccessToken", json=corp_body(app)).json()["accessToken"]
    assert first != second
    # The page does not say the earlier one dies: both act, until each one's own expiry.
    for token in (first, second):
        assert http.get(GET_PATH, headers=token_header(token)).json()["code"] == "invalidParameter"
    emu.clock.advance(7200)
    assert http.get(GET_PATH, headers=token_header(first)).json()["code"] == "InvalidAuthentication"
