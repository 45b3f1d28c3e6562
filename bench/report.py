"""The results as Markdown tables (printed, results.md, docs/benchmark.md) and as JSON (results.json)."""

import dataclasses
import json
from pathlib import Path

from .callers_ours import CLIENTS
from .import_time import ImportTime, paired_share
from .installed_size import InstalledSize
from .results import BenchResults
from .throughput import ThroughputPoint

_CLIENT_TITLES = {
    "ergonomic": "(a) CalendarClient",
    "generated": "(b) generated sync_detailed",
    "httpx": "(c) bare httpx",
    "official": "(d) official SDK",
}
_HOW_TO_RUN = """\
Run it with `make bench` (about 20 minutes: the bulk job alone takes 10,000 / 19 per second, the fleet two).
`.venv/bin/python bench/run.py --help` lists the knobs; `--bulk-users 200` makes a
quick run, `--no-official` skips the official SDK, `--no-tls` the HTTPS measurement, `--no-fleet`
the fleet on Celery (`--fleet-users`, 40,000, `make fleet-demo`'s size: about two minutes).
`.venv/bin/python -m bench.throughput` (`--official` to include the official SDK) and
`-m bench.client_cpu` run one section alone, against an emulator of their own.
Every figure below comes from one run, against local emulator processes (plain HTTP, and
HTTPS for the second half of the async table); medians over rounds, ratios paired round by round.
"""


def write_json(results: BenchResults, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dataclasses.asdict(results), indent=2) + "\n", encoding="utf-8")


def markdown(results: BenchResults, *, title: str = "# Benchmark", how_to_run: bool = False) -> str:
    sections = [title, _machine(results)]
    if how_to_run:
        sections.append(_HOW_TO_RUN)
    sections += [_targets(results), _per_call(results), _throughput(results), _client_cpu(results)]
    sections += [_tenants(results), _imports(results), _sizes(results), _bulk(results), _fleet(results)]
    sections += [_ceiling(results)]
    sections += [_notes(results)]
    return "\n\n".join(s.rstrip() for s in sections if s) + "\n"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _machine(r: BenchResults) -> str:
    m = r.machine
    load = ", ".join(f"{x:.2f}" for x in m.load_average_at_start)
    return (
        f"Measured {m.date} on {m.cpu_model}, {m.cores} cores; {m.python}; {m.os}.\n"
        f"Load average when the run started: {load} (other work on the machine shows here). "
        f"The run took {r.total_seconds / 60:.1f} minutes."
    )


def _targets(r: BenchResults) -> str:
    return "## Targets (issues 6, 10 and 23)\n\n" + _targets_table(r)


def _targets_table(r: BenchResults) -> str:
    verdict = {True: "**met**", False: "**not met**", None: "not measured"}
    rows = [[t.name, t.target, t.measured, verdict[t.met]] for t in r.targets]
    return _table(["what", "target", "measured", ""], rows)


README_START = "<!-- benchmark: `make bench` writes this block (bench/report.py), as docs/benchmark.md opens -->"
README_END = "<!-- end of benchmark -->"


def with_readme_block(readme: str, results: BenchResults) -> str:
    """``readme`` with its benchmark block (the machine, its load, the targets table) from ``results``."""
    start, end = readme.index(README_START), readme.index(README_END) + len(README_END)
    block = "\n\n".join([README_START, _machine(results), _targets_table(results), README_END])
    return readme[:start] + block + readme[end:]


def _per_call(r: BenchResults) -> str:
    pc = r.per_call
    if pc is None:
        return ""
    clients = [c for c in CLIENTS if c in next(iter(pc.costs.values()))]
    header = ["operation", *(_CLIENT_TITLES[c] for c in clients)]
    wall = [
        [op, *(f"{costs[c].wall_us:,.0f} µs ({costs[c].ratio:.2f}x)" for c in clients)]
        for op, costs in pc.costs.items()
    ]
    cpu = [[op, *(f"{costs[c].cpu_us:,.0f} µs" for c in clients)] for op, costs in pc.costs.items()]
    return (
        f"## Per-call cost, sync\n\nWall time per call (ratio to bare httpx), median of {pc.rounds} rounds of "
        f"{pc.calls_per_round} calls (each client's calls split into {pc.slices} turns, interleaved with the others'), "
        "keep-alive connections, a server with no quota.\n\n"
        + _table(header, wall)
        + "\n\nCPU time of the client's process per call (the server's not included):\n\n"
        + _table(header, cpu)
    )


def _throughput(r: BenchResults) -> str:
    return throughput_section(r.throughput)


def _rate_and_share(rate: float | None, share: float | None) -> str:
    return f"{rate:,.0f} ({share:.0%})" if rate is not None and share is not None else "-"


def throughput_section(points: list[ThroughputPoint]) -> str:
    """The async throughput table and what its columns are (``python -m bench.throughput`` prints it alone)."""
    if not points:
        return ""
    rows = []
    for p in points:
        theirs = f"{p.official_per_s:,.0f}" if p.official_per_s is not None else "-"
        ratio = f"{p.ratio:.2f}x" if p.ratio is not None else "-"
        on_httpx = f"{p.httpx_default_per_s:,.0f}" if p.httpx_default_per_s is not None else "-"
        bare_httpx = _rate_and_share(p.bare_httpx_per_s, p.bare_httpx_share_of_raw)
        bare_transport = _rate_and_share(p.bare_transport_per_s, p.bare_transport_share_of_raw)
        bare_aiohttp = _rate_and_share(p.bare_aiohttp_per_s, p.bare_aiohttp_share_of_raw)
        busy = "/".join(f"{b:.0%}" if b is not None else "-" for b in (p.server_busy_ours, p.server_busy_official))
        raw = _rate_and_share(p.raw_per_s, p.share_of_raw)
        rows.append([p.server, p.op, str(p.concurrency), f"{p.ours_per_s:,.0f}", theirs, ratio, on_httpx])
        rows[-1] += [bare_httpx, bare_transport, bare_aiohttp, raw, busy]
    header = ["server", "operation", "concurrency", "AsyncCalendarClient calls/s", "official *_async calls/s"]
    header += ["ours / official", "ours on httpx's default transport, calls/s"]
    header += ["bare httpx.AsyncClient on AsyncAiohttpTransport, calls/s (share of raw)"]
    header += ["AsyncAiohttpTransport alone, calls/s (share of raw)", "bare aiohttp, calls/s (share of raw)"]
    header += ["raw sockets, calls/s (ours / raw)", "server CPU (ours/official)"]
    calls = "; ".join(
        sorted({f"over {p.server}, {p.calls} of ours and {p.official_calls} of the official's" for p in points})
    )
    return (
        f"## Async throughput\n\nCalls per measurement {calls}; median of rounds, every client taking its turn "
        "in each round. `http` is the emulator over plain HTTP, `https` the same emulator serving TLS. "
        "`ours on httpx's default transport` is our client with `transport=httpx.AsyncHTTPTransport(...)` "
        "(httpcore's pool) instead of its default `AsyncAiohttpTransport` (aiohttp through httpx-aiohttp). "
        "`raw sockets` is the least a client can do on these sockets: keep-alive connections, one "
        "`asyncio.Protocol` each, writing the very request ours sends (its bytes taken on their way to the "
        "emulator before the rounds, `bench/request_capture.py`, so the server's work per call is the same) and "
        "reading each answer only as far as its Content-Length (`bench/raw_client.py`). "
        "It is a floor of client work, not a ceiling of rates: "
        "under callgrind it takes a small fraction of bare aiohttp's instructions per call (`python -m "
        "bench.client_instructions raw aiohttp`), but at concurrency 100 the emulator's own CPU per call "
        "(uvicorn on h11) limits it, so a client whose own work per call stays below "
        "the server's (bare aiohttp, the transport alone) comes near its rate on a quiet machine, above it in some "
        "rounds (a share over 100 %). Its figure is what this server gives the cheapest client.\n\n"
        "`bare httpx.AsyncClient on AsyncAiohttpTransport` is the ceiling of a client built on httpx's public "
        "client with this transport: `httpx.AsyncClient(base_url=..., headers={token}, "
        "transport=AsyncAiohttpTransport(limits=DEFAULT_LIMITS))` making the same calls with `await "
        "client.post(path)` or `await client.get(path)`, `raise_for_status()` and the JSON parsed, and nothing "
        "else (no token flow, retries, deadline or typed errors). If its share of raw is below a target, no client "
        "of that design can meet it. `AsyncAiohttpTransport alone` is sent one request built once, each answer "
        "read and parsed: the ceiling of any client on this transport, even one that drives httpx's auth flow "
        "and the transport itself rather than through `AsyncClient.send` (as ours does). `bare aiohttp` (a bare "
        "`aiohttp.ClientSession`, the same calls) is the ceiling of any client on aiohttp. These three are "
        "measured over plain HTTP only, the server of the raw-socket target; in brackets, each one's share of "
        "raw, paired round by round (`bench/bare_clients.py`).\n\n" + _table(header, rows)
    )


def _client_cpu(r: BenchResults) -> str:
    cpu = r.client_cpu
    if cpu is None:
        return ""
    titles = {
        "ours": "AsyncCalendarClient (default transport)",
        "httpx": "bare httpx.AsyncClient on AsyncAiohttpTransport",
        "transport": "AsyncAiohttpTransport alone (a request built once)",
        "aiohttp": "bare aiohttp.ClientSession",
    }
    rows = [
        [
            titles[name],
            f"{us:,.0f} µs",
            f"{us / cpu.cpu_us['aiohttp']:.2f}x",
            ", ".join(f"{v:.0f}" for v in cpu.rounds_us[name]),
        ]
        for name, us in cpu.cpu_us.items()
    ]
    return (
        f"## Client CPU per async call\n\nThis process's CPU time per subscribe call at concurrency {cpu.concurrency}, "
        f"{cpu.calls} calls per client and round, median of {cpu.rounds} rounds (the clients take turns), against "
        "the plain-HTTP emulator in its own process. The bare httpx row is httpx's own share on our transport: the "
        "request written by hand, the base URL joined and the cookie jar kept as httpx does by default.\n\n"
        + _table(["client", "CPU per call", "vs bare aiohttp", "rounds (µs)"], rows)
    )


def _tenants(r: BenchResults) -> str:
    if not r.tenants:
        return ""
    rows = [
        [c.kind, c.way, f"{c.tenants:,}", f"{c.kb_per_tenant:.1f} kB", f"{c.ms_per_tenant:.3f} ms"] for c in r.tenants
    ]
    return (
        "## Many tenants\n\nWhat each extra client costs to build after the first, in a fresh interpreter per row: "
        "memory still held (tracemalloc) and wall time. `with_credentials` shares the first client's connection "
        "pool and TLS context; `independent` builds a client of its own (its own pool; with `verify=True` the "
        "TLS context is the process's one either way). Tokens, token stores and overlays are each client's own.\n\n"
        + _table(["client", "way", "tenants", "memory per tenant", "time per tenant"], rows)
    )


def _import_row(label: str, t: ImportTime, reference: ImportTime | None) -> list[str]:
    share = "-"
    if reference is not None and len(reference.runs_ms) == len(t.runs_ms):
        middle, lowest, highest = paired_share(t, reference)
        share = f"{middle:.3f}x ({lowest:.2f}x to {highest:.2f}x)"
    top = ", ".join(f"{name} {ms:.0f}" for name, ms in list(t.by_package_ms.items())[:5])
    return [label, f"`{t.statement}`", f"{t.median_ms:.0f} ms", share, top]


def _imports(r: BenchResults) -> str:
    rows = []
    for label, t in (("ours", r.import_ours), ("httpx alone", r.import_httpx), ("official", r.import_official)):
        if t is not None:
            rows.append(_import_row(label, t, r.import_official))
    if not rows:
        return ""
    header = ["", "statement", "median", "vs official (runs)", "largest parts (ms, -X importtime self time by package)"]
    return (
        "## Import time\n\nA fresh `python -I` per run, the import timed inside it; the packages take turns run by "
        "run, and the ratio is the median of each turn's ratio (its range in brackets).\n\n" + _table(header, rows)
    )


def _size_row(label: str, size: InstalledSize) -> list[str]:
    top = ", ".join(f"{name} {b / 1e6:.1f}" for name, b in list(size.by_distribution.items())[:5])
    return [label, f"{size.counted_bytes / 1e6:.1f} MB", top]


def _sizes(r: BenchResults) -> str:
    rows = [_size_row(label, s) for label, s in (("ours", r.size_ours), ("official", r.size_official)) if s]
    if not rows:
        return ""
    return (
        "## Installed size\n\nEvery file in the venv's site-packages (apparent bytes, the .pyc files pip compiles "
        "at install included) minus pip's and setuptools' own files. Ours: our wheel installed into a fresh venv "
        "with its dependencies (httpx, attrs, httpx-aiohttp, aiohttp and theirs); official: "
        "`alibabacloud-dingtalk==2.2.65` likewise.\n\n" + _table(["", "installed", "largest distributions (MB)"], rows)
    )


def _bulk(r: BenchResults) -> str:
    b = r.bulk
    if b is None:
        return ""
    header = ["users", "time", "done/s", "share of quota", "done", "failed", "not attempted", "lost", "duplicated"]
    header += ["server: subscribe requests", "throttled answers"]
    row = [f"{b.users:,}", f"{b.seconds:,.0f} s", f"{b.rate_per_s:.2f}", f"{b.share_of_quota:.1%}", f"{b.done:,}"]
    row += [str(b.failed), str(b.not_attempted), str(b.lost), str(b.duplicated)]
    row += [f"{b.subscribe_requests:,}", str(b.throttled_answers)]
    return (
        f"## Bulk subscribe\n\n`CalendarClient.bulk_subscribe` with its defaults (rate limiter at "
        f"{b.limiter_rate_per_s:g}/s) against the emulator's quota of {b.quota_per_s} requests per app and API "
        "per second; lost and duplicated are checked against the emulator's own subscriptions.\n\n"
        + _table(header, [row])
    )


def _fleet(r: BenchResults) -> str:
    f = r.fleet
    if f is None:
        return ""
    header = ["organisations", "users", "lost", "duplicate subscriptions", "repeated subscribe calls"]
    header += ["smallest vs fair share", "subscribes/s", "of achievable", "of best 10 s", "run"]
    row = [str(f.organisations), f"{f.users:,}", str(f.lost), str(f.duplicate_subscriptions)]
    row += [str(f.repeated_subscribe_calls), f"{f.smallest_over_fair_share}x", f"{f.subscribes_per_s:g}"]
    row += [f"{f.over_achievable:.2f}", f"{f.over_best_window:.2f}", f"{f.run_seconds:g} s"]
    return (
        "## Fleet on Celery\n\n`make fleet-demo` at `--fleet-users` (its full size by default): two Celery worker "
        "processes, one SIGKILLed midway; figures from the emulator's state (docs/fleet.md).\n\n"
        + _table(header, [row])
    )


def _ceiling(r: BenchResults) -> str:
    if not r.ceiling:
        return ""
    rows = [
        [p.label, f"{p.requests_per_s:,.0f}", f"{p.server_busy:.0%}" if p.server_busy is not None else "-"]
        for p in r.ceiling
    ]
    return (
        "## The server's own ceiling\n\nSubscribe requests per second the emulator answered under each load; "
        "server CPU is the share of one core its process used.\n\n" + _table(["load", "requests/s", "server CPU"], rows)
    )


def _notes(r: BenchResults) -> str:
    if not r.notes:
        return ""
    return "## Notes\n\n" + "\n".join(f"- {note}" for note in r.notes)
