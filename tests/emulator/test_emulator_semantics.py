"""Calendar semantics: scope through users, groups and organisations; who may read and edit; limits."""

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from dingtalk_calendar_emulator import Directory, DirectoryError, Emulator

Factory = Callable[..., Emulator]
Connect = Callable[[Emulator], httpx.Client]

CALENDARS = "/v1.0/calendar/users/{user}/subscribedCalendars"


def create(
    http: httpx.Client, auth: dict[str, str], scope: dict[str, list[str]], user: str = "alice", **extra: object
) -> str:
    response = http.post(
        CALENDARS.format(user=user), json={"name": "Team", "subscribeScope": scope, **extra}, headers=auth
    )
    assert response.status_code == 200, response.text
    return str(response.json()["calendarId"])


def subscribe(http: httpx.Client, auth: dict[str, str], user: str, calendar_id: str) -> httpx.Response:
    return http.post(f"/v1.0/calendar/users/{user}/calendars/{calendar_id}/subscribe", headers=auth)


@pytest.mark.parametrize(
    ("scope", "inside", "outside"),
    [
        ({"unionIds": ["frank"], "corpIds": ["ding-acme"]}, "frank", "erin"),  # named directly
        ({"openConversationIds": ["cid-engineering"]}, "dave", "erin"),  # through a group
        ({"corpIds": ["ding-acme"]}, "carol", "dave"),  # through an organisation
    ],
)
def test_subscription_scope(
    http: httpx.Client, auth: dict[str, str], scope: dict[str, list[str]], inside: str, outside: str
) -> None:
    calendar_id = create(http, auth, scope)
    assert subscribe(http, auth, inside, calendar_id).status_code == 200
    refused = subscribe(http, auth, outside, calendar_id)
    assert refused.status_code == 400
    assert refused.json()["code"] == "permissionDenied"


def test_name_of_exactly_the_maximum_length_is_accepted(http: httpx.Client, auth: dict[str, str]) -> None:
    create(http, auth, {"corpIds": ["ding-acme"]}, name="n" * 128)


def test_description_of_the_maximum_length_is_accepted_one_more_is_not(
    http: httpx.Client, auth: dict[str, str]
) -> None:
    create(http, auth, {"corpIds": ["ding-acme"]}, description="d" * 1024)
    body = {"name": "x", "description": "d" * 1025, "subscribeScope": {"corpIds": ["ding-acme"]}}
    refused = http.post(CALENDARS.format(user="alice"), json=body, headers=auth)
    assert refused.json()["message"] == "description length must less than 1024"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"subscribeScope": {"corpIds": ["ding-acme"]}}, "calendar name cannot be blank"),
        ({"name": "x"}, "subscribe range cannot be null"),
        ({"name": "x", "subscribeScope": None}, "subscribe range cannot be null"),
        ({"name": 7, "subscribeScope": {"corpIds": ["ding-acme"]}}, "name must be a string"),
        (
            {"name": "x", "managers": "bob", "subscribeScope": {"corpIds": ["ding-acme"]}},
            "managers must be a list of strings",
        ),
        ({"name": "x", "subscribeScope": {"corpIds": "ding-acme"}}, "subscribeScope.corpIds must be a list of strings"),
    ],
)
def test_create_checks_the_body(
    http: httpx.Client, auth: dict[str, str], body: dict[str, object], message: str
) -> None:
    response = http.post(CALENDARS.format(user="alice"), json=body, headers=auth)
    assert (response.status_code, response.json()["message"]) == (400, message)


def test_body_that_is_not_json_is_refused(http: httpx.Client, auth: dict[str, str]) -> None:
    response = http.post(CALENDARS.format(user="alice"), content=b"{name", headers=auth)
    assert response.status_code == 400
    assert response.json()["code"] == "invalidParameter"


def test_managers_may_read_and_update(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    calendar_id = create(http, auth, {"corpIds": ["ding-acme"]}, managers=["bob"])
    path = f"{CALENDARS.format(user='bob')}/{calendar_id}"
    assert http.get(path, headers=auth).status_code == 200
    assert http.put(path, json={"managers": []}, headers=auth).json() == {"result": True}
    assert http.get(path, headers=auth).status_code == 403  # bob removed himself
    assert emu.state.calendars[calendar_id].managers == ()


def test_update_is_idempotent(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    calendar_id = create(http, auth, {"corpIds": ["ding-acme"]})
    path = f"{CALENDARS.format(user='alice')}/{calendar_id}"
    change = {
        "name": "Renamed",
        "subscribeScope": {"openConversationIds": ["cid-engineering"], "corpIds": ["ding-globex"]},
    }
    assert http.put(path, json=change, headers=auth).json() == {"result": True}
    http.put(path, json=change, headers=auth)
    once = emu.state.calendars[calendar_id]
    http.put(path, json=change, headers=auth)
    assert emu.state.calendars[calendar_id] == once
    assert once.scope.corp_ids == ("ding-globex",)


def test_unsubscribing_twice_is_harmless(emu: Emulator, http: httpx.Client, auth: dict[str, str]) -> None:
    calendar_id = create(http, auth, {"corpIds": ["ding-acme"]})
    path = f"/v1.0/calendar/users/bob/calendars/{calendar_id}/unsubscribe"
    assert http.post(path, headers=auth).json() == {"result": True}
    assert http.post(path, headers=auth).json() == {"result": True}


def test_subscriber_taken_out_of_scope_may_still_unsubscribe(
    emu: Emulator, http: httpx.Client, auth: dict[str, str]
) -> None:
    calendar_id = create(http, auth, {"corpIds": ["ding-acme"]}, user="carol")  # carol: Acme and Globex
    assert subscribe(http, auth, "bob", calendar_id).status_code == 200
    narrowed = {"subscribeScope": {"corpIds": ["ding-globex"]}}  # bob is out
    updated = http.put(f"{CALENDARS.format(user='carol')}/{calendar_id}", json=narrowed, headers=auth)
    assert updated.json() == {"result": True}
    assert subscribe(http, auth, "bob", calendar_id).status_code == 400
    assert http.post(f"/v1.0/calendar/users/bob/calendars/{calendar_id}/unsubscribe", headers=auth).status_code == 200
    assert emu.state.subscribers(calendar_id) == ()


def test_subscribe_limit_is_per_user_and_configurable(
    dingtalk_emulator_factory: Factory,
    connect: Connect,
) -> None:
    emu = dingtalk_emulator_factory(subscribe_limit=2)
    auth = {"x-acs-dingtalk-access-token": emu.issue_token()}
    http = connect(emu)
    calendars = [create(http, auth, {"corpIds": ["ding-acme"]}) for _ in range(3)]
    codes = [subscribe(http, auth, "bob", c).status_code for c in calendars]
    assert codes == [200, 200, 400]
    assert subscribe(http, auth, "bob", calendars[0]).status_code == 200  # a repeat is not a new one
    assert subscribe(http, auth, "carol", calendars[2]).status_code == 200


def test_concurrent_creates_and_subscriptions_are_all_kept(
    dingtalk_emulator_factory: Factory, connect: Connect
) -> None:
    emu = dingtalk_emulator_factory(qps_limit=None, subscribe_limit=10)
    auth = {"x-acs-dingtalk-access-token": emu.issue_token()}

    def work(http: httpx.Client) -> str:
        calendar_id = create(http, auth, {"corpIds": ["ding-acme"]})
        subscribe(http, auth, "bob", calendar_id)
        return calendar_id

    http = connect(emu)
    with ThreadPoolExecutor(8) as pool:  # httpx.Client is thread-safe
        created = list(pool.map(work, [http] * 40))
    state = emu.state
    assert len(set(created)) == len(state.calendars) == 40
    assert len(state.subscriptions["bob"]) == 10  # the limit holds under concurrency


def test_directory_file_decides_membership(
    tmp_path: Path, dingtalk_emulator_factory: Factory, connect: Connect
) -> None:
    path = tmp_path / "directory.json"
    path.write_text(
        json.dumps(
            {
                "corps": [{"corpId": "ding-x", "name": "X"}],
                "users": [{"unionId": "u1", "corpIds": ["ding-x"]}, {"unionId": "u2"}],
                "groups": [{"openConversationId": "cid-1", "members": ["u2"]}],
            }
        )
    )
    emu = dingtalk_emulator_factory(directory=Directory.load(path))
    auth = {"x-acs-dingtalk-access-token": emu.issue_token()}
    http = connect(emu)
    calendar_id = create(http, auth, {"corpIds": ["ding-x"], "openConversationIds": ["cid-1"]}, user="u1")
    assert subscribe(http, auth, "u2", calendar_id).status_code == 200
    assert subscribe(http, auth, "alice", calendar_id).status_code == 400  # not in this directory


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{", "not valid JSON at line 1"),
        ("[]", "top level must be a JSON object"),
        ('{"users": [{"unionId": "u", "corpIds": ["nope"]}]}', "users[0].corpIds: unknown corp 'nope'"),
        ('{"groups": [{"openConversationId": "g", "members": ["ghost"]}]}', "groups[0].members: unknown user 'ghost'"),
        ('{"users": [{"unionId": "u"}, {"unionId": "u"}]}', "users[1]: duplicate id 'u'"),
        ('{"users": [{"name": "no id"}]}', "users[0].unionId must be a non-empty string"),
        ('{"people": []}', "unknown top-level keys ['people']"),
    ],
)
def test_broken_directory_file_names_the_fault(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(DirectoryError) as caught:
        Directory.load(path)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_missing_directory_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="cannot read it"):
        Directory.load(tmp_path / "absent.json")


def test_default_directory_round_trips() -> None:
    directory = Directory.default()
    assert Directory.from_dict(directory.to_dict()) == directory
    assert directory.corps_of("carol") == {"ding-acme", "ding-globex"}


def test_a_creator_named_only_by_union_id_is_not_in_range(http: httpx.Client, auth: dict[str, str]) -> None:
    # zh/create-subscription-calendar.md: the creator must be in one of the scope's groups
    # (openConversationIds) or organisations (corpIds); being listed in unionIds is not enough.
    body = {"name": "Team", "subscribeScope": {"unionIds": ["alice", "bob"]}}
    refused = http.post(CALENDARS.format(user="alice"), json=body, headers=auth)
    assert (refused.status_code, refused.json()["code"], refused.json()["message"]) == (
        400,
        "invalidParameter",
        "current user must in range",
    )
    with_group = {"name": "Team", "subscribeScope": {"unionIds": ["bob"], "openConversationIds": ["cid-engineering"]}}
    assert http.post(CALENDARS.format(user="alice"), json=with_group, headers=auth).status_code == 200


def test_a_personal_apps_user_may_stand_in_the_scope_by_union_id(emu: Emulator, http: httpx.Client) -> None:
    # The same page: a third-party personal app need not send groups; frank belongs to no organisation.
    headers = {"x-acs-dingtalk-access-token": emu.issue_token(emu.personal_app, union_id="frank")}
    body = {"name": "Mine", "subscribeScope": {"unionIds": ["frank"]}}
    assert http.post(CALENDARS.format(user="frank"), json=body, headers=headers).status_code == 200


def test_only_the_creator_deletes_and_subscriptions_go_with_the_calendar(
    emu: Emulator, http: httpx.Client, auth: dict[str, str]
) -> None:
    calendar_id = create(http, auth, {"corpIds": ["ding-acme"]}, managers=["bob"])
    other = create(http, auth, {"corpIds": ["ding-acme"]})
    for user in ("bob", "carol"):
        assert subscribe(http, auth, user, calendar_id).status_code == 200
    assert subscribe(http, auth, "bob", other).status_code == 200
    path = f"{CALENDARS.format(user='{user}')}/{calendar_id}"

    by_manager = http.delete(path.format(user="bob"), headers=auth)  # a manager is not the creator
    assert (by_manager.status_code, by_manager.json()["code"]) == (403, "permissionDenied")
    assert calendar_id in emu.state.calendars

    assert http.delete(path.format(user="alice"), headers=auth).json() == {"result": True}
    assert calendar_id not in emu.state.calendars
    assert emu.state.subscribers(calendar_id) == ()
    assert emu.state.subscriptions["bob"] == (other,)  # other calendars are untouched

    again = http.delete(path.format(user="alice"), headers=auth)
    assert (again.status_code, again.json()["code"]) == (400, "invalidParameter")
    assert calendar_id in again.json()["message"]
