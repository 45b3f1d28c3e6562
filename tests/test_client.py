"""The ergonomic clients, sync and async, against the emulator over real loopback HTTP."""

import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from dingtalk_calendar import (
    APITimeoutError,
    AsyncCalendarClient,
    Calendar,
    CalendarClient,
    ConfigurationError,
    CreatedCalendar,
    EnterpriseAppCredentials,
    ErrorCode,
    ErrorReason,
    InternalAppCredentials,
    InvalidParameterError,
    Overlay,
    PermissionDeniedError,
    Result,
    RetryPolicy,
    Scope,
    ServerError,
    UserCredentials,
    ValidationError,
)
from dingtalk_calendar_emulator import Emulator
from tests.client_support import both, open_client

ACME = Scope(organisations=["ding-acme"])


@both
def test_the_five_operations_give_typed_results(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        created = client.create("alice", name="Holidays", scope=ACME, description="Days off", managers=["bob"])
        assert isinstance(created, CreatedCalendar)
        assert created.calendar_id in dingtalk_emulator.state.calendars
        assert created.request_id
        assert created.raw_response is not None
        assert created.raw_response.status_code == 200

        calendar = client.get("bob", created.calendar_id)  # a manager may read it
        assert calendar == Calendar(
            calendar_id=created.calendar_id,
            name="Holidays",
            description="Days off",
            author="alice",
            managers=("bob",),
            scope=Scope(organisations=("ding-acme",)),
        )
        assert calendar.request_id
        assert calendar.request_id != created.request_id

        updated = client.update("alice", created.calendar_id, name="Holidays 2027")
        assert isinstance(updated, Result)
        assert updated
        assert updated.request_id

        subscribed = client.subscribe("carol", created.calendar_id)
        assert subscribed.result is True  # the emulator answers an empty body, as DingTalk may
        assert "carol" in dingtalk_emulator.state.subscribers(created.calendar_id)
        assert client.unsubscribe("carol", created.calendar_id).result is True
        assert "carol" not in dingtalk_emulator.state.subscribers(created.calendar_id)


@both
def test_update_sends_only_the_fields_given(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        made = client.create("alice", name="Old", scope=ACME, description="Keep me", managers=["bob"])
        client.update("alice", made.calendar_id, name="New")
        after = client.get("alice", made.calendar_id)
        assert (after.name, after.description, after.managers, after.scope) == ("New", "Keep me", ("bob",), ACME)
        client.update("alice", made.calendar_id, scope=ACME.with_groups("cid-engineering"))
        assert client.get("alice", made.calendar_id).scope.groups == ("cid-engineering",)


@both
@pytest.mark.parametrize(
    ("call", "field", "reason"),
    [
        (lambda c: c.create("alice", name="  ", scope=ACME), "name", "must not be blank"),
        (lambda c: c.create("alice", name="", scope=ACME), "name", "must not be empty"),
        (lambda c: c.create("alice", name="x" * 129, scope=ACME), "name", "at most 128 characters (got 129)"),
        (lambda c: c.create("alice", name="ok", scope=ACME, description="d" * 1025), "description", "at most 1024"),
        (lambda c: c.create("alice", name="ok", scope=Scope()), "scope", "must name someone"),
        (lambda c: c.create(" ", name="ok", scope=ACME), "user_id", "must not be blank"),
        (lambda c: c.get("alice", ""), "calendar_id", "must not be empty"),
        (lambda c: c.subscribe("alice", " \t"), "calendar_id", "must not be blank"),
        (lambda c: c.update("alice", "cal", name=" "), "name", "must not be blank"),
        (lambda c: c.update("alice", "cal", scope=Scope()), "scope", "must name someone"),
        (lambda c: c.update("alice", "cal"), "name, description, managers, scope", "give at least one to change"),
    ],
)
def test_bad_input_is_refused_before_sending(
    kind: str, dingtalk_emulator: Emulator, call: Callable[[Any], object], field: str, reason: str
) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        with pytest.raises(ValidationError) as caught:
            call(client)
        assert caught.value.field == field
        assert reason in str(caught.value)
        assert "(not sent)" in str(caught.value)
    assert dingtalk_emulator.stats.requests() == 0  # nothing reached the server, not even a token request


@both
def test_the_limits_themselves_are_accepted(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        made = client.create("alice", name="x" * 128, scope=ACME, description="d" * 1024)
        assert client.get("alice", made.calendar_id).name == "x" * 128


@both
def test_documented_errors_raise_their_class_with_code_and_reason(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        made = client.create("alice", name="Acme only", scope=ACME)
        with pytest.raises(PermissionDeniedError) as outside:
            client.subscribe("dave", made.calendar_id)  # dave is in Globex
        assert outside.value.status_code == 400
        assert outside.value.code is ErrorCode.PERMISSION_DENIED
        assert outside.value.reason is ErrorReason.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE
        assert outside.value.request_id
        assert outside.value.operation == "subscribeCalendar"

        with pytest.raises(InvalidParameterError) as not_in_range:
            client.create("alice", name="Not mine", scope=Scope(groups=["cid-book-club"]))  # alice is not a member
        assert not_in_range.value.reason is ErrorReason.CURRENT_USER_MUST_IN_RANGE


@both
def test_per_call_timeout_and_retries(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        made = client.create("alice", name="Slow", scope=ACME)
        # An answer far slower than the call's timeout: the timeout wins however busy the machine.
        dingtalk_emulator.faults.next("latency:60", operation="getSubscribedCalendar")
        with pytest.raises(APITimeoutError) as slow:
            client.get("alice", made.calendar_id, timeout=0.2, max_retries=0)
        assert slow.value.attempts == 1

        dingtalk_emulator.faults.next("500", count=2, operation="getSubscribedCalendar")
        with pytest.raises(ServerError) as failing:
            client.get("alice", made.calendar_id, max_retries=1)
        assert failing.value.attempts == 2

        dingtalk_emulator.faults.next("500", count=2, operation="getSubscribedCalendar")
        assert client.get("alice", made.calendar_id, max_retries=2).name == "Slow"


def test_with_options_changes_defaults_and_shares_the_pool(dingtalk_emulator: Emulator) -> None:
    with open_client("sync", dingtalk_emulator) as client:
        impatient = client.with_options(timeout=0.2, max_retries=0)
        assert impatient.timeout == httpx.Timeout(0.2)
        assert impatient.retry_policy.max_retries == 0
        assert client.retry_policy.max_retries == 2  # the original is unchanged
        # Only the slow call goes through the impatient client: a 0.2 s timeout on an ordinary
        # answer would fail on a busy machine.
        made = client.create("alice", name="Shared", scope=ACME)
        dingtalk_emulator.faults.next("latency:60", operation="getSubscribedCalendar")
        with pytest.raises(APITimeoutError):
            impatient.get("alice", made.calendar_id)
        assert client.get("alice", made.calendar_id).name == "Shared"
        assert dingtalk_emulator.stats.token_requests == 1  # one token for both


@both
def test_a_revoked_token_is_refreshed_transparently(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        made = client.create("alice", name="Refresh", scope=ACME)
        assert dingtalk_emulator.stats.token_requests == 1
        dingtalk_emulator.revoke_tokens()
        assert client.get("alice", made.calendar_id).name == "Refresh"
        assert dingtalk_emulator.stats.token_requests == 2


@both
def test_a_fixed_token_string_is_accepted(kind: str, dingtalk_emulator: Emulator) -> None:
    token = dingtalk_emulator.issue_token(dingtalk_emulator.internal_app)
    with open_client(kind, dingtalk_emulator, credentials=token) as client:
        made = client.create("alice", name="Fixed", scope=ACME)
        assert client.get("alice", made.calendar_id).name == "Fixed"
        assert token not in repr(client)


def _surface(cls: type) -> dict[str, tuple[str, bool]]:
    """Each public method (and context-manager hook) of ``cls``: its full signature, and whether it is async."""
    names = [name for name in dir(cls) if not name.startswith("_")]
    names += [name for name in ("__init__", "__enter__", "__exit__", "__aenter__", "__aexit__") if hasattr(cls, name)]
    surface = {}
    for name in names:
        member = getattr(cls, name)
        if callable(member):
            surface[name] = (str(inspect.signature(member)), inspect.iscoroutinefunction(member))
    return surface


def test_both_clients_have_the_same_surface() -> None:
    # Parameters, defaults and annotations, with async names mapped to sync ones by the same
    # rules that write _client/client.py, so a twin drifting from its source (by hand) shows here.
    from dingtalk_calendar import AsyncCalendarClient
    from generator.unasync import PACKAGE, own_twin_names, unasync_text

    names = own_twin_names(PACKAGE)
    sync_surface = _surface(CalendarClient)
    async_surface = _surface(AsyncCalendarClient)
    assert {unasync_text(name, names) for name in async_surface} == set(sync_surface)
    mapped = {
        unasync_text(name, names): (unasync_text(signature, names), False)
        for name, (signature, _) in async_surface.items()
    }
    assert mapped == sync_surface
    # Every method that does I/O is awaitable in the async client, and none is in the sync one.
    for name in ("create", "get", "update", "subscribe", "unsubscribe", "bulk_subscribe", "aclose", "__aexit__"):
        assert async_surface[name][1], name
    assert not any(is_async for _, is_async in sync_surface.values())


def test_the_surface_comparison_sees_a_changed_default() -> None:
    # Guards the test above: the signature text it compares carries defaults and annotations.
    class Drifted(CalendarClient):
        def get(self, user_id: str, calendar_id: str, *, timeout: float | None = 3.0, max_retries: int | None = None):  # type: ignore[no-untyped-def, override]
            raise NotImplementedError

    assert _surface(Drifted)["get"] != _surface(CalendarClient)["get"]


def test_from_env(dingtalk_emulator: Emulator) -> None:
    app = dingtalk_emulator.internal_app
    env = {
        "DINGTALK_APP_KEY": app.app_key,
        "DINGTALK_APP_SECRET": app.app_secret,
        "DINGTALK_BASE_URL": dingtalk_emulator.url,
        "DINGTALK_TIMEOUT": "7",
        "DINGTALK_MAX_RETRIES": "4",
    }
    with CalendarClient.from_env(env) as client:
        assert client.timeout == httpx.Timeout(7.0)
        assert client.retry_policy.max_retries == 4
        assert client.create("alice", name="From env", scope=ACME).calendar_id


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "no DingTalk credentials"),
        ({"DINGTALK_APP_KEY": "k"}, "incomplete: set DINGTALK_APP_SECRET"),
        ({"DINGTALK_APP_KEY": "k", "DINGTALK_APP_SECRET": "s", "DINGTALK_ACCESS_TOKEN": "t"}, "several kinds"),
        ({"DINGTALK_ACCESS_TOKEN": "t", "DINGTALK_TIMEOUT": "soon"}, "DINGTALK_TIMEOUT='soon' is not a number"),
        ({"DINGTALK_CLIENT_ID": "c", "DINGTALK_CLIENT_SECRET": "s"}, "DINGTALK_REFRESH_TOKEN or DINGTALK_AUTH_CODE"),
    ],
)
def test_from_env_says_what_is_wrong(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        CalendarClient.from_env(env)
    assert "secret-value" not in str(caught.value)


def test_redacting_filter_masks_secret_looking_values() -> None:
    from dingtalk_calendar._logging import redact

    line = 'body {"appSecret": "s3cr3t", "accessToken":"tok123"} x-acs-dingtalk-access-token: tok456 code=abc'
    cleaned = redact(line)
    for secret in ("s3cr3t", "tok123", "tok456", "abc"):
        assert secret not in cleaned
    assert redact("calendar cal-1 created for alice") == "calendar cal-1 created for alice"


# -- settings that cannot work ---------------------------------------------------------------


@both
@pytest.mark.parametrize(
    ("setting", "error", "named"),
    [
        ({"timeout": -1}, ValidationError, "timeout"),
        ({"timeout": 0}, ValidationError, "timeout"),
        ({"timeout": float("nan")}, ValidationError, "timeout"),
        ({"timeout": httpx.Timeout(5.0, read=float("inf"))}, ValidationError, "timeout"),
        ({"max_retries": -1}, ValidationError, "max_retries"),
        ({"max_retries": 1.5}, ValidationError, "max_retries"),
        ({"base_url": "api.dingtalk.io"}, ConfigurationError, "base_url"),
        ({"base_url": "ftp://api.dingtalk.io"}, ConfigurationError, "base_url"),
        ({"base_url": "https://gateway:hunter2@api.dingtalk.io"}, ConfigurationError, "user:password"),
        ({"base_url": "https://api.dingtalk.io/?lang=en"}, ConfigurationError, "query"),
        ({"limits": httpx.Limits(max_connections=0)}, ConfigurationError, "limits"),
        ({"verify": "/etc/ssl/no-such-ca.pem"}, ConfigurationError, "verify"),
        ({"retry_policy": "fast"}, ConfigurationError, "retry_policy"),
        ({"token_store": "redis://localhost"}, ConfigurationError, "token_store"),
        ({"overlays": [Overlay]}, ConfigurationError, r"give Overlay\(\), not the class"),
        ({"overlays": Overlay()}, ConfigurationError, "overlays"),
        ({"transport": "aiohttp"}, ConfigurationError, "transport"),
        ({"default_headers": [("x-team", "acme")]}, ValidationError, "default_headers"),
        ({"refresh_margin": "300"}, ConfigurationError, "refresh_margin"),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else "",
)
def test_a_setting_that_cannot_work_is_a_typed_error_naming_it_before_anything_is_sent(
    kind: str, setting: dict[str, Any], error: type[Exception], named: str, dingtalk_emulator: Emulator
) -> None:
    # These were a ValueError, TypeError, AttributeError or FileNotFoundError from httpx, attrs or
    # ssl, or an APIConnectionError once a call tried to send.
    app = dingtalk_emulator.internal_app
    client_class = CalendarClient if kind == "sync" else AsyncCalendarClient
    with pytest.raises(error, match=named) as raised:
        client_class(
            InternalAppCredentials(app.app_key, app.app_secret), **{"base_url": dingtalk_emulator.url, **setting}
        )
    assert isinstance(raised.value, ValidationError | ConfigurationError)
    assert "hunter2" not in str(raised.value)  # a password in a URL is never quoted
    assert dingtalk_emulator.stats.token_requests == 0


@both
@pytest.mark.parametrize(
    "option", [{"timeout": -1}, {"timeout": "3"}, {"max_retries": -1}, {"max_retries": "2"}], ids=repr
)
def test_a_call_option_that_cannot_work_is_a_validation_error_naming_it(
    kind: str, option: dict[str, Any], dingtalk_emulator: Emulator
) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        with pytest.raises(ValidationError) as raised:
            client.subscribe("bob", "cal-1", **option)
        with pytest.raises(ValidationError):
            client.with_options(**option)
    assert raised.value.field == next(iter(option))
    assert dingtalk_emulator.stats.requests("subscribeCalendar") == 0


@pytest.mark.parametrize(
    "make",
    [
        lambda: CalendarClient(5),  # type: ignore[arg-type]
        lambda: InternalAppCredentials("", "secret"),
        lambda: InternalAppCredentials("key", None),
        lambda: EnterpriseAppCredentials("suite", "secret", "  ", "ticket"),
        lambda: UserCredentials("client", "secret", refresh_token=5),  # type: ignore[arg-type]
        lambda: RetryPolicy(max_retries="2"),  # type: ignore[arg-type]
    ],
    ids=["credentials-int", "app-key-empty", "app-secret-none", "corp-blank", "refresh-token-int", "retries-str"],
)
def test_credentials_and_policies_that_cannot_work_are_configuration_errors(make: Callable[[], object]) -> None:
    # They were accepted (to fail at the first token fetch) or an AttributeError or TypeError.
    with pytest.raises(ConfigurationError) as raised:
        make()
    assert "secret" not in str(raised.value).replace("_secret", "")  # a secret's value is never quoted


@both
def test_call_arguments_of_the_wrong_kind_are_refused_naming_them_and_nothing_is_sent(
    kind: str, dingtalk_emulator: Emulator
) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        refusals: dict[str, Callable[[], object]] = {
            "scope": lambda: client.create("alice", name="Team", scope={"users": ["bob"]}),
            "managers": lambda: client.create("alice", name="Team", scope=ACME, managers="bob"),
            "user_ids": lambda: client.bulk_subscribe("cal-1", "bob"),
            "scope.users": lambda: Scope(users=None),  # type: ignore[arg-type]
        }
        for field, refused in refusals.items():
            with pytest.raises(ValidationError) as raised:
                refused()
            assert raised.value.field == field
    assert dingtalk_emulator.stats.requests("createSubscribedCalendar") == 0
    assert dingtalk_emulator.stats.requests("subscribeCalendar") == 0
