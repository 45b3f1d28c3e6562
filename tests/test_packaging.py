"""`pip install .` gives one distribution with the three packages, typed, needing only httpx, attrs and,
for the async client's transport, httpx-aiohttp and aiohttp (h11 is httpx's business, not ours), and
typing-extensions for @deprecated (httpx's anyio brings it already)."""

import email
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = out.glob("dingtalk_calendar-*.whl")
    return built


def test_the_wheel_carries_the_three_packages_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("dingtalk_calendar_api", "dingtalk_calendar", "dingtalk_calendar_emulator"):
        assert f"{package}/__init__.py" in names
        assert f"{package}/py.typed" in names
    assert "dingtalk_calendar_api/openapi.yaml" in names  # the spec travels with the code made from it
    assert "dingtalk_calendar/cli/__init__.py" in names
    assert not any(name.startswith(("tests/", "generator/", "bench/")) for name in names)


def test_runtime_dependencies_are_httpx_httpcore_attrs_aiohttp_and_typing_extensions_only(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        metadata_name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(metadata_name))
    requirements = metadata.get_all("Requires-Dist") or []
    unconditional = sorted(r.split(">")[0].split("<")[0].strip() for r in requirements if "extra ==" not in r)
    # typing-extensions: @deprecated on what the spec deprecates (httpx's anyio needs it already).
    # httpcore: the sync transport's network backend (httpx needs it already).
    assert unconditional == ["aiohttp", "attrs", "httpcore", "httpx", "httpx-aiohttp", "typing-extensions"]
    assert {"emulator", "redis", "otel"} <= set(metadata.get_all("Provides-Extra") or [])
    assert metadata["Requires-Python"] == ">=3.11"


def test_the_installed_wheel_imports_and_works(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    probe = (
        "import dingtalk_calendar, dingtalk_calendar_api;"
        "from dingtalk_calendar import Scope;"
        "print(dingtalk_calendar.__file__);"
        "print(Scope().with_users('u').users)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}  # ahead of the editable install in the venv
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    where, users = run.stdout.splitlines()
    assert where.startswith(str(target))
    assert users == "('u',)"
