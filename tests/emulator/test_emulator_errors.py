"""Every error openapi.yaml documents is reachable over HTTP, with its status, code and message.

The cases are parametrised from ``spec_data``, so an error added to the spec without a
scenario here fails ``test_every_documented_error_has_a_scenario``.
"""

import threading
from collections.abc import Callable
from typing import TypedDict

import httpx
import pytest

from dingtalk_calendar_api.error_codes import ErrorReason
from dingtalk_calendar_api.spec_data import GLOBAL_ERRORS, OPERATIONS, DocumentedError
from dingtalk_calendar_emulator import Emulator, InternalApp
from dingtalk_calendar_emulator.server import unmodelled_operations

Auth = dict[str, str]
Scenario = Callable[[Emulator, httpx.Client, Auth], httpx.Response]

CALENDARS = "/v1.0/calendar/users/{user}/subscribedCalendars"
ACME = {"corpIds": ["ding-acme"]}
FORWARDED = ErrorReason.FORWARDERRORMESSAGE.value


def new_calendar(http: httpx.Client, auth: Auth, user: str = "alice") -> str:
    response = http.post(CALENDARS.format(user=user), json={"name": "Team", "subscribeScope": ACME}, headers=auth)
    assert response.status_code == 200, response.text
    return str(response.json()["calendarId"])


def create(body: dict[str, object], user: str = "alice") -> Scenario:
    return lambda emu, http, auth: http.post(CALENDARS.format(user=user), json=body, headers=auth)


def get(user: str, calendar: str | None = None) -> Scenario:
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        calendar_id = calendar if calendar is not None else new_calendar(http, auth)
        return http.get(f"{CALENDARS.format(user=user)}/{calendar_id}", headers=auth)

    return call


def update(body: dict[str, object], user: str = "alice", calendar: str | None = None) -> Scenario:
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        calendar_id = calendar if calendar is not None else new_calendar(http, auth)
        return http.put(f"{CALENDARS.format(user=user)}/{calendar_id}", json=body, headers=auth)

    return call


def subscription(action: str, user: str, calendar: str | None = None) -> Scenario:
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        calendar_id = calendar if calendar is not None else new_calendar(http, auth)
        return http.post(f"/v1.0/calendar/users/{user}/calendars/{calendar_id}/{action}", headers=auth)

    return call


def delete(user: str, calendar: str | None = None) -> Scenario:
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        calendar_id = calendar if calendar is not None else new_calendar(http, auth)
        return http.delete(f"{CALENDARS.format(user=user)}/{calendar_id}", headers=auth)

    return call


def over_subscribe_limit(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    emu.subscribe_limit = 1
    first, second = new_calendar(http, auth), new_calendar(http, auth)
    assert http.post(f"/v1.0/calendar/users/bob/calendars/{first}/subscribe", headers=auth).status_code == 200
    return http.post(f"/v1.0/calendar/users/bob/calendars/{second}/subscribe", headers=auth)


def token(path: str, body: dict[str, str]) -> Scenario:
    return lambda emu, http, auth: http.post(f"/v1.0/oauth2/{path}", json=body)


def app_token(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    return token("accessToken", {"appKey": emu.internal_app.app_key, "appSecret": "wrong"})(emu, http, auth)


def corp_token(**changes: str) -> Scenario:
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        app = emu.enterprise_app
        body = {
            "suiteKey": app.suite_key,
            "suiteSecret": app.suite_secret,
            "authCorpId": "ding-acme",
            "suiteTicket": app.suite_ticket,
        }
        if "stale_ticket" in changes:
            app.push_suite_ticket()  # the ticket in body is now the old one
        else:
            body.update(changes)
        return http.post("/v1.0/oauth2/corpAccessToken", json=body)

    return call


def user_token(**changes: str) -> Scenario:
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        app = emu.personal_app
        body = {"clientId": app.client_id, "clientSecret": app.client_secret, **changes}
        return http.post("/v1.0/oauth2/userAccessToken", json=body)

    return call


def expired_token(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    emu.clock.advance(7200)
    return http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)


def over_quota(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    emu.qps_limit = 2
    for _ in range(2):
        http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)
    return http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)


def api_over_quota(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    # DingTalk's whole-API quota cannot be reached by one app in a test; it is a fault.
    emu.faults.next("throttle_api")
    return http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)


def fault(kind: str) -> Scenario:
    # Limits one test cannot reach by calling (DingTalk-wide quotas, allowlists, busy servers) are faults.
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        emu.faults.next(kind)
        return http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)

    return call


def over_minute_quota(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    emu.qpm_limit = 2
    for _ in range(2):
        http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)
        emu.clock.advance(1)  # past the per-second window, within the minute
    return http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)


def corp_auth(emu: Emulator) -> Auth:
    return {"x-acs-dingtalk-access-token": emu.issue_token(emu.enterprise_app, corp_id="ding-acme")}


def suite_over_quota(per_minute: bool) -> Scenario:
    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        headers = corp_auth(emu)
        if per_minute:
            emu.qpm_limit = 1
        else:
            emu.qps_limit = 1
        http.get(f"{CALENDARS.format(user='alice')}/x", headers=headers)
        return http.get(f"{CALENDARS.format(user='alice')}/x", headers=headers)

    return call


def over_monthly_quota(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    emu.monthly_quota = 1
    http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)
    return http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)


def read_only_app(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    app = emu.add_app(InternalApp("reader", "reader-secret", permissions={"Calendar.Calendar.Read"}))
    headers = {"x-acs-dingtalk-access-token": emu.issue_token(app)}
    return http.post(CALENDARS.format(user="alice"), json={"name": "x", "subscribeScope": ACME}, headers=headers)


EVENTS = "/v1.0/calendar/users/{user}/calendars/{calendar}/events"
EVENT = {
    "summary": "Standup",
    "start": {"dateTime": "2026-03-02T09:00:00+08:00", "timeZone": "Asia/Shanghai"},
    "end": {"dateTime": "2026-03-02T09:15:00+08:00", "timeZone": "Asia/Shanghai"},
}


def new_event(http: httpx.Client, auth: Auth, calendar: str = "primary", **extra: object) -> str:
    response = http.post(EVENTS.format(user="alice", calendar=calendar), json={**EVENT, **extra}, headers=auth)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def create_event(body: object, user: str = "alice", calendar: str = "primary") -> Scenario:
    return lambda emu, http, auth: http.post(EVENTS.format(user=user, calendar=calendar), json=body, headers=auth)


def null_body(method: str, url: str) -> Scenario:
    """A JSON ``null`` for a body: no event at all."""
    headers = {"content-type": "application/json"}
    return lambda emu, http, auth: http.request(method, url, content=b"null", headers={**auth, **headers})


def on_event(
    method: str, body: object = None, *, user: str = "alice", event: str | None = None, tail: str = ""
) -> Scenario:
    """``method`` on an event alice made in her primary calendar (or on ``event``)."""

    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        event_id = event if event is not None else new_event(http, auth)
        url = f"{EVENTS.format(user=user, calendar='primary')}/{event_id}{tail}"
        return http.request(method, url, json=body, headers=auth)

    return call


def on_subscribed_event(method: str, body: object = None, *, user: str = "bob", tail: str = "") -> Scenario:
    """``method`` by ``user`` (no manager) on an event of alice's subscribed calendar."""

    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        calendar = new_calendar(http, auth)
        event_id = new_event(http, auth, calendar)
        return http.request(method, f"{EVENTS.format(user=user, calendar=calendar)}/{event_id}{tail}", json=body,
                            headers=auth)  # fmt: skip

    return call


def write_to_subscribed(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    return create_event(EVENT, user="bob", calendar=new_calendar(http, auth))(emu, http, auth)


def list_subscribed(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    return http.get(EVENTS.format(user="dave", calendar=new_calendar(http, auth)), headers=auth)


def over_flow_limit(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
    emu.events.daily_create_limit = 0
    return create_event(EVENT)(emu, http, auth)


class Recurring(TypedDict):
    """An event's recurrence, as extra fields of its body."""

    recurrence: dict[str, object]


def recurring(field: str, value: int) -> Recurring:
    pattern: dict[str, object] = {"type": "daily", "interval": value if field == "interval" else 1}
    if field == "interval":
        return {"recurrence": {"pattern": pattern}}
    return {"recurrence": {"pattern": pattern, "range": {"type": "numbered", "numberOfOccurrences": value}}}


def duplicate_while_running(method: str, body: object = None, *, path: str | None = None) -> Scenario:
    """The same request (same x-client-token) sent while the first is still running (held by latency)."""

    def call(emu: Emulator, http: httpx.Client, auth: Auth) -> httpx.Response:
        url = path or f"{EVENTS.format(user='alice', calendar='primary')}/{new_event(http, auth)}"
        operation = {"POST": "createEvent", "PUT": "patchEvent", "DELETE": "deleteEvent"}[method]
        emu.faults.next("latency:2", operation=operation)
        headers = {**auth, "x-client-token": "same"}
        first = threading.Thread(target=lambda: http.request(method, url, json=body, headers=headers))
        before = emu.stats.requests(operation)
        first.start()
        while emu.stats.requests(operation) == before:  # until the first has arrived
            threading.Event().wait(0.01)
        with httpx.Client(base_url=emu.url) as other:
            answer = other.request(method, url, json=body, headers=headers)
        first.join()
        return answer

    return call


R = ErrorReason
SCENARIOS: dict[tuple[str, str, str | None], Scenario] = {
    # createSubscribedCalendar
    ("createSubscribedCalendar", "invalidParameter", FORWARDED): create(
        {"name": "x", "description": "d" * 1025, "subscribeScope": ACME}
    ),
    ("createSubscribedCalendar", "invalidParameter", R.CALENDAR_NAME_CANNOT_BE_BLANK): create(
        {"name": "  ", "subscribeScope": ACME}
    ),
    ("createSubscribedCalendar", "invalidParameter", R.CALENDAR_NAME_LENGTH_MUST_LESS_THAN_128): create(
        {"name": "n" * 129, "subscribeScope": ACME}
    ),
    ("createSubscribedCalendar", "invalidParameter", R.SUBSCRIBE_RANGE_CANNOT_BE_NULL): create(
        {"name": "x", "subscribeScope": {"unionIds": []}}
    ),
    ("createSubscribedCalendar", "invalidParameter", R.CURRENT_USER_MUST_IN_RANGE): create(
        {"name": "x", "subscribeScope": {"corpIds": ["ding-globex"]}}
    ),
    # The internal app belongs to Acme; dave works for Globex only.
    ("createSubscribedCalendar", "permissionDenied", R.PERMISSION_DENIED): create(
        {"name": "x", "subscribeScope": {"corpIds": ["ding-globex"]}}, user="dave"
    ),
    # getSubscribedCalendar
    ("getSubscribedCalendar", "invalidParameter", FORWARDED): get("alice", "no-such-calendar"),
    ("getSubscribedCalendar", "invalidParameter", R.CALENDAR_ID_CANNOT_BE_NULL): get("alice", "%20"),
    ("getSubscribedCalendar", "permissionDenied", R.PERMISSION_DENIED): get("bob"),
    # updateSubscribedCalendar
    ("updateSubscribedCalendar", "invalidParameter", FORWARDED): update({"name": "x"}, calendar="no-such-calendar"),
    ("updateSubscribedCalendar", "invalidParameter", R.CALENDAR_ID_CANNOT_BE_BLANK): update({}, calendar="%20"),
    ("updateSubscribedCalendar", "invalidParameter", R.CALENDAR_NAME_LENGTH_MUST_LESS_THAN_128): update(
        {"name": "n" * 129}
    ),
    ("updateSubscribedCalendar", "invalidParameter", R.SUBSCRIBE_RANGE_CANNOT_BE_NULL): update(
        {"subscribeScope": {"corpIds": [], "unionIds": []}}
    ),
    ("updateSubscribedCalendar", "invalidParameter", R.CALENDAR_NAME_CANNOT_BE_BLANK): update({"name": "\t"}),
    ("updateSubscribedCalendar", "invalidParameter", R.CURRENT_USER_MUST_IN_RANGE): update(
        {"subscribeScope": {"unionIds": ["bob"]}}
    ),
    ("updateSubscribedCalendar", "permissionDenied", R.PERMISSION_DENIED): update({"name": "x"}, user="bob"),
    # subscribeCalendar
    ("subscribeCalendar", "permissionDenied", R.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE): subscription(
        "subscribe", "frank"
    ),
    ("subscribeCalendar", "invalidParameter", FORWARDED): subscription("subscribe", "bob", "no-such-calendar"),
    ("subscribeCalendar", "invalidParameter", R.CALENDARID_CANNOT_BE_BLANK): subscription("subscribe", "bob", "%20"),
    ("subscribeCalendar", "invalidParameter", R.CALENDAR_TYPE_INVALID): subscription("subscribe", "bob", "primary"),
    ("subscribeCalendar", "exceedSubscribeLimit", R.EXCEED_SUBSCRIBE_LIMIT): over_subscribe_limit,
    # unsubscribeCalendar
    ("unsubscribeCalendar", "permissionDenied", R.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE): subscription(
        "unsubscribe", "frank"
    ),
    ("unsubscribeCalendar", "invalidParameter", FORWARDED): subscription("unsubscribe", "bob", "no-such-calendar"),
    ("unsubscribeCalendar", "invalidParameter", R.CALENDARID_CANNOT_BE_BLANK): subscription(
        "unsubscribe", "bob", "%20"
    ),
    ("unsubscribeCalendar", "invalidParameter", R.CALENDAR_TYPE_INVALID): subscription("unsubscribe", "bob", "primary"),
    # deleteSubscribedCalendar
    ("deleteSubscribedCalendar", "invalidParameter", FORWARDED): delete("alice", "no-such-calendar"),
    ("deleteSubscribedCalendar", "invalidParameter", R.CALENDARID_CANNOT_BE_BLANK): delete("alice", "%20"),
    ("deleteSubscribedCalendar", "permissionDenied", R.PERMISSION_DENIED): delete("bob"),
    # createEvent
    ("createEvent", "invalidParameter", FORWARDED): create_event({**EVENT, "description": "d" * 5001}),
    ("createEvent", "invalidParameter", R.CALENDARID_CANNOT_BE_BLANK): create_event(EVENT, calendar="%20"),
    ("createEvent", "invalidParameter", R.EVENT_MUST_BE_PROVIDED): null_body(
        "POST", EVENTS.format(user="alice", calendar="primary")
    ),
    ("createEvent", "invalidParameter", R.EVENT_SUMMARY_CANNOT_BE_BLANK): create_event({**EVENT, "summary": " "}),
    ("createEvent", "invalidParameter", R.EVENT_START_TIME_NOT_SET): create_event({"summary": "x"}),
    ("createEvent", "invalidParameter", R.EVENT_END_TIME_NOT_SET): create_event({"summary": "x", "start": {}}),
    ("createEvent", "invalidParameter", R.RECURRENCE_RANGE_NUMBEROFOCCURRENCES_MUST_BETWEEN_1_99): create_event(
        {**EVENT, **recurring("numberOfOccurrences", 100)}
    ),
    ("createEvent", "invalidParameter", R.RECURRENCE_INTERVAL_MUST_BETWEEN_1_365): create_event(
        {**EVENT, **recurring("interval", 366)}
    ),
    ("createEvent", "permissionDeny", R.PERMISSIONDENY): write_to_subscribed,
    ("createEvent", "idempotencyProcessing", R.IDEMPOTENCY_PROCESSING): duplicate_while_running(
        "POST", EVENT, path=EVENTS.format(user="alice", calendar="primary")
    ),
    ("createEvent", "flowLimit", R.CURRENT_USER_CAN_NOT_CREATE_EVENTS_EXCEED_100_PER_DAY): over_flow_limit,
    ("createEvent", "itemNotFound", FORWARDED): create_event(EVENT, calendar="no-such-calendar"),
    # getEvent
    ("getEvent", "invalidParameter", FORWARDED): on_event("GET", event="%20"),
    ("getEvent", "instanceNotExist", R.INSTANCE_NOT_EXIST): lambda emu, http, auth: http.get(
        f"{EVENTS.format(user='alice', calendar='primary')}/"
        f"{new_event(http, auth, **recurring('interval', 1))}@2030-01-01",
        headers=auth,
    ),
    ("getEvent", "itemNotFound", FORWARDED): on_event("GET", event="no-such-event"),
    # listEvents
    ("listEvents", "invalidParameter", FORWARDED): lambda emu, http, auth: http.get(
        EVENTS.format(user="alice", calendar="primary"), params={"nextToken": "made-up"}, headers=auth
    ),
    ("listEvents", "permissionDeny", R.PERMISSIONDENY): list_subscribed,
    # patchEvent
    ("patchEvent", "invalidParameter", FORWARDED): on_event("PUT", {"id": "x"}, event="%20"),
    ("patchEvent", "invalidParameter", R.CALENDARID_CANNOT_BE_BLANK): lambda emu, http, auth: http.put(
        f"{EVENTS.format(user='alice', calendar='%20')}/x", json={"id": "x"}, headers=auth
    ),
    ("patchEvent", "invalidParameter", R.EVENT_MUST_BE_PROVIDED): null_body(
        "PUT", f"{EVENTS.format(user='alice', calendar='primary')}/x"
    ),
    ("patchEvent", "invalidParameter", R.EVENT_ID_SUMMARY_CANNOT_BE_BLANK): on_event("PUT", {"summary": "x"}),
    ("patchEvent", "invalidParameter", R.RECURRENCE_RANGE_NUMBEROFOCCURRENCES_MUST_BETWEEN_1_99): on_event(
        "PUT", {"id": "x", **recurring("numberOfOccurrences", 0)}
    ),
    ("patchEvent", "invalidParameter", R.RECURRENCE_INTERVAL_MUST_BETWEEN_1_365): on_event(
        "PUT", {"id": "x", **recurring("interval", 0)}
    ),
    ("patchEvent", "idempotencyProcessing", R.IDEMPOTENCY_PROCESSING): duplicate_while_running("PUT", {"id": "x"}),
    ("patchEvent", "permissionDeny", R.PERMISSIONDENY): on_subscribed_event("PUT", {"id": "x"}),
    ("patchEvent", "itemNotFound", FORWARDED): on_event("PUT", {"id": "x"}, event="no-such-event"),
    # deleteEvent
    ("deleteEvent", "invalidParameter", FORWARDED): on_event("DELETE", event="%20"),
    ("deleteEvent", "idempotencyProcessing", R.IDEMPOTENCY_PROCESSING): duplicate_while_running("DELETE"),
    ("deleteEvent", "permissionDeny", R.PERMISSIONDENY): on_subscribed_event("DELETE"),
    ("deleteEvent", "itemNotFound", FORWARDED): on_event("DELETE", event="no-such-event"),
    # listCalendars
    ("listCalendars", "paramIllegal", R.PARAM_ILLEGAL): lambda emu, http, auth: http.get(
        "/v1.0/calendar/users/%20/calendars", headers=auth
    ),
    # listAttendees
    ("listAttendees", "invalidParameter.event.calendarId", R.CALENDARID_CANNOT_BE_BLANK): lambda emu, http, auth: (
        http.get(f"{EVENTS.format(user='alice', calendar='%20')}/x/attendees", headers=auth)
    ),
    ("listAttendees", "invalidParameter.event.eventId", R.EVENTID_CANNOT_BE_BLANK): on_event(
        "GET", event="%20", tail="/attendees"
    ),
    ("listAttendees", "invalidParameter.subscribed.invalid", R.SUBSCRIBED_CALENDAR_NOT_SUPPORT_THIS_METHOD): (
        on_subscribed_event("GET", user="alice", tail="/attendees")
    ),
    ("listAttendees", "invalidParameter.maxResults", R.MAXRESULTS_SIZE_MUST_WITHIN_RANGE_0_500): on_event(
        "GET", tail="/attendees?maxResults=501"
    ),
    ("listAttendees", "invalidParameter", FORWARDED): on_event("GET", tail="/attendees?nextToken=made-up"),
    # token endpoints
    ("getAccessToken", "invalidClientIdOrSecret", None): app_token,
    ("getCorpAccessToken", "invalidSuiteKey", None): corp_token(suiteSecret="wrong"),
    ("getCorpAccessToken", "invalidSuiteTicket", None): corp_token(stale_ticket="yes"),
    ("getCorpAccessToken", "invalidAuthInfo", None): corp_token(authCorpId="ding-stranger"),
    ("getUserAccessToken", "invalidClientIdOrSecret", None): user_token(
        clientSecret="wrong", grantType="authorization_code"
    ),
    ("getUserAccessToken", "invalidAuthCode", None): user_token(grantType="authorization_code", code="made-up"),
    ("getUserAccessToken", "invalidRefreshToken", None): user_token(grantType="refresh_token", refreshToken="x"),
    # errors of any call
    ("*", "InvalidAuthentication", None): expired_token,
    ("*", "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", None): over_quota,
    ("*", "Forbidden.AccessDenied.QpsLimitForApi", None): api_over_quota,
    ("*", "Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi", None): suite_over_quota(per_minute=False),
    ("*", "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi", None): over_minute_quota,
    ("*", "Forbidden.AccessDenied.QpmLimitForSuitekeyAndOrgAndApi", None): suite_over_quota(per_minute=True),
    ("*", "Forbidden.AccessDenied.ApiCountLimitForOrg", None): over_monthly_quota,
    ("*", "Forbidden.AccessDenied.IpNotInWhiteList", None): fault("ip_not_allowed"),
    ("*", "system.busy", "system busy, request too frequest"): fault("busy"),
    ("*", "systemBusy", None): fault("busy_camel"),
    ("*", "Forbidden.AccessDenied.AccessTokenPermissionDenied", None): read_only_app,
    ("*", "invalidClientIdOrSecret", None): app_token,
    ("*", "invalidAuthCode", None): user_token(grantType="authorization_code", code="made-up"),
    ("*", "invalidRefreshToken", None): user_token(grantType="refresh_token", refreshToken="x"),
    ("*", "invalidSuiteKey", None): corp_token(suiteKey="no-such-suite"),
    ("*", "invalidSuiteTicket", None): corp_token(stale_ticket="yes"),
    ("*", "invalidAuthInfo", None): corp_token(authCorpId="ding-stranger"),
}


def documented_errors() -> list[tuple[str, DocumentedError]]:
    """Every documented error of an operation the emulator models (the others answer 501), and the global ones."""
    modelled = [op for op in OPERATIONS.values() if op.operation_id not in unmodelled_operations()]
    errors = [(op.operation_id, error) for op in modelled for error in op.errors]
    return errors + [("*", error) for error in GLOBAL_ERRORS]


def case_id(case: tuple[str, DocumentedError]) -> str:
    operation_id, error = case
    return f"{operation_id}:{error.code}:{error.message or ''}"


UNREACHABLE: dict[tuple[str, str, str | None], str] = {
    ("patchEvent", "invalidParameter", ErrorReason.MEETING_ROOM_INVALID): (
        "patchEvent's body has no meeting-room field: DingTalk answers it for rooms booked in its own app"
    ),
}
"""Documented errors no request to the emulator can cause, and why."""


def test_every_documented_error_has_a_scenario() -> None:
    missing = [
        case_id(c)
        for c in documented_errors()
        if (c[0], c[1].code, c[1].message) not in SCENARIOS and (c[0], c[1].code, c[1].message) not in UNREACHABLE
    ]
    assert missing == []


@pytest.mark.parametrize("case", documented_errors(), ids=case_id)
def test_documented_error_is_reachable(
    emu: Emulator, http: httpx.Client, auth: Auth, case: tuple[str, DocumentedError]
) -> None:
    operation_id, error = case
    if (operation_id, error.code, error.message) in UNREACHABLE:
        pytest.skip(UNREACHABLE[(operation_id, error.code, error.message)])
    response = SCENARIOS[(operation_id, error.code, error.message)](emu, http, auth)
    body = response.json()
    assert (response.status_code, body["code"]) == (error.status, error.code), body
    assert body["requestid"] == response.headers["x-acs-request-id"]
    assert isinstance(body["message"], str)
    assert body["message"]
    if error.message == FORWARDED:
        assert body["message"] not in {e.message for e in OPERATIONS[operation_id].errors}  # DingTalk's own detail
    elif error.message is not None:
        assert body["message"] == error.message


def test_permission_error_names_the_required_scope(emu: Emulator, http: httpx.Client, auth: Auth) -> None:
    body = read_only_app(emu, http, auth).json()
    assert body["accessdenieddetail"] == {"requiredScopes": ["Calendar.Calendar.Write"]}


@pytest.mark.parametrize("case", [c for c in documented_errors() if c[1].message_zh and c[0] != "*"], ids=case_id)
def test_chinese_messages_when_asked(
    emu: Emulator, http: httpx.Client, auth: Auth, case: tuple[str, DocumentedError]
) -> None:
    # The China site's pages give these messages in Chinese; the emulator answers either.
    operation_id, error = case
    emu.language = "zh"
    response = SCENARIOS[(operation_id, error.code, error.message)](emu, http, auth)
    body = response.json()
    assert (response.status_code, body["code"], body["message"]) == (error.status, error.code, error.message_zh)
    if error.message is not None:
        assert ErrorReason.parse(body["message"]) is ErrorReason(error.message)  # one reason, either language


def test_ip_ban_is_an_html_page(emu: Emulator, http: httpx.Client, auth: Auth) -> None:
    emu.faults.next("ip_ban")
    response = http.get(f"{CALENDARS.format(user='alice')}/x", headers=auth)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert '"punish":"deny"' in response.text
