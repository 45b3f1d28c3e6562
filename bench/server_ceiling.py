"""The emulator's own ceiling: requests per second it answers under loads of several shapes.

Each shape runs in fresh load processes (``load_worker``) that start together and count
calls over the same interval; the best of the shapes is the ceiling. If the SDK's
throughput is well below it, the server was not what limited the SDK.
"""

import json
import subprocess
import time
from dataclasses import dataclass

from .emulator_process import EmulatorInfo
from .log import log
from .paths import OUR_VENV_PYTHON, REPO_ROOT
from .process_cpu import cpu_seconds


@dataclass(frozen=True)
class LoadShape:
    kind: str
    processes: int
    concurrency: int
    """Per process."""

    @property
    def label(self) -> str:
        procs = "1 process" if self.processes == 1 else f"{self.processes} processes"
        return f"{self.kind}, {procs} x concurrency {self.concurrency}"


SHAPES: tuple[LoadShape, ...] = (
    LoadShape("httpx-sync", 1, 1),
    LoadShape("httpx-async", 1, 10),
    LoadShape("httpx-async", 2, 10),
    LoadShape("raw", 1, 10),
)


@dataclass(frozen=True)
class CeilingPoint:
    label: str
    kind: str
    processes: int
    concurrency: int
    requests_per_s: float
    server_busy: float | None
    """Share of one core the server used (1.0: its one event loop was saturated)."""


def _measure(shape: LoadShape, info: EmulatorInfo, calendar_id: str, server_pid: int, seconds: float) -> CeilingPoint:
    start_at = time.time() + 1.0  # time for every process to start and connect
    command = [str(OUR_VENV_PYTHON), "-m", "bench.load_worker", "--kind", shape.kind, "--url", info.url]
    command += ["--token", info.token, "--calendar-id", calendar_id, "--concurrency", str(shape.concurrency)]
    command += ["--start-at", repr(start_at), "--seconds", repr(seconds)]
    workers = [
        subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True) for _ in range(shape.processes)
    ]
    time.sleep(max(0.0, start_at - time.time()))
    cpu_before = cpu_seconds(server_pid)
    time.sleep(seconds)
    cpu_after = cpu_seconds(server_pid)
    rate = 0.0
    for worker in workers:
        out, _ = worker.communicate(timeout=600)
        if worker.returncode != 0:
            raise RuntimeError(f"load worker {shape.label} failed with {worker.returncode}")
        reported = json.loads(out)
        rate += int(reported["calls"]) / float(reported["seconds"])  # each over the time it measured
    busy = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) / seconds
    return CeilingPoint(shape.label, shape.kind, shape.processes, shape.concurrency, rate, busy)


def measure_ceiling(info: EmulatorInfo, calendar_id: str, *, server_pid: int, seconds: float) -> list[CeilingPoint]:
    points = []
    for shape in SHAPES:
        points.append(_measure(shape, info, calendar_id, server_pid, seconds))
        log(f"server ceiling: {shape.label}: {points[-1].requests_per_s:.0f} requests/s")
    return points
