"""The README's Python examples, run in order against the emulator, so they cannot rot.

Every ```python block runs, in one shared namespace (later blocks use ``created`` from the
first). The environment holds an internal app's credentials and the emulator's URL, plus
whichever other ``DINGTALK_*`` variables a block itself names, so ``from_env()`` always sees
exactly one kind of credentials.
"""

import inspect
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dingtalk_calendar_emulator import Emulator

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
VARIABLE = re.compile(r"DINGTALK_[A-Z_]+")


def blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def variables(emu: Emulator) -> dict[str, str]:
    enterprise = emu.enterprise_app
    personal = emu.personal_app
    return {
        "DINGTALK_SUITE_KEY": enterprise.suite_key,
        "DINGTALK_SUITE_SECRET": enterprise.suite_secret,
        "DINGTALK_AUTH_CORP_ID": "ding-acme",
        "DINGTALK_SUITE_TICKET": enterprise.suite_ticket,
        "DINGTALK_CLIENT_ID": personal.client_id,
        "DINGTALK_CLIENT_SECRET": personal.client_secret,
        "DINGTALK_AUTH_CODE": emu.issue_auth_code(personal, "alice"),
        "DINGTALK_ACCESS_TOKEN": emu.issue_token(emu.internal_app),
    }


def test_the_readme_has_examples() -> None:
    assert len(blocks()) >= 8


def test_every_readme_example_runs(
    dingtalk_emulator: Emulator,
    dingtalk_emulator_factory: Callable[..., Emulator],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in list(os.environ):
        if name.startswith("DINGTALK_"):
            monkeypatch.delenv(name)
    base = {
        "DINGTALK_APP_KEY": dingtalk_emulator.internal_app.app_key,
        "DINGTALK_APP_SECRET": dingtalk_emulator.internal_app.app_secret,
        "DINGTALK_BASE_URL": dingtalk_emulator.url,
    }
    extra = variables(dingtalk_emulator)
    namespace: dict[str, Any] = {"__name__": "readme"}
    for number, code in enumerate(blocks(), start=1):
        wanted = {name: extra[name] for name in set(VARIABLE.findall(code)) if name in extra}
        with monkeypatch.context() as scoped:
            for name, value in {**base, **wanted}.items():
                scoped.setenv(name, value)
            try:
                exec(compile(code, f"README.md python block {number}", "exec"), namespace)  # noqa: S102
            except Exception as error:
                pytest.fail(f"README python block {number} failed: {error!r}\n{code}")
    # The README's own pytest examples, called with the plugin's fixtures (fresh emulators).
    readme_tests = {name: f for name, f in namespace.items() if name.startswith("test_") and callable(f)}
    assert readme_tests, "the README shows no pytest example"
    assert len(readme_tests) == 2
    for function in readme_tests.values():
        provide = {
            "dingtalk_emulator": dingtalk_emulator_factory,
            "dingtalk_emulator_factory": lambda: dingtalk_emulator_factory,
        }
        function(*(provide[p]() for p in inspect.signature(function).parameters))
    printed = capsys.readouterr().out
    assert "Public holidays" in printed
    assert "3 done, 0 already done, 1 failed, 0 not attempted" in printed
    assert "must be at most 128 characters (got 129)" in printed
