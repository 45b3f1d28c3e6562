"""The targets of issues 6, 10 and 23, judged from a run's results."""

from .callers_ours import ERGONOMIC
from .import_time import paired_share
from .results import BenchResults, Target

MAX_OVERHEAD = 0.10
MIN_ASYNC_RATIO = {"https": 20.0, "http": 1.3}
TARGET_CONCURRENCY = 100
MAX_CPU_OVER_AIOHTTP = 2.5
MAX_IMPORT_SHARE = 1 / 3
MAX_SIZE_SHARE = 0.2
MIN_SHARE_OF_RAW = 0.70
MAX_TENANT_KB = 50.0
MAX_TENANT_MS = 1.0
MIN_BULK_SHARE = 0.90
MAX_FLEET_FAIR_SHARE = 2.0
MIN_FLEET_THROUGHPUT = 0.80
MAX_FLEET_THROTTLE_PERCENT = 0.1


def judge(results: BenchResults) -> list[Target]:
    return [
        _per_call(results),
        _throughput(results, "https"),
        _throughput(results, "http"),
        _share_of_raw(results),
        _client_cpu(results),
        _import(results),
        _size(results),
        _tenants(results),
        _bulk(results),
        _fleet(results),
    ]


def _per_call(results: BenchResults) -> Target:
    name, target = "sync per-call overhead over bare httpx", f"<= {MAX_OVERHEAD:.0%} on every operation"
    if results.per_call is None:
        return Target(name, target, "not measured", None)
    ratios = {op: costs[ERGONOMIC].ratio for op, costs in results.per_call.costs.items()}
    worst = max(ratios, key=lambda op: ratios[op])
    overhead = ratios[worst] - 1
    return Target(name, target, f"{overhead:+.1%} (worst: {worst})", overhead <= MAX_OVERHEAD)


def _throughput(results: BenchResults, server: str) -> Target:
    """Subscribe and get at concurrency 100 against the official SDK, in the same rounds."""
    minimum = MIN_ASYNC_RATIO[server]
    name = f"async throughput at concurrency {TARGET_CONCURRENCY} vs the official SDK, {server}"
    target = f">= {minimum:g}x for subscribe and get"
    points = [
        p
        for p in results.throughput
        if p.concurrency == TARGET_CONCURRENCY and p.ratio is not None and p.server == server
    ]
    if not points:
        return Target(name, target, "not measured", None)
    measured = ", ".join(f"{p.op} {p.ratio:.2f}x ({p.ours_per_s:,.0f} vs {p.official_per_s:,.0f}/s)" for p in points)
    return Target(name, target, measured, min(p.ratio or 0.0 for p in points) >= minimum)


def _share_of_raw(results: BenchResults) -> Target:
    """Over plain HTTP at concurrency 100, against raw sockets sending our requests' very bytes, pre-built."""
    name = f"async throughput at concurrency {TARGET_CONCURRENCY} vs a raw-socket client, http"
    target = f">= {MIN_SHARE_OF_RAW:.0%} for subscribe and get"
    points = [
        p
        for p in results.throughput
        if p.concurrency == TARGET_CONCURRENCY and p.server == "http" and p.share_of_raw is not None
    ]
    if not points:
        return Target(name, target, "not measured", None)
    measured = ", ".join(f"{p.op} {p.share_of_raw:.0%} ({p.ours_per_s:,.0f} vs {p.raw_per_s:,.0f}/s)" for p in points)
    ceilings = [p for p in points if p.bare_httpx_share_of_raw is not None]
    if ceilings:  # what any client on httpx's public client and the same transport reached, same rounds
        shares = ", ".join(f"{p.op} {p.bare_httpx_share_of_raw:.0%}" for p in ceilings)
        measured += f"; a bare httpx.AsyncClient on the same transport: {shares}"
    return Target(name, target, measured, min(p.share_of_raw or 0.0 for p in points) >= MIN_SHARE_OF_RAW)


def _client_cpu(results: BenchResults) -> Target:
    name = f"client CPU per async call at concurrency {TARGET_CONCURRENCY} vs bare aiohttp"
    target = f"<= {MAX_CPU_OVER_AIOHTTP:g}x"
    cpu = results.client_cpu
    if cpu is None:
        return Target(name, target, "not measured", None)
    us = cpu.cpu_us
    measured = (
        f"{cpu.ours_over_aiohttp:.2f}x, rounds paired ({us['ours']:.0f} µs vs {us['aiohttp']:.0f} µs; "
        f"bare httpx on our transport {us['httpx']:.0f} µs, the transport alone {us['transport']:.0f} µs)"
    )
    return Target(name, target, measured, cpu.ours_over_aiohttp <= MAX_CPU_OVER_AIOHTTP)


def _size(results: BenchResults) -> Target:
    name, target = "installed size vs the official SDK", f"<= {MAX_SIZE_SHARE:.2f}x"
    ours, theirs = results.size_ours, results.size_official
    if ours is None or theirs is None:
        return Target(name, target, "not measured", None)
    share = ours.counted_bytes / theirs.counted_bytes
    measured = f"{share:.3f}x ({ours.counted_bytes / 1e6:.1f} MB vs {theirs.counted_bytes / 1e6:.1f} MB)"
    return Target(name, target, measured, share <= MAX_SIZE_SHARE)


def _tenants(results: BenchResults) -> Target:
    name = "each extra tenant (with_credentials), sync and async"
    target = f"<= {MAX_TENANT_KB:g} kB and <= {MAX_TENANT_MS:g} ms to build"
    shared = [c for c in results.tenants if c.way == "with_credentials"]
    if not shared:
        return Target(name, target, "not measured", None)
    measured = "; ".join(f"{c.kind} {c.kb_per_tenant:.1f} kB, {c.ms_per_tenant:.2f} ms" for c in shared)
    met = all(c.kb_per_tenant <= MAX_TENANT_KB and c.ms_per_tenant <= MAX_TENANT_MS for c in shared)
    return Target(name, target, measured, met)


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


def _fleet(results: BenchResults) -> Target:
    """Issue 23's figures, from a smaller run of make fleet-demo (one worker SIGKILLed midway)."""
    name = "fleet on two Celery workers, one SIGKILLed (issue 23)"
    target = (
        f"0 lost, 0 duplicate subscriptions, 0 over a monthly budget, throttles < {MAX_FLEET_THROTTLE_PERCENT:g}%, "
        f"smallest organisation <= {MAX_FLEET_FAIR_SHARE:g}x its fair share, throughput >= "
        f"{MIN_FLEET_THROUGHPUT:.0%} of achievable"
    )
    f = results.fleet
    if f is None:
        return Target(name, target, "not measured", None)
    measured = (
        f"{f.organisations} organisations, {f.users:,} users: {f.lost} lost, {f.duplicate_subscriptions} duplicate "
        f"subscriptions ({f.repeated_subscribe_calls} repeated subscribe calls; the killed worker had "
        f"{f.killed_workers_calls_in_flight} in flight, {f.resolved_by_reading} resolved by reading), "
        f"{f.organisations_over_monthly_budget} over budget, throttles {f.throttle_percent:g}%, smallest "
        f"{f.smallest_over_fair_share}x, {f.subscribes_per_s:g}/s = {f.over_achievable:.2f} of achievable "
        f"({f.over_best_window:.2f} of the best 10 s, {f.best_window_per_s:g}/s; quotas sum to "
        f"{f.sum_of_per_second_quotas:,}/s)"
    )
    met = (
        f.lost == 0
        and f.duplicate_subscriptions == 0
        and f.organisations_over_monthly_budget == 0
        and f.throttle_percent < MAX_FLEET_THROTTLE_PERCENT
        and f.smallest_over_fair_share is not None
        and f.smallest_over_fair_share <= MAX_FLEET_FAIR_SHARE
        and f.over_achievable >= MIN_FLEET_THROUGHPUT
    )
    return Target(name, target, measured, met)
