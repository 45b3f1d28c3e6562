"""Credential providers and TokenManager against the emulator over real HTTP.

The manager's clock is injected (``ManualClock``) and moved together with the emulator's,
so expiry is tested without waiting; every count is read from the emulator.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from dingtalk_calendar import (
    CalendarClient,
    EnterpriseAppCredentials,
    FixedToken,
    InternalAppCredentials,
    Token,
    TokenProvider,
    UserCredentials,
)
from dingtalk_calendar._auth.stores import MemoryTokenStore
from dingtalk_calendar._auth.token_manager import TokenManager
from dingtalk_calendar._errors import (
    APIConnectionError,
    ConfigurationError,
    InvalidCredentialsError,
    MalformedResponseError,
    RefreshTokenInvalidError,
    ServerError,
    ValidationError,
)
from dingtalk_calendar_api import Client
from dingtalk_calendar_api.api.oauth2 import get_user_access_token
from dingtalk_calendar_api.models.error import Error
from dingtalk_calendar_api.models.get_user_access_token_request import GetUserAccessTokenRequest
from dingtalk_calendar_emulator import Emulator, InternalApp
from tests.recording_server import recording_server


class ManualClock:
    """Wall-clock seconds that move only when told to."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def advance_both(emu: Emulator, clock: ManualClock, seconds: float) -> None:
    emu.clock.advance(seconds)
    clock.advance(seconds)


def internal(emu: Emulator) -> InternalAppCredentials:
    return InternalAppCredentials(emu.internal_app.app_key, emu.internal_app.app_secret)


def manager_for(
    emu: Emulator, provider: TokenProvider, clock: ManualClock | None = None, **options: float
) -> TokenManager:
    return TokenManager(provider, base_url=emu.url, clock=clock or ManualClock(), **options)  # type: ignore[arg-type]


# --- credentials, without HTTP ---------------------------------------------------------------


def test_cache_keys_tell_credentials_apart_and_hold_no_secret() -> None:
    keys = {
        InternalAppCredentials("app-a", "secret-a").cache_key,
        InternalAppCredentials("app-b", "secret-a").cache_key,
        EnterpriseAppCredentials("suite", "suite-secret", "corp-1", "ticket").cache_key,
        EnterpriseAppCredentials("suite", "suite-secret", "corp-2", "ticket").cache_key,
        UserCredentials("client", "client-secret", refresh_token="refresh-of-alice").cache_key,
        UserCredentials("client", "client-secret", refresh_token="refresh-of-bob").cache_key,
        UserCredentials("client", "client-secret", auth_code="code-of-carol").cache_key,
        FixedToken("token-one").cache_key,
        FixedToken("token-two").cache_key,
    }
    assert len(keys) == 9
    joined = " ".join(keys)
    for secret in ("secret-a", "suite-secret", "ticket", "client-secret", "refresh-of", "code-of", "token-one"):
        assert secret not in joined
    # The secret is in the key as a keyed digest: a wrong secret never shares the right one's entry.
    assert InternalAppCredentials("app-a", "other secret").cache_key.startswith("internal:app-a:")
    assert InternalAppCredentials("app-a", "other secret").cache_key not in keys
    assert EnterpriseAppCredentials("suite", "s", "corp-1", lambda: "t").cache_key.startswith("corp:suite:corp-1:")


def test_user_credentials_need_a_refresh_token_or_a_code() -> None:
    with pytest.raises(ValueError, match="refresh_token or an auth_code"):
        UserCredentials("client", "secret")


@pytest.mark.parametrize("setting", ["refresh_margin", "min_ttl", "min_fetch_interval"])
@pytest.mark.parametrize("value", [-1.0, math.nan])
def test_the_manager_refuses_a_negative_setting_naming_it(setting: str, value: float) -> None:
    with pytest.raises(ConfigurationError, match=rf"TokenManager {setting} must be a number of seconds, 0 or more"):
        TokenManager(FixedToken("t"), **{setting: value})  # type: ignore[arg-type]


def test_a_client_with_a_negative_refresh_margin_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="refresh_margin"):
        CalendarClient("fixed-token", refresh_margin=-1)


@pytest.mark.parametrize("value", [0.0, -1.0, math.nan])
def test_the_manager_refuses_a_time_limit_that_is_not_positive(value: float) -> None:
    with pytest.raises(ConfigurationError, match="max_elapsed must be None or above 0 seconds"):
        TokenManager(FixedToken("t"), max_elapsed=value)


def test_a_fixed_token_is_used_as_given_and_never_fetched(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, FixedToken("my-own-token-123"))
    assert manager.get_token() == "my-own-token-123"
    assert dingtalk_emulator.stats.token_requests == 0


# --- caching and single flight -----------------------------------------------------------------


def test_a_token_is_fetched_once_and_then_cached(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator))
    first = manager.get_token()
    assert all(manager.get_token() == first for _ in range(20))
    assert dingtalk_emulator.stats.token_requests == 1


def test_a_hundred_threads_starting_cold_cause_one_token_request(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator))
    start = threading.Barrier(100)

    def get(_: int) -> str:
        start.wait()
        return manager.get_token()

    with ThreadPoolExecutor(100) as pool:
        tokens = set(pool.map(get, range(100)))
    assert len(tokens) == 1
    assert dingtalk_emulator.stats.token_requests == 1


async def test_a_thousand_tasks_starting_cold_cause_one_token_request(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator))
    tokens = await asyncio.gather(*(manager.aget_token() for _ in range(1_000)))
    assert len(set(tokens)) == 1
    assert dingtalk_emulator.stats.token_requests == 1


def test_threads_with_their_own_event_loops_and_sync_callers_share_one_request(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator))
    start = threading.Barrier(8)

    async def many() -> set[str]:
        return set(await asyncio.gather(*(manager.aget_token() for _ in range(50))))

    def worker(index: int) -> set[str]:
        start.wait()
        if index % 2:
            return asyncio.run(many())
        return {manager.get_token() for _ in range(50)}

    with ThreadPoolExecutor(8) as pool:
        tokens = set().union(*pool.map(worker, range(8)))
    assert len(tokens) == 1
    assert dingtalk_emulator.stats.token_requests == 1


def test_two_apps_get_two_tokens(dingtalk_emulator: Emulator) -> None:
    other = dingtalk_emulator.add_app(InternalApp(app_key="second-app-key", app_secret="second-app-secret"))
    store = MemoryTokenStore()  # shared on purpose: the cache key keeps the apps apart
    first = TokenManager(internal(dingtalk_emulator), store=store, base_url=dingtalk_emulator.url)
    second = TokenManager(
        InternalAppCredentials(other.app_key, other.app_secret), store=store, base_url=dingtalk_emulator.url
    )
    assert first.get_token() != second.get_token()
    assert dingtalk_emulator.stats.token_requests == 2


def test_one_suite_gets_one_token_per_organisation(dingtalk_emulator: Emulator) -> None:
    suite = dingtalk_emulator.enterprise_app
    corp_a, corp_b = sorted(dingtalk_emulator.directory.corps)[:2]
    store = MemoryTokenStore()
    tokens = [
        TokenManager(
            EnterpriseAppCredentials(suite.suite_key, suite.suite_secret, corp, suite.suite_ticket),
            store=store,
            base_url=dingtalk_emulator.url,
        ).get_token()
        for corp in (corp_a, corp_b)
    ]
    assert tokens[0] != tokens[1]
    assert dingtalk_emulator.stats.token_requests == 2


def test_a_suite_ticket_callable_is_read_at_each_fetch(dingtalk_emulator: Emulator) -> None:
    suite = dingtalk_emulator.enterprise_app
    corp = sorted(dingtalk_emulator.directory.corps)[0]
    clock = ManualClock()
    manager = manager_for(
        dingtalk_emulator,
        EnterpriseAppCredentials(suite.suite_key, suite.suite_secret, corp, lambda: suite.suite_ticket),
        clock,
    )
    manager.get_token()
    suite.push_suite_ticket()  # DingTalk pushed a new ticket; the old one is stale now
    advance_both(dingtalk_emulator, clock, 7_201)
    manager.get_token()
    assert dingtalk_emulator.stats.token_requests == 2


def test_a_stale_suite_ticket_is_refused_as_invalid_credentials(dingtalk_emulator: Emulator) -> None:
    suite = dingtalk_emulator.enterprise_app
    corp = sorted(dingtalk_emulator.directory.corps)[0]
    stale = suite.suite_ticket
    suite.push_suite_ticket()
    manager = manager_for(dingtalk_emulator, EnterpriseAppCredentials(suite.suite_key, suite.suite_secret, corp, stale))
    with pytest.raises(InvalidCredentialsError) as caught:
        manager.get_token()
    assert caught.value.raw_code == "invalidSuiteTicket"
    assert caught.value.operation == "getCorpAccessToken"


def test_a_wrong_secret_is_refused_as_invalid_credentials(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, InternalAppCredentials(dingtalk_emulator.internal_app.app_key, "wrong"))
    with pytest.raises(InvalidCredentialsError) as caught:
        manager.get_token()
    assert caught.value.status_code == 400
    assert caught.value.raw_code == "invalidClientIdOrSecret"


async def test_a_wrong_secret_is_refused_from_async_code_too(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, InternalAppCredentials(dingtalk_emulator.internal_app.app_key, "wrong"))
    with pytest.raises(InvalidCredentialsError):
        await manager.aget_token()


# --- expiry --------------------------------------------------------------------------------------


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_token_is_refreshed_ahead_of_expiry_and_not_before(
    dingtalk_emulator: Emulator, use_async: bool
) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock)

    async def get() -> str:
        return await manager.aget_token() if use_async else manager.get_token()

    await get()
    advance_both(dingtalk_emulator, clock, 7_200 - 300 - 1)  # one second before the 300 s margin
    await get()
    assert dingtalk_emulator.stats.token_requests == 1
    advance_both(dingtalk_emulator, clock, 2)  # inside the margin: still valid, but replaced now
    await get()
    assert dingtalk_emulator.stats.token_requests == 2


def test_the_refresh_margin_is_configurable(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock, refresh_margin=1_000)
    manager.get_token()
    advance_both(dingtalk_emulator, clock, 6_201)
    manager.get_token()
    assert dingtalk_emulator.stats.token_requests == 2


def test_an_expired_token_is_replaced_by_a_new_one(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock)
    first = manager.get_token()
    advance_both(dingtalk_emulator, clock, 7_201)
    assert manager.get_token() != first
    assert dingtalk_emulator.stats.token_requests == 2


def test_a_tiny_expire_in_does_not_turn_calls_into_token_requests() -> None:
    with Emulator(token_ttl=1) as emu:
        clock = ManualClock()
        manager = manager_for(emu, internal(emu), clock, min_ttl=60)
        for _ in range(50):
            manager.get_token()
        assert emu.stats.token_requests == 1
        clock.advance(59)
        manager.get_token()
        assert emu.stats.token_requests == 1
        clock.advance(2)  # min_ttl has passed: one more, not one per call
        for _ in range(50):
            manager.get_token()
        assert emu.stats.token_requests == 2


def test_a_failed_refresh_ahead_of_expiry_keeps_the_valid_token(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock, min_fetch_interval=5)
    first = manager.get_token()
    advance_both(dingtalk_emulator, clock, 7_000)  # inside the margin
    dingtalk_emulator.faults.next("500", operation="getAccessToken")
    assert manager.get_token() == first  # the refresh failed; the token still works for 200 s
    assert manager.get_token() == first  # and the failure is not retried on every call
    assert dingtalk_emulator.stats.token_requests == 2
    clock.advance(5)
    manager.get_token()
    assert dingtalk_emulator.stats.token_requests == 3


def test_a_failed_fetch_without_a_valid_token_raises(dingtalk_emulator: Emulator) -> None:
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator))
    dingtalk_emulator.faults.next("500", operation="getAccessToken")
    with pytest.raises(ServerError) as caught:
        manager.get_token()
    assert caught.value.status_code == 500


def test_an_unreachable_token_endpoint_raises_a_connection_error(dingtalk_emulator: Emulator) -> None:
    dingtalk_emulator.faults.next("drop", operation="getAccessToken")
    with pytest.raises(APIConnectionError) as caught:
        manager_for(dingtalk_emulator, internal(dingtalk_emulator)).get_token()
    assert caught.value.operation == "getAccessToken"


async def test_an_unreachable_token_endpoint_raises_a_connection_error_from_async_code(
    dingtalk_emulator: Emulator,
) -> None:
    dingtalk_emulator.faults.next("drop", operation="getAccessToken")
    with pytest.raises(APIConnectionError):
        await manager_for(dingtalk_emulator, internal(dingtalk_emulator)).aget_token()


# --- invalidation ------------------------------------------------------------------------------


def test_invalidate_fetches_again_only_for_the_current_token(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock)
    first = manager.get_token()
    dingtalk_emulator.clock.advance(7_201)  # DingTalk expired it; our clock says it is fresh
    clock.advance(10)
    second = manager.invalidate(first)
    assert second != first
    assert manager.invalidate(first) == second  # a late report of the old token changes nothing
    assert dingtalk_emulator.stats.token_requests == 2


def test_fifty_reports_of_one_rejected_token_cause_one_fetch(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock)
    first = manager.get_token()
    dingtalk_emulator.clock.advance(7_201)
    clock.advance(10)
    start = threading.Barrier(50)

    def report(_: int) -> str:
        start.wait()
        return manager.invalidate(first)

    with ThreadPoolExecutor(50) as pool:
        replacements = set(pool.map(report, range(50)))
    assert len(replacements) == 1
    assert first not in replacements
    assert dingtalk_emulator.stats.token_requests == 2


async def test_fifty_async_reports_of_one_rejected_token_cause_one_fetch(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock)
    first = await manager.aget_token()
    dingtalk_emulator.clock.advance(7_201)
    clock.advance(10)
    replacements = set(await asyncio.gather(*(manager.ainvalidate(first) for _ in range(50))))
    assert len(replacements) == 1
    assert first not in replacements
    assert dingtalk_emulator.stats.token_requests == 2


def test_a_replacement_rejected_again_at_once_is_not_replaced_before_min_fetch_interval(
    dingtalk_emulator: Emulator,
) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock, min_fetch_interval=5)
    first = manager.get_token()
    dingtalk_emulator.revoke_tokens()
    second = manager.invalidate(first)  # a rejection right after the fetch is believed: a new token
    assert second != first
    assert dingtalk_emulator.stats.token_requests == 2

    dingtalk_emulator.revoke_tokens()
    clock.advance(4)
    assert manager.invalidate(second) == second  # rejected again so soon: no third request yet
    assert dingtalk_emulator.stats.token_requests == 2
    clock.advance(1)
    assert manager.invalidate(second) not in (first, second)
    assert dingtalk_emulator.stats.token_requests == 3


# --- user tokens ---------------------------------------------------------------------------------


def _user_request(client_id: str, client_secret: str, refresh_token: str) -> GetUserAccessTokenRequest:
    return GetUserAccessTokenRequest(
        client_id=client_id, client_secret=client_secret, grant_type="refresh_token", refresh_token=refresh_token
    )


def test_a_user_token_from_an_auth_code_and_its_rotating_refresh_token(dingtalk_emulator: Emulator) -> None:
    personal = dingtalk_emulator.personal_app
    clock = ManualClock()
    credentials = UserCredentials(
        personal.client_id, personal.client_secret, auth_code=personal.issue_auth_code("alice")
    )
    manager = manager_for(dingtalk_emulator, credentials, clock)
    first = manager.get_token()
    stored = manager.store.get(manager.cache_key)
    assert stored is not None
    assert stored.refresh_token
    old_refresh = stored.refresh_token

    advance_both(dingtalk_emulator, clock, 7_201)
    second = manager.get_token()
    rotated = manager.store.get(manager.cache_key)
    assert second != first
    assert rotated is not None
    assert rotated.refresh_token not in (None, old_refresh)

    # DingTalk no longer takes the old refresh token: using it would have failed.
    with Client(base_url=dingtalk_emulator.url) as client:
        answer = get_user_access_token.sync_detailed(
            client=client, body=_user_request(personal.client_id, personal.client_secret, old_refresh)
        )
    assert answer.status_code == 400
    assert isinstance(answer.parsed, Error)
    assert answer.parsed.code == "invalidRefreshToken"

    advance_both(dingtalk_emulator, clock, 7_201)
    manager.get_token()  # the rotated one works, and rotates again
    assert dingtalk_emulator.stats.token_requests_for(personal.client_id) == 4


async def test_a_user_token_rotates_from_async_code(dingtalk_emulator: Emulator) -> None:
    personal = dingtalk_emulator.personal_app
    clock = ManualClock()
    code = personal.issue_auth_code("alice")
    manager = manager_for(
        dingtalk_emulator, UserCredentials(personal.client_id, personal.client_secret, auth_code=code), clock
    )
    first = await manager.aget_token()
    for _ in range(3):
        advance_both(dingtalk_emulator, clock, 7_201)
        assert await manager.aget_token() != first
    assert dingtalk_emulator.stats.token_requests == 4


def test_the_next_process_uses_the_stored_refresh_token_not_the_spent_one(dingtalk_emulator: Emulator) -> None:
    personal = dingtalk_emulator.personal_app
    store = MemoryTokenStore()  # stands for a store shared by processes (Redis in production)
    clock = ManualClock()
    code = personal.issue_auth_code("alice")

    def process() -> TokenManager:
        credentials = UserCredentials(personal.client_id, personal.client_secret, auth_code=code)
        return TokenManager(credentials, store=store, base_url=dingtalk_emulator.url, clock=clock)

    process().get_token()
    advance_both(dingtalk_emulator, clock, 7_201)
    process().get_token()  # the code is spent; the stored refresh token is sent and works
    advance_both(dingtalk_emulator, clock, 7_201)
    process().get_token()
    assert dingtalk_emulator.stats.token_requests == 3


def test_an_unknown_refresh_token_is_reported_as_such(dingtalk_emulator: Emulator) -> None:
    personal = dingtalk_emulator.personal_app
    manager = manager_for(
        dingtalk_emulator, UserCredentials(personal.client_id, personal.client_secret, refresh_token="refresh-unknown")
    )
    with pytest.raises(RefreshTokenInvalidError) as caught:
        manager.get_token()
    assert caught.value.raw_code == "invalidRefreshToken"
    assert caught.value.attempts == 1  # DingTalk refused it: only that spends it
    with pytest.raises(RefreshTokenInvalidError) as again:
        manager.get_token()
    assert again.value.attempts == 0  # so it is not sent again
    assert dingtalk_emulator.stats.token_requests == 1


def test_an_expired_refresh_token_is_reported_as_such(dingtalk_emulator: Emulator) -> None:
    personal = dingtalk_emulator.personal_app
    clock = ManualClock()
    code = personal.issue_auth_code("alice")
    manager = manager_for(
        dingtalk_emulator, UserCredentials(personal.client_id, personal.client_secret, auth_code=code), clock
    )
    manager.get_token()
    advance_both(dingtalk_emulator, clock, 40 * 24 * 3600)  # past the refresh token's ~30 days
    with pytest.raises(RefreshTokenInvalidError):
        manager.get_token()


def test_a_refresh_token_lost_from_the_store_is_reported_as_such(dingtalk_emulator: Emulator) -> None:
    personal = dingtalk_emulator.personal_app
    clock = ManualClock()
    code = personal.issue_auth_code("alice")
    manager = manager_for(
        dingtalk_emulator, UserCredentials(personal.client_id, personal.client_secret, auth_code=code), clock
    )
    manager.get_token()
    manager.store.delete(manager.cache_key)  # a flushed store
    advance_both(dingtalk_emulator, clock, 7_201)
    with pytest.raises(RefreshTokenInvalidError) as caught:
        manager.get_token()
    assert caught.value.attempts == 0  # found out before sending: the spent code was not sent again
    assert "lost" in str(caught.value)
    assert dingtalk_emulator.stats.token_requests == 1


def test_a_spent_auth_code_is_reported_by_dingtalk(dingtalk_emulator: Emulator) -> None:
    personal = dingtalk_emulator.personal_app
    code = personal.issue_auth_code("alice")
    manager_for(
        dingtalk_emulator, UserCredentials(personal.client_id, personal.client_secret, auth_code=code)
    ).get_token()
    again = manager_for(dingtalk_emulator, UserCredentials(personal.client_id, personal.client_secret, auth_code=code))
    with pytest.raises(InvalidCredentialsError) as caught:
        again.get_token()
    assert caught.value.raw_code == "invalidAuthCode"


# --- the token endpoints' transport --------------------------------------------------------------


class CountingTransport(httpx.BaseTransport):
    """Stands for the API client's (retrying) transport: counts what goes through it."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[str] = []
        self.closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.closed = True
        self.inner.close()


class AsyncCountingTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[str] = []
        self.closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        self.closed = True
        await self.inner.aclose()


async def test_token_requests_go_through_the_given_transports_which_stay_open(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    transport, async_transport = CountingTransport(), AsyncCountingTransport()
    manager = TokenManager(
        internal(dingtalk_emulator),
        base_url=dingtalk_emulator.url,
        transport=transport,
        async_transport=async_transport,
        clock=clock,
    )
    manager.get_token()
    advance_both(dingtalk_emulator, clock, 7_201)
    await manager.aget_token()
    assert transport.requests == ["/v1.0/oauth2/accessToken"]
    assert async_transport.requests == ["/v1.0/oauth2/accessToken"]
    assert not transport.closed
    assert not async_transport.closed
    transport.close()
    await async_transport.aclose()


def test_a_token_object_keeps_expiry_in_wall_clock_seconds(dingtalk_emulator: Emulator) -> None:
    clock = ManualClock()
    manager = manager_for(dingtalk_emulator, internal(dingtalk_emulator), clock)
    manager.get_token()
    stored = manager.store.get(manager.cache_key)
    assert isinstance(stored, Token)
    assert stored.obtained_at == clock.now
    assert stored.expires_at == clock.now + 7_200


# --- answers that must not be kept ------------------------------------------------------------

GOOD_ANSWER = {"accessToken": "good-token-0123456789", "expireIn": 7200}
BAD_ANSWERS = {
    "token null": {"accessToken": None, "expireIn": 7200},
    "token empty": {"accessToken": "", "expireIn": 7200},
    "token a number": {"accessToken": 1234567, "expireIn": 7200},
    "token a list": {"accessToken": ["tok"], "expireIn": 7200},
    "token ending in LF": {"accessToken": "bad-token-0123456789\n", "expireIn": 7200},
    "token with CR LF": {"accessToken": "bad-token\r\nx-injected: 1", "expireIn": 7200},
    "token with a space": {"accessToken": "bad token", "expireIn": 7200},
    "token missing": {"expireIn": 7200},
    "expireIn zero": {"accessToken": "bad-token-0123456789", "expireIn": 0},
    "expireIn negative": {"accessToken": "bad-token-0123456789", "expireIn": -5},
    "expireIn a string": {"accessToken": "bad-token-0123456789", "expireIn": "7200"},
    "expireIn null": {"accessToken": "bad-token-0123456789", "expireIn": None},
    "expireIn true": {"accessToken": "bad-token-0123456789", "expireIn": True},
    "expireIn missing": {"accessToken": "bad-token-0123456789"},
}


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("answer", list(BAD_ANSWERS.values()), ids=list(BAD_ANSWERS))
async def test_a_bad_token_answer_is_refused_kept_nowhere_and_fetched_again(
    answer: dict[str, object], use_async: bool
) -> None:
    with recording_server() as server:
        manager = TokenManager(InternalAppCredentials("app", "app-secret-value"), base_url=server.url)
        server.answer_json(200, answer)
        with pytest.raises(MalformedResponseError) as caught:
            await manager.aget_token() if use_async else manager.get_token()
        error = caught.value
        assert error.operation == "getAccessToken"
        assert error.detail is not None
        assert ("accessToken" in error.detail) != ("expireIn" in error.detail)  # names the field at fault
        assert "bad-token" not in str(error) + repr(error)  # never quotes what it refused
        assert error.body is None
        assert manager.store.get(manager.cache_key) is None

        server.answer_json(200, GOOD_ANSWER)
        assert (await manager.aget_token() if use_async else manager.get_token()) == "good-token-0123456789"
        assert len(server.received) == 2


def test_a_token_with_a_line_break_is_refused_before_anything_is_sent() -> None:
    token = "fixed-token-0123456789\n"  # read from a file, newline and all
    with recording_server() as server:
        for make in (lambda: FixedToken(token), lambda: CalendarClient(token, base_url=server.url)):
            with pytest.raises(ValidationError) as caught:
                make()
            text = str(caught.value) + repr(caught.value) + "".join(traceback.format_exception(caught.value))
            assert "fixed-token-0123456789" not in text
            assert "line break" in str(caught.value)
        assert server.received == []


@pytest.mark.parametrize("bad", ["", "tok en", "tok\ten", "tök-en", "tok\r"])
def test_a_fixed_token_a_header_cannot_carry_is_a_validation_error(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        FixedToken(bad)
    assert caught.value.field == "token"


def test_a_provider_answering_an_unsendable_token_never_reaches_the_wire() -> None:
    class Broken:
        cache_key = "custom:broken"

        def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
            return Token(access_token="custom-token-0123\n", expires_at=now + 100)

        async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
            return self.fetch(client, previous=previous, now=now)

    with pytest.raises(ValidationError) as caught:
        TokenManager(Broken()).get_token()
    assert "custom-token" not in str(caught.value)


# --- a transient failure does not spend a refresh token -------------------------------------------


@pytest.mark.parametrize("fault", ["503", "502_html", "drop"])
@pytest.mark.parametrize("grant", ["refresh_token", "auth_code"])
def test_one_transient_failure_of_the_user_token_endpoint_does_not_spend_the_grant(
    dingtalk_emulator: Emulator, fault: str, grant: str
) -> None:
    personal = dingtalk_emulator.personal_app
    if grant == "refresh_token":
        with Client(base_url=dingtalk_emulator.url) as client:
            issued = UserCredentials(
                personal.client_id, personal.client_secret, auth_code=personal.issue_auth_code("bob")
            ).fetch(client, previous=None, now=time.time())
        credentials = UserCredentials(personal.client_id, personal.client_secret, refresh_token=issued.refresh_token)
    else:
        code = personal.issue_auth_code("bob")
        credentials = UserCredentials(personal.client_id, personal.client_secret, auth_code=code)
    manager = manager_for(dingtalk_emulator, credentials)
    dingtalk_emulator.faults.next(fault, operation="getUserAccessToken")
    with pytest.raises((ServerError, APIConnectionError)):
        manager.get_token()
    assert manager.get_token()  # the same grant, sent again, works
    stored = manager.store.get(manager.cache_key)
    assert stored is not None
    assert stored.refresh_token
