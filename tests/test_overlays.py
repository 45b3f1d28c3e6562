"""Extension by overlays: a team's package adds hooks and helpers without editing the SDK."""

import asyncio
import socket
from typing import Any

import httpx
import pytest

from dingtalk_calendar import (
    NO_RETRIES,
    APIConnectionError,
    AsyncCalendarClient,
    Attempt,
    CalendarClient,
    ConfigurationError,
    InternalAppCredentials,
    Overlay,
    RetryTransport,
    Scope,
    ServerError,
)
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER
from dingtalk_calendar_emulator import Emulator
from tests.client_support import TOKEN, both, open_client, recorded_client
from tests.team_overlay import TRACE_HEADER, AsyncAuditOverlay, NotInAudience, TeamOverlay


def credentials(emu: Emulator) -> InternalAppCredentials:
    return InternalAppCredentials(emu.internal_app.app_key, emu.internal_app.app_secret)


def test_sync_client_runs_the_teams_hooks_and_helpers(dingtalk_emulator: Emulator) -> None:
    team = TeamOverlay(trace_id="trace-42", home_corp="ding-acme")
    with CalendarClient(credentials(dingtalk_emulator), base_url=dingtalk_emulator.url, overlays=[team]) as client:
        helper = client.overlay(TeamOverlay)
        assert helper is team
        assert helper.client is client

        made = helper.create_team_calendar("alice", "Team days")
        calendar = client.get("alice", made.calendar_id)
        assert (calendar.scope.organisations, calendar.managers) == (("ding-acme",), ("alice",))
        assert calendar.raw_response is not None
        assert calendar.raw_response.request.headers[TRACE_HEADER] == "trace-42"

        with pytest.raises(NotInAudience) as caught:
            client.subscribe("dave", made.calendar_id)
        assert caught.value.__cause__ is not None  # the SDK's error is kept as the cause

    assert team.calls == {"createSubscribedCalendar": 1, "getSubscribedCalendar": 1, "subscribeCalendar": 1}
    assert team.traced == ["trace-42", "trace-42"]  # on_response: the two successful calls


def test_async_client_runs_the_same_overlay_and_async_hooks(dingtalk_emulator: Emulator) -> None:
    team = TeamOverlay(trace_id="trace-async", home_corp="ding-acme")
    audit = AsyncAuditOverlay()

    async def scenario() -> None:
        async with AsyncCalendarClient(
            credentials(dingtalk_emulator), base_url=dingtalk_emulator.url, overlays=[team, audit]
        ) as client:
            made = await client.overlay(TeamOverlay).acreate_team_calendar("alice", "Async team days")
            await client.subscribe("bob", made.calendar_id)
            with pytest.raises(NotInAudience):
                await client.subscribe("dave", made.calendar_id)

    asyncio.run(scenario())
    assert team.calls == {"createSubscribedCalendar": 1, "subscribeCalendar": 2}
    assert team.traced == ["trace-async", "trace-async"]
    assert audit.seen == ["createSubscribedCalendar", "subscribeCalendar", "subscribeCalendar"]


def test_an_async_hook_on_the_sync_client_is_a_clear_error(dingtalk_emulator: Emulator) -> None:
    overlays = [AsyncAuditOverlay()]
    expected = r"AsyncAuditOverlay\.on_request is async: use it with AsyncCalendarClient"
    client = CalendarClient(credentials(dingtalk_emulator), base_url=dingtalk_emulator.url, overlays=overlays)
    with client, pytest.raises(ConfigurationError, match=expected):
        client.get("alice", "any")


def test_asking_for_an_overlay_the_client_lacks(dingtalk_emulator: Emulator) -> None:
    with CalendarClient("token", base_url=dingtalk_emulator.url) as client, pytest.raises(LookupError, match="no Team"):
        client.overlay(TeamOverlay)


# -- per-attempt hooks ----------------------------------------------------------------------


class AttemptLog(Overlay):
    """Records each attempt as the hooks see it, and tags each sending with its number."""

    def __init__(self) -> None:
        self.started: list[tuple[str | None, int, bool, tuple[tuple[str | None, int | None], ...]]] = []
        self.ended: list[tuple[int, int | None, str | None]] = []
        self.calls_ended: list[str | None] = []

    def on_attempt(self, attempt: Attempt) -> None:
        tokens = tuple((t.operation, t.status_code) for t in attempt.token_requests)
        self.started.append((attempt.operation, attempt.number, attempt.waited > 0, tokens))
        attempt.request.headers["x-attempt"] = str(attempt.number)
        attempt.request.headers[ACCESS_TOKEN_HEADER] = "an-overlay-may-not-replace-the-token"

    def on_attempt_end(self, attempt: Attempt) -> None:
        status = None if attempt.response is None else attempt.response.status_code
        error = None if attempt.error is None else type(attempt.error).__name__
        self.ended.append((attempt.number, status, error))

    def on_call_end(self, request: httpx.Request, error: BaseException | None) -> None:
        self.calls_ended.append(None if error is None else type(error).__name__)


class AsyncAttemptLog(AttemptLog):
    async def on_attempt(self, attempt: Attempt) -> None:  # type: ignore[override]
        await asyncio.sleep(0)
        super().on_attempt(attempt)


@both
def test_per_attempt_hooks_run_inside_the_retry_loop_once_per_attempt(kind: str, dingtalk_emulator: Emulator) -> None:
    log = AttemptLog()
    with open_client(kind, dingtalk_emulator, overlays=[log]) as client:
        created = client.create("alice", name="Attempts", scope=Scope(organisations=["ding-acme"]))
        dingtalk_emulator.faults.next("503", count=1, operation="getSubscribedCalendar")
        client.get("alice", created.calendar_id)
        dingtalk_emulator.revoke_tokens()  # the next call is refused, the token renewed, the call re-sent
        client.subscribe("bob", created.calendar_id)
    token = ("getAccessToken", 200)
    assert log.started == [
        ("createSubscribedCalendar", 1, False, (token,)),  # the first call fetched the token
        ("getSubscribedCalendar", 1, False, ()),
        ("getSubscribedCalendar", 2, True, ()),  # a retry, after the policy's wait
        ("subscribeCalendar", 1, False, ()),
        ("subscribeCalendar", 2, False, (token,)),  # re-sent at once with a fresh token
    ]
    assert log.ended == [(1, 200, None), (1, 503, None), (2, 200, None), (1, 400, None), (2, 200, None)]
    assert log.calls_ended == [None, None, None]
    assert dingtalk_emulator.stats.token_requests == 2


@both
def test_headers_added_per_attempt_go_with_that_attempt_and_never_replace_the_token(kind: str) -> None:
    with recorded_client(kind, overlays=[AttemptLog()]) as (client, server):
        server.answer_json(503, {"code": "ServiceUnavailable", "message": "busy"})
        with pytest.raises(ServerError):
            client.get("alice", "cal-1")
    assert [r.headers["x-attempt"] for r in server.received] == ["1", "2", "3"]
    assert {r.headers[ACCESS_TOKEN_HEADER] for r in server.received} == {TOKEN}


@both
def test_per_attempt_hooks_see_an_attempt_that_got_no_answer(kind: str) -> None:
    log = AttemptLog()
    with socket.socket() as probe:  # a port on 127.0.0.1 where, once closed, nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options: dict[str, Any] = {"base_url": f"http://127.0.0.1:{port}", "overlays": [log], "retry_policy": NO_RETRIES}
    if kind == "sync":
        with CalendarClient(TOKEN, **options) as client, pytest.raises(APIConnectionError):
            client.get("alice", "cal-1")
    else:

        async def scenario() -> None:
            async with AsyncCalendarClient(TOKEN, **options) as client:
                await client.get("alice", "cal-1")

        with pytest.raises(APIConnectionError):
            asyncio.run(scenario())
    assert log.ended == [(1, None, "ConnectError")]
    assert log.calls_ended == ["APIConnectionError"]


def test_async_per_attempt_hooks_are_awaited_and_refused_by_the_sync_client(dingtalk_emulator: Emulator) -> None:
    log = AsyncAttemptLog()

    async def scenario() -> None:
        async with AsyncCalendarClient(
            credentials(dingtalk_emulator), base_url=dingtalk_emulator.url, overlays=[log]
        ) as c:
            await c.create("alice", name="Async attempts", scope=Scope(organisations=["ding-acme"]))

    asyncio.run(scenario())
    assert [entry[:2] for entry in log.started] == [("createSubscribedCalendar", 1)]
    client = CalendarClient(credentials(dingtalk_emulator), base_url=dingtalk_emulator.url, overlays=[log])
    with client, pytest.raises(ConfigurationError, match=r"AsyncAttemptLog\.on_attempt is async"):
        client.get("alice", "any")


def test_without_per_attempt_hooks_the_transport_is_not_wrapped(dingtalk_emulator: Emulator) -> None:
    transport = httpx.HTTPTransport()
    with CalendarClient("token", base_url=dingtalk_emulator.url, transport=transport, overlays=[Overlay()]) as client:
        retrying = client._http._transport
        assert isinstance(retrying, RetryTransport)
        assert retrying.transport is client._transport  # the shared pool itself, no hooks between


def test_on_call_end_runs_when_a_call_is_cancelled(dingtalk_emulator: Emulator) -> None:
    class CancelsItsOwnCall(AttemptLog):
        async def on_attempt(self, attempt: Attempt) -> None:  # type: ignore[override]
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # as asyncio.timeout() or a shutting-down server would
            await asyncio.sleep(0)

    log = CancelsItsOwnCall()

    async def scenario() -> None:
        emu = dingtalk_emulator
        async with AsyncCalendarClient(credentials(emu), base_url=emu.url, overlays=[log]) as client:
            with pytest.raises(asyncio.CancelledError):
                await client.get("alice", "any")

    asyncio.run(scenario())
    assert log.calls_ended == ["CancelledError"]
