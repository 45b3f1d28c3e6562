"""The fleet section of ``make bench``: ``make fleet-demo`` (bench/fleet_demo.py), at its size by default.

Same scenario (Redis, the emulator with organisations of skewed sizes and their own quotas,
two Celery worker processes, one SIGKILLed midway and another started), sized by
``--fleet-users`` (organisations: one per hundred users, at least 10, at most 200). It runs
in a process of its own, as ``make fleet-demo`` does, and its figures come from the
emulator's state.
"""

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .log import log

_DEMO = Path(__file__).resolve().parent / "fleet_demo.py"


@dataclass(frozen=True)
class FleetOutcome:
    organisations: int
    users: int
    subscribed: int
    lost: int
    duplicate_subscriptions: int
    repeated_subscribe_calls: int
    """Subscribe calls for a user already subscribed (the emulator's count)."""
    killed_workers_calls_in_flight: int | None
    resolved_by_reading: int
    throttle_percent: float
    organisations_over_monthly_budget: int
    smallest_over_fair_share: float | None
    subscribes_per_s: float
    sum_of_per_second_quotas: int
    best_window_per_s: float
    """What the two workers drove at best (10 s): this machine's ceiling for the run."""
    over_best_window: float
    over_achievable: float
    """Over, at each moment, the least of the unfinished organisations' quotas and the best window."""
    run_seconds: float

    @classmethod
    def from_demo(cls, figures: dict[str, Any]) -> "FleetOutcome":
        throughput, smallest, repeated = (
            figures["throughput"],
            figures["smallestOrganisation"],
            figures["repeatedCalls"],
        )
        return cls(
            organisations=figures["organisations"],
            users=figures["users"],
            subscribed=figures["subscribed"],
            lost=figures["lost"],
            duplicate_subscriptions=figures["duplicateSubscriptions"],
            repeated_subscribe_calls=figures["repeatedSubscribeCalls"],
            killed_workers_calls_in_flight=repeated["killedWorkersCallsInFlight"],
            resolved_by_reading=repeated["resolvedByReading"],
            throttle_percent=figures["throttlePercent"],
            organisations_over_monthly_budget=figures["organisationsOverMonthlyBudget"],
            smallest_over_fair_share=smallest["overFairShare"],
            subscribes_per_s=throughput["subscribesPerSecond"],
            sum_of_per_second_quotas=throughput["sumOfPerSecondQuotas"],
            best_window_per_s=throughput["best10sWindowPerSecond"],
            over_best_window=throughput["overBestWindow"] or 0.0,
            over_achievable=throughput["overAchievable"],
            run_seconds=throughput["runSeconds"],
        )


def organisations_for(users: int) -> int:
    return max(10, min(200, users // 100))


def measure_fleet(users: int) -> FleetOutcome:
    organisations = organisations_for(users)
    log(f"fleet: {organisations} organisations, {users} users, two Celery workers (one killed midway)")
    command = [sys.executable, str(_DEMO), "--organisations", str(organisations), "--users", str(users)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    outcome = FleetOutcome.from_demo(json.loads(done.stdout))
    log(f"fleet done: {outcome.subscribes_per_s}/s, {outcome.lost} lost")
    return outcome
