"""What the proposed changes would do to async throughput, measured on the clean install of our wheel.

Issue 6 wants 3x the official SDK's async throughput at concurrency 100. httpx's async
pool is what limits ours, in two ways this measures, one package added at a time to
the clean venv:

- ``+ sniffio``: without it, httpcore's async locks try ``import sniffio`` on every use,
  and a failing import searches sys.path each time (httpx 0.28 no longer pulls it in);
- ``+ httpx-aiohttp transport``: aiohttp's connection pool and C parser under the same
  ``AsyncCalendarClient``, through its existing ``transport=`` argument.

The official SDK's figure is the one measured in the throughput section of the same run.
This runs last against the server, as it changes the clean venv.
"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .emulator_process import EmulatorInfo
from .log import log
from .paths import REPO_ROOT
from .timing import median

VARIANTS: tuple[tuple[str, str | None, bool], ...] = (
    ("as installed", None, False),
    ("+ sniffio", "sniffio", False),
    ("+ sniffio + httpx-aiohttp transport", "httpx-aiohttp", True),
)
"""(label, the package to add first, whether to pass the aiohttp transport)."""


@dataclass(frozen=True)
class WhatIfPoint:
    variant: str
    concurrency: int
    ours_per_s: float
    official_per_s: float | None
    ratio: float | None


def _rates(
    python: Path, info: EmulatorInfo, calendar_id: str, *, concurrency: int, calls: int, rounds: int, aiohttp: bool
) -> list[float]:
    command = [str(python), "-m", "bench.ours_async_worker", "--url", info.url, "--app-key", info.app_key]
    command += ["--app-secret", info.app_secret, "--calendar-id", calendar_id, "--concurrency", str(concurrency)]
    command += ["--calls", str(calls), "--rounds", str(rounds)] + (["--aiohttp"] if aiohttp else [])
    out = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return [float(rate) for rate in json.loads(out.stdout)["per_s"]]


def measure_what_if(
    python: Path,
    info: EmulatorInfo,
    calendar_id: str,
    *,
    official_per_s: dict[int, float],
    concurrencies: tuple[int, ...],
    calls: int,
    rounds: int,
) -> list[WhatIfPoint]:
    points = []
    for label, package, aiohttp in VARIANTS:
        if package is not None:
            pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package]
            subprocess.run(pip, check=True)
        for concurrency in concurrencies:
            rate = median(
                _rates(python, info, calendar_id, concurrency=concurrency, calls=calls, rounds=rounds, aiohttp=aiohttp)
            )
            theirs = official_per_s.get(concurrency)
            points.append(WhatIfPoint(label, concurrency, rate, theirs, rate / theirs if theirs else None))
        log(f"what-if: {label} measured")
    return points
