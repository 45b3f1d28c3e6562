"""With logging at DEBUG, no token, secret, ticket, refresh token or auth code shows anywhere.

One test drives every token path (three app types, a fixed token, refresh, rotation,
reactive refresh, each kind of refusal, the memory and Redis stores), collects every log
line, repr, str and exception text the SDK produced, and searches them for every secret
that was in play.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator

import pytest

import dingtalk_calendar_api
from dingtalk_calendar._auth import DingTalkAuth
from dingtalk_calendar._errors import DingTalkError
from dingtalk_calendar._token_manager import TokenManager
from dingtalk_calendar._token_store import MemoryTokenStore, RedisTokenStore
from dingtalk_calendar._tokens import (
    EnterpriseAppCredentials,
    FixedToken,
    InternalAppCredentials,
    Token,
    TokenProvider,
    UserCredentials,
)
from dingtalk_calendar_api.api.calendar import create_subscribed_calendar
from dingtalk_calendar_api.models.create_subscribed_calendar_request import CreateSubscribedCalendarRequest
from dingtalk_calendar_api.models.subscribe_scope import SubscribeScope
from dingtalk_calendar_emulator import Emulator
from tests.redis_server import RedisServer

# The emulator's server runs in this process; what it logs is DingTalk's side, not the SDK's.
_SERVER_LOGGERS = ("uvicorn", "dingtalk_calendar_emulator")


class ManualClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_url() -> Iterator[str]:
    with RedisServer() as server:
        yield server.url


class Evidence:
    """Everything the SDK showed, and every secret that must not be in it."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.secrets: set[str] = set()

    def show(self, *objects: object) -> None:
        for value in objects:
            self.texts += [repr(value), str(value)]

    def secret(self, *values: str | None) -> None:
        self.secrets.update(value for value in values if value)

    def stored(self, store: MemoryTokenStore | RedisTokenStore, key: str) -> None:
        token = store.get(key)
        if token is not None:
            self.show(token)
            self.secret(token.access_token, token.refresh_token)

    def raised(self, call: Callable[[], object]) -> None:
        with pytest.raises(DingTalkError) as caught:
            call()
        error = caught.value
        self.show(error, *error.args, *vars(error).values())
        self.texts.append("".join(traceback.format_exception(error)))


def _use(evidence: Evidence, manager: TokenManager, clock: ManualClock, emu: Emulator) -> None:
    """Fetch, use, refresh and reactively renew one credential's token."""
    evidence.secret(manager.get_token())
    evidence.stored(manager.store, manager.cache_key)  # type: ignore[arg-type]
    auth = DingTalkAuth(manager)
    body = CreateSubscribedCalendarRequest(name="Team", subscribe_scope=SubscribeScope(union_ids=["alice"]))
    with dingtalk_calendar_api.Client(base_url=emu.url, auth=auth) as client:
        create_subscribed_calendar.sync_detailed("alice", client=client, body=body)
        emu.revoke_tokens()
        clock.now += 30
        create_subscribed_calendar.sync_detailed("alice", client=client, body=body)  # refused, renewed, re-sent
    evidence.secret(manager.get_token())
    emu.clock.advance(7_201)
    clock.now += 7_201
    evidence.secret(manager.get_token())
    evidence.stored(manager.store, manager.cache_key)  # type: ignore[arg-type]
    evidence.show(manager, auth, manager.provider, manager.store)


def test_no_secret_in_logs_reprs_or_errors(
    dingtalk_emulator: Emulator, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    emu, evidence, clock = dingtalk_emulator, Evidence(), ManualClock()
    internal, suite, personal = emu.internal_app, emu.enterprise_app, emu.personal_app
    corp = sorted(emu.directory.corps)[0]
    evidence.secret(
        internal.app_secret, suite.suite_secret, suite.suite_ticket, personal.client_secret, "refresh-given-1234"
    )

    def manager(provider: TokenProvider, **options: object) -> TokenManager:
        return TokenManager(provider, base_url=emu.url, clock=clock, **options)  # type: ignore[arg-type]

    # The three app types and a fixed token, with the memory store and with Redis.
    redis_store = RedisTokenStore(redis_url)
    _use(evidence, manager(InternalAppCredentials(internal.app_key, internal.app_secret)), clock, emu)
    _use(
        evidence,
        manager(
            EnterpriseAppCredentials(suite.suite_key, suite.suite_secret, corp, lambda: suite.suite_ticket),
            store=redis_store,
        ),
        clock,
        emu,
    )
    code = personal.issue_auth_code("alice")  # codes live 5 minutes of emulated time
    evidence.secret(code)
    user = manager(UserCredentials(personal.client_id, personal.client_secret, auth_code=code), store=redis_store)
    _use(evidence, user, clock, emu)
    fixed = manager(FixedToken("fixed-token-abcdef"))
    evidence.secret("fixed-token-abcdef")
    assert fixed.get_token() == "fixed-token-abcdef"
    evidence.show(fixed, fixed.provider, Token(access_token="fixed-token-abcdef", expires_at=1.0))

    # Each kind of refusal.
    evidence.raised(manager(InternalAppCredentials(internal.app_key, "wrong-secret-123")).get_token)
    evidence.secret("wrong-secret-123")
    stale_ticket = suite.suite_ticket
    suite.push_suite_ticket()
    evidence.secret(suite.suite_ticket)
    evidence.raised(
        manager(EnterpriseAppCredentials(suite.suite_key, suite.suite_secret, corp, stale_ticket)).get_token
    )
    evidence.raised(
        manager(
            UserCredentials(personal.client_id, personal.client_secret, refresh_token="refresh-given-1234")
        ).get_token
    )
    evidence.raised(manager(UserCredentials(personal.client_id, personal.client_secret, auth_code=code)).get_token)
    redis_store.delete(user.cache_key)  # the stored refresh token is lost
    emu.clock.advance(7_201)
    clock.now += 7_201
    evidence.raised(user.get_token)

    # A refresh that fails while the token is still valid logs a warning.
    fallback = manager(InternalAppCredentials(internal.app_key, internal.app_secret))
    evidence.secret(fallback.get_token())
    emu.clock.advance(7_000)
    clock.now += 7_000
    emu.faults.next("500", operation="getAccessToken")
    evidence.secret(fallback.get_token())

    records = [r for r in caplog.records if not r.name.startswith(_SERVER_LOGGERS)]
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    evidence.texts += [formatter.format(record) for record in records]
    redis_store.close()

    # The search has teeth: the SDK did log, and the secrets were real and in use.
    assert any(r.name == "dingtalk_calendar.auth" and r.levelno == logging.INFO for r in records)
    assert any(r.name == "dingtalk_calendar.auth" and r.levelno == logging.WARNING for r in records)
    assert any(r.name.startswith("httpx") for r in records)
    assert len(evidence.secrets) >= 15
    everything = "\n".join(evidence.texts)
    assert "internal:emulator-app-key" in everything
    leaked = sorted(secret for secret in evidence.secrets if secret in everything)
    assert leaked == []
