"""Instructions per async call under callgrind: the client CPU figures, immune to the machine's load.

``python -m bench.client_instructions [ours aiohttp transport httpx raw]`` (needs ``valgrind``;
not part of ``make bench``, ~3 minutes). Each client of ``bench.client_cpu``, and ``raw``
(``bench/raw_client.py``), makes its subscribe calls at concurrency 100 in a child interpreter
run under ``valgrind --tool=callgrind`` against an emulator outside it; two runs per client, of
200 and 1,000 calls, and the difference divided by 800 is its instructions per call (start-up,
imports and warm-up cancel out).
"""

import argparse
import asyncio
import dataclasses
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

from .callers_ours import prepare_calendar
from .client_cpu import CLIENTS, cpu_seconds
from .emulator_process import EmulatorInfo, EmulatorProcess

FEW: Final = 200
MANY: Final = 1000
_TOTAL: Final = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def _child(client: str, calls: int) -> None:
    info = EmulatorInfo(**json.loads(os.environ["BENCH_EMULATOR"]))
    asyncio.run(cpu_seconds(client, info, os.environ["BENCH_CALENDAR"], 100, calls))


def _instructions(client: str, calls: int, env: dict[str, str], out_dir: Path) -> int:
    out = out_dir / f"{client}-{calls}.callgrind"
    command = [sys.executable, "-m", "bench.client_instructions", "--child", client, str(calls)]
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if run.returncode != 0:
        raise RuntimeError(f"{client} ({calls} calls) failed under callgrind:\n{run.stderr[-3000:]}")
    match = _TOTAL.search(out.read_text())
    assert match is not None, f"no instruction total in {out}"
    return int(match.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clients", nargs="*", default=list(CLIENTS))
    parser.add_argument("--child", nargs=2, metavar=("CLIENT", "CALLS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    per_call: dict[str, float] = {}
    with EmulatorProcess(qps_limit=None) as emulator, tempfile.TemporaryDirectory() as tmp:
        info = emulator.info
        env = {
            **os.environ,
            "BENCH_EMULATOR": json.dumps(dataclasses.asdict(info)),
            "BENCH_CALENDAR": prepare_calendar(info),
        }
        for client in args.clients:
            few = _instructions(client, FEW, env, Path(tmp))
            many = _instructions(client, MANY, env, Path(tmp))
            per_call[client] = (many - few) / (MANY - FEW)
            print(f"{client:<9} {per_call[client] / 1e3:>6.0f} k instructions per call", flush=True)
    if "ours" in per_call and "aiohttp" in per_call:
        print(f"ours / aiohttp: {per_call['ours'] / per_call['aiohttp']:.2f}x")


if __name__ == "__main__":
    main()
