"""Our SDK installed the way a user installs it: its wheel into a fresh virtualenv, with only its dependencies.

Import time and installed size are measured there, not in the development venv, whose
extra packages change both (httpx, for one, imports its command-line tool, rich and
click included, whenever they are installed). The venv lives in a temporary directory
and is removed afterwards, so every run measures the current code.
"""

import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .log import log
from .paths import REPO_ROOT


@contextmanager
def clean_install_of_ours() -> Iterator[Path]:
    """The Python of a temporary venv holding our wheel and its dependencies."""
    with tempfile.TemporaryDirectory(prefix="dingtalk-bench-") as tmp:
        wheels, venv = Path(tmp) / "wheels", Path(tmp) / "venv"
        log("building our wheel and installing it into a clean venv")
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "wheel", "--quiet", "--no-deps"]
        # With hatchling at hand, build without fetching it into an isolated environment.
        isolation = ["--no-build-isolation"] if importlib.util.find_spec("hatchling") else []
        subprocess.run([*pip, *isolation, "-w", str(wheels), str(REPO_ROOT)], check=True)
        wheel = next(wheels.glob("dingtalk_calendar-*.whl"))
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], check=True
        )
        yield python
