"""Progress lines go to stderr, so that stdout carries only the results table."""

import sys
import time

_START = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - _START:6.0f}s] {message}", file=sys.stderr, flush=True)
