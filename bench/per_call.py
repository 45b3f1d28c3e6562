"""Per-call cost of the five operations through each client, as ratios to bare httpx.

Clients are interleaved finely: in each round, every client makes ``calls`` calls of each
operation in ``slices`` turns of ``calls / slices`` (the client order rotating from round to
round), so that a slow moment of a shared machine hits every client alike. A ratio is the
median over rounds of the client's time divided by httpx's time in the same round.
"""

from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass

from . import scenario
from .callers_ours import CLIENTS, HTTPX, OFFICIAL, ergonomic_calls, generated_calls, httpx_calls
from .emulator_process import EmulatorInfo
from .log import log
from .official_client import OfficialWorker
from .timing import Sample, median, median_cpu, median_wall, time_calls


@dataclass(frozen=True)
class ClientCost:
    """One client's cost for one operation."""

    wall_us: float
    """Median wall time per call, in microseconds."""
    cpu_us: float
    """Median CPU time of the client's process per call (the server's is not included)."""
    ratio: float
    """Median over rounds of wall time / httpx's wall time in the same round."""
    rounds_wall_us: tuple[float, ...]


@dataclass(frozen=True)
class PerCallResult:
    calls_per_round: int
    rounds: int
    slices: int
    costs: dict[str, dict[str, ClientCost]]
    """operation -> client -> cost."""

    def overhead(self, client: str) -> float:
        """The largest ratio to httpx over the five operations, minus one (0.05: 5% slower)."""
        return max(by_client[client].ratio for by_client in self.costs.values()) - 1


Sampler = Callable[[str, int], Sample]


def measure_per_call(
    info: EmulatorInfo,
    calendar_id: str,
    *,
    calls: int,
    rounds: int,
    warmup: int,
    slices: int = 10,
    official: OfficialWorker | None,
) -> PerCallResult:
    with ExitStack() as stack:
        ours = {
            "ergonomic": stack.enter_context(ergonomic_calls(info, calendar_id)),
            "generated": stack.enter_context(generated_calls(info, calendar_id)),
            HTTPX: stack.enter_context(httpx_calls(info, calendar_id)),
        }
        samplers: dict[str, Sampler] = {name: _sampler(made) for name, made in ours.items()}
        if official is not None:
            samplers[OFFICIAL] = official.per_call
        clients = [c for c in CLIENTS if c in samplers]
        for op in scenario.OPERATIONS:
            for client in clients:
                samplers[client](op, warmup)  # connections, tokens, first-call paths
        samples: dict[str, dict[str, list[Sample]]] = {op: {c: [] for c in clients} for op in scenario.OPERATIONS}
        per_turn = max(1, calls // slices)
        for round_no in range(rounds):
            order = clients[round_no % len(clients) :] + clients[: round_no % len(clients)]
            for op in scenario.OPERATIONS:
                turns: dict[str, list[Sample]] = {c: [] for c in clients}
                for _ in range(max(1, calls // per_turn)):
                    for client in order:
                        turns[client].append(samplers[client](op, per_turn))
                for client in clients:
                    samples[op][client].append(_mean(turns[client]))
            log(f"per-call round {round_no + 1}/{rounds} done")
    return PerCallResult(calls, rounds, slices, {op: _costs(by_client) for op, by_client in samples.items()})


def _mean(turns: Sequence[Sample]) -> Sample:
    # Every turn has the same number of calls, so the mean of per-call figures is the round's.
    return Sample(sum(s.wall for s in turns) / len(turns), sum(s.cpu for s in turns) / len(turns))


def _sampler(calls: Mapping[str, Callable[[], object]]) -> Sampler:
    return lambda op, n: time_calls(calls[op], n)


def _costs(by_client: Mapping[str, Sequence[Sample]]) -> dict[str, ClientCost]:
    baseline = by_client[HTTPX]
    return {
        client: ClientCost(
            wall_us=median_wall(samples) * 1e6,
            cpu_us=median_cpu(samples) * 1e6,
            ratio=median([s.wall / b.wall for s, b in zip(samples, baseline, strict=True)]),
            rounds_wall_us=tuple(round(s.wall * 1e6, 1) for s in samples),
        )
        for client, samples in by_client.items()
    }
