"""`make generate` is deterministic and `make check-generated` catches hand edits."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "dingtalk_calendar_api"


def run_generator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "generator" / "generate.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of generated/ rebuilt from scratch, as after deleting it and running make generate."""
    target = tmp_path_factory.mktemp("regenerated")
    result = run_generator("--target", target)
    assert result.returncode == 0, result.stderr
    return target


def test_a_fresh_generation_is_byte_for_byte_the_committed_one(regenerated: Path) -> None:
    committed = tree(ROOT / "generated" / PACKAGE)
    assert committed, "generated/ is empty"
    assert tree(regenerated / PACKAGE) == committed


def test_generating_twice_changes_nothing(regenerated: Path) -> None:
    before = tree(regenerated / PACKAGE)
    assert run_generator("--target", regenerated).returncode == 0
    assert tree(regenerated / PACKAGE) == before


def test_check_passes_on_the_committed_tree() -> None:
    result = run_generator("--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in sync" in result.stdout


def test_check_fails_with_a_diff_when_a_generated_file_is_edited(regenerated: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(regenerated, edited)
    module = edited / PACKAGE / "api" / "calendar" / "subscribe_calendar.py"
    module.write_text(module.read_text().replace('METHOD = "POST"', 'METHOD = "GET"'))

    result = run_generator("--check", "--target", edited)
    assert result.returncode == 1
    assert "subscribe_calendar.py" in result.stdout
    assert '-METHOD = "GET"' in result.stdout
    assert '+METHOD = "POST"' in result.stdout
    assert "make generate" in result.stderr


def test_check_fails_when_a_file_is_added_or_removed(regenerated: Path, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(regenerated, changed)
    (changed / PACKAGE / "stray.py").write_text("x = 1\n")
    (changed / PACKAGE / "types.py").unlink()
    result = run_generator("--check", "--target", changed)
    assert result.returncode == 1
    assert "stray.py" in result.stdout
    assert "types.py" in result.stdout


def test_generated_package_carries_the_spec_error_tables() -> None:
    from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason
    from dingtalk_calendar_api.spec_data import OPERATIONS, SCHEMAS

    assert OPERATIONS["createSubscribedCalendar"].idempotent is False
    assert OPERATIONS["subscribeCalendar"].idempotent is True
    assert ErrorCode.parse("exceedSubscribeLimit") is ErrorCode.EXCEED_SUBSCRIBE_LIMIT
    assert ErrorCode.parse("somethingNew") is None
    assert ErrorReason.parse("calendar name cannot be blank") is ErrorReason.CALENDAR_NAME_CANNOT_BE_BLANK
    name = next(f for f in SCHEMAS["CreateSubscribedCalendarRequest"].fields if f.name == "name")
    assert (name.required, name.max_length) == (True, 128)
    every_code = {e.code for op in OPERATIONS.values() for e in op.errors}
    assert every_code <= {c.value for c in ErrorCode}
