"""Extension by overlays: a team's package adds hooks and helpers without editing the SDK."""

import asyncio

import pytest

from dingtalk_calendar import AsyncCalendarClient, CalendarClient, InternalAppCredentials
from dingtalk_calendar_emulator import Emulator
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
    with client, pytest.raises(TypeError, match=expected):
        client.get("alice", "any")


def test_asking_for_an_overlay_the_client_lacks(dingtalk_emulator: Emulator) -> None:
    with CalendarClient("token", base_url=dingtalk_emulator.url) as client, pytest.raises(LookupError, match="no Team"):
        client.overlay(TeamOverlay)
