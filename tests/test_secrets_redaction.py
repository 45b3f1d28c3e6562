"""With logging at DEBUG, no token, secret, ticket, refresh token or auth code shows anywhere.

One test drives every token path (three app types, a fixed token, refresh, rotation,
reactive refresh, each kind of refusal, the memory and Redis stores), collects every log
line, repr, str and exception text the SDK produced, and searches them for every secret
that was in play.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

import dingtalk_calendar_api
from dingtalk_calendar import (
    BadRequestError,
    CalendarClient,
    EnterpriseAppCredentials,
    FixedToken,
    InternalAppCredentials,
    Scope,
    Token,
    TokenProvider,
    UserCredentials,
    _logging,
)
from dingtalk_calendar._auth.httpx_auth import DingTalkAuth
from dingtalk_calendar._auth.redis_store import RedisTokenStore
from dingtalk_calendar._auth.stores import MemoryTokenStore
from dingtalk_calendar._auth.token_manager import TokenManager
from dingtalk_calendar._client.env import CREDENTIALS
from dingtalk_calendar._errors import DingTalkError
from dingtalk_calendar._logging import (
    LEVEL_VARIABLE,
    LIBRARY_LOGGERS,
    LOGGER_NAME,
    RedactingFilter,
    configure_from_env,
    redact,
)
from dingtalk_calendar._redact import SECRET_FIELD_NAMES, scrub_json
from dingtalk_calendar_api.api.calendar import create_subscribed_calendar
from dingtalk_calendar_api.models.create_subscribed_calendar_request import CreateSubscribedCalendarRequest
from dingtalk_calendar_api.models.subscribe_scope import SubscribeScope
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER, SCHEMAS, SECRET_FIELDS
from dingtalk_calendar_emulator import Emulator
from tests.recording_server import Answer, recording_server
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


# --- what an answer echoes, what a repr shows, what every logger prints ----------------------------

ECHOED_TOKEN = "echoed-token-5f3a9c0d1e"


def test_a_token_a_gateway_echoes_in_the_answer_headers_is_not_kept_on_the_error() -> None:
    with recording_server() as server:
        server.answer_json(
            400,
            {"code": "invalidParameter", "message": "calendar id cannot be null"},
            headers={ACCESS_TOKEN_HEADER: ECHOED_TOKEN, "x-echo": f"you sent {ECHOED_TOKEN}", "x-request-id": "r-1"},
        )
        with CalendarClient(ECHOED_TOKEN, base_url=server.url) as client, pytest.raises(BadRequestError) as caught:
            client.get("alice", "cal-1")
    error = caught.value
    shown = repr(error.headers) + str(list(error.headers.multi_items())) + repr(error) + str(error)
    assert ECHOED_TOKEN not in shown
    assert error.headers["x-request-id"] == "r-1"  # the rest is kept
    assert error.headers["x-echo"] == "you sent [redacted]"


def test_the_token_header_of_a_results_request_is_masked_in_its_repr(dingtalk_emulator: Emulator) -> None:
    app = dingtalk_emulator.internal_app
    with CalendarClient(InternalAppCredentials(app.app_key, app.app_secret), base_url=dingtalk_emulator.url) as client:
        created = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
        token = client.tokens.get_token()
    assert created.raw_response is not None
    request = created.raw_response.request
    assert request.headers[ACCESS_TOKEN_HEADER] == token  # sent, as DingTalk needs
    assert token not in repr(request.headers)
    assert ACCESS_TOKEN_HEADER in repr(request.headers)


def test_the_log_filter_masks_every_secret_field_of_the_spec_and_nothing_else() -> None:
    assert redact("getAccessToken: attempt 1 failed (HTTP 503); retrying") == (
        "getAccessToken: attempt 1 failed (HTTP 503); retrying"
    )
    assert (
        redact("getUserAccessToken: HTTP 400 invalidRefreshToken") == "getUserAccessToken: HTTP 400 invalidRefreshToken"
    )
    names = sorted(SECRET_FIELD_NAMES)
    assert {"appSecret", "suiteSecret", "suiteTicket", "clientSecret", "code", "refreshToken", "accessToken"} <= set(
        names
    )
    for name in names:
        snake = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()
        for line in (f'{{"{name}": "value-123456"}}', f"{snake}=value-123456", f"{snake.upper()}: value-123456"):
            assert "value-123456" not in redact(line), line
    header_line = f"[(b'{ACCESS_TOKEN_HEADER.title()}', b'value-123456'), (b'content-type', b'json')]"
    assert redact(header_line) == header_line.replace("value-123456", "***")


_LOGGING_CHILD = """
import sys
from dingtalk_calendar import CalendarClient, DingTalkError, InternalAppCredentials, RetryPolicy

credentials = InternalAppCredentials("app-key", sys.argv[2])
policy = RetryPolicy(initial_backoff=0, max_backoff=0, jitter=0)
with CalendarClient(credentials, base_url=sys.argv[1], retry_policy=policy) as client:
    try:
        client.get("alice", "cal-1")
    except DingTalkError as error:
        print(type(error).__name__, error, repr(error.headers))
"""


def test_dingtalk_log_debug_covers_every_library_logger_and_redacts_what_they_print() -> None:
    secret = "app-secret-0a1b2c3d4e"
    with recording_server() as server:
        server.queued = [
            Answer(503, b'{"code": "ServiceUnavailable"}'),  # a retried token request: logged with its operation
            Answer(200, json.dumps({"accessToken": ECHOED_TOKEN, "expireIn": 7200}).encode()),
            Answer(
                400,
                b'{"code": "invalidParameter", "message": "calendar id cannot be null"}',
                headers={ACCESS_TOKEN_HEADER: ECHOED_TOKEN},  # a gateway echoing the token
            ),
        ]
        environ = {k: v for k, v in os.environ.items() if not k.startswith("DINGTALK_")} | {"DINGTALK_LOG": "debug"}
        child = subprocess.run(
            [sys.executable, "-c", _LOGGING_CHILD, server.url, secret],
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert child.returncode == 0, child.stderr
    assert child.stdout.startswith("InvalidParameterError")
    log = child.stderr
    loggers = {line.split()[3].rstrip(":") for line in log.splitlines() if len(line.split()) > 3}
    assert {"dingtalk_calendar.auth", "dingtalk_calendar.retry", "httpx", "httpcore.http11"} <= loggers
    assert "getAccessToken: attempt 1" in log  # an operation's name is not taken for a secret
    assert f"(b'{ACCESS_TOKEN_HEADER}', b'***')" in log  # httpcore logged the echoed header, masked
    for shown in (log, child.stdout):
        assert ECHOED_TOKEN not in shown
        assert secret not in shown


def test_dingtalk_log_sets_each_logger_once_and_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    roots = [logging.getLogger(name) for name in (LOGGER_NAME, *LIBRARY_LOGGERS)]
    for logger in [*roots, logging.getLogger("httpcore.http11"), logging.getLogger()]:
        monkeypatch.setattr(logger, "level", logging.NOTSET if logger.name != "root" else logger.level)
        monkeypatch.setattr(logger, "handlers", [])
        monkeypatch.setattr(logger, "filters", [])
    for _ in range(2):
        configure_from_env({"DINGTALK_LOG": "debug"})
    for logger in roots:
        assert logger.level == logging.DEBUG
        assert len(logger.handlers) == 1
        assert sum(isinstance(f, RedactingFilter) for f in logger.filters) == 1
    # A logger's filter does not see its children's records: the existing children get one too.
    assert any(isinstance(f, RedactingFilter) for f in logging.getLogger("httpcore.http11").filters)

    calls: list[None] = []
    monkeypatch.setattr(_logging, "configure_from_env", lambda: calls.append(None))
    _logging.configure_once.cache_clear()
    for _ in range(3):
        CalendarClient("a-fixed-token").close()
    assert len(calls) == 1
    _logging.configure_once.cache_clear()


# --- one list of secret names, from the spec --------------------------------------------------------


def test_the_secret_fields_are_exactly_what_the_spec_marks() -> None:
    spec = yaml.safe_load((Path(__file__).parent.parent / "openapi.yaml").read_text(encoding="utf-8"))
    marked = {
        (schema_name, field)
        for schema_name, schema in spec["components"]["schemas"].items()
        for field, rule in schema.get("properties", {}).items()
        if rule.get("format") == "password" or rule.get("x-dingtalk-secret")
    }
    assert {(schema, field) for schema, fields in SECRET_FIELDS.items() for field in fields} == marked
    # The token endpoints' secrets, each marked: a field the spec forgets would be logged.
    assert SECRET_FIELDS["GetAccessTokenRequest"] == {"appSecret"}
    assert SECRET_FIELDS["GetCorpAccessTokenRequest"] == {"suiteSecret", "suiteTicket"}
    assert SECRET_FIELDS["GetUserAccessTokenRequest"] == {"clientSecret", "code", "refreshToken"}
    assert SECRET_FIELDS["UserAccessTokenResponse"] == {"accessToken", "refreshToken"}


def test_the_credential_table_names_real_spec_fields_and_takes_their_secrecy_from_the_spec() -> None:
    request_fields = {rule.name for schema in SCHEMAS.values() for rule in schema.fields}
    for credential in CREDENTIALS:
        assert credential.field in request_fields, credential
        assert credential.secret == (credential.field in SECRET_FIELD_NAMES)
    secret_variables = {c.variable for c in CREDENTIALS if c.secret}
    assert secret_variables == {
        "DINGTALK_APP_SECRET",
        "DINGTALK_SUITE_SECRET",
        "DINGTALK_SUITE_TICKET",
        "DINGTALK_CLIENT_SECRET",
        "DINGTALK_REFRESH_TOKEN",
        "DINGTALK_AUTH_CODE",
        "DINGTALK_ACCESS_TOKEN",
    }
    # `code` is secret in a user-token request, but DingTalk's error code in an answer: kept there.
    body = {"code": "invalidParameter", "accessToken": "tok-0123456789", "refresh_token": "r-0123456789"}
    assert scrub_json(body, ()) == {
        "code": "invalidParameter",
        "accessToken": "[redacted]",
        "refresh_token": "[redacted]",
    }


# --- the README's promises ---------------------------------------------------------------------------


def test_the_readmes_logging_table_names_every_logger_dingtalk_log_covers() -> None:
    readme = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = readme.split("\n## Logging", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    named = {name for line in table for name in re.findall(r"`([a-z_.0-9]+)`", line.split("|")[1])}
    sdk_loggers = {
        name
        for name in logging.Logger.manager.loggerDict
        if name.startswith(LOGGER_NAME + ".") and isinstance(logging.getLogger(name), logging.Logger)
    }
    assert sdk_loggers <= named
    for library in LIBRARY_LOGGERS:
        assert any(name == library or name.startswith(library + ".") for name in named), library
    assert f"`{LEVEL_VARIABLE}=debug`" in section
    assert "RedactingFilter" in section
