"""The clients' own request building and sending (``_requests``, ``_async_send``) against httpx's.

Each SDK call builds its request in one pass and drives its auth flow and retry transport
itself instead of going through ``httpx.Client.send``. These tests hold it to what httpx
would have done: the same request, byte for byte, for every operation; the same answer,
history, elapsed time and log line; and the count of calls that reach httpx's own path.
"""

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from dingtalk_calendar import AsyncCalendarClient, CalendarClient, Scope, _calls
from dingtalk_calendar._generated import calls
from dingtalk_calendar._requests import build_request
from dingtalk_calendar._transports import AsyncCookielessClient, CookielessClient
from dingtalk_calendar_emulator import Emulator
from tests.client_support import both, open_client

_ACME = Scope(organisations=["ding-acme"])

CALLS: dict[str, Callable[[dict[str, Any]], _calls.Call[Any]]] = {
    "create": lambda o: calls.create_subscribed_calendar(
        "alice", name="Holidays ☀", scope=_ACME, description="Days off", managers=["bob"], options=o
    ),
    "get": lambda o: calls.get_subscribed_calendar("alice", "cal/1", options=o),
    "update": lambda o: calls.update_subscribed_calendar(
        "alice", "cal-1", name="Renamed", description=None, managers=None, scope=None, options=o
    ),
    "subscribe": lambda o: calls.subscribe_calendar("bob", "cal-1", options=o),
    "unsubscribe": lambda o: calls.unsubscribe_calendar("bob", "cal-1", options=o),
}

OPTIONS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "a timeout": {"timeout": httpx.Timeout(3.0, connect=1.0)},
    "headers": {"headers": {"X-Trace": "t-1", "user-agent": "mine/1.0", "Content-Type": "application/json"}},
    "extensions": {"extensions": {"dingtalk_retry": None}},
}


@pytest.fixture(params=["sync", "async"])
def httpx_client(request: pytest.FixtureRequest) -> httpx.Client | httpx.AsyncClient:
    kind = CookielessClient if request.param == "sync" else AsyncCookielessClient  # the SDK's own
    return kind(base_url="https://api.dingtalk.invalid/", timeout=httpx.Timeout(7.0), headers={"X-App": "a"})


@pytest.mark.parametrize("options", OPTIONS.values(), ids=list(OPTIONS))
@pytest.mark.parametrize("operation", list(CALLS))
def test_the_request_is_the_one_httpx_would_build(
    httpx_client: httpx.Client | httpx.AsyncClient, operation: str, options: dict[str, Any]
) -> None:
    kwargs = CALLS[operation](options).request_kwargs
    ours = build_request(httpx_client, httpx_client.base_url, dict(kwargs))
    theirs = httpx_client.build_request(**kwargs)
    assert (ours.method, str(ours.url)) == (theirs.method, str(theirs.url))
    assert ours.headers.raw == theirs.headers.raw
    assert ours.content == theirs.content
    assert ours.extensions == theirs.extensions
    assert type(ours.stream) is type(theirs.stream)


def test_repeated_and_differently_cased_headers_merge_as_httpx_merges_them() -> None:
    client = CookielessClient(base_url="http://h.invalid", headers=[("X-A", "1"), ("x-a", "2"), ("X-B", "3")])
    kwargs = {"method": "POST", "url": "/p", "headers": {"x-A": "9", "x-c": "4"}, "extensions": {}}
    ours = build_request(client, client.base_url, dict(kwargs))
    assert ours.headers.raw == client.build_request(**kwargs).headers.raw


@pytest.mark.parametrize(
    "extra",
    [
        {"params": {"q": "1"}},  # not something a generated operation sends: httpx builds it
        {"headers": {"X-Name": "Zoë"}},  # not ASCII: httpx's own encoding rules apply
        {"cookies": True},  # a client that keeps cookies: httpx merges them
    ],
    ids=["params", "non-ascii header", "a cookie jar"],
)
def test_anything_unusual_is_left_to_httpx(extra: dict[str, Any]) -> None:
    if extra.pop("cookies", False):
        client: httpx.Client = httpx.Client(base_url="http://h.invalid", cookies={"c": "1"})
    else:
        client = CookielessClient(base_url="http://h.invalid")
    kwargs = {"method": "GET", "url": "/p", **extra}
    built: list[object] = []
    original = client.build_request

    def counting(**kw: Any) -> httpx.Request:
        built.append(kw)
        return original(**kw)

    client.build_request = counting  # type: ignore[method-assign]
    try:
        theirs: object = original(**kwargs).headers.raw
    except UnicodeEncodeError as error:  # httpx refuses a header it cannot encode as ASCII
        theirs = type(error)
    try:
        ours: object = build_request(client, client.base_url, dict(kwargs)).headers.raw
    except UnicodeEncodeError as error:
        ours = type(error)
    assert len(built) == 1
    assert ours == theirs


def _count_httpx_sends(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    for kind in (httpx.Client, httpx.AsyncClient):
        for name in ("send", "build_request"):
            original = getattr(kind, name)

            def counting(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
                seen.append(_name)
                return _original(*args, **kwargs)

            monkeypatch.setattr(kind, name, counting)
    return seen


@both
def test_a_call_does_not_go_through_httpx_send(
    kind: str, dingtalk_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_client(kind, dingtalk_emulator) as client:
        created = client.create("alice", name="Holidays", scope=_ACME)  # the token is fetched first
        seen = _count_httpx_sends(monkeypatch)
        assert client.subscribe("bob", created.calendar_id).result is True
        assert client.get("alice", created.calendar_id).name == "Holidays"
    assert seen == []


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


def test_a_closed_client_refuses_to_send_as_httpx_does(dingtalk_emulator: Emulator) -> None:
    client = CalendarClient("a-fixed-token", base_url=dingtalk_emulator.url)
    client.close()
    with pytest.raises(RuntimeError, match="client has been closed"):
        client.subscribe("bob", "cal-1")


async def test_a_closed_async_client_refuses_to_send_as_httpx_does(dingtalk_emulator: Emulator) -> None:
    client = AsyncCalendarClient("a-fixed-token", base_url=dingtalk_emulator.url)
    await client.aclose()
    with pytest.raises(RuntimeError, match="client has been closed"):
        await client.subscribe("bob", "cal-1")
