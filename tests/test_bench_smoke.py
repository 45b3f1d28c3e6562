"""The benchmark's own code paths, with tiny counts and without the official SDK.

No figure is asserted (timings belong to ``make bench``, not to the tests): only that a
run completes and writes files of the expected shape, and that the bulk job lost nothing.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.main import main
from bench.paths import REPO_ROOT as REPO
from bench.report import README_END, README_START
from bench.scenario import ACCESS_TOKEN_HEADER, AUTHOR, CORP, OPERATIONS, create_path
from dingtalk_calendar_emulator import Emulator

BULK_USERS = 20


def test_a_tiny_run_writes_results_of_the_expected_shape(tmp_path: Path) -> None:
    out, docs, readme = tmp_path / "results", tmp_path / "docs" / "benchmark.md", tmp_path / "README.md"
    readme.write_text((REPO / "README.md").read_text())
    argv = ["--no-official", "--no-clean-venv", "--no-fleet", "--out", str(out), "--docs", str(docs)]
    argv += ["--readme", str(readme)]
    argv += ["--calls", "3", "--rounds", "2", "--warmup", "1", "--throughput-calls", "10", "--throughput-rounds", "1"]
    argv += ["--tls-calls", "10", "--tls-official-calls", "5", "--tls-rounds", "1"]
    argv += ["--concurrency", "1", "4", "--ceiling-seconds", "0.3", "--import-runs", "1"]
    argv += ["--cpu-calls", "20", "--cpu-rounds", "1", "--tenants", "5", "--bulk-users", str(BULK_USERS)]

    assert main(argv) == 0

    results = json.loads((out / "results.json").read_text())
    assert {"cpu_model", "cores", "python", "date"} <= results["machine"].keys()
    costs = results["per_call"]["costs"]
    assert list(costs) == list(OPERATIONS)
    for by_client in costs.values():
        assert set(by_client) == {"ergonomic", "generated", "httpx"}
        assert by_client["httpx"]["ratio"] == 1.0
        assert all(cost["wall_us"] > 0 for cost in by_client.values())
    assert sorted((p["server"], p["op"], p["concurrency"]) for p in results["throughput"]) == sorted(
        (server, op, c) for server in ("http", "https") for op in ("subscribe", "get") for c in (1, 4)
    )
    assert all(p["ours_per_s"] > 0 and p["official_per_s"] is None for p in results["throughput"])
    assert all(p["raw_per_s"] > 0 and p["share_of_raw"] > 0 for p in results["throughput"])
    # httpx's default transport, for comparison, is measured against the plain-HTTP server only
    assert all((p["httpx_default_per_s"] is not None) == (p["server"] == "http") for p in results["throughput"])
    # so are the bare clients, the ceilings beside ours
    bare = [f"bare_{name}{part}" for name in ("httpx", "transport", "aiohttp") for part in ("_per_s", "_share_of_raw")]
    for p in results["throughput"]:
        assert all((p[field] is not None and p[field] > 0) == (p["server"] == "http") for field in bare)
    assert results["import_ours"]["median_ms"] > 0
    assert results["import_official"] is None
    assert len(results["ceiling"]) == 4
    # every load process makes at least one call and divides by the time it measured: a rate
    # above 0 however slowly a busy machine starts the processes
    assert all(p["requests_per_s"] > 0 for p in results["ceiling"])
    cpu = results["client_cpu"]
    assert (cpu["concurrency"], cpu["calls"], cpu["rounds"]) == (100, 20, 1)
    assert set(cpu["cpu_us"]) == {"ours", "httpx", "transport", "aiohttp"}
    assert sorted((t["kind"], t["way"]) for t in results["tenants"]) == sorted(
        (kind, way) for kind in ("sync", "async") for way in ("with_credentials", "independent")
    )
    assert all(t["tenants"] == 5 and t["kb_per_tenant"] > 0 for t in results["tenants"])
    bulk = results["bulk"]
    assert (bulk["users"], bulk["done"], bulk["subscribed_on_server"]) == (BULK_USERS, BULK_USERS, BULK_USERS)
    assert (bulk["lost"], bulk["duplicated"], bulk["failed"], bulk["not_attempted"]) == (0, 0, 0, 0)
    # measured without the official SDK or a clean venv: per-call, client CPU, tenants and bulk only
    expected = [False, True, True, True, False, True, True, False, False, True]  # the fleet: not measured here
    assert [t["met"] is None for t in results["targets"]] == expected

    report = (out / "results.md").read_text()
    headings = ("## Targets", "## Per-call cost", "## Async throughput", "## Client CPU", "## Many tenants")
    for heading in (*headings, "## Import time", "## Bulk subscribe"):
        assert heading in report
    assert "## The server's own ceiling" in report
    assert "make bench" in docs.read_text()
    # the README's block is this run's: its machine and load, its targets
    assert _readme_block(readme.read_text()) == _opening(docs.read_text())
    assert _readme_block(readme.read_text()) != _readme_block((REPO / "README.md").read_text())


def _readme_block(readme: str) -> str:
    start = readme.index(README_START) + len(README_START)
    return readme[start : readme.index(README_END)].strip()


def _opening(benchmark: str) -> str:
    """docs/benchmark.md's machine paragraph and targets table, as the README's block holds them."""
    paragraphs = benchmark.split("\n\n")
    targets = next(i for i, p in enumerate(paragraphs) if p.startswith("## Targets"))
    return "\n\n".join([paragraphs[1], paragraphs[targets + 1]])


def test_the_readme_holds_the_committed_benchmark_s_machine_load_and_targets() -> None:
    assert _readme_block((REPO / "README.md").read_text()) == _opening((REPO / "docs" / "benchmark.md").read_text())


def test_a_load_process_started_after_its_window_still_measures_a_rate() -> None:
    # What a busy machine does to the server ceiling: a process that starts after its
    # window closed. It still makes a call per task and reports the time it measured.
    with Emulator() as emulator:
        token = emulator.issue_token(emulator.internal_app)
        created = httpx.post(
            emulator.url + create_path(AUTHOR),
            headers={ACCESS_TOKEN_HEADER: token},
            json={"name": "Ceiling", "subscribeScope": {"corpIds": [CORP]}},
        )
        calendar_id = created.json()["calendarId"]
        for kind, concurrency in (("httpx-sync", 1), ("httpx-async", 3), ("raw", 3)):
            argv = ["--kind", kind, "--url", emulator.url, "--token", token, "--calendar-id", calendar_id]
            argv += ["--concurrency", str(concurrency), "--start-at", repr(time.time() - 60), "--seconds", "0"]
            run = subprocess.run(
                [sys.executable, "-m", "bench.load_worker", *argv], capture_output=True, text=True, check=True
            )
            reported = json.loads(run.stdout)
            assert reported["calls"] >= concurrency
            assert reported["seconds"] > 0
