"""Tenant isolation in the token stores: no two credential sets share an entry, a wrong secret never
gets a token, token and lock entries never meet, and entries of the old key scheme are never served.

Token requests go over real sockets to a recording server (which hands out a new token per
request) or the emulator (which refuses a wrong secret); the shared store is a real redis-server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import redis

from dingtalk_calendar import (
    EnterpriseAppCredentials,
    FixedToken,
    InternalAppCredentials,
    InvalidCredentialsError,
    Token,
    TokenProvider,
    UserCredentials,
)
from dingtalk_calendar._auth.redis_store import RedisTokenStore, token_to_json
from dingtalk_calendar._auth.stores import MemoryTokenStore, TokenStore
from dingtalk_calendar._auth.token_manager import TokenManager
from dingtalk_calendar_emulator import Emulator
from tests.recording_server import Answer, RecordingServer, recording_server
from tests.redis_server import RedisServer

PREFIX = "isolation:"


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def _bytes(value: bytes | str | None) -> bytes:
    # redis-py types every answer bytes | str (decode_responses is a runtime choice); raw's is bytes.
    assert isinstance(value, bytes), value
    return value


@pytest.fixture
def raw(redis_server: RedisServer) -> Iterator[redis.Redis]:
    redis_server.flush()
    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest, redis_server: RedisServer) -> Iterator[TokenStore]:
    if request.param == "memory":
        yield MemoryTokenStore()
        return
    redis_server.flush()
    shared = RedisTokenStore(redis_server.url, prefix=PREFIX)
    yield shared
    shared.close()


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as recording:
        yield recording


def _hand_out(server: RecordingServer, *tokens: str) -> None:
    """Answer the next token requests with these tokens, one each (user-token fields included)."""
    for token in tokens:
        body = {"accessToken": token, "expireIn": 7200, "refreshToken": f"refresh-{token}", "corpId": "c"}
        server.queued.append(Answer(body=json.dumps(body).encode()))


# Pairs that the first key scheme (parts joined by ":", no secret) gave one entry. Built per
# test: a user's credentials remember that their refresh token was spent.
def _look_alikes() -> list[tuple[str, TokenProvider, TokenProvider]]:
    return [
        (
            "colon moves between suite and corp",
            EnterpriseAppCredentials("acme:x", "suite-secret", "y", "ticket"),
            EnterpriseAppCredentials("acme", "suite-secret", "x:y", "ticket"),
        ),
        (
            "wrong app secret",
            InternalAppCredentials("sharedkey", "right-secret"),
            InternalAppCredentials("sharedkey", "WRONG"),
        ),
        (
            "wrong suite secret",
            EnterpriseAppCredentials("suite", "right-secret", "corp", "ticket"),
            EnterpriseAppCredentials("suite", "WRONG", "corp", "ticket"),
        ),
        (
            "wrong client secret",
            UserCredentials("client", "right-secret", refresh_token="refresh-of-alice"),
            UserCredentials("client", "WRONG", refresh_token="refresh-of-alice"),
        ),
        (
            "percent-encoding look-alike",
            EnterpriseAppCredentials("a%3Ab", "s", "c", "t"),
            EnterpriseAppCredentials("a:b", "s", "c", "t"),
        ),
        (
            "star and pipe",
            EnterpriseAppCredentials("a*|", "s", "{}", "t"),
            EnterpriseAppCredentials("a*", "s", "|:{}", "t"),
        ),
        (
            "unicode and a separator moved across parts",
            EnterpriseAppCredentials("钉钉:", "s", "x", "t"),
            EnterpriseAppCredentials("钉钉", "s", ":x", "t"),
        ),
        (
            "a key that reads as another's lock",
            InternalAppCredentials("victim:lock", "s"),
            InternalAppCredentials("victim", "s"),
        ),
    ]


@pytest.mark.parametrize("case", range(len(_look_alikes())), ids=[case for case, _, _ in _look_alikes()])
def test_credential_sets_that_differ_in_any_field_never_share_a_token(
    case: int, store: TokenStore, server: RecordingServer
) -> None:
    _, first, second = _look_alikes()[case]
    _hand_out(server, "token-of-first", "token-of-second")
    assert TokenManager(first, store=store, base_url=server.url).get_token() == "token-of-first"
    assert TokenManager(second, store=store, base_url=server.url).get_token() == "token-of-second"
    assert len(server.received) == 2  # the second set's own request went out, with its own fields


def test_every_key_part_is_told_apart_from_its_neighbours() -> None:
    parts = [":", "::", "a", "a:", ":a", "%", "%3A", "*", "|", "{}", "钉", "\udcff"]  # blank ones are refused
    keys = {EnterpriseAppCredentials(suite, "secret", corp, "t").cache_key for suite in parts for corp in parts}
    assert len(keys) == len(parts) ** 2


def test_a_wrong_secret_goes_to_dingtalk_and_is_refused_there(raw: redis.Redis, redis_server: RedisServer) -> None:
    shared = RedisTokenStore(redis_server.url, prefix=PREFIX)
    with Emulator() as emulator:
        app = emulator.internal_app
        right = TokenManager(InternalAppCredentials(app.app_key, app.app_secret), store=shared, base_url=emulator.url)
        token = right.get_token()
        wrong = TokenManager(InternalAppCredentials(app.app_key, "WRONG-secret"), store=shared, base_url=emulator.url)
        before = emulator.stats.token_requests
        with pytest.raises(InvalidCredentialsError):
            wrong.get_token()
        assert emulator.stats.token_requests == before + 1  # asked DingTalk once, not served the right one's
        again = TokenManager(InternalAppCredentials(app.app_key, app.app_secret), store=shared, base_url=emulator.url)
        assert again.get_token() == token  # the right secret's token is still shared, not replaced or dropped
        assert emulator.stats.token_requests == before + 1
    stored = b" ".join(
        [_bytes(key) for key in raw.keys("*")] + [_bytes(value) for key in raw.keys("*") if (value := raw.get(key))]
    )
    assert token.encode() in stored  # the right secret's token is shared ...
    for secret in (app.app_secret, "WRONG-secret"):  # ... and no secret is in any key or value
        assert secret.encode() not in stored
    shared.close()


def test_no_plain_hash_of_a_secret_is_a_key() -> None:
    import hashlib

    key = InternalAppCredentials("app", "the-app-secret").cache_key
    plain = hashlib.sha256(b"the-app-secret").hexdigest()
    assert plain[:16] not in key
    assert plain[-16:] not in key


def test_token_and_lock_entries_live_apart_and_locks_expire(
    raw: redis.Redis, redis_server: RedisServer, server: RecordingServer
) -> None:
    shared = RedisTokenStore(redis_server.url, prefix=PREFIX, lock_ttl=5.0, lock_timeout=0.5)
    victim = InternalAppCredentials("victim", "s")
    _hand_out(server, "token-of-neighbour", "token-of-other-neighbour", "token-of-victim")
    for provider in (InternalAppCredentials("victim:lock", "s"), InternalAppCredentials("victim::lock", "s")):
        TokenManager(provider, store=shared, base_url=server.url).get_token()
    with shared.lock(victim.cache_key):  # free: no token sits where the victim takes its lock
        lock_keys = raw.keys(PREFIX + "v2/lock/*")
        assert len(lock_keys) == 1
        assert 0 < raw.pttl(lock_keys[0]) <= 5000
    for key in raw.keys("*"):
        assert _bytes(key).startswith(PREFIX.encode() + b"v2/token/")
    assert TokenManager(victim, store=shared, base_url=server.url).get_token() == "token-of-victim"
    shared.close()


def test_entries_of_the_old_key_scheme_are_never_served(raw: redis.Redis, redis_server: RedisServer) -> None:
    old_prefix = "dingtalk_calendar:token:"
    with Emulator() as emulator:
        app = emulator.internal_app
        stale = token_to_json(Token(access_token="written-by-the-old-scheme", expires_at=4e9, obtained_at=1.0))
        raw.set(f"{old_prefix}internal:{app.app_key}", stale)  # what the first scheme wrote for this app
        shared = RedisTokenStore(redis_server.url)
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        fetched = TokenManager(credentials, store=shared, base_url=emulator.url).get_token()
        shared.close()
    assert fetched != "written-by-the-old-scheme"
    assert raw.get(f"{old_prefix}internal:{app.app_key}") == stale.encode()  # left to expire, not read


def test_a_fixed_token_key_holds_no_plain_hash_of_it() -> None:
    import hashlib

    key = FixedToken("a-fixed-token").cache_key
    assert hashlib.sha256(b"a-fixed-token").hexdigest()[:16] not in key
