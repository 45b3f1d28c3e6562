"""Fleet jobs on Celery (the ``celery`` extra).

What Celery gives: workers on any number of hosts, a broker that holds the work,
``acks_late`` (a message is acknowledged once its task has finished, so a worker that dies
mid-task leaves it to be delivered again) with ``reject_on_worker_lost`` (a pool child
that dies requeues its message instead of failing it), and ``retry(countdown=...)`` (a
task re-sent for later, the worker free meanwhile). Celery's own ``rate_limit`` is per
worker, so it cannot keep an organisation's quota across a fleet: that, the ledger and
the fairness are ours (:mod:`dingtalk_calendar.fleet`).

One task, ``dingtalk_calendar.fleet.run_batch``, carries a small batch of one
organisation's units. Fairness: each organisation has a few batches with the engine at a
time (its chains: ``org_concurrency``, 2, or more for an organisation whose per-second
budget one chain of calls in a row cannot fill, one per ``calls_per_chain`` calls a second,
at most ``max_chains``; and a larger one more, so that a job's chains carry about as many
batches each and its organisations finish together, not its largest alone at the end, within
its budget): its batches wait in the ledger, numbered, and batch ``i`` sends
batch ``i + chains`` when it ends. The queue therefore holds a few batches of every
organisation, sent round-robin (every organisation's first batch before any second one),
and a large organisation cannot hold it. A batch whose
organisation has no room in its budget for now is re-sent with a countdown to when it
has, on a queue of its own (``<queue>-later``, which the workers also consume), so it does
not wait behind the whole queue again; a unit deferred past ``horizon`` (the monthly quota)
is parked in the ledger as ``deferred``, for a later ``resume()``.
"""

import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final

from attrs import field, frozen
from celery.exceptions import Retry

from .._errors import ConfigurationError
from ._ledger import KINDS
from ._work import Deferred, Operation, WorkUnit, carry_out, give_up
from ._workbench import FleetSettings, Workbench

TASK_NAME: Final = "dingtalk_calendar.fleet.run_batch"
DEFAULT_QUEUE: Final = "dingtalk-fleet"
DEFAULT_BATCH_SIZE: Final = 10
UNEXPECTED_WAIT: Final = 5.0
"""Seconds before a batch that raised (not a unit's outcome: Redis unreachable, a bug) runs again."""
DEFAULT_ORG_CONCURRENCY: Final = 2
"""Batches of one organisation with the engine at once (at least)."""
DEFAULT_CALLS_PER_CHAIN: Final = 8.0
"""Calls a second one chain of batches makes at worst (a call, its Redis steps, a busy worker):
an organisation gets one chain for each this many calls of its per-second budget."""
DEFAULT_MAX_CHAINS: Final = 6
DEFAULT_REPAIR_AFTER: Final = 180.0
"""Seconds without a settled unit after which ``FleetJob.wait`` sends an organisation's pending units again."""
DEFAULT_HORIZON: Final = 900.0
"""Seconds: a unit deferred further than this is parked rather than held in the broker."""
DEFAULT_ANSWERED_DEFERRALS: Final = 20
"""How many times one unit is deferred on DingTalk's word (throttled, a server or connection
error) before it fails with the last answer; deferrals on our own budget do not count."""

RECOMMENDED_CONFIG: Final[Mapping[str, Any]] = {
    # With late acks, a worker should hold one message ahead per process, not four.
    "worker_prefetch_multiplier": 1,
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
}
"""Celery settings a fleet app should use (``app.conf.update(RECOMMENDED_CONFIG)``)."""


@frozen
class FleetProgress:
    """Where a job stands: units in all, and how many are done, failed, parked (deferred) or still pending."""

    total: int
    done: int
    failed: int
    deferred: int

    @property
    def pending(self) -> int:
        return self.total - self.done - self.failed - self.deferred

    @property
    def finished(self) -> bool:
        return self.pending == 0


@frozen
class FleetAccounting:
    """A job's final account: every unit in exactly one of done, failed or deferred (or still pending)."""

    progress: FleetProgress
    failures: Mapping[str, int]
    """Failed units by reason (error type and DingTalk's code)."""
    deferrals: Mapping[str, int]
    """Parked units by reason (``monthly_quota``, ...)."""
    organisations: Mapping[str, Mapping[str, int]]
    """Per organisation: total and the count of each kind."""
    finished_at: Mapping[str, float]
    """When each organisation's last unit settled (``time.time()``)."""
    stopped: Mapping[str, str] = field(factory=dict)
    """Organisations the job stopped, and why (``InvalidCredentialsError:invalidAuthInfo``: the
    organisation has not enabled the app; its units failed with that reason, one call in all)."""
    resolved_by_reading: int = 0
    """Units whose earlier call's answer was lost (a worker killed mid-call) and that DingTalk's
    list of the user's calendars showed done: settled without a second call."""
    unanswered: int = 0
    """Units whose call went out and whose answer is not recorded yet (0 once the job is finished)."""


class FleetTasks:
    """The fleet's Celery task on ``app``, and the jobs it runs.

    ``settings`` is a :class:`FleetSettings`, or a function making one (called in each
    process on first use, e.g. ``FleetSettings.from_env``).
    """

    def __init__(
        self,
        app: Any,
        settings: FleetSettings | Callable[[], FleetSettings],
        *,
        queue: str = DEFAULT_QUEUE,
        batch_size: int = DEFAULT_BATCH_SIZE,
        org_concurrency: int = DEFAULT_ORG_CONCURRENCY,
        calls_per_chain: float = DEFAULT_CALLS_PER_CHAIN,
        max_chains: int = DEFAULT_MAX_CHAINS,
        horizon: float = DEFAULT_HORIZON,
        answered_deferrals: int = DEFAULT_ANSWERED_DEFERRALS,
    ) -> None:
        if batch_size < 1 or org_concurrency < 1:
            raise ConfigurationError("batch_size and org_concurrency must be at least 1")
        self.app = app
        self.queue = queue
        self.later_queue = f"{queue}-later"
        """Where deferred batches go (workers consume both queues)."""
        self.batch_size = batch_size
        self.org_concurrency = org_concurrency
        self.calls_per_chain = calls_per_chain
        self.max_chains = max(max_chains, org_concurrency)
        self.horizon = horizon
        self.answered_deferrals = answered_deferrals
        self._settings = settings
        self._bench: Workbench | None = None
        self._bench_pid = 0
        self._bench_lock = threading.Lock()

        def run_batch(task: Any, batch: dict[str, Any]) -> None:
            try:
                self._run_batch(task, batch)
            except Retry:
                raise
            except Exception as error:  # Redis away, or a bug: the batch waits and comes back, never lost
                raise task.retry(
                    exc=error,
                    countdown=UNEXPECTED_WAIT,
                    max_retries=None,
                    queue=self.later_queue,
                    argsrepr=_named(batch),
                ) from error

        self.run_batch = app.task(
            name=TASK_NAME,
            bind=True,
            acks_late=True,
            reject_on_worker_lost=True,
            ignore_result=True,
            max_retries=None,
        )(run_batch)

    # -- the worker's side -----------------------------------------------------------------

    def bench(self) -> Workbench:
        """This process's workbench (made again in a forked child: sockets are not shared across a fork)."""
        bench = self._bench
        if bench is not None and self._bench_pid == os.getpid():
            return bench
        with self._bench_lock:  # the threads of a pool starting at once make one, not one each
            if self._bench is None or self._bench_pid != os.getpid():
                settings = self._settings if isinstance(self._settings, FleetSettings) else self._settings()
                self._bench, self._bench_pid = Workbench(settings), os.getpid()
            return self._bench

    def chains(self, corp_id: str, batches: int = 0, per_chain: int = 1) -> int:
        """How many batches of the organisation the engine holds at once: enough for its per-second
        budget, and enough to carry its ``batches`` about ``per_chain`` to a chain (so that a job's
        organisations finish together, not its largest last), up to one a call a second of the budget."""
        per_second = self.bench().budgets.get(corp_id).per_second
        least = max(self.org_concurrency, min(self.max_chains, math.ceil(per_second / self.calls_per_chain)))
        return max(least, min(math.ceil(batches / per_chain), int(per_second)))

    def _run_batch(self, task: Any, batch: dict[str, Any]) -> None:
        bench = self.bench()
        users: list[str] = batch["users"]
        for index, user_id in enumerate(users):
            unit = WorkUnit(batch["job"], batch["operation"], batch["corp"], batch["calendar"], user_id)
            first = index == 0
            outcome = carry_out(unit, bench)
            if not isinstance(outcome, Deferred):
                continue
            delay = outcome.until - time.time()
            if delay > self.horizon:
                until = datetime.fromtimestamp(outcome.until, UTC).isoformat(timespec="seconds")
                bench.ledger.settle(unit.job_id, unit.corp_id, user_id, "deferred", f"{outcome.reason}|until {until}")
                continue
            # The first user's count of deferrals on DingTalk's word travels with the batch.
            answered = (batch.get("answered", 0) if first else 0) + (outcome.error is not None)
            if answered > self.answered_deferrals:
                give_up(unit, bench, outcome)
                continue
            rest = {**batch, "users": users[index:], "answered": answered}
            raise task.retry(
                args=(rest,), countdown=max(0.0, delay), max_retries=None, queue=self.later_queue, argsrepr=_named(rest)
            )
        # Before this message is acknowledged: a worker dying here sends it twice (harmless), never not.
        self.send_batch(batch, batch["index"] + batch.get("chains", self.org_concurrency))

    def send_batch(self, batch: dict[str, Any], index: int) -> bool:
        """Send the batch at ``index`` of ``batch``'s organisation and job, if there is one."""
        users = self.bench().ledger.batch(batch["job"], batch["corp"], index)
        if users is None:
            return False
        self.publish({**batch, "users": users, "index": index, "answered": 0})
        return True

    def publish(self, batch: dict[str, Any], producer: Any = None) -> None:
        """Queue ``batch``."""
        self.run_batch.apply_async(args=(batch,), producer=producer, queue=self.queue, argsrepr=_named(batch))

    # -- the submitter's side -------------------------------------------------------------

    def submit(self, job_id: str, operation: Operation, work: Mapping[str, tuple[str, Iterable[str]]]) -> "FleetJob":
        """Record and send a job: ``work`` maps each organisation (corpId) to (calendarId, user ids)."""
        if operation not in ("subscribe", "unsubscribe"):
            raise ConfigurationError(f"operation must be 'subscribe' or 'unsubscribe', not {operation!r}")
        listed = {corp: (calendar, list(dict.fromkeys(users))) for corp, (calendar, users) in work.items()}
        self.bench().ledger.create(job_id, operation, listed)
        job = FleetJob(self, job_id)
        job.send({corp: users for corp, (_, users) in listed.items()})
        return job

    def job(self, job_id: str) -> "FleetJob":
        """A job submitted earlier (by this process or another), to watch or resume."""
        self.bench().ledger.meta(job_id)  # UnknownJobError when there is none
        return FleetJob(self, job_id)


def _named(batch: Mapping[str, Any]) -> str:
    """How a batch shows in Celery's logs and monitors: named, without its users (whose repr
    would cost more than the rest of the message, in every process that sends one)."""
    return f"({batch['corp']} batch {batch['index']} of job {batch['job']}: {len(batch['users'])} users)"


class FleetJob:
    """One submitted job: its progress, its final accounting, and ``resume()``."""

    def __init__(self, tasks: FleetTasks, job_id: str) -> None:
        self.tasks = tasks
        self.job_id = job_id

    def send(self, users_by_corp: Mapping[str, list[str]]) -> int:
        """Queue these units in batches per organisation, and start each organisation's chains
        (its first ``chains(corp)`` batches), round-robin; the number of batches queued."""
        ledger = self.tasks.bench().ledger
        operation, calendars = ledger.meta(self.job_id)
        size = self.tasks.batch_size
        batches = {
            corp: [users[i : i + size] for i in range(0, len(users), size)] for corp, users in users_by_corp.items()
        }
        first = {corp: ledger.add_batches(self.job_id, corp, listed) for corp, listed in batches.items()}
        queued = sum(len(listed) for listed in batches.values())
        # About max_chains chains per organisation in all, each carrying as many batches.
        per_chain = max(1, math.ceil(queued / (max(1, len(batches)) * self.tasks.max_chains)))
        chains = {corp: self.tasks.chains(corp, len(listed), per_chain) for corp, listed in batches.items()}
        with self.tasks.app.producer_or_acquire() as producer:
            for chain in range(max(chains.values(), default=0)):  # every organisation's first batch, then seconds
                for corp, listed in batches.items():
                    if chain < min(chains[corp], len(listed)):
                        batch = {
                            "job": self.job_id,
                            "operation": operation,
                            "corp": corp,
                            "calendar": calendars[corp],
                            "chains": chains[corp],
                            "users": listed[chain],
                            "index": first[corp] + chain,
                        }
                        self.tasks.publish(batch, producer)
        return queued

    def progress(self) -> FleetProgress:
        ledger = self.tasks.bench().ledger
        counts = ledger.counts(self.job_id)
        total = sum(ledger.totals(self.job_id).values())
        return FleetProgress(total, *(counts.get(kind, 0) for kind in KINDS))

    def wait(
        self, timeout: float, *, poll: float = 0.5, repair_after: float | None = DEFAULT_REPAIR_AFTER
    ) -> FleetProgress:
        """Poll until every unit has settled, repairing stalled organisations (see :meth:`repair`;
        ``repair_after`` None: never); ``TimeoutError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            progress = self.progress()
            if progress.finished:
                return progress
            if time.monotonic() > deadline:
                raise TimeoutError(f"fleet job {self.job_id}: {progress.pending} units pending after {timeout} s")
            if repair_after is not None:
                self.repair(repair_after)
            time.sleep(poll)

    def repair(self, stalled_after: float = DEFAULT_REPAIR_AFTER) -> int:
        """Send again the pending units of every organisation none of whose units has settled for
        ``stalled_after`` seconds; the batches sent.

        Celery's Redis transport moves a message from the queue to its record of unacknowledged
        ones in two steps; a worker killed between them takes the message with it, and with it
        that organisation's chain of batches. Units still on their way are harmless to send
        twice (the ledger and the leases keep each user to one call); keep ``stalled_after``
        above the longest a unit waits for its budget (a minute's window) to spare messages.
        """
        ledger = self.tasks.bench().ledger
        totals = ledger.totals(self.job_id)
        counts = ledger.counts(self.job_id)
        last = ledger.last_progress(self.job_id)
        now = time.time()
        since = ledger.created(self.job_id)
        stalled = [
            corp
            for corp, total in totals.items()
            if counts.get(f"{corp}:settled", 0) < total and now - max(last.get(corp, since), since) > stalled_after
        ]
        if not stalled:
            return 0
        outcomes = ledger.outcomes(self.job_id)
        pending = {corp: [u for u in ledger.users(self.job_id, corp) if (corp, u) not in outcomes] for corp in stalled}
        ledger.touch(self.job_id, stalled, now)  # the next repair of these waits stalled_after again
        return self.send({corp: users for corp, users in pending.items() if users})

    def accounting(self) -> FleetAccounting:
        ledger = self.tasks.bench().ledger
        failures: dict[str, int] = {}
        deferrals: dict[str, int] = {}
        for outcome in ledger.outcomes(self.job_id).values():
            kind, _, detail = outcome.partition("|")
            reason = detail.partition("|")[0]
            if kind == "failed":
                failures[reason] = failures.get(reason, 0) + 1
            elif kind == "deferred":
                deferrals[reason] = deferrals.get(reason, 0) + 1
        counts = ledger.counts(self.job_id)
        organisations = {
            corp: {"total": total, **{kind: counts.get(f"{corp}:{kind}", 0) for kind in KINDS}}
            for corp, total in ledger.totals(self.job_id).items()
        }
        return FleetAccounting(
            self.progress(),
            failures,
            deferrals,
            organisations,
            ledger.finished(self.job_id),
            ledger.stopped_organisations(self.job_id),
            counts.get("resolved_by_reading", 0),
            ledger.unanswered(self.job_id),
        )

    def resume(self) -> int:
        """Send again every unit not done (failed, parked, or pending after a lost broker), and
        organisations the job stopped; the batches sent.

        Units still on their way are harmless to send twice: the ledger and leases keep each
        user to one call.
        """
        ledger = self.tasks.bench().ledger
        ledger.restart_organisations(self.job_id)  # an organisation may have enabled the app since
        outcomes = ledger.outcomes(self.job_id)
        remaining = {
            corp: [u for u in ledger.users(self.job_id, corp) if outcomes.get((corp, u)) != "done"]
            for corp in ledger.totals(self.job_id)
        }
        return self.send({corp: users for corp, users in remaining.items() if users})
