"""Issue 6's four targets, judged from a run's results."""

from .callers_ours import ERGONOMIC
from .import_time import paired_share
from .results import BenchResults, Target

MAX_OVERHEAD = 0.10
MIN_ASYNC_RATIO = 3.0
TARGET_CONCURRENCY = 100
MAX_IMPORT_SHARE = 1 / 3
MIN_BULK_SHARE = 0.90


def judge(results: BenchResults) -> list[Target]:
    return [_per_call(results), _throughput(results), _import(results), _bulk(results)]


def _per_call(results: BenchResults) -> Target:
    name, target = "sync per-call overhead over bare httpx", f"<= {MAX_OVERHEAD:.0%} on every operation"
    if results.per_call is None:
        return Target(name, target, "not measured", None)
    ratios = {op: costs[ERGONOMIC].ratio for op, costs in results.per_call.costs.items()}
    worst = max(ratios, key=lambda op: ratios[op])
    overhead = ratios[worst] - 1
    return Target(name, target, f"{overhead:+.1%} (worst: {worst})", overhead <= MAX_OVERHEAD)


def _throughput(results: BenchResults) -> Target:
    """Judged over HTTPS, as DingTalk is served, where a new connection per call costs what it costs."""
    name = f"async throughput at concurrency {TARGET_CONCURRENCY} vs the official SDK"
    target = f">= {MIN_ASYNC_RATIO:g}x"
    points = [p for p in results.throughput if p.concurrency == TARGET_CONCURRENCY and p.ratio is not None]
    if not points:
        return Target(name, target, "not measured", None)
    judged = [p for p in points if p.server == "https"] or points
    worst = min(p.ratio or 0.0 for p in judged)
    measured = "; ".join(
        f"{server}: " + ", ".join(f"{p.op} {p.ratio:.2f}x" for p in points if p.server == server)
        for server in ("https", "http")
        if any(p.server == server for p in points)
    )
    return Target(name, target, f"{measured} (judged over {judged[0].server})", worst >= MIN_ASYNC_RATIO)


def _import(results: BenchResults) -> Target:
    name, target = "import time vs the official SDK", f"<= {MAX_IMPORT_SHARE:.2f}x"
    ours, theirs = results.import_ours, results.import_official
    if ours is None or theirs is None:
        return Target(name, target, "not measured", None)
    share, lowest, highest = paired_share(ours, theirs)
    measured = (
        f"{share:.3f}x ({ours.median_ms:.0f} ms vs {theirs.median_ms:.0f} ms; runs {lowest:.2f}x to {highest:.2f}x)"
    )
    return Target(name, target, measured, share <= MAX_IMPORT_SHARE)


def _bulk(results: BenchResults) -> Target:
    name, target = "bulk subscribe vs the per-app quota", f">= {MIN_BULK_SHARE:.0%}, 0 lost, 0 duplicated"
    bulk = results.bulk
    if bulk is None:
        return Target(name, target, "not measured", None)
    measured = f"{bulk.share_of_quota:.1%} of {bulk.quota_per_s}/s, {bulk.lost} lost, {bulk.duplicated} duplicated"
    met = bulk.share_of_quota >= MIN_BULK_SHARE and bulk.lost == 0 and bulk.duplicated == 0
    return Target(name, target, measured, met)
