"""Bulk journals that survive damage: a cut last line, a damaged middle line, a full disk,
undecodable user ids, and two processes on one journal. The CLI runs against the emulator,
in this process through ``main`` or as a real process; the full disk is a real 4 KiB tmpfs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dingtalk_calendar.cli import main
from dingtalk_calendar_emulator import Directory, Emulator

USERS = [f"user{n:03d}" for n in range(60)] + ["用户甲"]


def _directory(users: list[str]) -> Directory:
    return Directory.from_dict(
        {"corps": [{"corpId": "ding-big"}], "users": [{"unionId": user, "corpIds": ["ding-big"]} for user in users]}
    )


@pytest.fixture
def emu(dingtalk_emulator_factory: Callable[..., Emulator]) -> Emulator:
    return dingtalk_emulator_factory(directory=_directory(USERS), qps_limit=None)


@pytest.fixture
def env(emu: Emulator) -> dict[str, str]:
    return {
        "DINGTALK_BASE_URL": emu.url,
        "DINGTALK_APP_KEY": emu.internal_app.app_key,
        "DINGTALK_APP_SECRET": emu.internal_app.app_secret,
    }


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv), environ=env)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def calendar(run: Run) -> str:
    code, out, _ = run("--quiet", "create", USERS[0], "--name", "All hands", "--org", "ding-big")
    assert code == 0
    return out.strip()


def _users(tmp_path: Path, users: list[str]) -> str:
    path = tmp_path / "users.txt"
    path.write_text("\n".join(users) + "\n", encoding="utf-8")
    return str(path)


def _line(calendar: str, user: str, outcome: str = "done") -> bytes:
    entry = {"operation": "subscribe", "calendar_id": calendar, "user_id": user, "outcome": outcome}
    return (json.dumps(entry, ensure_ascii=False) + "\n").encode()


def _entries(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_bytes().decode().splitlines()]


# --- a cut last line -------------------------------------------------------------------------

# Where the last line is cut: inside the JSON, after a quote, inside the first and the second
# of the three bytes of "用", and just before the newline (a whole entry, kept).
_CUTS = {"mid-json": 5, "after-quote": 2, "mid-utf8-1": 1, "mid-utf8-2": 2, "before-newline": 0}


@pytest.mark.parametrize("cut", list(_CUTS))
def test_a_cut_last_line_is_repaired_on_open_whatever_byte_it_was_cut_at(
    cut: str, run: Run, calendar: str, tmp_path: Path
) -> None:
    users = _users(tmp_path, ["user001", "user002", "用户甲"])
    journal = tmp_path / "job.jsonl"
    whole = _line(calendar, "用户甲")
    if cut.startswith("mid-utf8"):
        at = whole.index("用".encode()) + _CUTS[cut]
    elif cut == "after-quote":
        at = whole.index(b'"user_id": "') + len(b'"user_id": "')
    elif cut == "mid-json":
        at = whole.index(b'"outcome"')
    else:
        at = len(whole) - 1
    journal.write_bytes(_line(calendar, "user001") + whole[:at])

    code, out, err = run(
        "--json", "bulk-subscribe", calendar, users, "--journal", str(journal), "--resume", str(journal)
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["already_done"] == (["user001", "用户甲"] if cut == "before-newline" else ["user001"])
    if cut != "before-newline":
        assert f"journal {journal}: dropped line 2, cut short" in err
    # The journal is whole again: every line an entry, each user once, and a second resume reads it.
    assert sorted(entry["user_id"] for entry in _entries(journal)) == ["user001", "user002", "用户甲"]
    code, out, err = run(
        "--json", "bulk-subscribe", calendar, users, "--journal", str(journal), "--resume", str(journal)
    )
    assert code == 0, err
    assert sorted(json.loads(out)["already_done"]) == ["user001", "user002", "用户甲"]


@pytest.mark.parametrize("damage", [b"not json", b"\xff\xfe{}", b'{"user_id": "x"}', b"[" * 100_000])
def test_a_damaged_middle_line_is_an_error_naming_the_line_and_the_fix(
    damage: bytes, run: Run, calendar: str, tmp_path: Path
) -> None:
    journal = tmp_path / "job.jsonl"
    content = _line(calendar, "user001") + damage + b"\n" + _line(calendar, "user002")
    journal.write_bytes(content)
    code, _, err = run("bulk-subscribe", calendar, _users(tmp_path, ["user001"]), "--resume", str(journal))
    assert code == 2
    assert err.startswith(f"error: journal {journal}, line 2: not a journal entry")
    assert "delete that line" in err
    assert journal.read_bytes() == content  # nothing is changed by a refused run


# --- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 KiB tmpfs (needs root and mount, else the test is skipped)."""
    where = tmp_path / "tiny"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(where)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_stops_the_job_with_its_own_exit_code_and_resume_completes_it(
    run: Run, emu: Emulator, calendar: str, tmp_path: Path, tiny_disk: Path
) -> None:
    users = _users(tmp_path, USERS)
    journal = tiny_disk / "job.jsonl"
    argv = ["bulk-subscribe", calendar, users, "--journal", str(journal), "--resume", str(journal)]
    code, out, err = run(*argv, "--concurrency", "1")
    assert code == 5, (out, err)
    assert f"cannot write journal {journal}: no space left on device" in out
    assert "done," in out  # the summary: done / failed / not attempted
    assert "not attempted" in out
    assert f"--resume {journal}" in out
    journaled = _entries(journal)  # every line whole: the failed write was undone
    assert 0 < len(journaled) < len(USERS)

    subprocess.run(["mount", "-o", "remount,size=1m", str(tiny_disk)], check=True)
    code, out, err = run("--json", *argv)
    assert code == 0, (out, err)
    assert sorted(json.loads(out)["already_done"]) == sorted(entry["user_id"] for entry in journaled)
    assert sorted(entry["user_id"] for entry in _entries(journal)) == sorted(USERS)
    assert sorted(emu.state.subscribers(calendar)) == sorted(USERS)


# --- undecodable ids, two processes --------------------------------------------------------------


def _cli(*argv: str, env: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DINGTALK_")}
    return subprocess.run(
        [sys.executable, "-m", "dingtalk_calendar.cli", *argv],
        input=stdin,
        env={**base, **env},
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_an_undecodable_user_id_fails_only_that_user(env: dict[str, str], calendar: str, tmp_path: Path) -> None:
    journal = tmp_path / "job.jsonl"
    stdin = b"user001\nbad\xff\xfe-id\nuser002\nuser003\n"
    done = _cli("--json", "bulk-subscribe", calendar, "-", "--journal", str(journal), env=env, stdin=stdin)
    assert done.returncode == 4, done.stderr
    document = json.loads(done.stdout)
    assert sorted(document["done"]) == ["user001", "user002", "user003"]
    assert [failure["user_id"] for failure in document["failed"]] == ["bad\udcff\udcfe-id"]
    assert document["not_attempted"] == []
    assert len(_entries(journal)) == 4  # the journal holds that user too, in a form it can read back

    again = _cli("--json", "bulk-subscribe", calendar, "-", "--resume", str(journal), env=env, stdin=stdin)
    assert again.returncode == 4, again.stderr
    assert sorted(json.loads(again.stdout)["already_done"]) == ["user001", "user002", "user003"]


def test_a_journal_in_use_by_another_process_is_refused(
    env: dict[str, str], run: Run, calendar: str, tmp_path: Path
) -> None:
    journal = tmp_path / f"job-{uuid.uuid4().hex}.jsonl"
    users = _users(tmp_path, USERS)
    argv = ["bulk-subscribe", calendar, users, "--journal", str(journal), "--resume", str(journal)]
    base = {k: v for k, v in os.environ.items() if not k.startswith("DINGTALK_")}
    first = subprocess.Popen(
        [sys.executable, "-m", "dingtalk_calendar.cli", *argv, "--rate", "2", "--concurrency", "1"],
        env={**base, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_a_line(journal, first)
        for second in (argv, ["bulk-subscribe", calendar, users, "--resume", str(journal)]):
            code, _, err = run(*second)
            assert code == 2
            assert f"journal {journal} is in use by another dingtalk-calendar process" in err
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=60)
    assert first.returncode == 130
    code, _, err = run(*argv, "--rate", "1000")  # once the first has ended, resuming works
    assert code == 0, err


def _wait_for_a_line(path: Path, process: subprocess.Popen[bytes]) -> None:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= 1:
            return
        if process.poll() is not None:
            pytest.fail(f"the job ended early: {process.communicate()}")
        time.sleep(0.01)
    pytest.fail(f"{path} got no line")
