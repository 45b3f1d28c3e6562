"""Every JSON the SDK reads goes through one decoder: nesting past the parser's depth, bad
UTF-8 and non-JSON are typed ``DingTalkError``s naming what was read, never a RecursionError.

Answers come over real sockets from a recording server; stored tokens from a real redis-server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dingtalk_calendar import (
    AsyncCalendarClient,
    CalendarClient,
    DingTalkError,
    InternalAppCredentials,
    MalformedResponseError,
    UnreadableJSONError,
)
from dingtalk_calendar._auth.redis_store import RedisTokenStore, token_from_json
from dingtalk_calendar._json import decode_json
from tests.recording_server import RecordingServer, recording_server
from tests.redis_server import RedisServer

DEEP_BODIES = {
    "70,000 objects": b'{"a":' * 70_000 + b"1" + b"}" * 70_000,
    "120,000 lists": b"[" * 120_000 + b"]" * 120_000,
    "not UTF-8": b'{"code": "\xff\xfe"}',
}


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as recording:
        yield recording


@pytest.mark.parametrize("body", list(DEEP_BODIES.values()), ids=list(DEEP_BODIES))
@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_an_error_answer_of_any_status_is_a_typed_error(server: RecordingServer, body: bytes, status: int) -> None:
    server.answer_raw(status, body, "application/json")
    client = CalendarClient("a-fixed-token", base_url=server.url, max_retries=0)
    with client, pytest.raises(DingTalkError) as raised:
        client.get("alice", "cal-1")
    assert raised.value.status_code == status  # type: ignore[attr-defined]


@pytest.mark.parametrize("body", list(DEEP_BODIES.values()), ids=list(DEEP_BODIES))
async def test_an_async_error_answer_is_a_typed_error(server: RecordingServer, body: bytes) -> None:
    server.answer_raw(400, body, "application/json")
    async with AsyncCalendarClient("a-fixed-token", base_url=server.url, max_retries=0) as client:
        with pytest.raises(DingTalkError):
            await client.get("alice", "cal-1")


@pytest.mark.parametrize("body", list(DEEP_BODIES.values()), ids=list(DEEP_BODIES))
@pytest.mark.parametrize("status", [200, 400, 403])
def test_a_token_answer_is_a_typed_error(server: RecordingServer, body: bytes, status: int) -> None:
    server.answer_raw(status, body, "application/json")
    credentials = InternalAppCredentials("app", "the-app-secret")
    client = CalendarClient(credentials, base_url=server.url, max_retries=0)
    with client, pytest.raises(DingTalkError):
        client.get("alice", "cal-1")


@pytest.mark.parametrize("body", list(DEEP_BODIES.values()), ids=list(DEEP_BODIES))
def test_a_raw_request_result_is_a_typed_error_naming_the_answer(server: RecordingServer, body: bytes) -> None:
    server.answer_raw(200, body, "application/json")
    client = CalendarClient("a-fixed-token", base_url=server.url, max_retries=0)
    with client, pytest.raises(MalformedResponseError, match=r"a 2xx answer whose body is (nested too|not UTF-8)"):
        client.request("GET", "/v1.0/calendar/somethingNew")


@pytest.mark.parametrize("body", list(DEEP_BODIES.values()), ids=list(DEEP_BODIES))
def test_a_stored_token_that_cannot_be_read_is_ignored(body: bytes) -> None:
    import redis

    with pytest.raises(UnreadableJSONError, match="cannot read a stored token"):
        token_from_json(body)
    with RedisServer() as server:
        raw = redis.Redis.from_url(server.url)
        store = RedisTokenStore(server.url, prefix="deep:")
        raw.set("deep:v2/token/internal:app:x", body)
        assert store.get("internal:app:x") is None  # treated as absent: fetched again and overwritten
        store.close()
        raw.close()


def test_the_decoder_names_what_it_read_and_why() -> None:
    with pytest.raises(UnreadableJSONError, match=r"cannot read a journal line: not JSON \(line 1, column 1\)"):
        decode_json(b"nope", what="a journal line")
    with pytest.raises(UnreadableJSONError, match="cannot read x: nested too deeply to read"):
        decode_json("[" * 200_000, what="x")
    with pytest.raises(UnreadableJSONError, match="cannot read x: not UTF-8"):
        decode_json(b"\xff", what="x")
    assert decode_json(b'{"a": [1]}', what="x") == {"a": [1]}
