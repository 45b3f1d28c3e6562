"""The benchmark's own code paths, with tiny counts and without the official SDK.

No figure is asserted (timings belong to ``make bench``, not to the tests): only that a
run completes and writes files of the expected shape, and that the bulk job lost nothing.
"""

import json
from pathlib import Path

from bench.main import main
from bench.scenario import OPERATIONS

BULK_USERS = 20


def test_a_tiny_run_writes_results_of_the_expected_shape(tmp_path: Path) -> None:
    out, docs = tmp_path / "results", tmp_path / "docs" / "benchmark.md"
    argv = ["--no-official", "--no-clean-venv", "--out", str(out), "--docs", str(docs)]
    argv += ["--calls", "3", "--rounds", "2", "--warmup", "1", "--throughput-calls", "10", "--throughput-rounds", "1"]
    argv += ["--tls-calls", "10", "--tls-official-calls", "5", "--tls-rounds", "1"]
    argv += ["--concurrency", "1", "4", "--ceiling-seconds", "0.3", "--import-runs", "1"]
    argv += ["--bulk-users", str(BULK_USERS)]

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
    # httpx's default transport, for comparison, is measured against the plain-HTTP server only
    assert all((p["httpx_default_per_s"] is not None) == (p["server"] == "http") for p in results["throughput"])
    assert results["import_ours"]["median_ms"] > 0
    assert results["import_official"] is None
    assert len(results["ceiling"]) == 4
    assert all(p["requests_per_s"] > 0 for p in results["ceiling"])
    bulk = results["bulk"]
    assert (bulk["users"], bulk["done"], bulk["subscribed_on_server"]) == (BULK_USERS, BULK_USERS, BULK_USERS)
    assert (bulk["lost"], bulk["duplicated"], bulk["failed"], bulk["not_attempted"]) == (0, 0, 0, 0)
    assert [t["met"] is None for t in results["targets"]] == [False, True, True, False]

    report = (out / "results.md").read_text()
    for heading in ("## Targets", "## Per-call cost", "## Async throughput", "## Import time", "## Bulk subscribe"):
        assert heading in report
    assert "## The server's own ceiling" in report
    assert "make bench" in docs.read_text()
