"""What the spec marks ``deprecated: true`` is generated ``@typing_extensions.deprecated`` and warns when called.

A copy of openapi.yaml deprecates one operation and one request field; it is generated into a
temporary folder, then used from fresh interpreters (the generated functions, the clients)
and type-checked, as a user's code would be.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dingtalk_calendar_api.spec_data import OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
REASON = "DingTalk retires it; read calendars with listSubscribedCalendars"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package generated from a spec that deprecates getSubscribedCalendar and the create's description."""
    tmp = tmp_path_factory.mktemp("deprecated")
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    get = spec["paths"][OPERATIONS["getSubscribedCalendar"].path]["get"]
    get["deprecated"] = True
    get["x-dingtalk-deprecation"] = REASON
    request = spec["components"]["schemas"][OPERATIONS["createSubscribedCalendar"].body_schema]
    request["properties"]["description"]["deprecated"] = True
    (tmp / "openapi.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    target = tmp / "generated"
    done = subprocess.run(
        [sys.executable, "generator/generate.py", "--target", str(target), "--spec", str(tmp / "openapi.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return target


def test_the_deprecated_operations_functions_are_decorated_and_no_others(generated: Path) -> None:
    calendar = generated / "dingtalk_calendar_api" / "api" / "calendar"
    source = (calendar / "get_subscribed_calendar.py").read_text(encoding="utf-8")
    message = f"getSubscribedCalendar is deprecated: {REASON}"
    for function in ("def sync_detailed(", "def sync(", "async def asyncio_detailed(", "async def asyncio("):
        assert f'@deprecated("{message}")\n{function}' in source, function
    assert "from typing_extensions import deprecated" in source
    assert source.count("@deprecated(") == 4  # not build_request_kwargs, which the SDK itself calls
    others = [p for p in calendar.glob("*.py") if p.name not in ("get_subscribed_calendar.py", "__init__.py")]
    assert others
    assert not [p.name for p in others if "deprecated" in p.read_text(encoding="utf-8")]
    spec_data = (generated / "dingtalk_calendar_api" / "spec_data.py").read_text(encoding="utf-8")
    assert f"deprecated={message!r}" in spec_data.replace('"', "'")
    assert "deprecated='description is deprecated (openapi.yaml marks it so)'" in spec_data.replace('"', "'")
    model = (generated / "dingtalk_calendar_api" / "models" / "create_subscribed_calendar_request.py").read_text()
    assert "Deprecated: CreateSubscribedCalendarRequest.description is deprecated" in model  # its docstring


SCRIPT = """
import json, sys, warnings
from dingtalk_calendar import CalendarClient, InternalAppCredentials, Scope
from dingtalk_calendar_api.api.calendar import get_subscribed_calendar
from dingtalk_calendar_emulator import Emulator

caught = []
with Emulator() as emu, warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    app = emu.internal_app
    with CalendarClient(InternalAppCredentials(app.app_key, app.app_secret), base_url=emu.url) as client:
        made = client.create("alice", name="Old", scope=Scope(organisations=["ding-acme"]))  # line 12: no warning
        made = client.create("alice", name="Old", description="x", scope=Scope(organisations=["ding-acme"]))
        client.get("alice", made.calendar_id)  # line 14
        client._api.set_httpx_client(client._http)
        get_subscribed_calendar.sync_detailed("alice", made.calendar_id, client=client._api)  # line 16
    caught = [(w.category.__name__, str(w.message), w.lineno, w.filename == __file__) for w in seen]
print(json.dumps(caught))
"""


def test_calling_what_the_spec_deprecates_warns_at_the_callers_line(generated: Path, tmp_path: Path) -> None:
    script = tmp_path / "uses_deprecated.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {"PYTHONPATH": str(generated), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    warned = [tuple(w) for w in json.loads(done.stdout.splitlines()[-1]) if w[0] == "DeprecationWarning"]
    message = f"getSubscribedCalendar is deprecated: {REASON}"
    assert warned == [
        (
            "DeprecationWarning",
            "createSubscribedCalendar: description is deprecated (openapi.yaml marks it so)",
            13,
            True,
        ),
        ("DeprecationWarning", message, 14, True),
        ("DeprecationWarning", message, 16, True),
    ]


def test_type_checkers_flag_a_call_of_a_deprecated_operation(generated: Path, tmp_path: Path) -> None:
    user = tmp_path / "user_code.py"
    user.write_text(
        "from dingtalk_calendar_api import Client\n"
        "from dingtalk_calendar_api.api.calendar import get_subscribed_calendar, subscribe_calendar\n\n"
        "api = Client(base_url='http://127.0.0.1:1')\n"
        "get_subscribed_calendar.sync('alice', 'cal', client=api)\n"
        "subscribe_calendar.sync_detailed('alice', 'cal', client=api)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--enable-error-code",
            "deprecated",
            "--follow-imports=silent",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(user),
        ],
        cwd=tmp_path,
        env={"MYPYPATH": str(generated), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    lines = done.stdout.splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    assert "user_code.py:5: error:" in lines[0]
    assert "is deprecated" in lines[0]
    assert "[deprecated]" in lines[0]
