"""Our side's three ways of making each operation: (a) the ergonomic client, (b) the generated
functions, (c) bare httpx with a hand-built request. Each call checks that it succeeded."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Final

import httpx

from dingtalk_calendar import CalendarClient, InternalAppCredentials, Scope
from dingtalk_calendar_api import AuthenticatedClient
from dingtalk_calendar_api.api.calendar import (
    create_subscribed_calendar,
    get_subscribed_calendar,
    subscribe_calendar,
    unsubscribe_calendar,
    update_subscribed_calendar,
)
from dingtalk_calendar_api.models import (
    CreateSubscribedCalendarRequest,
    SubscribeScope,
    UpdateSubscribedCalendarRequest,
)

from . import scenario as s
from .emulator_process import EmulatorInfo

Call = Callable[[], object]
Calls = Mapping[str, Call]

ERGONOMIC: Final = "ergonomic"
GENERATED: Final = "generated"
HTTPX: Final = "httpx"
OFFICIAL: Final = "official"
CLIENTS: Final = (ERGONOMIC, GENERATED, HTTPX, OFFICIAL)
"""Every client measured per call, in the order of the report; ratios are to HTTPX."""


class CallFailed(RuntimeError):
    """A call under test did not succeed: the figures would be meaningless."""


def prepare_calendar(info: EmulatorInfo) -> str:
    """The calendar that get, update, subscribe and unsubscribe work on."""
    response = httpx.post(
        info.url + s.create_path(s.AUTHOR),
        headers={s.ACCESS_TOKEN_HEADER: info.token},
        json={"name": s.CREATED_NAME, "subscribeScope": {"corpIds": [s.CORP]}},
        verify=info.ssl_context(),
    )
    response.raise_for_status()
    calendar_id: str = response.json()["calendarId"]
    return calendar_id


@contextmanager
def ergonomic_calls(info: EmulatorInfo, calendar_id: str) -> Iterator[Calls]:
    """(a) ``CalendarClient`` with app credentials: it fetches and caches the token itself."""
    with CalendarClient(InternalAppCredentials(info.app_key, info.app_secret), base_url=info.url) as client:
        scope = Scope(organisations=[s.CORP])
        yield {
            "create": lambda: client.create(s.AUTHOR, name=s.CREATED_NAME, scope=scope),
            "get": lambda: client.get(s.AUTHOR, calendar_id),
            "update": lambda: client.update(s.AUTHOR, calendar_id, name=s.UPDATED_NAME),
            "subscribe": lambda: client.subscribe(s.SUBSCRIBER, calendar_id),
            "unsubscribe": lambda: client.unsubscribe(s.SUBSCRIBER, calendar_id),
        }


def _ok(response: object) -> None:
    status = getattr(response, "status_code", None)
    if status != 200:
        raise CallFailed(f"expected HTTP 200, got {status}: {getattr(response, 'content', b'')[:200]!r}")


@contextmanager
def generated_calls(info: EmulatorInfo, calendar_id: str) -> Iterator[Calls]:
    """(b) the generated ``sync_detailed`` functions with a plain ``AuthenticatedClient``."""
    with AuthenticatedClient(base_url=info.url, token=info.token) as client:

        def create() -> None:
            body = CreateSubscribedCalendarRequest(
                name=s.CREATED_NAME, subscribe_scope=SubscribeScope(corp_ids=[s.CORP])
            )
            _ok(create_subscribed_calendar.sync_detailed(s.AUTHOR, client=client, body=body))

        def update() -> None:
            body = UpdateSubscribedCalendarRequest(name=s.UPDATED_NAME)
            _ok(update_subscribed_calendar.sync_detailed(s.AUTHOR, calendar_id, client=client, body=body))

        yield {
            "create": create,
            "get": lambda: _ok(get_subscribed_calendar.sync_detailed(s.AUTHOR, calendar_id, client=client)),
            "update": update,
            "subscribe": lambda: _ok(subscribe_calendar.sync_detailed(s.SUBSCRIBER, calendar_id, client=client)),
            "unsubscribe": lambda: _ok(unsubscribe_calendar.sync_detailed(s.SUBSCRIBER, calendar_id, client=client)),
        }


@contextmanager
def httpx_calls(info: EmulatorInfo, calendar_id: str) -> Iterator[Calls]:
    """(c) the baseline: a keep-alive ``httpx.Client``, the path and JSON written by hand, the answer parsed."""
    with httpx.Client(base_url=info.url, headers={s.ACCESS_TOKEN_HEADER: info.token}) as client:

        def checked(response: httpx.Response) -> httpx.Response:
            _ok(response)
            return response

        def create() -> object:
            body = {"name": s.CREATED_NAME, "subscribeScope": {"corpIds": [s.CORP]}}
            return checked(client.post(s.create_path(s.AUTHOR), json=body)).json()["calendarId"]

        yield {
            "create": create,
            "get": lambda: checked(client.get(s.calendar_path(s.AUTHOR, calendar_id))).json(),
            "update": lambda: checked(
                client.put(s.calendar_path(s.AUTHOR, calendar_id), json={"name": s.UPDATED_NAME})
            ).json(),
            # DingTalk (and the emulator) may answer a subscribe with an empty body: nothing to parse.
            "subscribe": lambda: checked(client.post(s.subscribe_path(s.SUBSCRIBER, calendar_id))),
            "unsubscribe": lambda: checked(client.post(s.unsubscribe_path(s.SUBSCRIBER, calendar_id))).json(),
        }
