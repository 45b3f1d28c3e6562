"""DingTalkAuth on the generated client and on a plain httpx client, against the emulator.

Every count is the emulator's: token requests, and answers per operation and status.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

import dingtalk_calendar_api
from dingtalk_calendar import InternalAppCredentials
from dingtalk_calendar._auth.httpx_auth import DingTalkAuth
from dingtalk_calendar._auth.token_manager import TokenManager
from dingtalk_calendar_api.api.calendar import create_subscribed_calendar
from dingtalk_calendar_api.models.create_subscribed_calendar_request import CreateSubscribedCalendarRequest
from dingtalk_calendar_api.models.create_subscribed_calendar_response import CreateSubscribedCalendarResponse
from dingtalk_calendar_api.models.error import Error
from dingtalk_calendar_api.models.subscribe_scope import SubscribeScope
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER
from dingtalk_calendar_api.types import Response
from dingtalk_calendar_emulator import Emulator

CREATE = create_subscribed_calendar.OPERATION_ID


class ManualClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def auth_for(emu: Emulator, clock: ManualClock) -> DingTalkAuth:
    app = emu.internal_app
    return DingTalkAuth(
        TokenManager(InternalAppCredentials(app.app_key, app.app_secret), base_url=emu.url, clock=clock)
    )


def dead_on_arrival(emu: Emulator, use_async: bool) -> dict[str, object]:
    """httpx arguments that revoke every token just before each API request: a server refusing them all.

    (An ``expireIn`` of 0 would do it too, but the SDK refuses such an answer as malformed.)
    """

    def revoke(_: httpx.Request) -> None:
        emu.revoke_tokens()

    async def arevoke(_: httpx.Request) -> None:
        emu.revoke_tokens()

    return {"event_hooks": {"request": [arevoke if use_async else revoke]}}


def calendar_request(name: str = "Team") -> CreateSubscribedCalendarRequest:
    return CreateSubscribedCalendarRequest(
        name=name, subscribe_scope=SubscribeScope(union_ids=["alice"], corp_ids=["ding-acme"])
    )


def create(client: dingtalk_calendar_api.Client) -> Response[CreateSubscribedCalendarResponse | Error]:
    return create_subscribed_calendar.sync_detailed("alice", client=client, body=calendar_request())


async def acreate(client: dingtalk_calendar_api.Client) -> Response[CreateSubscribedCalendarResponse | Error]:
    return await create_subscribed_calendar.asyncio_detailed("alice", client=client, body=calendar_request())


def assert_created(response: Response[CreateSubscribedCalendarResponse | Error]) -> None:
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, CreateSubscribedCalendarResponse)


def assert_invalid_authentication(response: Response[CreateSubscribedCalendarResponse | Error]) -> None:
    assert response.status_code == 400
    assert isinstance(response.parsed, Error)
    assert response.parsed.code == "InvalidAuthentication"


# --- sending the token ---------------------------------------------------------------------------


def test_the_generated_client_sends_the_managed_token(dingtalk_emulator: Emulator) -> None:
    auth = auth_for(dingtalk_emulator, ManualClock())
    with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url, auth=auth) as client:
        for _ in range(3):
            assert_created(create(client))
    assert dingtalk_emulator.stats.token_requests == 1
    assert len(dingtalk_emulator.state.calendars) == 3


async def test_the_generated_async_client_sends_the_managed_token(dingtalk_emulator: Emulator) -> None:
    auth = auth_for(dingtalk_emulator, ManualClock())
    async with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url, auth=auth) as client:
        for _ in range(3):
            assert_created(await acreate(client))
    assert dingtalk_emulator.stats.token_requests == 1


def test_a_plain_httpx_client_takes_the_same_auth(dingtalk_emulator: Emulator) -> None:
    # What the ergonomic client does: its own httpx client, this auth.
    auth = auth_for(dingtalk_emulator, ManualClock())
    with httpx.Client(base_url=dingtalk_emulator.url, auth=auth) as http:
        answer = http.post("/v1.0/calendar/users/alice/subscribedCalendars", json=calendar_request().to_dict())
    assert answer.status_code == 200
    assert answer.request.headers[ACCESS_TOKEN_HEADER] == auth.tokens.get_token()


def test_without_the_auth_dingtalk_refuses_the_call(dingtalk_emulator: Emulator) -> None:
    # The emulator checks the header, so the successes above prove the auth sent it.
    with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url) as client:
        assert_invalid_authentication(create(client))


# --- reactive refresh -------------------------------------------------------------------------------


def test_a_refused_token_is_renewed_and_the_call_sent_once_more(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    auth = auth_for(dingtalk_emulator, clock)
    with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url, auth=auth) as client:
        assert_created(create(client))
        old = auth.tokens.get_token()
        dingtalk_emulator.revoke_tokens()  # as a secret reset would; our cache still holds the token
        clock.advance(60)
        assert_created(create(client))
    assert auth.tokens.get_token() != old
    assert dingtalk_emulator.stats.token_requests == 2
    assert dingtalk_emulator.stats.statuses(CREATE) == {200: 2, 400: 1}
    assert len(dingtalk_emulator.state.calendars) == 2  # the refused attempt created nothing


async def test_a_refused_token_is_renewed_from_async_code_too(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    auth = auth_for(dingtalk_emulator, clock)
    async with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url, auth=auth) as client:
        assert_created(await acreate(client))
        dingtalk_emulator.clock.advance(7_201)  # expired at DingTalk; our clock is behind
        clock.advance(60)
        assert_created(await acreate(client))
    assert dingtalk_emulator.stats.token_requests == 2
    assert dingtalk_emulator.stats.statuses(CREATE) == {200: 2, 400: 1}


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_second_refusal_is_returned_not_looped(
    dingtalk_emulator_factory: Callable[..., Emulator], use_async: bool
) -> None:
    emu = dingtalk_emulator_factory()
    clock = ManualClock()
    auth = auth_for(emu, clock)
    with dingtalk_calendar_api.Client(
        base_url=emu.url, auth=auth, httpx_args=dead_on_arrival(emu, use_async)
    ) as client:
        response = await acreate(client) if use_async else create(client)
    assert_invalid_authentication(response)
    assert emu.stats.token_requests == 2  # the first token, and one replacement
    assert emu.stats.statuses(CREATE) == {400: 2}  # sent, and sent once more: never a third time


def test_a_server_that_refuses_every_token_costs_one_token_request_per_interval(
    dingtalk_emulator_factory: Callable[..., Emulator],
) -> None:
    emu = dingtalk_emulator_factory()
    clock = ManualClock()
    auth = auth_for(emu, clock)
    with dingtalk_calendar_api.Client(base_url=emu.url, auth=auth, httpx_args=dead_on_arrival(emu, False)) as client:
        for _ in range(5):
            assert_invalid_authentication(create(client))
        # The first call fetched a token and one replacement; the next four, within
        # min_fetch_interval (5 s) of that replacement, fetched none and were sent once each.
        assert emu.stats.token_requests == 2
        assert emu.stats.statuses(CREATE) == {400: 6}
        clock.advance(5)
        assert_invalid_authentication(create(client))
    assert emu.stats.token_requests == 3
    assert emu.stats.statuses(CREATE) == {400: 8}


def test_other_400_answers_are_returned_without_a_new_token(dingtalk_emulator: Emulator) -> None:
    auth = auth_for(dingtalk_emulator, ManualClock())
    with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url, auth=auth) as client:
        blank = create_subscribed_calendar.sync_detailed("alice", client=client, body=calendar_request(name=" "))
    assert blank.status_code == 400
    assert isinstance(blank.parsed, Error)
    assert blank.parsed.code == "invalidParameter"
    assert dingtalk_emulator.stats.token_requests == 1
    assert dingtalk_emulator.stats.statuses(CREATE) == {400: 1}


def test_fifty_calls_refused_together_cause_one_new_token(dingtalk_emulator: Emulator) -> None:
    dingtalk_emulator.qps_limit = None  # this test is about tokens, not the per-second quota
    clock = ManualClock()
    auth = auth_for(dingtalk_emulator, clock)
    auth.tokens.get_token()
    dingtalk_emulator.revoke_tokens()
    clock.advance(60)
    start = threading.Barrier(50)

    with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url, auth=auth) as client:

        def call(_: int) -> int:
            start.wait()
            return create(client).status_code

        with ThreadPoolExecutor(50) as pool:
            statuses = list(pool.map(call, range(50)))
    assert statuses == [200] * 50
    assert dingtalk_emulator.stats.token_requests == 2


async def test_fifty_tasks_refused_together_cause_one_new_token(dingtalk_emulator: Emulator) -> None:
    dingtalk_emulator.qps_limit = None
    clock = ManualClock()
    auth = auth_for(dingtalk_emulator, clock)
    await auth.tokens.aget_token()
    dingtalk_emulator.revoke_tokens()
    clock.advance(60)
    async with dingtalk_calendar_api.Client(base_url=dingtalk_emulator.url, auth=auth) as client:
        responses = await asyncio.gather(*(acreate(client) for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    assert dingtalk_emulator.stats.token_requests == 2


def test_a_streamed_success_is_not_read_by_the_auth(dingtalk_emulator: Emulator) -> None:
    auth = auth_for(dingtalk_emulator, ManualClock())
    with (
        httpx.Client(base_url=dingtalk_emulator.url, auth=auth) as http,
        http.stream("POST", "/v1.0/calendar/users/alice/subscribedCalendars", json=calendar_request().to_dict()) as r,
    ):
        assert r.status_code == 200
        assert not r.is_stream_consumed  # only 400 answers are read, to look for InvalidAuthentication
        r.read()
