"""Fleet jobs on real Celery worker processes, a Redis broker on 127.0.0.1, and the emulator.

Nothing here times anything: each test waits for the job's ledger to settle (with a
generous bound) and then counts, in the emulator's own state, what DingTalk saw.
"""

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

from dingtalk_calendar.fleet import FleetSettings, OrgBudget
from dingtalk_calendar.fleet._world import Worker, directory_data, make_calendars, user_ids, worker_environment
from dingtalk_calendar.fleet.celery import RECOMMENDED_CONFIG, FleetJob, FleetTasks
from dingtalk_calendar_emulator import Directory, Emulator
from dingtalk_calendar_emulator.fleet import Fleet, OrgQuota
from tests.redis_server import RedisServer

pytestmark = pytest.mark.timeout(400)

SETTLE_BOUND = 240.0  # seconds: a loaded machine is slow, not wrong
UNLIMITED = OrgQuota(per_second=None, monthly=None)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with RedisServer() as server:
        yield server.url


class FleetWorld:
    """An emulator with these organisations, a submitter, and the workers a test starts."""

    def __init__(self, redis_url: str, emu: Emulator, sizes: dict[str, int], logs: Path) -> None:
        self.emu = emu
        self.sizes = sizes
        app = emu.enterprise_app
        self.credentials = {
            "suite_key": app.suite_key,
            "suite_secret": app.suite_secret,
            "suite_ticket": app.suite_ticket,
        }
        self.environment = worker_environment(
            redis_url=redis_url,
            base_url=emu.url,
            **self.credentials,
            DINGTALK_FLEET_TIMEOUT="15",
            DINGTALK_FLEET_LEASE="20",
            DINGTALK_FLEET_VISIBILITY_TIMEOUT="5",
            DINGTALK_FLEET_ANSWERED_DEFERRALS="2",
        )
        settings = FleetSettings(
            redis_url=redis_url,
            base_url=emu.url,
            suite_key=app.suite_key,
            suite_secret=app.suite_secret,
            suite_ticket=app.suite_ticket,
        )
        celery_app = Celery("fleet-test-submitter", broker=redis_url)
        celery_app.conf.update(RECOMMENDED_CONFIG)
        self.tasks = FleetTasks(celery_app, settings)
        self.tasks.bench().redis.flushdb()  # a fresh broker, ledger and budgets for each test
        self.redis_url = redis_url
        self.logs = logs
        self.workers: list[Worker] = []

    @property
    def fleet(self) -> Fleet:
        assert self.emu.fleet is not None
        return self.emu.fleet

    def calendars(self) -> dict[str, str]:
        return make_calendars(self.emu.url, self.redis_url, self.credentials, self.sizes)

    def work(self, calendars: dict[str, str]) -> dict[str, tuple[str, list[str]]]:
        return {corp: (calendars[corp], user_ids(corp, size)) for corp, size in self.sizes.items()}

    def start_worker(self, concurrency: int = 4) -> Worker:
        name = f"worker{len(self.workers) + 1}"
        worker = Worker(self.environment, name, self.logs / f"{name}.log", concurrency=concurrency)
        self.workers.append(worker)
        return worker

    def wait(self, job: FleetJob) -> None:
        try:
            job.wait(SETTLE_BOUND, poll=0.2)
        except TimeoutError:
            logs = "\n".join(f"--- {w.name}\n{w.log.read_text()[-3000:]}" for w in self.workers)
            raise AssertionError(f"the job did not settle; worker logs:\n{logs}") from None

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.tasks.bench().close()


def fleet_world(
    redis_url: str, tmp_path: Path, sizes: dict[str, int], quotas: dict[str, OrgQuota]
) -> tuple[Emulator, FleetWorld]:
    fleet = Fleet(quotas)
    emu = Emulator(fleet=fleet, directory=Directory.from_dict(directory_data(sizes)), qps_limit=None)
    emu.start()
    world = FleetWorld(redis_url, emu, sizes, tmp_path)
    return emu, world


@pytest.fixture
def make_world(redis_url: str, tmp_path: Path) -> Iterator[Any]:
    made: list[tuple[Emulator, FleetWorld]] = []

    def make(sizes: dict[str, int], quotas: dict[str, OrgQuota] | None = None) -> FleetWorld:
        emu, world = fleet_world(redis_url, tmp_path, sizes, quotas or dict.fromkeys(sizes, UNLIMITED))
        made.append((emu, world))
        return world

    yield make
    for emu, world in made:
        world.stop()
        emu.stop()


def test_a_worker_killed_mid_task_loses_nothing_and_duplicates_nothing(make_world: Any) -> None:
    world = make_world({"ding-a": 30, "ding-b": 20, "ding-c": 10})
    calendars = world.calendars()
    # The first subscribe call hangs in the emulator: its worker is mid-task, mid-call, when killed.
    # The next worker takes the dead one's unit at once (its lease died with it), reads the
    # user's calendars since the call went out unanswered, and subscribes the user.
    world.emu.faults.next("latency:600", operation="subscribeCalendar")
    job = world.tasks.submit("kill-1", "subscribe", world.work(calendars))
    first = world.start_worker(concurrency=1)
    while world.emu.faults.pending:  # the hanging call has reached the emulator
        assert first.process.poll() is None, first.log.read_text()
        job.progress()  # a Redis round trip between looks, not a sleep
    first.kill()
    world.start_worker()
    world.wait(job)

    accounting = job.accounting()
    assert (accounting.progress.done, accounting.progress.failed, accounting.progress.deferred) == (60, 0, 0)
    state = world.emu.state
    for corp, size in world.sizes.items():
        assert sorted(state.subscribers(calendars[corp])) == user_ids(corp, size)  # lost: none
        counts = world.fleet.counts(corp)
        assert (counts.subscribed, counts.duplicate_subscribes) == (size, 0)  # duplicated: none
    assert world.emu.stats.requests("listCalendars") == 1  # the unit whose call went out unanswered


def test_an_organisation_hitting_its_monthly_quota_stops_alone(make_world: Any) -> None:
    sizes = {"ding-budget": 12, "ding-quota": 12, "ding-free": 12}
    # ding-quota: DingTalk allows 6 calls this month (one makes its calendar); our budget does not know.
    quotas = {**dict.fromkeys(sizes, UNLIMITED), "ding-quota": OrgQuota(per_second=None, monthly=6)}
    world = make_world(sizes, quotas)
    calendars = world.calendars()
    world.tasks.bench().budgets.set("ding-budget", OrgBudget(per_second=1000, monthly=5))  # our own budget: 5
    job = world.tasks.submit("month-1", "subscribe", world.work(calendars))
    world.start_worker()
    world.wait(job)

    accounting = job.accounting()
    assert accounting.organisations["ding-budget"] == {"total": 12, "done": 5, "failed": 0, "deferred": 7}
    assert accounting.organisations["ding-quota"] == {"total": 12, "done": 5, "failed": 0, "deferred": 7}
    assert accounting.organisations["ding-free"] == {"total": 12, "done": 12, "failed": 0, "deferred": 0}
    assert accounting.deferrals == {"monthly_quota": 14}
    assert world.fleet.counts("ding-budget").subscribed == 5
    assert world.fleet.counts("ding-budget").monthly_refusals == 0  # our budget stopped it before DingTalk had to
    assert world.fleet.counts("ding-quota").subscribed == 5
    assert world.fleet.counts("ding-quota").monthly_refusals >= 1
    assert world.fleet.counts("ding-free").subscribed == 12


def test_two_fleet_jobs_at_once_share_each_organisations_budget(make_world: Any) -> None:
    world = make_world({"ding-shared": 10, "ding-other": 10})
    first_calendars, second_calendars = world.calendars(), world.calendars()
    world.tasks.bench().budgets.set("ding-shared", OrgBudget(per_second=1000, monthly=15))
    first = world.tasks.submit("share-1", "subscribe", world.work(first_calendars))
    second = world.tasks.submit("share-2", "subscribe", world.work(second_calendars))
    world.start_worker()
    world.start_worker()
    world.wait(first)
    world.wait(second)

    shared = [job.accounting().organisations["ding-shared"] for job in (first, second)]
    assert sum(org["done"] for org in shared) == 15
    assert sum(org["deferred"] for org in shared) == 5
    assert world.fleet.counts("ding-shared").subscribed == 15
    assert world.fleet.counts("ding-shared").accepted == 2 + 15  # two calendars made, fifteen subscriptions
    assert [job.accounting().organisations["ding-other"]["done"] for job in (first, second)] == [10, 10]


def test_a_unit_dingtalk_keeps_turning_away_fails_with_the_last_answer(make_world: Any) -> None:
    world = make_world({"ding-down": 2, "ding-up": 3})
    calendars = world.calendars()
    world.emu.faults.next("503", count=1000, operation="subscribeCalendar")
    job = world.tasks.submit("down-1", "subscribe", {"ding-down": (calendars["ding-down"], user_ids("ding-down", 2))})
    world.start_worker()
    world.wait(job)

    accounting = job.accounting()
    assert accounting.organisations["ding-down"] == {"total": 2, "done": 0, "failed": 2, "deferred": 0}
    assert accounting.failures == {"ServerError:ServiceUnavailable": 2}
    assert world.emu.stats.requests("subscribeCalendar") == 2 * 3  # each tried once, then deferred twice


def test_an_organisation_whose_messages_the_broker_lost_is_sent_again(make_world: Any) -> None:
    world = make_world({"ding-lost": 25, "ding-kept": 5})
    calendars = world.calendars()
    job = world.tasks.submit("repair-1", "subscribe", world.work(calendars))
    # Every message of the job vanishes before a worker takes it, as one popped by a worker
    # killed before it recorded it as unacknowledged does with Celery's Redis transport.
    world.tasks.bench().redis.delete("dingtalk-fleet")
    world.start_worker()
    assert job.wait(SETTLE_BOUND, poll=0.2, repair_after=1.0).done == 30

    state = world.emu.state
    for corp, size in world.sizes.items():
        assert sorted(state.subscribers(calendars[corp])) == user_ids(corp, size)
        assert world.fleet.counts(corp).duplicate_subscribes == 0


def test_a_larger_organisation_gets_more_chains_and_no_message_names_a_user(make_world: Any) -> None:
    world = make_world({"ding-small": 10, "ding-large": 400})
    calendars = world.calendars()
    job = world.tasks.submit("chains-1", "subscribe", world.work(calendars))
    messages = [json.loads(m) for m in world.tasks.bench().redis.lrange("dingtalk-fleet", 0, -1)]
    # 41 batches over two organisations: about max_chains (6) chains each, of 4 batches; the
    # large organisation's 40 batches get 10 chains (its budget, 19 a second, allows 19), the
    # small one's single batch one.
    assert Counter(m["headers"]["argsrepr"].split()[0].strip("(") for m in messages) == {
        "ding-small": 1,
        "ding-large": 10,
    }
    assert not any("-u0" in json.dumps(m["headers"]) for m in messages)  # Celery's monitors see no user id
    world.start_worker()
    world.wait(job)

    state = world.emu.state
    for corp, size in world.sizes.items():
        assert sorted(state.subscribers(calendars[corp])) == user_ids(corp, size)
        assert world.fleet.counts(corp).duplicate_subscribes == 0
