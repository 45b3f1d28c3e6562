"""The benchmark's raw-socket client frames answers however the bytes arrive, and checks their status."""

import asyncio

import pytest

from bench.raw_client import replayed_calls

from .scripted_server import Received, Reply, response, scripted_server

ANSWER = response(body=b'{"result":true}')


SUBSCRIBE = b"POST /v1.0/calendar/users/bob/calendars/cal/subscribe HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n"
GET = b"GET /v1.0/calendar/users/alice/subscribedCalendars/c HTTP/1.1\r\nhost: x\r\n\r\n"


def _in_two_pieces(split: int) -> Reply:
    async def rest(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.001)  # lets the client read the first piece on its own (if it does not, still correct)
        writer.write(ANSWER[split:])
        await writer.drain()

    return Reply(data=ANSWER[:split], later=rest)


async def test_an_answer_split_anywhere_or_whole_is_read_to_its_end_on_one_connection() -> None:
    splits = iter(range(1, len(ANSWER)))

    def script(_: Received) -> Reply:
        split = next(splits, None)
        return Reply(data=ANSWER) if split is None else _in_two_pieces(split)

    async with scripted_server(script) as server, replayed_calls(server.url, SUBSCRIBE) as call:
        for _ in range(len(ANSWER) + 1):  # every split, then two answers sent whole
            await call()

    assert len(server.received) == len(ANSWER) + 1
    assert {(r.method, r.target) for r in server.received} == {
        ("POST", "/v1.0/calendar/users/bob/calendars/cal/subscribe")
    }
    assert server.connections_opened == 1


async def test_the_length_header_is_found_whatever_its_case() -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
    async with (
        scripted_server(lambda _: Reply(data=answer)) as server,
        replayed_calls(server.url, GET) as call,
    ):
        await call()
        await call()
    assert [r.method for r in server.received] == ["GET", "GET"]


async def test_an_answer_other_than_200_fails_the_call() -> None:
    async with (
        scripted_server(lambda _: Reply(data=response(403))) as server,
        replayed_calls(server.url, GET) as call,
    ):
        with pytest.raises(RuntimeError, match=r"unexpected answer: b'HTTP/1\.1 403"):
            await call()
