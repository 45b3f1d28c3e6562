"""`make bench`: ``.venv/bin/python bench/run.py [--help]``. See docs/benchmark.md for what it measures."""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a script, this file's folder is on sys.path, not the repository: make `bench` importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.main import main

    raise SystemExit(main())
