"""Secrets held by the SDK never show in a traceback rendered with its local variables
(``traceback.TracebackException(..., capture_locals=True)``, as Sentry, rich and
better_exceptions render errors), in the repr of a raw token-endpoint result, or in a
pickled result. Real sockets throughout: the emulator, a closed port, a refusing proxy.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import pickle
import socket
import traceback
from collections.abc import Callable

import pytest

from dingtalk_calendar import (
    APIConnectionError,
    AsyncCalendarClient,
    CalendarClient,
    DingTalkError,
    EnterpriseAppCredentials,
    InternalAppCredentials,
    Token,
    TokenProvider,
    UserCredentials,
)
from dingtalk_calendar._secret import Secret
from dingtalk_calendar_emulator import Emulator

SECRETS = (
    "the-app-secret-0123456789",
    "the-suite-secret-0123456789",
    "the-suite-ticket-0123456789",
    "the-client-secret-0123456789",
    "the-refresh-token-0123456789",
    "proxy-password-0123456789",
)
FIXED_TOKEN = "a-fixed-token-0123456789"  # module-level: a local of the test's own frame would be rendered too


def _rendered(error: BaseException) -> str:
    return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())


def _leaks(text: str, secrets: tuple[str, ...]) -> list[str]:
    return [secret for secret in secrets if secret in text]


@pytest.fixture
def closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _credentials() -> list[TokenProvider]:
    return [
        InternalAppCredentials("app-key", SECRETS[0]),
        EnterpriseAppCredentials("suite-key", SECRETS[1], "ding-acme", SECRETS[2]),
        UserCredentials("client-id", SECRETS[3], refresh_token=SECRETS[4]),
    ]


def _failing(run: Callable[[], object]) -> BaseException:
    try:
        run()
    except DingTalkError as error:
        return error
    pytest.fail("the call did not fail")


@pytest.mark.parametrize("kind", range(3), ids=["internal", "enterprise", "user"])
def test_a_failing_token_fetch_shows_no_secret_in_its_locals(kind: int, closed_url: str) -> None:
    with Emulator() as emulator:
        for url in (emulator.url, closed_url):  # refused by the emulator (wrong secret), then no answer at all
            credentials = _credentials()[kind]
            with CalendarClient(credentials, base_url=url, max_retries=0) as client:
                error = _failing(lambda: client.get("alice", "cal-1"))
            assert _leaks(_rendered(error), SECRETS) == []
            assert _leaks(repr(credentials), SECRETS) == []


async def _async_failure(url: str) -> BaseException:
    async with AsyncCalendarClient(_credentials()[0], base_url=url, max_retries=0) as client:
        try:
            await client.get("alice", "cal-1")
        except DingTalkError as error:
            return error
    pytest.fail("the call did not fail")


def test_an_async_token_fetch_refused_shows_no_secret_in_its_locals() -> None:
    with Emulator() as emulator:
        assert _leaks(_rendered(asyncio.run(_async_failure(emulator.url))), SECRETS) == []


def test_an_async_token_fetch_without_answer_shows_no_secret_in_its_locals(closed_url: str) -> None:
    assert _leaks(_rendered(asyncio.run(_async_failure(closed_url))), SECRETS) == []


@pytest.mark.parametrize("client_kind", ["sync", "async"])
def test_a_call_without_answer_shows_no_token_in_its_locals(client_kind: str, closed_url: str) -> None:
    # The token travels in a header: the library's own header types hold it in clear as it connects.
    if client_kind == "sync":
        with CalendarClient(FIXED_TOKEN, base_url=closed_url, max_retries=0) as client:
            error = _failing(lambda: client.get("alice", "cal-1"))
    else:

        async def run() -> BaseException:
            async with AsyncCalendarClient(FIXED_TOKEN, base_url=closed_url, max_retries=0) as client:
                try:
                    await client.get("alice", "cal-1")
                except DingTalkError as caught:
                    return caught
            pytest.fail("the call did not fail")

        error = asyncio.run(run())
    rendered = _rendered(error)
    assert _leaks(rendered, (FIXED_TOKEN,)) == []
    assert "Cannot connect" in rendered or "ConnectError" in rendered  # the chain still names the failure


def test_a_failing_call_shows_no_token_or_secret_in_its_locals() -> None:
    with Emulator() as emulator:
        app = emulator.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        with CalendarClient(credentials, base_url=emulator.url, max_retries=0) as client:
            token = client.tokens.get_token()
            error = _failing(lambda: client.get("alice", "no-such-calendar"))
    assert _leaks(_rendered(error), (app.app_secret, token)) == []


@pytest.mark.parametrize("client_kind", ["sync", "async"])
def test_a_failing_proxy_shows_no_proxy_password_in_its_locals(
    client_kind: str, closed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    proxy = closed_url.replace("http://", f"http://proxy-user:{SECRETS[5]}@")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    with Emulator() as emulator:
        if client_kind == "sync":
            with CalendarClient("a-fixed-token", base_url=emulator.url, max_retries=0) as client:
                error = _failing(lambda: client.get("alice", "cal-1"))
        else:

            async def run() -> BaseException:
                async with AsyncCalendarClient("a-fixed-token", base_url=emulator.url, max_retries=0) as client:
                    try:
                        await client.get("alice", "cal-1")
                    except DingTalkError as caught:
                        return caught
                pytest.fail("the call did not fail")

            error = asyncio.run(run())
    basic = base64.b64encode(f"proxy-user:{SECRETS[5]}".encode()).decode()  # Proxy-Authorization's form of it
    assert _leaks(_rendered(error), (*SECRETS, basic)) == []


def test_a_raw_token_endpoint_result_and_a_pickled_result_hold_no_token() -> None:
    with Emulator() as emulator:
        app = emulator.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        with CalendarClient(credentials, base_url=emulator.url) as client:
            token = client.tokens.get_token()
            raw = client.request(
                "POST", "/v1.0/oauth2/accessToken", json={"appKey": app.app_key, "appSecret": app.app_secret}
            )
            from dingtalk_calendar import Scope

            created = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
            result = client.subscribe("bob", created.calendar_id)
    answered = raw.body["accessToken"]
    for shown in (repr(raw), str(raw), repr(raw.raw_response.request.headers)):
        assert answered not in shown
        assert token not in shown
        assert app.app_secret not in shown
    pickled_raw = pickle.dumps(raw)
    for secret in (answered, token, app.app_secret):
        assert secret.encode() not in pickled_raw
    unpickled = pickle.loads(pickled_raw)  # noqa: S301 (our own bytes)
    assert unpickled.body["expireIn"] == raw.body["expireIn"]  # the rest of the answer is kept
    assert unpickled.status_code == 200
    for value in (result, created):
        pickled = pickle.dumps(value)
        assert token.encode() not in pickled
        assert app.app_secret.encode() not in pickled


REFUSED_TOKEN = "a-token-the-emulator-never-issued-0123"


class _RefusedThenDown:
    """A credential whose first token the emulator refuses (InvalidAuthentication), and whose
    token endpoint is down when the SDK asks for a replacement."""

    cache_key = "test:refused-then-down"

    def __init__(self) -> None:
        self.fetches = 0

    def fetch(self, client: object, *, previous: Token | None, now: float) -> Token:
        self.fetches += 1
        if self.fetches > 1:
            raise APIConnectionError("the token endpoint is down", operation="getAccessToken")
        return Token(access_token=REFUSED_TOKEN, expires_at=now + 7200, obtained_at=now)

    async def afetch(self, client: object, *, previous: Token | None, now: float) -> Token:
        return self.fetch(client, previous=previous, now=now)


@pytest.mark.parametrize("client_kind", ["sync", "async"])
def test_a_refused_token_whose_replacement_fails_shows_no_token_in_its_locals(client_kind: str) -> None:
    # The auth flow, the token manager and its cache hold the refused token as a Secret.
    with Emulator() as emulator:
        provider = _RefusedThenDown()
        if client_kind == "sync":
            with CalendarClient(provider, base_url=emulator.url, max_retries=0) as client:
                error = _failing(lambda: client.get("alice", "cal-1"))
        else:

            async def run() -> BaseException:
                async with AsyncCalendarClient(provider, base_url=emulator.url, max_retries=0) as client:
                    try:
                        await client.get("alice", "cal-1")
                    except DingTalkError as caught:
                        return caught
                pytest.fail("the call did not fail")

            error = asyncio.run(run())
    assert isinstance(error, APIConnectionError)
    assert provider.fetches == 2
    rendered = _rendered(error)
    assert "arenewed" in rendered or "renewed" in rendered  # the auth flow's frames are there, masked
    assert _leaks(rendered, (REFUSED_TOKEN,)) == []


@pytest.mark.parametrize(
    "holder",
    [
        lambda: InternalAppCredentials("app-key", "app-secret-in-clear"),
        lambda: Token(access_token="access-token-in-clear", expires_at=0.0),
        lambda: Secret("app-secret-in-clear"),
    ],
)
def test_nothing_holding_a_secret_is_pickled_but_it_copies(holder: Callable[[], object]) -> None:
    value = holder()
    with pytest.raises(pickle.PicklingError, match="not pickled"):
        pickle.dumps(value)
    assert copy.deepcopy(value) == value
    assert copy.copy(value) == value
