"""``python demo/walkthrough.py`` (``make demo``) as a newcomer runs it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

WALKTHROUGH = Path(__file__).resolve().parent.parent / "demo" / "walkthrough.py"
STEPS = [
    "Step 1. Create a calendar",
    "Step 2. Read it back",
    "Step 3. Update it",
    "Step 4. Subscribe bob",
    "Step 5. Unsubscribe bob",
    "Step 6. A documented error",
    "Step 7. A forced token refresh",
    "Step 8. Clean up",
]
REQUEST_ID = re.compile(r"request:  [0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}  ")


def _demo(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(WALKTHROUGH)],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def demo() -> subprocess.CompletedProcess[str]:
    return _demo()


def test_demo_exits_0_and_walks_through_every_step_in_order(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0, demo.stderr
    assert "Traceback" not in demo.stderr
    positions = [demo.stdout.find(step) for step in STEPS]
    assert -1 not in positions, demo.stdout
    assert positions == sorted(positions)
    assert re.search(r"The emulator listens on http://127\.0\.0\.1:\d+", demo.stdout)
    assert demo.stdout.index("Stopping the emulator.") > positions[-1]


def test_demo_shows_each_call_and_its_request_id(demo: subprocess.CompletedProcess[str]) -> None:
    calls = ("client.create(", "client.get(", "client.update(", "client.subscribe(", "client.unsubscribe(")
    for call in (*calls, "client.delete("):
        assert f"call:     {call}" in demo.stdout
    # create, get, update, subscribe, unsubscribe, the get after the refresh, and the delete
    assert len(REQUEST_ID.findall(demo.stdout)) == 7
    assert "the calendar still exists: False; subscribers now: []" in demo.stdout
    assert "name='Team holidays' (unchanged)" in demo.stdout


def test_demo_shows_the_documented_error_with_its_fields(demo: subprocess.CompletedProcess[str]) -> None:
    error = demo.stdout[demo.stdout.index(STEPS[5]) : demo.stdout.index(STEPS[6])]
    assert "raised:   PermissionDeniedError" in error
    assert ".status_code = 400" in error
    assert ".code        = ErrorCode.PERMISSION_DENIED ('permissionDenied')" in error
    assert "THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE" in error
    assert re.search(r"\.request_id  = '[0-9A-F-]{36}'", error)


def test_demo_shows_the_client_fetching_a_new_token_by_itself(demo: subprocess.CompletedProcess[str]) -> None:
    refresh = demo.stdout[demo.stdout.index(STEPS[6]) :]
    assert "emu.clock.advance(7260)" in refresh
    assert "token requests: 1 before, 2 after; the client's token changed: True" in refresh
    assert "(2 requests for this get)" in refresh  # refused once, re-sent once


def test_demo_never_prints_the_app_secret(demo: subprocess.CompletedProcess[str]) -> None:
    assert "emulator-app-secret" not in demo.stdout + demo.stderr


def test_without_the_emulator_extra_the_demo_says_so_in_one_line(tmp_path: Path) -> None:
    # A uvicorn that cannot be imported, ahead of the real one on the path.
    (tmp_path / "uvicorn.py").write_text("raise ModuleNotFoundError(\"No module named 'uvicorn'\", name='uvicorn')\n")
    result = _demo({"PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "needs the emulator extra (uvicorn is missing)" in result.stderr
    assert "pip install 'dingtalk-calendar[emulator]'" in result.stderr
