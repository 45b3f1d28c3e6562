"""Many tenants: what each extra client costs to build, in memory and time, sync and async.

A third-party enterprise app serves many organisations, each with its own credentials and so
its own client. Two ways are measured, each in a fresh interpreter (``python -m bench.tenants``)
so that one does not warm the other: ``with_credentials`` (one pool and TLS context shared by
all), and independent clients (each its own pool; the TLS context is the process's one
either way). Memory is what ``tracemalloc`` sees allocated and still held per client.
"""

import argparse
import asyncio
import json
import subprocess
import time
import tracemalloc
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .log import log
from .paths import OUR_VENV_PYTHON, REPO_ROOT

if TYPE_CHECKING:
    from dingtalk_calendar import EnterpriseAppCredentials

WAYS = ("with_credentials", "independent")
KINDS = ("sync", "async")


@dataclass(frozen=True)
class TenantCost:
    kind: str
    way: str
    tenants: int
    kb_per_tenant: float
    ms_per_tenant: float


def _credentials(n: int) -> "EnterpriseAppCredentials":
    from dingtalk_calendar import EnterpriseAppCredentials

    return EnterpriseAppCredentials("suite-key", "suite-secret", auth_corp_id=f"corp-{n}", suite_ticket="ticket")


def _build(kind: str, way: str, tenants: int) -> tuple[float, float]:
    """Bytes and seconds per extra tenant, after the first client is built.

    Two passes: the time without ``tracemalloc`` (which slows every allocation several times
    over, a cost no user pays), then the memory with it.
    """
    from dingtalk_calendar import AsyncCalendarClient, CalendarClient

    cls = CalendarClient if kind == "sync" else AsyncCalendarClient
    base_url = "https://api.dingtalk.com"
    first = cls(_credentials(0), base_url=base_url)  # pays for the imports and the TLS context
    clients: list[object] = [first]

    def build(numbers: range) -> None:
        for n in numbers:
            if way == "with_credentials":
                clients.append(first.with_credentials(_credentials(n)))
            else:
                clients.append(cls(_credentials(n), base_url=base_url))

    build(range(1, 2))  # the second client warms what the first did not
    started = time.perf_counter()
    build(range(2, tenants + 2))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    build(range(tenants + 2, 2 * tenants + 2))
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held / tenants, seconds / tenants


def measure_tenants(tenants: int) -> list[TenantCost]:
    costs = []
    for kind in KINDS:
        for way in WAYS:
            command = [str(OUR_VENV_PYTHON), "-m", "bench.tenants", "--kind", kind, "--way", way]
            command += ["--tenants", str(tenants)]
            out = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
            result = json.loads(out)
            cost = TenantCost(kind, way, tenants, result["bytes"] / 1000, result["seconds"] * 1000)
            costs.append(cost)
            log(f"tenants: {kind} {way}: {cost.kb_per_tenant:.1f} kB, {cost.ms_per_tenant:.3f} ms each")
    return costs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--way", choices=WAYS, required=True)
    parser.add_argument("--tenants", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.kind == "async":  # an async client is built inside a running loop, as applications do
        per_bytes, per_seconds = asyncio.run(_in_loop(args.way, args.tenants))
    else:
        per_bytes, per_seconds = _build("sync", args.way, args.tenants)
    print(json.dumps({"bytes": per_bytes, "seconds": per_seconds}))


async def _in_loop(way: str, tenants: int) -> tuple[float, float]:
    return _build("async", way, tenants)


if __name__ == "__main__":
    main()
