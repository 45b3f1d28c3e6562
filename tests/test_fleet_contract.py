"""The fleet's work contract without an engine: carry_out against the emulator and a real Redis."""

import time
from collections.abc import Iterator

import pytest

from dingtalk_calendar.fleet import AlreadyDone, Deferred, Done, Failed, FleetSettings, OrgBudget, Workbench, WorkUnit
from dingtalk_calendar.fleet import carry_out as carry_out_unit
from dingtalk_calendar.fleet._world import directory_data, make_calendars, user_ids
from dingtalk_calendar_emulator import Directory, Emulator
from dingtalk_calendar_emulator.apps import EnterpriseApp
from dingtalk_calendar_emulator.fleet import Fleet, OrgQuota
from tests.redis_server import RedisServer

SIZES = {"ding-small": 3, "ding-big": 6}


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with RedisServer() as server:
        yield server.url


@pytest.fixture
def world(redis_url: str) -> Iterator[tuple[Emulator, Workbench, dict[str, str]]]:
    fleet = Fleet({corp: OrgQuota(per_second=None, monthly=None) for corp in SIZES})
    with Emulator(fleet=fleet, directory=Directory.from_dict(directory_data(SIZES))) as emu:
        app = emu.enterprise_app
        credentials = {"suite_key": app.suite_key, "suite_secret": app.suite_secret, "suite_ticket": app.suite_ticket}
        calendars = make_calendars(emu.url, redis_url, credentials, SIZES)
        # Pacing is not what most of these tests are about: a budget no test can reach in time.
        unpaced = OrgBudget(per_second=1e6, monthly=None)
        settings = FleetSettings(
            redis_url=redis_url,
            base_url=emu.url,
            suite_key=app.suite_key,
            suite_secret=app.suite_secret,
            suite_ticket=app.suite_ticket,
            lease_seconds=5,
            budget=unpaced,
        )
        bench = Workbench(settings)
        bench.redis.flushdb()  # each test its own budgets and ledger (tokens are fetched again)
        try:
            yield emu, bench, calendars
        finally:
            bench.close()


def unit(calendars: dict[str, str], corp: str, n: int, job: str = "job-1") -> WorkUnit:
    return WorkUnit(job, "subscribe", corp, calendars[corp], user_ids(corp, SIZES[corp])[n])


def test_a_unit_run_twice_calls_dingtalk_once(world: tuple[Emulator, Workbench, dict[str, str]]) -> None:
    emu, bench, calendars = world
    work = unit(calendars, "ding-small", 1)
    assert carry_out_unit(work, bench) == Done()
    assert carry_out_unit(work, bench) == AlreadyDone()
    assert emu.fleet is not None
    counts = emu.fleet.counts("ding-small")
    assert (counts.subscribed, counts.duplicate_subscribes) == (1, 0)
    assert bench.ledger.outcome("job-1", "ding-small", work.user_id) == "done"


def test_a_unit_another_worker_holds_is_deferred_not_called(world: tuple[Emulator, Workbench, dict[str, str]]) -> None:
    emu, bench, calendars = world
    work = unit(calendars, "ding-small", 2)
    assert bench.ledger.claim("job-1", "ding-small", work.user_id, 30).taken
    other = Workbench(bench.settings)  # another worker: another lease holder
    try:
        outcome = carry_out_unit(work, other)
    finally:
        other.close()
    assert isinstance(outcome, Deferred)
    assert outcome.reason == "leased"
    assert emu.fleet is not None
    assert emu.fleet.counts("ding-small").subscribed == 0


def test_an_organisation_out_of_budget_defers_until_its_window_has_room(
    world: tuple[Emulator, Workbench, dict[str, str]],
) -> None:
    emu, bench, calendars = world
    bench.budgets.set("ding-big", OrgBudget(per_second=1e6, per_minute=2, monthly=None))
    before = time.time()
    assert carry_out_unit(unit(calendars, "ding-big", 0), bench) == Done()
    assert carry_out_unit(unit(calendars, "ding-big", 1), bench) == Done()
    deferred = carry_out_unit(unit(calendars, "ding-big", 2), bench)
    assert isinstance(deferred, Deferred)
    assert deferred.reason == "budget"
    assert deferred.until > before + 30  # the minute's first call must leave the window first
    assert carry_out_unit(unit(calendars, "ding-small", 0), bench) == Done()  # another organisation's own budget
    assert emu.fleet is not None
    assert emu.fleet.counts("ding-big").subscribed == 2


def test_a_spent_monthly_budget_stops_that_organisation_only(world: tuple[Emulator, Workbench, dict[str, str]]) -> None:
    emu, bench, calendars = world
    bench.budgets.set("ding-big", OrgBudget(per_second=1e6, monthly=2))
    outcomes = [carry_out_unit(unit(calendars, "ding-big", n), bench) for n in range(4)]
    assert outcomes[:2] == [Done(), Done()]
    assert all(isinstance(o, Deferred) and o.reason == "monthly_quota" for o in outcomes[2:])
    assert carry_out_unit(unit(calendars, "ding-small", 0), bench) == Done()
    assert emu.fleet is not None
    assert emu.fleet.counts("ding-big").subscribed == 2


def test_dingtalks_monthly_quota_answer_stops_the_organisation(
    world: tuple[Emulator, Workbench, dict[str, str]],
) -> None:
    emu, bench, calendars = world
    emu.faults.next("quota", operation="subscribeCalendar")
    first = carry_out_unit(unit(calendars, "ding-big", 0), bench)
    assert isinstance(first, Deferred)
    assert first.reason == "monthly_quota"
    second = carry_out_unit(unit(calendars, "ding-big", 1), bench)  # not sent: the organisation is stopped
    assert isinstance(second, Deferred)
    assert second.reason == "monthly_quota"
    assert emu.stats.requests("subscribeCalendar") == 1
    assert carry_out_unit(unit(calendars, "ding-small", 0), bench) == Done()


def test_a_throttled_call_is_deferred_and_a_refused_user_failed(
    world: tuple[Emulator, Workbench, dict[str, str]],
) -> None:
    emu, bench, calendars = world
    emu.faults.next("throttle_suite", operation="subscribeCalendar")
    throttled = carry_out_unit(unit(calendars, "ding-small", 0), bench)
    assert isinstance(throttled, Deferred)
    assert throttled.reason == "throttled"
    assert bench.ledger.outcome("job-1", "ding-small", user_ids("ding-small", 3)[0]) is None
    stranger = WorkUnit("job-1", "subscribe", "ding-small", calendars["ding-small"], "ding-big-u00000")
    failed = carry_out_unit(stranger, bench)
    assert isinstance(failed, Failed)
    assert failed.reason.startswith("PermissionDeniedError")
    assert (bench.ledger.outcome("job-1", "ding-small", "ding-big-u00000") or "").startswith("failed|")


def test_a_call_whose_answer_was_lost_is_read_back_not_sent_again(
    world: tuple[Emulator, Workbench, dict[str, str]],
) -> None:
    emu, bench, calendars = world
    emu.faults.next("drop_after", operation="subscribeCalendar")  # served, then the answer is lost
    work = unit(calendars, "ding-small", 2)  # not user 0: the calendar's author sees it listed anyway
    first = carry_out_unit(work, bench)
    assert isinstance(first, Deferred)
    assert first.reason == "transient"
    assert carry_out_unit(work, bench) == Done()  # the user's calendars show it landed
    assert emu.stats.requests("subscribeCalendar") == 1
    assert emu.stats.requests("listCalendars") == 1
    assert emu.fleet is not None
    assert (emu.fleet.counts("ding-small").subscribed, emu.fleet.counts("ding-small").duplicate_subscribes) == (1, 0)
    assert bench.ledger.counts("job-1")["resolved_by_reading"] == 1


def test_a_lost_answer_whose_call_did_not_land_is_sent_again(
    world: tuple[Emulator, Workbench, dict[str, str]],
) -> None:
    emu, bench, calendars = world
    emu.faults.next("drop", operation="subscribeCalendar")  # lost before DingTalk acted on it
    work = unit(calendars, "ding-small", 1)
    assert isinstance(carry_out_unit(work, bench), Deferred)
    assert carry_out_unit(work, bench) == Done()
    assert emu.stats.requests("subscribeCalendar") == 2
    assert emu.stats.requests("listCalendars") == 1
    assert emu.fleet is not None
    assert (emu.fleet.counts("ding-small").subscribed, emu.fleet.counts("ding-small").duplicate_subscribes) == (1, 0)


def test_a_dead_workers_unit_is_taken_at_once_and_its_landed_call_not_repeated(
    world: tuple[Emulator, Workbench, dict[str, str]],
) -> None:
    emu, bench, calendars = world
    work = unit(calendars, "ding-big", 3)
    dead = Workbench(bench.settings)  # a worker that takes the unit, sends its call, and dies
    assert dead.ledger.claim("job-1", "ding-big", work.user_id, 600).taken
    sent = dead.ledger.sent_mark("job-1", "ding-big", work.user_id)
    assert dead.budgets.admit("ding-big", "subscribeCalendar", sent) == 0.0
    dead.client("ding-big").subscribe(work.user_id, work.calendar_id)
    dead.close()  # its process is gone: its lease (600 s) no longer counts
    assert carry_out_unit(work, bench) == Done()
    assert emu.stats.requests("subscribeCalendar") == 1
    assert emu.fleet is not None
    assert emu.fleet.counts("ding-big").duplicate_subscribes == 0


def test_an_organisation_without_the_app_is_stopped_once(redis_url: str) -> None:
    sizes = {"ding-on": 2, "ding-off": 4}
    suite = EnterpriseApp("fleet-suite", "fleet-secret", "fleet-ticket", authorised_corp_ids=["ding-on"])
    fleet = Fleet({corp: OrgQuota(per_second=None, monthly=None) for corp in sizes})
    with Emulator(fleet=fleet, apps=[suite], directory=Directory.from_dict(directory_data(sizes))) as emu:
        credentials = {"suite_key": "fleet-suite", "suite_secret": "fleet-secret", "suite_ticket": "fleet-ticket"}
        settings = FleetSettings(
            redis_url=redis_url,
            base_url=emu.url,
            suite_key=suite.suite_key,
            suite_secret=suite.suite_secret,
            suite_ticket=suite.suite_ticket,
        )
        bench = Workbench(settings)
        bench.redis.flushdb()
        calendar = make_calendars(emu.url, redis_url, credentials, {"ding-on": 2})["ding-on"]
        try:
            outcomes = [
                carry_out_unit(WorkUnit("job-off", "subscribe", "ding-off", calendar, user), bench)
                for user in user_ids("ding-off", 4)
            ]
            on = carry_out_unit(WorkUnit("job-off", "subscribe", "ding-on", calendar, "ding-on-u00001"), bench)
            assert all(
                isinstance(o, Failed) and o.reason == "InvalidCredentialsError:invalidAuthInfo" for o in outcomes
            )
            assert on == Done()
            assert emu.stats.requests("getCorpAccessToken") == 2  # one for each organisation: ding-off asked once
            assert list(bench.ledger.stopped_organisations("job-off")) == ["ding-off"]
        finally:
            bench.close()
