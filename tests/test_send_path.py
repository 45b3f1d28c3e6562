"""What an SDK call's answer carries, now that every call goes through httpx's own ``send``.

The token flow is ``DingTalkAuth``'s ``httpx.Auth`` generator and the retry layer reads each
answer whole (``_transport.body``): the answer still has its request, history, elapsed time and
httpx's log line, and a closed client says so in a typed error.
"""

import logging

import pytest

from dingtalk_calendar import APIConnectionError, AsyncCalendarClient, CalendarClient, Scope
from dingtalk_calendar_emulator import Emulator
from tests.client_support import both, open_client

_ACME = Scope(organisations=["ding-acme"])


@both
def test_the_answer_has_what_httpx_send_gives_it(
    kind: str, dingtalk_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        created = client.create("alice", name="Holidays", scope=_ACME)
        with caplog.at_level(logging.INFO, logger="httpx"):
            calendar = client.get("alice", created.calendar_id)
    response = calendar.raw_response
    assert response is not None
    assert response.request.method == "GET"
    assert response.history == []
    assert response.elapsed.total_seconds() >= 0
    assert response.is_success
    assert response.json()["name"] == "Holidays"
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines == [f'HTTP Request: GET {response.request.url} "HTTP/1.1 200 OK"']


@both
def test_a_refused_token_answer_is_kept_in_history(kind: str, dingtalk_emulator: Emulator) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        created = client.create("alice", name="Holidays", scope=_ACME)
        dingtalk_emulator.revoke_tokens()
        calendar = client.get("alice", created.calendar_id)
    response = calendar.raw_response
    assert response is not None
    assert [r.status_code for r in response.history] == [400]
    assert b"InvalidAuthentication" in response.history[0].content  # read, as httpx reads it


def test_a_closed_client_refuses_to_send_in_a_typed_error(dingtalk_emulator: Emulator) -> None:
    client = CalendarClient("a-fixed-token", base_url=dingtalk_emulator.url)
    client.close()
    with pytest.raises(APIConnectionError, match="client is closed"):
        client.subscribe("bob", "cal-1")


async def test_a_closed_async_client_refuses_to_send_in_a_typed_error(dingtalk_emulator: Emulator) -> None:
    client = AsyncCalendarClient("a-fixed-token", base_url=dingtalk_emulator.url)
    await client.aclose()
    with pytest.raises(APIConnectionError, match="client is closed"):
        await client.subscribe("bob", "cal-1")
