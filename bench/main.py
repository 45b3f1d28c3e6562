"""The benchmark from start to finish: set up, measure every section in one run, write the reports."""

import argparse
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import report
from .bulk import measure_bulk
from .callers_ours import prepare_calendar
from .chart import write_chart
from .clean_venv import clean_install_of_ours
from .client_cpu import measure_client_cpu
from .emulator_process import EmulatorInfo, EmulatorProcess
from .fleet import measure_fleet
from .import_time import HTTPX_IMPORT, OFFICIAL_IMPORT, OURS_IMPORT, measure_imports
from .installed_size import measure_size
from .log import log
from .machine import describe_machine
from .official_client import OfficialWorker
from .official_env import ensure_official_venv
from .paths import DOCS_FILE, OUR_VENV_PYTHON, README_FILE, RESULTS_DIR
from .per_call import measure_per_call
from .results import BenchResults
from .server_ceiling import measure_ceiling
from .targets import TARGET_CONCURRENCY, judge
from .tenants import measure_tenants
from .throughput import measure_throughput

_STANDING_NOTES = (
    "The emulator runs in a process of its own (`python -m dingtalk_calendar_emulator`), so that the client "
    "being measured has the other core.",
    "The default bulk limiter runs at 19 calls/s: over a long job it can reach at most 95% of a 20/s quota.",
    "`httpx alone` is the floor of our import time: the SDK is built on httpx, and importing it is already a "
    "large share of the official SDK's whole import.",
    "The official SDK's async calls open a new connection each time. Over plain-HTTP loopback that costs little; "
    "over HTTPS, as DingTalk is served, each call also builds a new TLS context (loading the system's trusted "
    "certificates, tens of ms of CPU with the event loop blocked) and pays a handshake. The HTTPS server is the "
    "emulator with `--tls` (a certificate from a throw-away CA, which both SDKs are told to trust).",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run.py", description="Measure the SDK; see docs/benchmark.md.")
    p.add_argument("--calls", type=int, default=300, help="per-call: calls per round (300)")
    p.add_argument("--rounds", type=int, default=9, help="per-call: rounds (9)")
    p.add_argument("--warmup", type=int, default=30, help="per-call: unmeasured calls first (30)")
    p.add_argument("--slices", type=int, default=10, help="per-call: turns each round is split into (10)")
    p.add_argument("--throughput-ops", nargs="+", default=["subscribe", "get"], choices=["subscribe", "get"])
    p.add_argument("--throughput-calls", type=int, default=600, help="async: calls per measurement (600)")
    p.add_argument("--throughput-rounds", type=int, default=5, help="async: rounds (5)")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 100], help="async: concurrencies (1 10 100)")
    p.add_argument("--tls-calls", type=int, default=600, help="async over HTTPS: our calls per measurement (600)")
    p.add_argument(
        "--tls-official-calls", type=int, default=100, help="async over HTTPS: the official SDK's calls (100)"
    )
    p.add_argument("--tls-rounds", type=int, default=3, help="async over HTTPS: rounds (3)")
    p.add_argument("--no-tls", dest="tls", action="store_false", help="skip the async measurement over HTTPS")
    p.add_argument("--cpu-calls", type=int, default=3000, help="client CPU: calls per client and round (3000)")
    p.add_argument("--cpu-rounds", type=int, default=9, help="client CPU: rounds (9)")
    p.add_argument("--tenants", type=int, default=1000, help="tenants: extra clients built per way (1000)")
    p.add_argument("--ceiling-seconds", type=float, default=3.0, help="server ceiling: seconds per load shape (3)")
    p.add_argument("--import-runs", type=int, default=15, help="import time: fresh interpreters per package (15)")
    p.add_argument("--bulk-users", type=int, default=10_000, help="bulk subscribe: users, 0 to skip (10000)")
    p.add_argument(
        "--fleet-users", type=int, default=40000, help="fleet on Celery (make fleet-demo's size): users (40000)"
    )
    p.add_argument("--no-fleet", dest="fleet", action="store_false", help="skip the fleet section")
    p.add_argument("--no-official", action="store_true", help="skip the official SDK (no venv is made for it)")
    p.add_argument(
        "--no-clean-venv",
        action="store_true",
        help="measure our import time in .venv instead of a fresh install, and skip installed sizes",
    )
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="where results.json/.md go (bench/results)")
    p.add_argument("--docs", type=Path, default=DOCS_FILE, help="the committed report (docs/benchmark.md)")
    p.add_argument("--readme", type=Path, default=README_FILE, help="the README, whose benchmark block it rewrites")
    p.add_argument("--no-docs", action="store_true", help="do not rewrite the committed report and the README's block")
    return p.parse_args(argv)


def _settings(args: argparse.Namespace) -> dict[str, object]:
    return {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()}


def _imports_and_sizes(
    results: BenchResults, args: argparse.Namespace, clean: Path | None, official: Path | None
) -> None:
    ours = clean if clean is not None else OUR_VENV_PYTHON
    specs = [(ours, OURS_IMPORT)]
    if clean is None:
        results.notes.append("Our import time was measured in the development venv (`--no-clean-venv`).")
    else:
        specs.append((clean, HTTPX_IMPORT))
    if official is not None:
        specs.append((official, OFFICIAL_IMPORT))
    measured = dict(zip([s for _, s in specs], measure_imports(specs, args.import_runs), strict=True))
    results.import_ours = measured[OURS_IMPORT]
    results.import_httpx = measured.get(HTTPX_IMPORT)
    results.import_official = measured.get(OFFICIAL_IMPORT)
    if clean is not None:
        results.size_ours = measure_size(clean)
        if official is not None:
            results.size_official = measure_size(official)
    log("import times and sizes done")


@dataclass(frozen=True)
class _Server:
    """An emulator process, the calendar the operations work on, and the official SDK's worker for it."""

    pid: int
    info: EmulatorInfo
    calendar_id: str
    official: OfficialWorker | None


@contextmanager
def _server(official: Path | None, *, tls: bool = False) -> Iterator[_Server]:
    with EmulatorProcess(qps_limit=None, tls=tls) as emulator, ExitStack() as stack:
        info = emulator.info
        calendar_id = prepare_calendar(info)
        worker = None if official is None else stack.enter_context(OfficialWorker(official, info, calendar_id))
        yield _Server(emulator.pid, info, calendar_id, worker)


def _against_one_server(results: BenchResults, args: argparse.Namespace, official: Path | None) -> None:
    with _server(official) as server:
        results.per_call = measure_per_call(
            server.info,
            server.calendar_id,
            calls=args.calls,
            rounds=args.rounds,
            warmup=args.warmup,
            slices=args.slices,
            official=server.official,
        )
        results.throughput = measure_throughput(
            server.info,
            server.calendar_id,
            server_pid=server.pid,
            ops=tuple(args.throughput_ops),
            concurrencies=tuple(args.concurrency),
            calls=args.throughput_calls,
            rounds=args.throughput_rounds,
            official=server.official,
            with_httpx_default=True,
            with_bare_clients=True,
        )
        results.client_cpu = measure_client_cpu(
            server.info,
            server.calendar_id,
            concurrency=TARGET_CONCURRENCY,
            calls=args.cpu_calls,
            rounds=args.cpu_rounds,
        )
        results.ceiling = measure_ceiling(
            server.info, server.calendar_id, server_pid=server.pid, seconds=args.ceiling_seconds
        )


def _against_a_tls_server(results: BenchResults, args: argparse.Namespace, official: Path | None) -> None:
    """Async throughput again, over HTTPS: what a new connection per call costs where DingTalk is."""
    with _server(official, tls=True) as server:
        results.throughput += measure_throughput(
            server.info,
            server.calendar_id,
            server_pid=server.pid,
            ops=tuple(args.throughput_ops),
            concurrencies=tuple(args.concurrency),
            calls=args.tls_calls,
            rounds=args.tls_rounds,
            official=server.official,
            official_calls=args.tls_official_calls,
        )


def _write(results: BenchResults, args: argparse.Namespace) -> str:
    args.out.mkdir(parents=True, exist_ok=True)
    report.write_json(results, args.out / "results.json")
    if write_chart(results, args.out / "results.png"):
        results.notes.append("Chart: `bench/results/results.png`.")
    text = report.markdown(results, title="# Benchmark results")
    (args.out / "results.md").write_text(text, encoding="utf-8")
    if not args.no_docs:
        args.docs.parent.mkdir(parents=True, exist_ok=True)
        args.docs.write_text(report.markdown(results, how_to_run=True), encoding="utf-8")
        readme = args.readme.read_text(encoding="utf-8")
        args.readme.write_text(report.with_readme_block(readme, results), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    results = BenchResults(machine=describe_machine(), settings=_settings(args), notes=list(_STANDING_NOTES))
    official = None if args.no_official else ensure_official_venv()
    with ExitStack() as stack:
        clean = None if args.no_clean_venv else stack.enter_context(clean_install_of_ours())
        _imports_and_sizes(results, args, clean, official)
    _against_one_server(results, args, official)
    if args.tls:
        _against_a_tls_server(results, args, official)
    results.tenants = measure_tenants(args.tenants)
    if args.bulk_users > 0:
        results.bulk = measure_bulk(args.bulk_users)
    if args.fleet and args.fleet_users > 0:
        results.fleet = measure_fleet(args.fleet_users)
    results.targets = judge(results)
    results.total_seconds = time.monotonic() - started
    print(_write(results, args))
    return 0
