"""Helpers of the error and retry tests: answers built by hand, fake time, a dead port."""

import socket
from typing import Any

import httpx
from attrs import define, field

from dingtalk_calendar._extensions import OPERATION_EXTENSION

BASE_URL = "https://api.dingtalk.io"
TOKEN = "tok-SECRET-4f3c2b1a0987"


def answer(
    status: int,
    body: Any = None,
    *,
    operation: str | None = "createSubscribedCalendar",
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    request_json: Any = None,
    token: str = TOKEN,
    extensions: dict[str, Any] | None = None,
) -> httpx.Response:
    """An answer as the generated client would hold it: read, with the request it answers."""
    request = httpx.Request(
        "POST",
        f"{BASE_URL}/v1.0/calendar/users/u1/subscribedCalendars",
        headers={"x-acs-dingtalk-access-token": token},
        json=request_json,
        extensions={OPERATION_EXTENSION: operation} if operation else {},
    )
    if content is not None:
        return httpx.Response(status, content=content, headers=headers, request=request, extensions=extensions)
    return httpx.Response(status, json=body, headers=headers, request=request, extensions=extensions)


@define
class FakeTime:
    """A clock that moves only when the code under test sleeps; records every wait."""

    now: float = 1000.0
    waits: list[float] = field(factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def unused_port() -> int:
    """A local port nothing listens on (bound, then released), for connection refusals."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
