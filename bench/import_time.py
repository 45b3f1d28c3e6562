"""Import time: a fresh interpreter per run, the import timed inside it, median of the runs.

The packages take turns run by run, so that a busy moment of a shared machine falls on
all of them alike rather than on one package's block of runs.

Both SDKs are imported the way an application starts using them (the sync and async
client for ours, the calendar client module for theirs), each in a virtualenv where it is
installed the way users install it. ``-I`` keeps the working directory and PYTHON*
variables out; pip compiled every module at install, so no run pays for compiling.
"""

import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .timing import median

OURS_IMPORT: Final = "from dingtalk_calendar import AsyncCalendarClient, CalendarClient"
OFFICIAL_IMPORT: Final = "from alibabacloud_dingtalk.calendar_1_0.client import Client"
HTTPX_IMPORT: Final = "import httpx"
_TIMER: Final = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
_IMPORTTIME_LINE: Final = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|( *)(\S+)")


@dataclass(frozen=True)
class ImportTime:
    statement: str
    python: str
    median_ms: float
    runs_ms: tuple[float, ...]
    by_package_ms: dict[str, float]
    """Own import time (``-X importtime``'s "self") summed by top-level package, largest first."""


def _one_run(python: Path, statement: str) -> float:
    out = subprocess.run(
        [str(python), "-I", "-c", _TIMER.format(statement=statement)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def by_package(python: Path, statement: str, top: int = 8) -> dict[str, float]:
    """Where the import's time goes: self time of each module, summed by its top-level package."""
    out = subprocess.run(
        [str(python), "-I", "-X", "importtime", "-c", statement], capture_output=True, text=True, check=True
    )
    totals: dict[str, float] = defaultdict(float)
    for line in out.stderr.splitlines():
        match = _IMPORTTIME_LINE.match(line)
        if match:
            totals[match.group(3).split(".")[0]] += int(match.group(1)) / 1000
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    result = dict(ranked[:top])
    result["(other modules)"] = sum(ms for _, ms in ranked[top:])
    return {name: round(ms, 1) for name, ms in result.items()}


def measure_imports(specs: list[tuple[Path, str]], runs: int) -> list[ImportTime]:
    """One ``ImportTime`` per (python, statement), their runs interleaved."""
    for python, statement in specs:
        _one_run(python, statement)  # warms the disk cache; not counted
    times: list[list[float]] = [[] for _ in specs]
    for _ in range(runs):
        for i, (python, statement) in enumerate(specs):
            times[i].append(_one_run(python, statement) * 1000)
    return [
        ImportTime(
            statement=statement,
            python=str(python),
            median_ms=median(ms),
            runs_ms=tuple(round(t, 1) for t in ms),
            by_package_ms=by_package(python, statement),
        )
        for (python, statement), ms in zip(specs, times, strict=True)
    ]


def paired_share(ours: ImportTime, reference: ImportTime) -> tuple[float, float, float]:
    """Median, lowest and highest of ours / reference over the runs taken in the same turn.

    Paired run by run, like every other ratio of the benchmark: a shared machine's speed
    drifts by tens of percent over minutes, and each turn's two imports see the same drift.
    """
    ratios = [a / b for a, b in zip(ours.runs_ms, reference.runs_ms, strict=True)]
    return median(ratios), min(ratios), max(ratios)
