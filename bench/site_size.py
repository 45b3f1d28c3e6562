"""The installed size of one virtualenv's packages; run with that venv's Python, prints JSON.

``python -m bench.site_size`` counts every file under the venv's site-packages (apparent
size in bytes, the .pyc files pip compiled at install included) except the files of pip
and setuptools (every top-level name listed in their RECORD: pip/, setuptools/,
pkg_resources/, _distutils_hack/, distutils-precedence.pth and their .dist-info), which
``python -m venv`` puts in every venv. Standard library only.
"""

import importlib.metadata
import json
import os
import sysconfig
from collections import defaultdict
from pathlib import Path

EXCLUDED = ("pip", "setuptools")


def _tree_size(path: Path) -> int:
    if path.is_file() or path.is_symlink():
        return path.lstat().st_size
    total = 0
    for root, _, files in os.walk(path):
        total += sum((Path(root) / name).lstat().st_size for name in files)
    return total


def _top_level_names(dist: importlib.metadata.Distribution) -> set[str]:
    # The first component of each RECORD entry inside site-packages (bin/ scripts start with "..").
    return {Path(str(f)).parts[0] for f in dist.files or () if not str(f).startswith("..")}


def measure(site_packages: Path) -> dict[str, object]:
    owner: dict[str, str] = {}
    for dist in importlib.metadata.distributions(path=[str(site_packages)]):
        for name in _top_level_names(dist):
            owner[name] = dist.metadata["Name"]
    by_dist: dict[str, int] = defaultdict(int)
    for entry in site_packages.iterdir():
        by_dist[owner.get(entry.name, "(not in any RECORD)")] += _tree_size(entry)
    excluded = sum(size for name, size in by_dist.items() if name.lower() in EXCLUDED)
    total = sum(by_dist.values())
    counted = {name: size for name, size in by_dist.items() if name.lower() not in EXCLUDED}
    return {
        "site_packages": str(site_packages),
        "total_bytes": total,
        "excluded_bytes": excluded,
        "counted_bytes": total - excluded,
        "by_distribution": dict(sorted(counted.items(), key=lambda item: -item[1])),
    }


if __name__ == "__main__":
    print(json.dumps(measure(Path(sysconfig.get_paths()["purelib"]))))
