"""docs/fleet.md's Python examples, each run in a fresh interpreter against the emulator, Redis and a fleet worker."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dingtalk_calendar.fleet._world import Worker, make_calendars, worker_environment
from dingtalk_calendar_emulator import Emulator
from dingtalk_calendar_emulator.fleet import Fleet, OrgQuota
from tests.redis_server import RedisServer

DOCS = Path(__file__).resolve().parent.parent / "docs" / "fleet.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", DOCS.read_text(encoding="utf-8"), flags=re.M | re.S)
EXPECTED = re.compile(r"print\(.*\)  # (.+)$")

pytestmark = pytest.mark.timeout(400)


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    fleet = Fleet({"ding-acme": OrgQuota(), "ding-globex": OrgQuota()})
    with RedisServer() as redis_server, Emulator(fleet=fleet) as emu:
        app = emu.enterprise_app
        credentials = {"suite_key": app.suite_key, "suite_secret": app.suite_secret, "suite_ticket": app.suite_ticket}
        organisations = {"ding-acme": 3, "ding-globex": 3}
        creators = {"ding-acme": "alice", "ding-globex": "dave"}
        calendars = make_calendars(emu.url, redis_server.url, credentials, organisations, creators)
        env = worker_environment(redis_url=redis_server.url, base_url=emu.url, **credentials)
        env.update(ACME_CALENDAR=calendars["ding-acme"], GLOBEX_CALENDAR=calendars["ding-globex"])
        env["PYTHONPATH"] = str(DOCS.parent.parent)
        worker = Worker(env, "docs", tmp_path_factory.mktemp("fleet-docs") / "worker.log", concurrency=2)
        try:
            yield env
        finally:
            worker.stop()


def test_the_fleet_docs_have_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("number", range(len(BLOCKS)))
def test_each_fleet_docs_example_runs_and_prints_what_it_says(
    number: int, environment: dict[str, str], tmp_path: Path
) -> None:
    code = BLOCKS[number]
    path = tmp_path / f"fleet_block_{number + 1}.py"
    path.write_text(code, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(path)], env=environment, capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, f"docs/fleet.md python block {number + 1} failed:\n{run.stderr[-3000:]}"
    expected = [match.group(1) for line in code.splitlines() if (match := EXPECTED.search(line))]
    printed = run.stdout.splitlines()
    assert [line for line in printed if line in expected] == expected, run.stdout


def test_the_fleet_docs_examples_type_check_alone(tmp_path: Path) -> None:
    # As the README's examples are: mypy --strict on each block, as a user's own module. Celery
    # ships no type information, so, as a user would, the config says to take it untyped.
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\nstrict = True\n\n[mypy-celery.*]\nignore_missing_imports = True\n", encoding="utf-8")
    files = []
    for number, code in enumerate(BLOCKS, 1):
        path = tmp_path / f"fleet_block_{number}.py"
        path.write_text(code, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy"),
            *files,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
