"""Bulk subscribe and unsubscribe: every user settled exactly once, under faults too; rate limits."""

import asyncio
import itertools
import json
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dingtalk_calendar import (
    DEFAULT_BULK_RATE,
    AccessTokenPermissionDeniedError,
    AsyncCalendarClient,
    AuthenticationError,
    BulkJobError,
    BulkJobInterrupted,
    BulkResult,
    CalendarClient,
    ConfigurationError,
    DingTalkError,
    InternalAppCredentials,
    InvalidCredentialsError,
    Progress,
    RateLimit,
    RateLimitError,
    RedisRateLimit,
    RefreshTokenInvalidError,
    Result,
    ResultFalseError,
    Scope,
    ServerError,
    UnexpectedError,
    ValidationError,
    bulk_run,
)
from dingtalk_calendar._bulk.ledger import SAME_ERROR_LIMIT
from dingtalk_calendar.cli import main
from dingtalk_calendar_emulator import Directory, Emulator
from tests.client_support import FAST_RETRIES, Blocking, both, open_client
from tests.recording_server import recording_server
from tests.redis_server import RedisServer

USERS = [f"user-{n:03d}" for n in range(60)]
OUTSIDERS = ["outsider-1", "outsider-2"]
FAST = RateLimit(rate=10_000, burst=100)  # no pacing: these tests are about bookkeeping


@pytest.fixture(scope="module")
def directory_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("directory") / "directory.json"
    path.write_text(
        json.dumps(
            {
                "corps": [{"corpId": "ding-big"}, {"corpId": "ding-other"}],
                "users": [{"unionId": "owner", "corpIds": ["ding-big"]}]
                + [{"unionId": u, "corpIds": ["ding-big"]} for u in USERS]
                + [{"unionId": u, "corpIds": ["ding-other"]} for u in OUTSIDERS],
                "groups": [],
            }
        )
    )
    return path


@pytest.fixture
def emu(directory_file: Path) -> Iterator[Emulator]:
    with Emulator(directory=Directory.load(directory_file), qps_limit=None) as emulator:
        yield emulator


def make_client(emu: Emulator) -> CalendarClient:
    app = emu.internal_app
    creds = InternalAppCredentials(app.app_key, app.app_secret)
    return CalendarClient(creds, base_url=emu.url, retry_policy=FAST_RETRIES)


def assert_partition(result: BulkResult, given: list[str]) -> None:
    """Each distinct user given is in exactly one list; each repeat is in ``duplicates``."""
    settled = list(result.done) + list(result.already_done) + [f.user_id for f in result.failed]
    settled += list(result.not_attempted)
    assert sorted(settled) == sorted(set(given))
    assert sorted(settled + list(result.duplicates)) == sorted(given)
    assert len(set(result.done)) == len(result.done)


def test_every_user_is_settled_once_and_reported(emu: Emulator) -> None:
    seen: list[Progress] = []
    lock = threading.Lock()

    def on_progress(progress: Progress) -> None:
        with lock:
            seen.append(progress)

    given = [*USERS[:20], *OUTSIDERS, USERS[0], OUTSIDERS[0]]  # repeats, and two users outside the scope
    with make_client(emu) as client:
        calendar = client.create("owner", name="All hands", scope=Scope(organisations=["ding-big"])).calendar_id
        result = client.bulk_subscribe(
            calendar, given, already_done=[USERS[1]], concurrency=4, rate_limiter=FAST, on_progress=on_progress
        )
    assert_partition(result, given)
    assert set(result.done) == set(USERS[:20]) - {USERS[1]}
    assert result.already_done == (USERS[1],)
    assert result.duplicates == (USERS[0], OUTSIDERS[0])  # a failed user's repeat is not "already done"
    assert {(f.user_id, f.code) for f in result.failed} == {(u, "permissionDenied") for u in OUTSIDERS}
    assert result.not_attempted == ()
    assert not result.ok
    assert result.remaining == tuple(f.user_id for f in result.failed)
    assert set(emu.state.subscribers(calendar)) == set(result.done)
    distinct = len(set(given))
    assert sorted(p.settled for p in seen) == list(range(1, distinct + 1))
    assert all(p.total == distinct for p in seen)


@pytest.mark.parametrize("seed", [1, 2])
def test_under_injected_faults_nothing_is_lost_or_counted_twice(emu: Emulator, seed: int) -> None:
    with make_client(emu) as client:
        calendar = client.create("owner", name="Faulty", scope=Scope(organisations=["ding-big"])).calendar_id
        emu.faults.set_rates(error_5xx=0.25, drop=0.1, malformed=0.05, seed=seed)
        result = client.bulk_subscribe(calendar, USERS, concurrency=8, rate_limiter=FAST)
        emu.faults.set_rates(seed=seed)  # all rates back to 0
    assert_partition(result, USERS)
    subscribed = set(emu.state.subscribers(calendar))
    assert set(result.done) <= subscribed  # done means done
    # A failure may still have subscribed the user (the answer, not the act, was lost); a retry is harmless.
    assert subscribed <= set(result.done) | {f.user_id for f in result.failed}
    assert result.done  # the retries got most through


def test_an_error_about_the_calendar_stops_the_job_and_reports_the_rest(emu: Emulator) -> None:
    with make_client(emu) as client:
        result = client.bulk_subscribe("no-such-calendar", USERS[:10], concurrency=1, rate_limiter=FAST)
    assert_partition(result, USERS[:10])
    assert result.stopped_by is not None
    assert [f.user_id for f in result.failed] == USERS[:3]  # three alike, then it stops
    assert result.not_attempted == tuple(USERS[3:10])
    assert "stopped by" in result.summary()


def test_a_throttled_call_is_retried_not_failed(emu: Emulator) -> None:
    with make_client(emu) as client:
        calendar = client.create("owner", name="Real", scope=Scope(organisations=["ding-big"])).calendar_id
        client.bulk_subscribe(calendar, USERS[:2], rate_limiter=FAST)
        emu.faults.next("throttle", count=1)  # a throttled call is retried, not counted as failing
        result = client.bulk_subscribe(calendar, USERS[2:12], concurrency=1, rate_limiter=FAST)
    assert result.ok
    assert result.stopped_by is None


def test_async_bulk_unsubscribe(emu: Emulator) -> None:
    app = emu.internal_app
    creds = InternalAppCredentials(app.app_key, app.app_secret)

    async def scenario() -> tuple[str, BulkResult, BulkResult]:
        async with AsyncCalendarClient(creds, base_url=emu.url, retry_policy=FAST_RETRIES) as client:
            made = await client.create("owner", name="Async bulk", scope=Scope(organisations=["ding-big"]))
            progress: list[Progress] = []

            async def on_progress(p: Progress) -> None:
                progress.append(p)

            subscribed = await client.bulk_subscribe(
                made.calendar_id, USERS, concurrency=16, rate_limiter=FAST, on_progress=on_progress
            )
            assert len(progress) == len(USERS)
            unsubscribed = await client.bulk_unsubscribe(made.calendar_id, USERS[:30], rate_limiter=FAST)
            return made.calendar_id, subscribed, unsubscribed

    calendar, subscribed, unsubscribed = asyncio.run(scenario())
    assert subscribed.ok
    assert set(subscribed.done) == set(USERS)
    assert unsubscribed.ok
    assert set(emu.state.subscribers(calendar)) == set(USERS[30:])


class ManualClock:
    """Time that moves only when told to; never backwards."""

    def __init__(self) -> None:
        self._now = 1000.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._now

    def move_to(self, moment: float) -> None:
        with self._lock:
            self._now = max(self._now, moment)


class VirtualTimeRateLimit(RateLimit):
    """The default limiter, whose waits move a manual clock instead of sleeping."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock=clock.now)  # DingTalk's default rate
        self._time = clock

    def acquire(self) -> None:
        self._time.move_to(self._time.now() + self._reserve())


def test_the_default_rate_stays_under_the_emulators_quota(
    directory_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With DingTalk's quota of 20 a second, the default limiter (19/s) is never throttled. The
    # emulator's quota window and the limiter share one manual clock, so the test does not
    # depend on how fast this machine sends the calls.
    clock = ManualClock()
    with Emulator(directory=Directory.load(directory_file), qps_limit=20) as emu, make_client(emu) as client:
        monkeypatch.setattr(emu.clock, "now", clock.now)
        calendar = client.create("owner", name="Paced", scope=Scope(organisations=["ding-big"])).calendar_id
        result = client.bulk_subscribe(calendar, USERS[:45], concurrency=1, rate_limiter=VirtualTimeRateLimit(clock))
        assert result.ok
        assert emu.stats.statuses("subscribeCalendar").get(403, 0) == 0
        assert clock.now() == pytest.approx(1000.0 + 44 / DEFAULT_BULK_RATE)  # the calls were paced, not sent at once
        # The same calls unpaced are throttled (and, the clock standing still, stay so, until the
        # job's time limit): the test can fail.
        client.bulk_subscribe(calendar, USERS[:22], concurrency=1, rate_limiter=FAST, time_limit=0.5)
        assert emu.stats.statuses("subscribeCalendar").get(403, 0) > 0


def test_memory_rate_limit_spaces_calls_evenly() -> None:
    now = [0.0]
    limiter = RateLimit(rate=10, burst=1, clock=lambda: now[0])
    waits = [limiter._reserve() for _ in range(5)]  # five calls at the same instant
    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    now[0] = 10.0  # long idle: no credit is hoarded beyond the burst
    assert [limiter._reserve() for _ in range(2)] == pytest.approx([0.0, 0.1])


def test_redis_rate_limit_is_shared_by_every_limiter_on_one_key() -> None:
    server = RedisServer()
    server.start()
    try:
        # One slot every 100 s: a reservation's wait says which slot it got, whatever time the
        # calls themselves take (the first call of each limiter also opens a connection).
        first = RedisRateLimit(server.url, "dingtalk:test:subscribe", rate=0.01)
        second = RedisRateLimit(server.url, "dingtalk:test:subscribe", rate=0.01)
        other = RedisRateLimit(server.url, "dingtalk:test:other", rate=0.01)
        waits = [limiter._reserve() for _ in range(5) for limiter in (first, second)]
        # Taken alternately from two limiters: one shared queue of slots 0, 100, 200, ... s away.
        assert [round(wait / 100) for wait in waits] == list(range(10))
        assert all(earlier < later for earlier, later in itertools.pairwise(waits))
        assert round(other._reserve() / 100) == 0  # another key, another budget

        async def async_side() -> None:
            limiter = RedisRateLimit(server.url, "dingtalk:test:async", rate=1000)
            for _ in range(5):
                await limiter.aacquire()

        asyncio.run(async_side())
    finally:
        server.stop()


# -- a job never loses what it did ---------------------------------------------------------

LONE_SURROGATE = "user-\ud800"  # cannot be encoded in a URL
OVER_LONG = "u" * 70_000  # longer than any URL httpx will build


@both
@pytest.mark.parametrize("unsendable", [LONE_SURROGATE, OVER_LONG], ids=["lone-surrogate", "over-long"])
def test_an_id_that_cannot_be_sent_fails_that_user_only(emu: Emulator, kind: str, unsendable: str) -> None:
    given = [*USERS[:4], unsendable, *USERS[4:8]]
    with open_client(kind, emu) as client:
        calendar = client.create("owner", name="Odd ids", scope=Scope(organisations=["ding-big"])).calendar_id
        result = client.bulk_subscribe(calendar, given, concurrency=2, rate_limiter=FAST)
    assert_partition(result, given)
    assert set(result.done) == set(USERS[:8])
    [failure] = result.failed
    assert failure.user_id == unsendable
    assert isinstance(failure.error, DingTalkError)  # a ValidationError once ids are checked before sending
    assert set(emu.state.subscribers(calendar)) == set(USERS[:8])


@both
def test_a_result_false_answer_is_a_failure_not_done(kind: str) -> None:
    with recording_server() as server, open_fixed_client(kind, server.url) as client:
        server.answer_json(200, {"result": False})
        refused = client.bulk_subscribe("cal-1", ["alice", "bob"], concurrency=1, rate_limiter=FAST)
        server.answer_json(200, {"result": True})
        accepted = client.bulk_subscribe("cal-1", ["alice", "bob"], concurrency=1, rate_limiter=FAST)
    assert refused.done == ()
    assert [f.user_id for f in refused.failed] == ["alice", "bob"]
    assert all(isinstance(f.error, ResultFalseError) for f in refused.failed)
    assert refused.failed[0].message == "subscribeCalendar: DingTalk answered result: false"
    assert accepted.done == ("alice", "bob")


@both
@pytest.mark.parametrize("calendar", ["", "   "], ids=["empty", "blank"])
def test_a_blank_calendar_id_refuses_the_job_before_anything_is_sent(emu: Emulator, kind: str, calendar: str) -> None:
    seen: list[Progress] = []
    with open_client(kind, emu) as client, pytest.raises(ValidationError) as caught:
        client.bulk_subscribe(calendar, USERS[:50], concurrency=4, rate_limiter=FAST, on_progress=seen.append)
    assert caught.value.field == "calendar_id"
    assert seen == []
    assert emu.stats.requests("subscribeCalendar") == 0


@both
@pytest.mark.parametrize(
    ("option", "refused"),
    [
        ({"concurrency": 0}, ConfigurationError),
        ({"concurrency": "8"}, ConfigurationError),
        ({"time_limit": -1}, ConfigurationError),
        ({"per_minute_retries": -1}, ConfigurationError),
        ({"user_ids": "bob"}, ValidationError),  # one str would be subscribed as users "b" and "o"
        ({"user_ids": None}, ValidationError),
    ],
    ids=repr,
)
def test_a_job_option_that_cannot_work_refuses_the_job_naming_it_before_anything_is_sent(
    emu: Emulator, kind: str, option: dict[str, Any], refused: type[Exception]
) -> None:
    arguments: dict[str, Any] = {"user_ids": USERS[:5], "rate_limiter": FAST, **option}
    with open_client(kind, emu) as client, pytest.raises(refused, match=next(iter(option))):
        client.bulk_subscribe("cal-1", **arguments)
    assert emu.stats.requests("subscribeCalendar") == 0


def test_a_job_is_cancelled_from_python_with_a_stop_event(emu: Emulator) -> None:
    stop = threading.Event()

    def stop_after_three(progress: Progress) -> None:
        if progress.settled == 3:
            stop.set()

    with make_client(emu) as client:
        calendar = client.create("owner", name="Stoppable", scope=Scope(organisations=["ding-big"])).calendar_id
        result = client.bulk_subscribe(
            calendar, USERS[:10], concurrency=1, rate_limiter=FAST, on_progress=stop_after_three, stop=stop
        )
    assert_partition(result, USERS[:10])
    assert result.done == tuple(USERS[:3])
    assert result.not_attempted == tuple(USERS[3:10])
    assert result.cancelled
    assert result.summary().endswith("; cancelled")
    assert emu.stats.requests("subscribeCalendar") == 3


def test_an_async_job_is_cancelled_with_an_asyncio_event(emu: Emulator) -> None:
    app = emu.internal_app

    async def scenario() -> BulkResult:
        stop = asyncio.Event()

        async def stop_after_two(progress: Progress) -> None:
            if progress.settled == 2:
                stop.set()

        creds = InternalAppCredentials(app.app_key, app.app_secret)
        async with AsyncCalendarClient(creds, base_url=emu.url, retry_policy=FAST_RETRIES) as client:
            made = await client.create("owner", name="Async stop", scope=Scope(organisations=["ding-big"]))
            return await client.bulk_subscribe(
                made.calendar_id, USERS[:10], concurrency=1, rate_limiter=FAST, on_progress=stop_after_two, stop=stop
            )

    result = asyncio.run(scenario())
    assert result.done == tuple(USERS[:2])
    assert result.not_attempted == tuple(USERS[2:10])
    assert result.cancelled


class QuotaSpent(DingTalkError):
    ends_bulk_job = True  # as the monthly quota or the IP allowlist: no other user can succeed


def test_an_error_whose_class_ends_bulk_jobs_stops_the_job_and_says_so() -> None:
    calls: list[str] = []

    def call(user_id: str, calendar_id: str) -> Result:
        calls.append(user_id)
        if user_id == "u2":
            raise QuotaSpent("quota spent")
        return Result(True)

    users = [f"u{n}" for n in range(6)]
    result = bulk_run(call, "cal", users, concurrency=1, rate_limiter=FAST)
    assert calls == ["u0", "u1", "u2"]
    assert result.done == ("u0", "u1")
    assert [f.user_id for f in result.failed] == ["u2"]
    assert result.not_attempted == ("u3", "u4", "u5")
    assert isinstance(result.stopped_by, QuotaSpent)
    assert result.summary().endswith("; stopped by: quota spent")
    assert not DingTalkError.ends_bulk_job


def test_bad_credentials_end_the_job(emu: Emulator) -> None:
    with CalendarClient(InternalAppCredentials(emu.internal_app.app_key, "wrong!"), base_url=emu.url) as client:
        result = client.bulk_subscribe("cal-1", USERS[:10], concurrency=1, rate_limiter=FAST)
    assert isinstance(result.stopped_by, InvalidCredentialsError)
    assert len(result.failed) == 1
    assert result.not_attempted == tuple(USERS[1:10])


def test_a_failing_progress_callback_ends_the_job_with_its_result(emu: Emulator) -> None:
    def full_disk(progress: Progress) -> None:
        if progress.settled == 2:
            raise OSError(28, "No space left on device")

    with make_client(emu) as client:
        calendar = client.create("owner", name="Journal", scope=Scope(organisations=["ding-big"])).calendar_id
        with pytest.raises(BulkJobError) as caught:
            client.bulk_subscribe(calendar, USERS[:10], concurrency=1, rate_limiter=FAST, on_progress=full_disk)
    result = caught.value.result
    assert_partition(result, USERS[:10])
    assert result.done == tuple(USERS[:2])  # the second user's call was made: it is done, and said so
    assert result.not_attempted == tuple(USERS[2:10])
    assert isinstance(caught.value.__cause__, OSError)
    assert set(emu.state.subscribers(calendar)) == set(result.done)


def test_ctrl_c_during_a_sync_job_raises_with_its_result(emu: Emulator) -> None:
    interrupted = threading.Event()

    def on_sigint(signum: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    def ctrl_c(progress: Progress) -> None:
        if progress.settled == 2:
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
            interrupted.wait(60)  # the job cannot finish before the main thread has been interrupted

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        with make_client(emu) as client:
            calendar = client.create("owner", name="Ctrl-C", scope=Scope(organisations=["ding-big"])).calendar_id
            with pytest.raises(BulkJobInterrupted) as caught:
                client.bulk_subscribe(calendar, USERS[:30], concurrency=1, rate_limiter=FAST, on_progress=ctrl_c)
    finally:
        signal.signal(signal.SIGINT, previous)
    result = caught.value.result
    assert_partition(result, USERS[:30])
    assert len(result.done) >= 2  # the worker may settle one more before it sees the interrupt
    assert result.not_attempted
    assert set(emu.state.subscribers(calendar)) == set(result.done)


@contextmanager
def open_fixed_client(kind: str, url: str) -> Iterator[Any]:
    """A client of either kind with a fixed token, on a server that is not the emulator."""
    if kind == "sync":
        with CalendarClient("a-fixed-token", base_url=url, retry_policy=FAST_RETRIES) as client:
            yield client
        return
    with asyncio.Runner() as runner:
        async_client = AsyncCalendarClient("a-fixed-token", base_url=url, retry_policy=FAST_RETRIES)
        try:
            yield Blocking(async_client, runner)
        finally:
            runner.run(async_client.aclose())


# -- the command line's bulk job -------------------------------------------------------------


def cli(emu: Emulator, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``dingtalk-calendar argv`` in this process, on the emulator's internal app: (exit code, stdout, stderr)."""
    app = emu.internal_app
    env = {"DINGTALK_BASE_URL": emu.url, "DINGTALK_APP_KEY": app.app_key, "DINGTALK_APP_SECRET": app.app_secret}
    code = main(list(argv), environ=env)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_an_unsendable_id_is_one_failure_and_resume_converges(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    users = tmp_path / "users.txt"
    users.write_text("\n".join([*USERS[:3], OVER_LONG, *USERS[3:5]]) + "\n", encoding="utf-8")
    journal = str(tmp_path / "job.jsonl")
    code, out, _ = cli(emu, capsys, "--quiet", "create", "owner", "--name", "CLI", "--org", "ding-big")
    assert code == 0
    calendar = out.strip()

    code, out, err = cli(emu, capsys, "--json", "bulk-subscribe", calendar, str(users), "--journal", journal)
    assert code == 4  # finished, one user failed
    assert "unexpected" not in err
    document = json.loads(out)
    assert sorted(document["done"]) == sorted(USERS[:5])
    assert [f["user_id"] for f in document["failed"]] == [OVER_LONG]

    calls = emu.stats.requests("subscribeCalendar")
    code, out, err = cli(emu, capsys, "--json", "bulk-subscribe", calendar, str(users), "--resume", journal)
    assert code == 4
    assert "unexpected" not in err
    document = json.loads(out)
    assert sorted(document["already_done"]) == sorted(USERS[:5])
    assert [f["user_id"] for f in document["failed"]] == [OVER_LONG]
    assert emu.stats.requests("subscribeCalendar") == calls  # the done users are not called again


def test_cli_a_blank_calendar_id_is_a_usage_error_and_nothing_is_sent(
    emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    users = tmp_path / "users.txt"
    users.write_text("\n".join(USERS[:50]) + "\n", encoding="utf-8")
    journal = tmp_path / "job.jsonl"
    code, _, err = cli(emu, capsys, "bulk-subscribe", " ", str(users), "--journal", str(journal))
    assert code == 2
    assert "calendar_id" in err
    assert emu.stats.requests("subscribeCalendar") == 0
    assert journal.read_text() == ""


# -- the README's promises: concurrency and the default rate ---------------------------------


def test_calls_go_out_concurrency_at_a_time() -> None:
    concurrency = 4
    # Every call waits until `concurrency` are under way: it passes only if that many run at
    # once (the timeout only turns a hang into a failure), and the count shows no more do.
    together = threading.Barrier(concurrency, timeout=60)
    lock = threading.Lock()
    in_flight = most_in_flight = 0

    def call(user_id: str, calendar_id: str) -> Result:
        nonlocal in_flight, most_in_flight
        with lock:
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)
        together.wait()
        with lock:
            in_flight -= 1
        return Result(True)

    users = [f"u{n}" for n in range(3 * concurrency)]
    result = bulk_run(call, "cal", users, concurrency=concurrency, rate_limiter=FAST)
    assert result.ok
    assert most_in_flight == concurrency


def test_the_default_rate_is_the_readmes() -> None:
    # "19 calls a second by default; DingTalk allows about 20 per app and API"
    assert RateLimit().rate == DEFAULT_BULK_RATE == 19


def test_a_bug_that_fails_every_user_alike_stops_the_job() -> None:
    def broken(user_id: str, calendar_id: str) -> Result:
        raise RuntimeError("a bug")

    users = [f"u{n}" for n in range(10)]
    result = bulk_run(broken, "cal", users, concurrency=1, rate_limiter=FAST)
    assert [f.user_id for f in result.failed] == users[:SAME_ERROR_LIMIT]
    assert all(isinstance(f.error.__cause__, RuntimeError) for f in result.failed)
    assert isinstance(result.stopped_by, UnexpectedError)
    assert result.not_attempted == tuple(users[SAME_ERROR_LIMIT:])


def test_the_errors_that_end_a_bulk_job_are_the_readmes() -> None:
    ending = [AuthenticationError, InvalidCredentialsError, RefreshTokenInvalidError, AccessTokenPermissionDeniedError]
    assert [cls.ends_bulk_job for cls in ending] == [True] * len(ending)
    assert [cls.ends_bulk_job for cls in (RateLimitError, ServerError, ValidationError)] == [False] * 3
