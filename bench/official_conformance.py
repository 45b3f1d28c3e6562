"""Does the official SDK, used as a client, find the emulator to be DingTalk? ``python -m bench.official_conformance``

Starts the emulator, makes (or reuses) ``bench/.venv-official`` with alibabacloud-dingtalk
2.2.65, and runs ``official_conformance_worker`` in it twice: with English messages, and
with the China site's Chinese ones (``Emulator(language="zh")``). Prints each check and
exits 1 if any failed. Not part of ``make test``: it needs the official SDK's venv.
"""

import json
import subprocess
import sys

from dingtalk_calendar_emulator import Emulator

from .official_env import ensure_official_venv
from .paths import REPO_ROOT


def run(language: str) -> tuple[int, int]:
    python = ensure_official_venv()
    with Emulator(language=language) as emu:
        suite = emu.enterprise_app
        command = [
            str(python),
            "-m",
            "bench.official_conformance_worker",
            "--url",
            emu.url,
            "--token",
            emu.issue_token(),
            "--suite",
            suite.suite_key,
            suite.suite_secret,
            "ding-acme",
            suite.suite_ticket,
            "--language",
            language,
        ]
        done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    for line in lines[:-1]:
        print(f"  [{language}] {'ok  ' if line['ok'] else 'FAIL'} {line['check']}: {line['detail']}")
    if done.returncode != 0 or not lines or "passed" not in lines[-1]:
        print(done.stderr, file=sys.stderr)
        return 0, max(len(lines), 1)
    return int(lines[-1]["passed"]), int(lines[-1]["total"])


def main() -> int:
    totals = [run(language) for language in ("en", "zh")]
    passed, total = sum(p for p, _ in totals), sum(t for _, t in totals)
    print(f"official SDK against the emulator: {passed} of {total} checks passed")
    return 0 if passed == total else 1


if __name__ == "__main__":
    raise SystemExit(main())
