"""Installed size of each SDK: ``site_size`` run inside each one's own virtualenv."""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .paths import REPO_ROOT


@dataclass(frozen=True)
class InstalledSize:
    python: str
    counted_bytes: int
    """Everything in site-packages except pip and setuptools (see ``site_size``)."""
    excluded_bytes: int
    by_distribution: dict[str, int]


def measure_size(python: Path) -> InstalledSize:
    out = subprocess.run(
        [str(python), "-m", "bench.site_size"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout)
    return InstalledSize(
        python=str(python),
        counted_bytes=int(data["counted_bytes"]),
        excluded_bytes=int(data["excluded_bytes"]),
        by_distribution={name: int(size) for name, size in data["by_distribution"].items()},
    )
