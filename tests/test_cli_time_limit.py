"""The bulk commands' ``--time-limit``: throttling alone never fails a user; past the limit, a
throttled user fails with the throttling error. Against the emulator's real quota, set far
below the job's rate so that throttling is certain whatever the machine's speed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dingtalk_calendar.cli import main
from dingtalk_calendar_emulator import Directory, Emulator

USERS = [f"user{n:02d}" for n in range(30)]
THROTTLE_CODES = {"Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "Forbidden.AccessDenied.QpsLimitForApi"}


@pytest.fixture
def emu(dingtalk_emulator_factory: Callable[..., Emulator]) -> Emulator:
    directory = Directory.from_dict(
        {"corps": [{"corpId": "ding-big"}], "users": [{"unionId": u, "corpIds": ["ding-big"]} for u in USERS]}
    )
    return dingtalk_emulator_factory(directory=directory, qps_limit=5)


@pytest.fixture
def env(emu: Emulator) -> dict[str, str]:
    return {
        "DINGTALK_BASE_URL": emu.url,
        "DINGTALK_APP_KEY": emu.internal_app.app_key,
        "DINGTALK_APP_SECRET": emu.internal_app.app_secret,
    }


def _bulk(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path, users: list[str], *extra: str
) -> tuple[int, dict[str, Any]]:
    assert main(["--quiet", "create", USERS[0], "--name", "All hands", "--org", "ding-big"], environ=env) == 0
    calendar = capsys.readouterr().out.strip()
    path = tmp_path / "users.txt"
    path.write_text("\n".join(users) + "\n")
    code = main(["--json", "bulk-subscribe", calendar, str(path), "--rate", "40", *extra], environ=env)
    return code, json.loads(capsys.readouterr().out)


def test_without_a_time_limit_a_throttled_job_fails_no_user(
    env: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, document = _bulk(env, capsys, tmp_path, USERS[:12])
    assert code == 0
    assert document["failed"] == []
    assert sorted(document["done"]) == USERS[:12]


def test_past_the_time_limit_throttled_users_fail_with_the_throttling_code(
    emu: Emulator, env: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    emu.qps_limit = 1
    # 30 users at 1 a second cannot be done within 0.5 s, however fast the machine.
    code, document = _bulk(env, capsys, tmp_path, USERS, "--time-limit", "0.5")
    assert code == 4  # some users failed
    failed = document["failed"]
    assert failed
    assert {failure["code"] for failure in failed} <= THROTTLE_CODES
    settled = len(failed) + len(document["done"]) + len(document["not_attempted"])
    assert settled == len(USERS)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan"])
def test_a_time_limit_that_is_not_a_positive_number_is_a_usage_error(
    value: str, env: dict[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "users.txt"
    path.write_text("alice\n")
    assert main(["bulk-subscribe", "cal-1", str(path), "--time-limit", value], environ=env) == 2
    assert "--time-limit" in capsys.readouterr().err
