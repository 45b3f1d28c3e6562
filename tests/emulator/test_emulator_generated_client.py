"""The generated low-level client against the emulator: the wire format each side reads from the spec agrees."""

from collections.abc import Iterator

import pytest

from dingtalk_calendar_api import AuthenticatedClient, Client
from dingtalk_calendar_api.api.calendar import (
    create_subscribed_calendar,
    get_subscribed_calendar,
    subscribe_calendar,
    update_subscribed_calendar,
)
from dingtalk_calendar_api.api.oauth2 import get_access_token
from dingtalk_calendar_api.models import (
    CreateSubscribedCalendarRequest,
    CreateSubscribedCalendarResponse,
    Error,
    GetAccessTokenRequest,
    GetSubscribedCalendarResponse,
    SubscribeScope,
    UpdateSubscribedCalendarRequest,
)
from dingtalk_calendar_emulator import Emulator


@pytest.fixture
def client(emu: Emulator) -> Iterator[AuthenticatedClient]:
    app = emu.internal_app
    with Client(base_url=emu.url, verify_ssl=False) as anonymous:
        answer = get_access_token.sync(
            client=anonymous, body=GetAccessTokenRequest(app_key=app.app_key, app_secret=app.app_secret)
        )
    assert answer is not None
    assert not isinstance(answer, Error)
    with AuthenticatedClient(base_url=emu.url, token=answer.access_token, verify_ssl=False) as authenticated:
        yield authenticated


def test_create_get_update_subscribe(emu: Emulator, client: AuthenticatedClient) -> None:
    request = CreateSubscribedCalendarRequest(
        name="Festivals", subscribe_scope=SubscribeScope(open_conversation_ids=["cid-engineering"]), managers=["bob"]
    )
    created = create_subscribed_calendar.sync("alice", client=client, body=request)
    assert isinstance(created, CreateSubscribedCalendarResponse)
    assert isinstance(created.calendar_id, str)
    calendar_id = created.calendar_id

    update = UpdateSubscribedCalendarRequest(description="Lunar new year and more")
    updated = update_subscribed_calendar.sync("bob", calendar_id, client=client, body=update)
    assert not isinstance(updated, Error)

    read = get_subscribed_calendar.sync("alice", calendar_id, client=client)
    assert isinstance(read, GetSubscribedCalendarResponse)
    assert (read.name, read.description, read.author, read.managers) == (
        "Festivals",
        "Lunar new year and more",
        "alice",
        ["bob"],
    )

    subscribed = subscribe_calendar.sync_detailed("dave", calendar_id, client=client)
    assert subscribed.status_code == 200
    assert subscribed.content == b""
    assert emu.state.subscribers(calendar_id) == ("dave",)


@pytest.mark.parametrize("user_id", ["../../x", "a/b", "%2F", "名字 with spaces"])
def test_encoded_user_ids_reach_the_operation_intact(client: AuthenticatedClient, user_id: str) -> None:
    # The generated client percent-encodes path parameters; the emulator routes on the path
    # as sent, so that the id stays the id rather than becoming part of the path.
    request = CreateSubscribedCalendarRequest(
        name="x", subscribe_scope=SubscribeScope(corp_ids=["ding-acme"]), managers=[user_id]
    )
    created = create_subscribed_calendar.sync("alice", client=client, body=request)
    assert isinstance(created, CreateSubscribedCalendarResponse)
    assert isinstance(created.calendar_id, str)
    read = get_subscribed_calendar.sync(user_id, created.calendar_id, client=client)
    assert isinstance(read, GetSubscribedCalendarResponse)  # a manager: only the exact id passes
    stranger = get_subscribed_calendar.sync(user_id + "x", created.calendar_id, client=client)
    assert isinstance(stranger, Error)
