"""Every throttle and quota of DingTalk's pages, end to end: the emulator answers it over a
real socket, both clients raise its class, the retry layer waits (or not) as the pages say,
and a bulk job stops where going on is pointless.

Pages: zh/how-to-process-api-throttling-on-the-dingtalk-server.md, zh/server-api-error-codes-1.md.
"""

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from dingtalk_calendar import (
    AsyncCalendarClient,
    BulkResult,
    CalendarClient,
    DingTalkError,
    EgressIpBannedError,
    EnterpriseAppCredentials,
    InternalAppCredentials,
    IpNotAllowedError,
    PerMinuteRateLimitError,
    Progress,
    QuotaExceededError,
    RateLimit,
    RateLimitError,
    RetryPolicy,
    Scope,
    SystemBusyError,
    abulk_run,
    bulk_run,
)
from dingtalk_calendar._bulk.user_call import PER_MINUTE_RETRIES, pause_for
from dingtalk_calendar._retry.policy import AttemptFailure, decide
from dingtalk_calendar_emulator import Emulator

GET = "getSubscribedCalendar"
# Per-second throttling is retried; a zero wait keeps the test from sleeping.
QUICK = RetryPolicy(max_retries=2, throttle_wait=0.0, jitter=0.0)
UNPACED = RateLimit(rate=10_000, burst=100)

Getter = Callable[[Emulator, RetryPolicy], DingTalkError]


def _sync_get(emu: Emulator, policy: RetryPolicy) -> DingTalkError:
    app = emu.internal_app
    with CalendarClient(
        InternalAppCredentials(app.app_key, app.app_secret), base_url=emu.url, retry_policy=policy
    ) as client:
        calendar_id = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"])).calendar_id
        emu.stats.reset()
        with pytest.raises(DingTalkError) as caught:
            client.get("alice", calendar_id)
    return caught.value


def _async_get(emu: Emulator, policy: RetryPolicy) -> DingTalkError:
    async def run() -> DingTalkError:
        app = emu.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        async with AsyncCalendarClient(credentials, base_url=emu.url, retry_policy=policy) as client:
            calendar_id = (
                await client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
            ).calendar_id
            emu.stats.reset()
            with pytest.raises(DingTalkError) as caught:
                await client.get("alice", calendar_id)
        return caught.value

    return asyncio.run(run())


@pytest.fixture(params=[_sync_get, _async_get], ids=["sync", "async"])
def get_failing(request: pytest.FixtureRequest) -> Getter:
    getter: Getter = request.param
    return getter


@pytest.fixture
def emu(dingtalk_emulator: Emulator) -> Emulator:
    return dingtalk_emulator


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("throttle", RateLimitError),  # QpsLimitForAppkeyAndApi
        ("throttle_api", RateLimitError),  # QpsLimitForApi
        ("throttle_suite", RateLimitError),  # QpsLimitForSuitekeyAndOrgAndApi
        ("busy", SystemBusyError),  # 429 system.busy
        ("busy_camel", SystemBusyError),  # 429 systemBusy
    ],
)
def test_per_second_throttling_is_retried_about_a_second_later(
    emu: Emulator, get_failing: Getter, kind: str, cls: type[DingTalkError]
) -> None:
    emu.faults.next(kind, count=5, operation=GET)
    error = get_failing(emu, QUICK)
    assert type(error) is cls
    assert isinstance(error, RateLimitError)
    assert error.attempts == 3  # the first and both retries
    assert emu.stats.requests(GET) == 3
    assert not error.ends_bulk_job


@pytest.mark.parametrize("kind", ["qpm", "qpm_suite"])
def test_a_per_minute_limit_is_not_retried_a_second_later(emu: Emulator, get_failing: Getter, kind: str) -> None:
    emu.faults.next(kind, count=5, operation=GET)
    error = get_failing(emu, RetryPolicy())  # the defaults: a minute's wait does not fit max_elapsed
    assert type(error) is PerMinuteRateLimitError
    assert error.attempts == 1
    assert emu.stats.requests(GET) == 1
    assert "next minute" in str(error)


def test_a_per_minute_limit_waits_a_minute_when_the_policy_allows() -> None:
    policy = RetryPolicy(max_elapsed=None, jitter=0.0)
    minute = decide(policy, AttemptFailure.THROTTLED_PER_MINUTE, idempotent=True, attempts=1, elapsed=0.0)
    second = decide(policy, AttemptFailure.THROTTLED, idempotent=True, attempts=1, elapsed=0.0)
    assert (minute.retry, minute.wait) == (True, 60.0)
    assert (second.retry, second.wait) == (True, 1.0)
    # Even a create is retried: DingTalk refused to act.
    assert decide(policy, AttemptFailure.THROTTLED_PER_MINUTE, idempotent=False, attempts=1, elapsed=0.0).retry


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_the_emulators_per_minute_quota_raises_without_a_retry(emu: Emulator, sync: bool) -> None:
    emu.qpm_limit = 0  # every calendar call of this minute is over the quota (token requests are not)
    app = emu.internal_app
    credentials = InternalAppCredentials(app.app_key, app.app_secret)
    if sync:
        with CalendarClient(credentials, base_url=emu.url) as client, pytest.raises(DingTalkError) as caught:
            client.get("alice", "any")
    else:

        async def run() -> None:
            async with AsyncCalendarClient(credentials, base_url=emu.url) as client:
                await client.get("alice", "any")

        with pytest.raises(DingTalkError) as caught:
            asyncio.run(run())
    error = caught.value
    assert type(error) is PerMinuteRateLimitError
    assert error.raw_code == "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi"
    assert error.attempts == 1
    assert emu.stats.requests(GET) == 1


@pytest.mark.parametrize(
    ("kind", "cls", "words"),
    [
        ("quota", QuotaExceededError, "monthly API quota is used up"),
        ("ip_not_allowed", IpNotAllowedError, "not on the app's IP allowlist"),
        ("ip_ban", EgressIpBannedError, "banned this egress IP for about 5 minutes"),
    ],
)
def test_pointless_retries_are_not_made_and_the_error_says_why(
    emu: Emulator, get_failing: Getter, kind: str, cls: type[DingTalkError], words: str
) -> None:
    emu.faults.next(kind, count=5, operation=GET)
    error = get_failing(emu, QUICK)
    assert type(error) is cls
    assert error.attempts == 1  # type: ignore[attr-defined]
    assert emu.stats.requests(GET) == 1
    assert error.ends_bulk_job
    assert words in str(error)


def test_the_ban_page_gives_the_ban(emu: Emulator, get_failing: Getter) -> None:
    emu.faults.next("ip_ban", operation=GET)
    error = get_failing(emu, QUICK)
    assert isinstance(error, EgressIpBannedError)
    assert error.ban_seconds == 300.0
    assert error.status_code == 403


def test_the_monthly_quota_says_when_it_resets_only_when_dingtalk_does() -> None:
    import httpx

    silent = QuotaExceededError(status_code=403, raw_code="Forbidden.AccessDenied.ApiCountLimitForOrg")
    assert silent.resets_in is None
    assert "did not say when it resets" in str(silent)
    told = QuotaExceededError(status_code=403, headers=httpx.Headers({"retry-after": "3600"}))
    assert told.resets_in == 3600.0
    assert "resets in 3600 s" in str(told)


def test_the_emulators_monthly_quota_counts_one_organisation(emu: Emulator) -> None:
    emu.monthly_quota = 1
    app = emu.internal_app
    with CalendarClient(InternalAppCredentials(app.app_key, app.app_secret), base_url=emu.url) as client:
        client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
        with pytest.raises(QuotaExceededError):
            client.create("alice", name="Again", scope=Scope(organisations=["ding-acme"]))
        # A corp token of another organisation has its own month.
    suite = emu.enterprise_app
    credentials = EnterpriseAppCredentials(suite.suite_key, suite.suite_secret, "ding-globex", suite.suite_ticket)
    with CalendarClient(credentials, base_url=emu.url) as client:
        assert client.create("dave", name="Theirs", scope=Scope(organisations=["ding-globex"])).calendar_id


def test_per_suite_and_organisation_limits_are_separate(emu: Emulator) -> None:
    emu.qps_limit = 1
    suite = emu.enterprise_app
    errors: dict[str, Any] = {}
    for corp, user in (("ding-acme", "alice"), ("ding-globex", "dave")):
        token = emu.issue_token(suite, corp_id=corp)  # the token endpoint has a per-second quota of its own
        with CalendarClient(token, base_url=emu.url, max_retries=0) as client:
            client.create(user, name="Team", scope=Scope(organisations=[corp]))  # each organisation's first call passes
            with pytest.raises(RateLimitError) as caught:
                client.create(user, name="Again", scope=Scope(organisations=[corp]))
            errors[corp] = caught.value.raw_code
    assert set(errors.values()) == {"Forbidden.AccessDenied.QpsLimitForSuitekeyAndOrgAndApi"}


@pytest.mark.parametrize("kind", ["quota", "ip_not_allowed", "ip_ban"])
def test_a_bulk_job_stops_at_an_error_no_retry_gets_past(emu: Emulator, kind: str) -> None:
    app = emu.internal_app
    with CalendarClient(InternalAppCredentials(app.app_key, app.app_secret), base_url=emu.url) as client:
        calendar_id = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"])).calendar_id
        emu.faults.next(kind, count=100, operation="subscribeCalendar")
        result = client.bulk_subscribe(calendar_id, ["bob", "carol", "alice"], concurrency=1)
    assert result.stopped_by is not None
    assert result.stopped_by.ends_bulk_job
    assert [f.user_id for f in result.failed] == ["bob"]
    assert result.not_attempted == ("carol", "alice")
    assert emu.stats.requests("subscribeCalendar") == 1


def test_an_async_bulk_job_stops_too(emu: Emulator) -> None:
    async def run() -> Any:
        app = emu.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        async with AsyncCalendarClient(credentials, base_url=emu.url) as client:
            calendar_id = (
                await client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
            ).calendar_id
            emu.faults.next("quota", count=100, operation="subscribeCalendar")
            return await client.bulk_subscribe(calendar_id, ["bob", "carol", "alice"], concurrency=1)

    result = asyncio.run(run())
    assert isinstance(result.stopped_by, QuotaExceededError)
    assert result.not_attempted == ("carol", "alice")
    assert "monthly API quota" in result.summary()


def test_in_a_bulk_job_throttled_users_are_retried_and_a_per_minute_refusal_is_that_users_failure(
    emu: Emulator,
) -> None:
    app = emu.internal_app
    credentials = InternalAppCredentials(app.app_key, app.app_secret)
    with CalendarClient(credentials, base_url=emu.url, retry_policy=QUICK) as client:
        calendar_id = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"])).calendar_id
        emu.faults.next("throttle", count=2, operation="subscribeCalendar")  # bob's first two attempts

        def after(progress: Progress) -> None:
            if progress.user_id == "bob":  # then carol's one attempt: per minute, not retried
                emu.faults.next("qpm", operation="subscribeCalendar")

        result = client.bulk_subscribe(
            calendar_id, ["bob", "carol", "alice"], concurrency=1, on_progress=after, per_minute_retries=0
        )
    assert result.done == ("bob", "alice")
    (failure,) = result.failed
    assert failure.user_id == "carol"
    assert type(failure.error) is PerMinuteRateLimitError
    assert failure.code == "Forbidden.AccessDenied.QpmLimitForAppkeyAndApi"
    assert result.stopped_by is None  # a per-minute quota passes; the job goes on


def _bulk_with_pauses(
    emu: Emulator, *, sync: bool, qpm_faults: int, stop: threading.Event | None = None, concurrency: int = 1
) -> tuple[BulkResult, list[str], list[tuple[float, int]]]:
    """Subscribe bob, carol, alice; carol's first ``qpm_faults`` attempts are refused per minute.

    Returns the result, the progress order, and each pause step with the subscribe requests
    the emulator had received when it was slept."""
    app = emu.internal_app
    credentials = InternalAppCredentials(app.app_key, app.app_secret)
    order: list[str] = []
    slept: list[tuple[float, int]] = []
    users = ["bob", "carol", "alice"]

    def after(progress: Progress) -> None:
        order.append(f"{progress.user_id}:{progress.outcome}")
        if progress.user_id == "bob":
            emu.faults.next("qpm", count=qpm_faults, operation="subscribeCalendar")

    def note(seconds: float) -> None:
        slept.append((seconds, emu.stats.requests("subscribeCalendar")))
        if stop is not None:
            stop.set()

    options: dict[str, Any] = {"concurrency": concurrency, "on_progress": after, "stop": stop, "per_minute_wait": 60.0}
    if sync:
        with CalendarClient(credentials, base_url=emu.url, retry_policy=QUICK) as client:
            calendar_id = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"])).calendar_id
            emu.stats.reset()
            result = bulk_run(client.subscribe, calendar_id, users, rate_limiter=UNPACED, sleep=note, **options)
        return result, order, slept

    async def pause(seconds: float) -> None:
        note(seconds)

    async def run() -> BulkResult:
        async with AsyncCalendarClient(credentials, base_url=emu.url, retry_policy=QUICK) as client:
            calendar_id = (
                await client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
            ).calendar_id
            emu.stats.reset()
            return await abulk_run(client.subscribe, calendar_id, users, rate_limiter=UNPACED, sleep=pause, **options)

    return asyncio.run(run()), order, slept


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_per_minute_refusal_pauses_the_bulk_job_then_retries_that_user(emu: Emulator, sync: bool) -> None:
    result, order, slept = _bulk_with_pauses(emu, sync=sync, qpm_faults=1)
    assert result.done == ("bob", "carol", "alice")
    assert not result.failed
    assert not result.not_attempted
    assert order == ["bob:done", "carol:done", "alice:done"]  # carol retried before alice started
    assert sum(seconds for seconds, _ in slept) == pytest.approx(60.0)  # the whole minute, in steps
    assert {seen for _, seen in slept} == {2}  # bob's call and carol's refused one; none during the pause
    assert emu.stats.requests("subscribeCalendar") == 4


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_bulk_job_retries_a_per_minute_refusal_a_bounded_number_of_times(emu: Emulator, sync: bool) -> None:
    result, order, slept = _bulk_with_pauses(emu, sync=sync, qpm_faults=1 + PER_MINUTE_RETRIES)
    assert result.done == ("bob", "alice")  # the job goes on after carol
    (failure,) = result.failed
    assert failure.user_id == "carol"
    assert type(failure.error) is PerMinuteRateLimitError
    assert order == ["bob:done", "carol:failed", "alice:done"]
    assert emu.stats.requests("subscribeCalendar") == 1 + (1 + PER_MINUTE_RETRIES) + 1
    assert sum(seconds for seconds, _ in slept) == pytest.approx(PER_MINUTE_RETRIES * 60.0)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_stop_during_the_per_minute_pause_ends_the_job_at_once(emu: Emulator, sync: bool) -> None:
    stop = threading.Event()  # set by the first pause step
    result, order, slept = _bulk_with_pauses(emu, sync=sync, qpm_faults=1, stop=stop)
    assert result.cancelled
    assert result.done == ("bob",)
    assert result.not_attempted == ("carol", "alice")  # carol's refused call did nothing: to retry
    assert order == ["bob:done"]
    assert len(slept) == 1  # the rest of the minute is not slept
    assert emu.stats.requests("subscribeCalendar") == 2


def test_the_pause_is_dingtalks_retry_after_when_it_sends_one() -> None:
    error = PerMinuteRateLimitError.__new__(PerMinuteRateLimitError)
    error.headers = httpx.Headers({"Retry-After": "7"})
    assert pause_for(error, 60.0) == 7.0
    error.headers = httpx.Headers()
    assert pause_for(error, 60.0) == 60.0


def test_reset_forgets_what_the_quotas_counted(emu: Emulator) -> None:
    emu.monthly_quota = 1
    token = emu.issue_token()
    with CalendarClient(token, base_url=emu.url) as client:
        client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
        with pytest.raises(QuotaExceededError):
            client.create("alice", name="Again", scope=Scope(organisations=["ding-acme"]))
        emu.reset()
    with CalendarClient(emu.issue_token(), base_url=emu.url) as client:
        assert client.create("alice", name="Next month", scope=Scope(organisations=["ding-acme"])).calendar_id
    assert emu.monthly_quota == 1  # the setting stays
