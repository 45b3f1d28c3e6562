"""The official SDK's own virtualenv (``bench/.venv-official``), made by the benchmark when missing.

It is kept apart from ours so that neither SDK's dependencies can speed up or slow down the
other, and so that its installed size can be counted on its own.
"""

import subprocess
import sys
from pathlib import Path
from typing import Final

from .log import log
from .paths import OFFICIAL_PYTHON, OFFICIAL_VENV

OFFICIAL_REQUIREMENT: Final = "alibabacloud-dingtalk==2.2.65"
_VERSION_CHECK: Final = "import importlib.metadata as m; print(m.version('alibabacloud-dingtalk'))"


def installed_version(python: Path) -> str | None:
    """The alibabacloud-dingtalk version in the venv of ``python``, or None."""
    if not python.exists():
        return None
    result = subprocess.run([str(python), "-c", _VERSION_CHECK], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def ensure_official_venv() -> Path:
    """The official venv's Python, after creating the venv and installing the SDK if needed."""
    wanted = OFFICIAL_REQUIREMENT.split("==")[1]
    if installed_version(OFFICIAL_PYTHON) == wanted:
        return OFFICIAL_PYTHON
    log(f"creating {OFFICIAL_VENV} with {OFFICIAL_REQUIREMENT} (about a minute, once)")
    # A venv made from our venv's Python is based on the same interpreter, without our packages.
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(OFFICIAL_VENV)], check=True)
    subprocess.run(
        [str(OFFICIAL_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", OFFICIAL_REQUIREMENT],
        check=True,
    )
    if installed_version(OFFICIAL_PYTHON) != wanted:
        raise RuntimeError(f"{OFFICIAL_REQUIREMENT} did not install into {OFFICIAL_VENV}")
    return OFFICIAL_PYTHON
