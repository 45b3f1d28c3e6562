"""The machine a run came from, for the report: figures mean little without it."""

import datetime
import os
import platform
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cpu_model: str
    cores: int
    python: str
    os: str
    date: str
    """UTC, ISO 8601."""
    load_average_at_start: tuple[float, float, float]
    """1, 5 and 15 minutes: other work on the machine shows here."""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine() -> Machine:
    load = os.getloadavg()
    return Machine(
        cpu_model=_cpu_model(),
        cores=os.cpu_count() or 1,
        python=f"{platform.python_implementation()} {platform.python_version()}",
        os=platform.platform(),
        date=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        load_average_at_start=(round(load[0], 2), round(load[1], 2), round(load[2], 2)),
    )
