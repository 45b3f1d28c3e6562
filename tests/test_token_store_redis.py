"""RedisTokenStore against a real redis-server: storage, the cross-process lock, and a fleet of processes."""

from __future__ import annotations

import asyncio
import inspect
import math
import multiprocessing
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypedDict

import httpx
import pytest
import redis

from dingtalk_calendar import (
    APITimeoutError,
    AsyncCalendarClient,
    CalendarClient,
    ConfigurationError,
    DingTalkError,
    EnterpriseAppCredentials,
    InternalAppCredentials,
    MalformedResponseError,
    RetryPolicy,
    Scope,
    Token,
    TokenStoreError,
    UserCredentials,
)
from dingtalk_calendar._auth.redis_store import RedisTokenStore, token_from_json, token_to_json
from dingtalk_calendar._auth.stores import STORE_RETRY_INTERVAL, MemoryTokenStore
from dingtalk_calendar._auth.token_manager import TokenManager
from dingtalk_calendar._transport.deadline import CallDeadline
from dingtalk_calendar_api import Client
from dingtalk_calendar_emulator import Emulator
from tests.recording_server import recording_server
from tests.redis_server import RedisServer


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def store(redis_url: str) -> Iterator[RedisTokenStore]:
    store = RedisTokenStore(redis_url, prefix="test:")
    yield store
    store.close()


USER_TOKEN = Token(access_token="access-abc123", expires_at=1_000.5, refresh_token="refresh-xyz789", obtained_at=10.0)


# --- storage -------------------------------------------------------------------------------


def test_a_token_survives_the_json_round_trip_including_an_endless_one() -> None:
    assert token_from_json(token_to_json(USER_TOKEN)) == USER_TOKEN
    endless = Token(access_token="fixed-token", expires_at=math.inf)
    assert token_from_json(token_to_json(endless)) == endless


def test_set_get_delete(store: RedisTokenStore) -> None:
    assert store.get("internal:app") is None
    store.set("internal:app", USER_TOKEN)
    assert store.get("internal:app") == USER_TOKEN
    store.delete("internal:app")
    assert store.get("internal:app") is None


def test_keys_live_under_the_prefix_and_expire_eventually(store: RedisTokenStore, redis_url: str) -> None:
    store.set("internal:app", USER_TOKEN)
    raw = redis.Redis.from_url(redis_url)
    try:
        assert raw.exists("test:v2/token/internal:app") == 1
        # A garbage-collection TTL is set (about 31 days): no entry lives for ever.
        assert 0 < raw.pttl("test:v2/token/internal:app") <= 31 * 24 * 3600 * 1000
    finally:
        raw.close()


def test_two_prefixes_do_not_see_each_other(redis_url: str) -> None:
    first, second = RedisTokenStore(redis_url, prefix="a:"), RedisTokenStore(redis_url, prefix="b:")
    first.set("k", USER_TOKEN)
    assert second.get("k") is None
    first.close()
    second.close()


def test_an_unreadable_entry_counts_as_absent(store: RedisTokenStore, redis_url: str) -> None:
    raw = redis.Redis.from_url(redis_url)
    raw.set("test:k", b"not json")
    raw.close()
    assert store.get("k") is None


async def test_async_set_get_delete(store: RedisTokenStore) -> None:
    assert await store.aget("k") is None
    await store.aset("k", USER_TOKEN)
    assert await store.aget("k") == USER_TOKEN
    assert store.get("k") == USER_TOKEN  # the sync and async sides share the data
    await store.adelete("k")
    assert await store.aget("k") is None


def test_a_store_needs_somewhere_to_connect() -> None:
    with pytest.raises(ValueError, match="url"):
        RedisTokenStore()


@pytest.mark.parametrize(
    "setting",
    [{"url": 6379}, {"timeout": 0}, {"lock_ttl": -1}, {"lock_timeout": float("nan")}, {"poll_interval": "0.05"}],
    ids=repr,
)
def test_a_store_setting_that_cannot_work_is_a_configuration_error_naming_it(setting: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match=next(iter(setting))):
        RedisTokenStore(**{"url": "redis://127.0.0.1:6379/0", **setting})


def test_the_repr_shows_no_url(redis_url: str) -> None:
    store = RedisTokenStore("redis://:hunter2-password@127.0.0.1:1/0")
    assert "hunter2" not in repr(store)


# --- the lock ------------------------------------------------------------------------------


def test_the_lock_excludes_other_holders(redis_url: str) -> None:
    inside = 0
    most_inside = 0
    guard = threading.Lock()
    # Separate stores: the exclusion must come from Redis, not from anything in this process.
    stores = [RedisTokenStore(redis_url, prefix="test:", poll_interval=0.001) for _ in range(8)]

    def work(worker: int) -> None:
        nonlocal inside, most_inside
        for _ in range(10):
            with stores[worker].lock("k"):
                with guard:
                    inside += 1
                    most_inside = max(most_inside, inside)
                time.sleep(0.001)  # widen the window in which a second holder would show
                with guard:
                    inside -= 1

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    for each in stores:
        each.close()
    assert most_inside == 1


def test_the_lock_is_released_only_by_its_owner(store: RedisTokenStore, redis_url: str) -> None:
    raw = redis.Redis.from_url(redis_url)
    try:
        with store.lock("k"):
            owner = raw.get("test:v2/lock/k")
            assert owner
            # As if our lock had expired and another process had taken it since.
            raw.set("test:v2/lock/k", b"someone-else")
        assert raw.get("test:v2/lock/k") == b"someone-else"
        raw.delete("test:v2/lock/k")
        with store.lock("k"):
            pass
        assert raw.get("test:v2/lock/k") is None
    finally:
        raw.close()


def test_the_lock_expires_so_a_crashed_holder_cannot_block_for_ever(redis_url: str) -> None:
    store = RedisTokenStore(redis_url, prefix="test:", lock_ttl=7.0)
    raw = redis.Redis.from_url(redis_url)
    try:
        with store.lock("k"):
            assert 0 < raw.pttl("test:v2/lock/k") <= 7000
    finally:
        raw.close()
        store.close()


def test_a_waiter_gives_up_after_lock_timeout(redis_url: str) -> None:
    raw = redis.Redis.from_url(redis_url)
    raw.set("test:v2/lock/k", b"a-stuck-holder")
    raw.close()
    store = RedisTokenStore(redis_url, prefix="test:", lock_timeout=0.2, poll_interval=0.01)
    with pytest.raises(TokenStoreError, match="no lock for k"), store.lock("k"):
        pass
    store.close()


async def test_the_async_lock_excludes_async_holders(redis_url: str) -> None:
    inside = 0
    most_inside = 0

    async def task() -> None:
        nonlocal inside, most_inside
        for _ in range(5):
            async with RedisTokenStore(redis_url, prefix="test:", poll_interval=0.001).alock("k"):
                inside += 1
                most_inside = max(most_inside, inside)
                await asyncio.sleep(0.001)
                inside -= 1

    await asyncio.gather(*(task() for _ in range(8)))
    assert most_inside == 1


async def test_the_async_lock_is_released_only_by_its_owner(store: RedisTokenStore, redis_url: str) -> None:
    raw = redis.Redis.from_url(redis_url)
    try:
        async with store.alock("k"):
            raw.set("test:v2/lock/k", b"someone-else")
        assert raw.get("test:v2/lock/k") == b"someone-else"
    finally:
        raw.close()


# --- with the token manager, against the emulator ---------------------------------------------

# Each of these runs in a fresh interpreter (multiprocessing "spawn"), as a separate
# process of a fleet would: nothing is shared but the emulator and the Redis server.


def _fleet_member(
    emulator_url: str,
    redis_url: str,
    app_key: str,
    app_secret: str,
    clock_offset: float,
    use_async: bool,
    start: threading.Barrier,
    results: multiprocessing.Queue[str],
) -> None:
    manager = TokenManager(
        InternalAppCredentials(app_key, app_secret),
        store=RedisTokenStore(redis_url, poll_interval=0.01),
        base_url=emulator_url,
        clock=lambda: time.time() + clock_offset,
    )
    start.wait()
    if use_async:

        async def many() -> list[str]:
            return await asyncio.gather(*(manager.aget_token() for _ in range(20)))

        tokens = asyncio.run(many())
    else:
        with ThreadPoolExecutor(10) as pool:
            tokens = list(pool.map(lambda _: manager.get_token(), range(20)))
    results.put(",".join(sorted(set(tokens))))


def _run_fleet(emulator_url: str, redis_url: str, app_key: str, app_secret: str, clock_offset: float) -> set[str]:
    context = multiprocessing.get_context("spawn")
    size = 6
    start = context.Barrier(size)
    results: multiprocessing.Queue[str] = context.Queue()
    members = [
        context.Process(
            target=_fleet_member,
            args=(emulator_url, redis_url, app_key, app_secret, clock_offset, i % 2 == 0, start, results),
        )
        for i in range(size)
    ]
    for member in members:
        member.start()
    answers = [results.get(timeout=90) for _ in members]
    for member in members:
        member.join(timeout=30)
        assert member.exitcode == 0
    return set(answers)


class _Stats(TypedDict):
    """The parts of the emulator's stats these tests read."""

    tokenRequests: int
    requests: dict[str, int]


def _stats(emulator_url: str) -> _Stats:
    # Asked over HTTP, as another process of the fleet would.
    stats: _Stats = httpx.get(f"{emulator_url}/_emulator/stats").json()
    return stats


def test_a_fleet_of_processes_starting_cold_fetches_one_token(redis_url: str, dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    app = emu.internal_app
    tokens = _run_fleet(emu.url, redis_url, app.app_key, app.app_secret, clock_offset=0.0)
    assert len(tokens) == 1  # every process, thread and task got the same token
    assert _stats(emu.url)["tokenRequests"] == 1

    # Past the refresh point (7,200 s less the 300 s margin), the fleet fetches once more, once.
    emu.clock.advance(7_000)
    _run_fleet(emu.url, redis_url, app.app_key, app.app_secret, clock_offset=7_000.0)
    assert _stats(emu.url)["tokenRequests"] == 2


def test_a_rotated_refresh_token_reaches_the_next_process_through_redis(
    redis_url: str, dingtalk_emulator: Emulator
) -> None:
    emu = dingtalk_emulator
    personal = emu.personal_app
    code = personal.issue_auth_code("alice")
    now = [time.time()]

    def manager() -> TokenManager:
        # A new credential object and a new store client: what a freshly started process has.
        return TokenManager(
            UserCredentials(personal.client_id, personal.client_secret, auth_code=code),
            store=RedisTokenStore(redis_url),
            base_url=emu.url,
            clock=lambda: now[0],
        )

    first = manager().get_token()
    stored_first = RedisTokenStore(redis_url).get(manager().cache_key)
    assert stored_first is not None
    assert stored_first.refresh_token

    emu.clock.advance(7_201)
    now[0] += 7_201
    second = manager().get_token()  # another "process": the code is spent, the stored refresh token works
    stored_second = RedisTokenStore(redis_url).get(manager().cache_key)
    assert second != first
    assert stored_second is not None
    assert stored_second.refresh_token not in (None, stored_first.refresh_token)


# --- corp tokens: DingTalk hands out a new one on every request --------------------------------
# zh/obtain-the-access-token-of-the-authorized-enterprise-1.md: asking again while a corp token
# is valid returns a new token, so a fleet in which each process asks for its own churns tokens.
# Single flight within a process and the Redis store across processes keep it to one request.


def _corp_fleet_member(
    emulator_url: str,
    redis_url: str | None,
    suite: tuple[str, str, str, str],
    start: threading.Barrier,
    results: multiprocessing.Queue[str],
) -> None:
    suite_key, suite_secret, corp_id, suite_ticket = suite
    store = RedisTokenStore(redis_url, poll_interval=0.01) if redis_url else MemoryTokenStore()
    manager = TokenManager(
        EnterpriseAppCredentials(suite_key, suite_secret, corp_id, suite_ticket), store=store, base_url=emulator_url
    )
    start.wait()
    with ThreadPoolExecutor(10) as pool:
        tokens = list(pool.map(lambda _: manager.get_token(), range(20)))
    results.put(",".join(sorted(set(tokens))))


def _run_corp_fleet(emulator_url: str, redis_url: str | None, suite: tuple[str, str, str, str], size: int) -> list[str]:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(size)
    results: multiprocessing.Queue[str] = context.Queue()
    members = [
        context.Process(target=_corp_fleet_member, args=(emulator_url, redis_url, suite, start, results))
        for _ in range(size)
    ]
    for member in members:
        member.start()
    answers = [results.get(timeout=90) for _ in members]
    for member in members:
        member.join(timeout=30)
        assert member.exitcode == 0
    return answers


def test_eight_processes_starting_cold_make_one_corp_token_request(redis_url: str, dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    app = emu.enterprise_app
    suite = (app.suite_key, app.suite_secret, "ding-acme", app.suite_ticket)
    answers = _run_corp_fleet(emu.url, redis_url, suite, size=8)
    assert len(set(answers)) == 1  # every process, and each of its threads, holds the one token
    assert "," not in answers[0]
    assert _stats(emu.url)["requests"]["getCorpAccessToken"] == 1


def test_without_a_shared_store_each_process_churns_its_own_corp_token(dingtalk_emulator: Emulator) -> None:
    # What the Redis store prevents: per process, single flight still makes one request.
    emu = dingtalk_emulator
    app = emu.enterprise_app
    suite = (app.suite_key, app.suite_secret, "ding-acme", app.suite_ticket)
    answers = _run_corp_fleet(emu.url, None, suite, size=4)
    assert all("," not in answer for answer in answers)  # one token within each process
    assert len(set(answers)) == 4  # a new token for every process
    assert _stats(emu.url)["requests"]["getCorpAccessToken"] == 4


# --- an outage: Redis down, frozen, or dying mid-run ------------------------------------------------


@pytest.fixture
def closed_redis_url() -> str:
    """A loopback port nobody listens on: Redis is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def frozen_redis() -> Iterator[RedisServer]:
    """A redis-server of this test's own, stopped with SIGSTOP: it accepts connections and never answers."""
    with RedisServer() as server:
        server.freeze()
        yield server


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_every_store_operation_on_a_redis_that_is_down_raises_a_token_store_error(
    closed_redis_url: str, use_async: bool
) -> None:
    store = RedisTokenStore(closed_redis_url)
    operations = (
        [store.aget("k"), store.aset("k", USER_TOKEN), store.adelete("k")]
        if use_async
        else [lambda: store.get("k"), lambda: store.set("k", USER_TOKEN), lambda: store.delete("k")]
    )
    for operation in operations:
        with pytest.raises(TokenStoreError) as caught:
            await operation if use_async else operation()  # type: ignore[operator,misc]
        assert isinstance(caught.value, DingTalkError)
        assert isinstance(caught.value.__cause__, redis.ConnectionError)

    async def take_the_lock() -> None:
        if use_async:
            async with store.alock("k"):
                pass
        else:
            with store.lock("k"):
                pass

    with pytest.raises(TokenStoreError):
        await take_the_lock()


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_a_frozen_redis_raises_within_the_store_timeout(frozen_redis: RedisServer, use_async: bool) -> None:
    store = RedisTokenStore(frozen_redis.url, timeout=0.2)
    with pytest.raises(TokenStoreError) as caught:
        await store.aget("k") if use_async else store.get("k")
    assert isinstance(caught.value.__cause__, redis.TimeoutError)
    store.close()


def test_twenty_callers_on_a_frozen_redis_pay_one_store_timeout_and_get_a_token(
    frozen_redis: RedisServer, dingtalk_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    app = dingtalk_emulator.internal_app
    store = RedisTokenStore(frozen_redis.url, timeout=0.2)
    start = threading.Barrier(20)
    with CalendarClient(
        InternalAppCredentials(app.app_key, app.app_secret), base_url=dingtalk_emulator.url, token_store=store
    ) as client:
        created = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))

        def call(_: int) -> str:
            start.wait()
            return client.get("alice", created.calendar_id).name

        with ThreadPoolExecutor(20) as pool:
            names = list(pool.map(call, range(20)))
    assert names == ["Team"] * 20
    assert dingtalk_emulator.stats.token_requests == 1  # fetched here, once
    failures = [r for r in caplog.records if "the token store failed" in r.getMessage()]
    assert len(failures) == 1  # one store timeout for the process, not one per caller


async def test_a_thousand_tasks_on_a_frozen_redis_pay_one_store_timeout(
    frozen_redis: RedisServer, dingtalk_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    app = dingtalk_emulator.internal_app
    manager = TokenManager(
        InternalAppCredentials(app.app_key, app.app_secret),
        store=RedisTokenStore(frozen_redis.url, timeout=0.2),
        base_url=dingtalk_emulator.url,
    )
    tokens = await asyncio.gather(*(manager.aget_token() for _ in range(1_000)))
    assert len(set(tokens)) == 1
    assert dingtalk_emulator.stats.token_requests == 1
    assert len([r for r in caplog.records if "the token store failed" in r.getMessage()]) == 1


def test_redis_dying_mid_run_leaves_app_calls_working(dingtalk_emulator: Emulator) -> None:
    app = dingtalk_emulator.internal_app
    now = [time.time()]
    with RedisServer() as server:
        manager = TokenManager(
            InternalAppCredentials(app.app_key, app.app_secret),
            store=RedisTokenStore(server.url, timeout=0.2),
            base_url=dingtalk_emulator.url,
            clock=lambda: now[0],
        )
        first = manager.get_token()
        assert manager.store.get(manager.cache_key) is not None  # shared while Redis lives
    # Redis is gone; the token expires; the next call fetches in this process.
    dingtalk_emulator.clock.advance(7_201)
    now[0] += 7_201
    second = manager.get_token()
    assert second != first
    assert dingtalk_emulator.stats.token_requests == 2
    now[0] += 31  # past the interval the store is left alone: it is tried (and fails) again
    manager.invalidate(second)
    assert dingtalk_emulator.stats.token_requests == 3


def test_a_user_token_is_not_fetched_past_an_unreachable_store(
    closed_redis_url: str, dingtalk_emulator: Emulator
) -> None:
    personal = dingtalk_emulator.personal_app
    manager = TokenManager(
        UserCredentials(personal.client_id, personal.client_secret, auth_code=personal.issue_auth_code("alice")),
        store=RedisTokenStore(closed_redis_url),
        base_url=dingtalk_emulator.url,
    )
    with pytest.raises(TokenStoreError):
        manager.get_token()
    assert dingtalk_emulator.stats.token_requests == 0  # the code is not spent on a token nobody could keep


def test_the_lock_outlives_the_longest_token_request_the_default_policy_allows() -> None:
    store = RedisTokenStore("redis://127.0.0.1:1/0")
    policy = RetryPolicy()
    assert policy.max_elapsed is not None
    assert store.lock_ttl >= policy.max_elapsed


@pytest.mark.parametrize(
    "url",
    [
        "not-a-url",
        "http://127.0.0.1:6379/0",
        "redis://",
        "redis://127.0.0.1:port/0",
        "redis://127.0.0.1:6379/0?socket_timeout=soon",
    ],
)
def test_a_redis_url_that_cannot_work_is_a_configuration_error_at_once(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Redis URL"):
        RedisTokenStore(url)


def test_the_readmes_token_store_figures_are_the_code_defaults() -> None:
    section = (Path(__file__).parent.parent / "docs" / "authentication.md").read_text(encoding="utf-8")
    defaults = inspect.signature(RedisTokenStore).parameters
    assert f"`timeout` ({defaults['timeout'].default:g} s" in section
    assert f"`lock_ttl` ({defaults['lock_ttl'].default:g} s)" in section
    assert f"`lock_timeout` ({defaults['lock_timeout'].default:g} s)" in section
    assert f"leaves the store alone for {STORE_RETRY_INTERVAL:g} s" in section
    assert f"`RetryPolicy(max_elapsed={RetryPolicy().max_elapsed:g})`" in section


def test_a_store_error_never_shows_the_redis_password(closed_redis_url: str) -> None:
    url = closed_redis_url.replace("redis://", "redis://:hunter2-password@")
    with pytest.raises(TokenStoreError) as caught:
        RedisTokenStore(url).get("k")
    shown = str(caught.value) + repr(caught.value) + str(caught.value.__cause__)
    assert "hunter2" not in shown
    with pytest.raises(ConfigurationError) as bad:
        RedisTokenStore("redis://:hunter2-password@127.0.0.1:6379/0?socket_timeout=soon")
    assert "hunter2" not in str(bad.value)


@pytest.mark.parametrize("answer", [{"accessToken": None, "expireIn": 7200}, {"accessToken": "tok\n", "expireIn": 0}])
def test_a_bad_token_answer_is_not_shared_through_redis(store: RedisTokenStore, answer: dict[str, object]) -> None:
    with recording_server() as server:
        manager = TokenManager(InternalAppCredentials("app", "app-secret-value"), store=store, base_url=server.url)
        server.answer_json(200, answer)
        with pytest.raises(MalformedResponseError):
            manager.get_token()
        assert store.get(manager.cache_key) is None  # no other process of the fleet sees it
        server.answer_json(200, {"accessToken": "good-token-0123456789", "expireIn": 7200})
        assert manager.get_token() == "good-token-0123456789"
        assert store.get(manager.cache_key) is not None
        assert len(server.received) == 2


def test_a_waiter_that_gets_no_lock_in_time_fetches_the_app_token_itself(
    redis_url: str, dingtalk_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    app = dingtalk_emulator.internal_app
    manager = TokenManager(
        InternalAppCredentials(app.app_key, app.app_secret),
        store=RedisTokenStore(redis_url, lock_timeout=0.2, poll_interval=0.01),
        base_url=dingtalk_emulator.url,
    )
    raw = redis.Redis.from_url(redis_url)
    raw.set(f"dingtalk_calendar:token:v2/lock/{manager.cache_key}", b"a-stuck-holder")
    raw.close()
    assert manager.get_token()
    assert dingtalk_emulator.stats.token_requests == 1
    assert any("no lock for" in r.getMessage() for r in caplog.records)


# --- the call's time limit -------------------------------------------------------------------


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_a_waiter_on_the_redis_lock_gives_up_at_its_calls_limit_and_fetches_nothing(
    redis_url: str, dingtalk_emulator: Emulator, use_async: bool
) -> None:
    app = dingtalk_emulator.internal_app
    manager = TokenManager(
        InternalAppCredentials(app.app_key, app.app_secret),
        store=RedisTokenStore(redis_url, lock_timeout=5.0, poll_interval=0.01),
        base_url=dingtalk_emulator.url,
    )
    raw = redis.Redis.from_url(redis_url)
    raw.set(f"dingtalk_calendar:token:v2/lock/{manager.cache_key}", b"a-holder-still-fetching")
    raw.close()
    with (
        pytest.raises(APITimeoutError, match=f"waiting for the token store's lock for {manager.cache_key}"),
        CallDeadline(0.5),  # ample for the read before the lock: this is about the wait
    ):
        await manager.aget_token() if use_async else manager.get_token()
    assert dingtalk_emulator.stats.token_requests == 0  # not fetched past the holder: it was out of time


class LockWatchingCredentials:
    """An internal app that notes, as its token is fetched, how long the store's lock has to live."""

    def __init__(self, emulator: Emulator, redis_url: str) -> None:
        app = emulator.internal_app
        self._inner = InternalAppCredentials(app.app_key, app.app_secret)
        self._raw = redis.Redis.from_url(redis_url)
        self.lock_ttls_ms: list[int] = []

    @property
    def cache_key(self) -> str:
        return self._inner.cache_key

    def _note(self) -> None:
        self.lock_ttls_ms.append(self._raw.pttl(f"dingtalk_calendar:token:v2/lock/{self.cache_key}"))

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        self._note()
        return self._inner.fetch(client, previous=previous, now=now)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        self._note()
        return await self._inner.afetch(client, previous=previous, now=now)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_the_lock_lives_as_long_as_a_client_with_a_larger_max_elapsed_may_fetch(
    redis_url: str, dingtalk_emulator: Emulator, use_async: bool
) -> None:
    credentials = LockWatchingCredentials(dingtalk_emulator, redis_url)
    store = RedisTokenStore(redis_url)  # lock_ttl 120 s
    policy = RetryPolicy(max_elapsed=300)
    if use_async:
        async with AsyncCalendarClient(
            credentials, base_url=dingtalk_emulator.url, token_store=store, retry_policy=policy
        ) as aclient:
            await aclient.tokens.aget_token()  # outside a call: the client's max_elapsed still bounds it
            await aclient.tokens.ainvalidate(await aclient.tokens.aget_token())
    else:
        with CalendarClient(
            credentials, base_url=dingtalk_emulator.url, token_store=store, retry_policy=policy
        ) as client:
            client.tokens.get_token()
            client.tokens.invalidate(client.tokens.get_token())
    assert len(credentials.lock_ttls_ms) == 2
    for ttl_ms in credentials.lock_ttls_ms:
        # The holder's time left and two store timeouts: well above lock_ttl, however slow the machine.
        assert 200_000 < ttl_ms <= (300 + 2 * 2.0) * 1000


@pytest.mark.parametrize("limit", [None, 5.0, 300.0])
def test_the_lock_lives_lock_ttl_or_the_holders_time_left_if_longer(
    store: RedisTokenStore, redis_url: str, limit: float | None
) -> None:
    raw = redis.Redis.from_url(redis_url)
    try:
        with CallDeadline(limit), store.lock("k"):
            ttl_ms = raw.pttl("test:v2/lock/k")
    finally:
        raw.close()
    if limit is None or limit < store.lock_ttl:
        assert 60_000 < ttl_ms <= store.lock_ttl * 1000
    else:
        assert 200_000 < ttl_ms <= (limit + 2 * 2.0) * 1000


async def test_an_async_read_of_a_frozen_redis_ends_at_the_calls_limit_when_that_comes_first(
    frozen_redis: RedisServer, dingtalk_emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    app = dingtalk_emulator.internal_app
    manager = TokenManager(
        InternalAppCredentials(app.app_key, app.app_secret),
        store=RedisTokenStore(frozen_redis.url, timeout=30.0),
        base_url=dingtalk_emulator.url,
    )
    with pytest.raises(APITimeoutError, match="reading the token store for internal:"), CallDeadline(0.1):
        await manager.aget_token()
    assert dingtalk_emulator.stats.token_requests == 0
    # The call ran out of time, the store did not fail: it is not left alone for it.
    assert not [r for r in caplog.records if "the token store failed" in r.getMessage()]
