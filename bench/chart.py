"""A PNG of the per-call ratios and the async throughput, when matplotlib happens to be installed.

matplotlib is not a dependency of the project; without it there is simply no chart.
"""

import importlib
from pathlib import Path
from typing import Any

from .callers_ours import CLIENTS
from .results import BenchResults


def _pyplot() -> Any:
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        return None
    matplotlib.use("Agg")  # files only, no display
    return importlib.import_module("matplotlib.pyplot")


def write_chart(results: BenchResults, path: Path) -> bool:
    """Whether a chart was written."""
    plt = _pyplot()
    if plt is None or results.per_call is None:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    ops = list(results.per_call.costs)
    clients = [c for c in CLIENTS if c in results.per_call.costs[ops[0]]]
    width = 0.8 / len(clients)
    for i, client in enumerate(clients):
        ratios = [results.per_call.costs[op][client].ratio for op in ops]
        left.bar([x + i * width for x in range(len(ops))], ratios, width, label=client)
    left.axhline(1.1, linestyle="--", linewidth=1, color="grey")
    left.set_xticks([x + width * (len(clients) - 1) / 2 for x in range(len(ops))], ops)
    left.set_ylabel("wall time per call / bare httpx")
    left.set_title("Sync per-call cost")
    left.legend()
    points = [p for p in results.throughput if p.op == results.throughput[0].op] if results.throughput else []
    labels = [str(p.concurrency) for p in points]
    right.bar([x - 0.2 for x in range(len(points))], [p.ours_per_s for p in points], 0.4, label="ours")
    right.bar([x + 0.2 for x in range(len(points))], [p.official_per_s or 0 for p in points], 0.4, label="official")
    right.set_xticks(range(len(points)), labels)
    right.set_xlabel("concurrency")
    right.set_ylabel("calls/s")
    right.set_title(f"Async throughput ({points[0].op})" if points else "Async throughput")
    right.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
