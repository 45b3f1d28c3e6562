"""The raw client replays the very request our client sends: taken on its way to the emulator."""

import asyncio
from urllib.parse import urlsplit

import pytest

from bench.callers_ours import prepare_calendar
from bench.emulator_process import EmulatorProcess
from bench.raw_client import replayed_calls
from bench.request_capture import ours_request, requests_in
from dingtalk_calendar import __version__


def test_requests_written_back_to_back_are_told_apart_by_their_length() -> None:
    first = b'POST /token HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\n{"k":"v"}'
    second = b"GET /x HTTP/1.1\r\nhost: a\r\n\r\n"
    third = b"POST /y HTTP/1.1\r\ncontent-length: 0\r\n\r\n"
    assert requests_in(first + second + third) == [first, second, third]


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_the_captured_requests_are_ours_and_the_emulator_answers_them(tls: bool) -> None:
    with EmulatorProcess(qps_limit=None, tls=tls) as emulator:
        info = emulator.info
        calendar_id = prepare_calendar(info)

        async def capture_and_replay() -> dict[str, bytes]:
            captured = {op: await ours_request(info, calendar_id, op) for op in ("subscribe", "get")}
            for request in captured.values():
                async with replayed_calls(info.url, request, info.ssl_context()) as call:
                    for _ in range(3):
                        await call()  # raises unless the emulator answers 200
            return captured

        captured = asyncio.run(capture_and_replay())

    netloc = urlsplit(info.url).netloc
    lines = {
        "subscribe": f"POST /v1.0/calendar/users/bob/calendars/{calendar_id}/subscribe HTTP/1.1",
        "get": f"GET /v1.0/calendar/users/alice/subscribedCalendars/{calendar_id} HTTP/1.1",
    }
    for op, request in captured.items():
        assert request.decode().split("\r\n")[0] == lines[op]
        head = request.decode().lower()
        assert f"\r\nhost: {netloc}\r\n" in head
        assert f"\r\nx-acs-dingtalk-access-token: {info.token}\r\n".lower() in head
        assert f"user-agent: dingtalk-calendar/{__version__}" in head
        assert len(requests_in(request)) == 1
