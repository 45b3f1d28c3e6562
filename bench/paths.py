"""Where the benchmark reads and writes: every path is derived from this file's place in the repository."""

import sys
from pathlib import Path
from typing import Final

BENCH_DIR: Final = Path(__file__).resolve().parent
REPO_ROOT: Final = BENCH_DIR.parent
# The interpreter running the bench (.venv's under `make bench`; .venv-lowest's under `make test-lowest`).
OUR_VENV_PYTHON: Final = Path(sys.executable)
OFFICIAL_VENV: Final = BENCH_DIR / ".venv-official"
OFFICIAL_PYTHON: Final = OFFICIAL_VENV / "bin" / "python"
RESULTS_DIR: Final = BENCH_DIR / "results"
DOCS_FILE: Final = REPO_ROOT / "docs" / "benchmark.md"
README_FILE: Final = REPO_ROOT / "README.md"
