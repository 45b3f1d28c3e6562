"""Bulk subscribe under load: ``.venv/bin/python -m bench.bulk_under_load [--users 2000] [--hogs 2]``.

The bulk job of ``bench.bulk`` (the SDK's defaults against the emulator's default quota of
20 calls a second) with ``--hogs`` CPU-bound processes beside it, as on a busy machine: the
case where a job at 19/s meets throttling answers. Prints the figures as JSON; the target is
0 failed, throttled answers under 1 % of the requests, and a rate of at least 85 % of the quota
(``docs/bulk-throttling.md`` records a run).
"""

import argparse
import json
import subprocess
import sys
from dataclasses import asdict

from .bulk import measure_bulk

_HOG = "while True: pass"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--hogs", type=int, default=2, help="CPU-bound processes to run beside the job (2)")
    args = parser.parse_args()
    hogs = [subprocess.Popen([sys.executable, "-c", _HOG]) for _ in range(args.hogs)]
    try:
        outcome = measure_bulk(args.users)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    figures = asdict(outcome)
    figures["throttled_share"] = outcome.throttled_answers / max(outcome.subscribe_requests, 1)
    figures["hogs"] = args.hogs
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
