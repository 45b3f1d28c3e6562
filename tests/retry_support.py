"""Helpers of the error and retry tests: answers built by hand, fake time, a dead port."""

import socket
from typing import Any

import httpx
from attrs import define, field

from dingtalk_calendar._errors import error_from_response
from dingtalk_calendar._extensions import OPERATION_EXTENSION
from dingtalk_calendar._retry.policy import RetryPolicy
from dingtalk_calendar._retry.table import AsyncRetryTransport, RetryTransport
from dingtalk_calendar_api import Client
from dingtalk_calendar_api.api.calendar import create_subscribed_calendar
from dingtalk_calendar_api.models import (
    CreateSubscribedCalendarRequest,
    CreateSubscribedCalendarResponse,
    SubscribeScope,
)
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

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


QUICK = RetryPolicy(max_retries=2, max_elapsed=None, initial_backoff=0.01, max_backoff=0.05, jitter=0.0)
"""Real retries with waits the tests record rather than sleep (see FakeTime)."""


@define
class Answers:
    """Every raw httpx answer a client got, kept by an event hook, for error_from_response.

    The generated ``sync_detailed`` returns its own Response type, without the request or
    the extensions the retry transport set; the hook sees the httpx.Response itself.
    """

    all: list[httpx.Response] = field(factory=list)

    def keep(self, response: httpx.Response) -> None:
        self.all.append(response)

    async def keep_async(self, response: httpx.Response) -> None:
        self.all.append(response)

    @property
    def last(self) -> httpx.Response:
        return self.all[-1]

    def raise_for_error(self) -> httpx.Response:
        """The last answer; raises the SDK's exception for it when it is not a 2xx."""
        if not self.last.is_success:
            raise error_from_response(self.last)
        return self.last


def calendar_client(
    url: str,
    transport: RetryTransport | AsyncRetryTransport,
    answers: Answers,
    *,
    token: str | None = None,
    timeout: float = 5.0,
) -> Client:
    """A generated client on ``url`` through ``transport``; its answers land in ``answers``."""
    hook = answers.keep_async if isinstance(transport, AsyncRetryTransport) else answers.keep
    return Client(
        base_url=url,
        headers={ACCESS_TOKEN_HEADER: token} if token else {},
        timeout=httpx.Timeout(timeout),
        httpx_args={"transport": transport, "event_hooks": {"response": [hook]}},
    )


def quick_transport(fake: FakeTime, policy: RetryPolicy = QUICK) -> RetryTransport:
    return RetryTransport(policy=policy, sleep=fake.sleep, random=lambda: 0.0)


def quick_async_transport(fake: FakeTime, policy: RetryPolicy = QUICK) -> AsyncRetryTransport:
    return AsyncRetryTransport(policy=policy, sleep=fake.async_sleep, random=lambda: 0.0)


def calendar_request(name: str = "Team rota", corp_id: str = "ding-acme") -> CreateSubscribedCalendarRequest:
    return CreateSubscribedCalendarRequest(name=name, subscribe_scope=SubscribeScope(corp_ids=[corp_id]))


def create_calendar(client: Client, answers: Answers, user_id: str = "alice", name: str = "Team rota") -> str:
    """A new calendar of ``user_id`` (scope: the Acme organisation); its id."""
    response = create_subscribed_calendar.sync_detailed(user_id, client=client, body=calendar_request(name))
    answers.raise_for_error()
    assert isinstance(response.parsed, CreateSubscribedCalendarResponse)
    assert isinstance(response.parsed.calendar_id, str)
    return response.parsed.calendar_id
