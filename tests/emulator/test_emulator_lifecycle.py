"""Starting and stopping: context manager, CLI, pytest plugin, inspection routes, clean shutdown."""

import contextlib
import gc
import json
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from dingtalk_calendar_emulator import Emulator, EmulatorError, EmulatorProcess, PortInUseError
from dingtalk_calendar_emulator.__main__ import main

Connect = Callable[[Emulator], httpx.Client]
CLI = [sys.executable, "-m", "dingtalk_calendar_emulator"]


def emulator_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("dingtalk-emulator-")]


def test_stop_leaves_no_thread_and_no_resource_warning(connect: Connect) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Emulator() as emu:
            http = connect(emu)
            assert http.get("/_emulator/stats").status_code == 200  # a keep-alive connection stays open
            emu.faults.next("latency:5")  # an answer still under way when the emulator stops
            slow = threading.Thread(target=_post_ignoring_errors, args=(http, "/v1.0/oauth2/accessToken"))
            slow.start()
            served_by = time.monotonic() + 60  # generous: a busy machine is slow, not stuck
            while emu.stats.requests("getAccessToken") == 0:  # until the request is being served
                assert slow.is_alive(), "the request ended before the emulator counted it"
                assert time.monotonic() < served_by, "the emulator never started serving the request"
                time.sleep(0.005)
            assert emulator_threads()
        assert not emu.running
        slow.join(5)
        assert not slow.is_alive()
        gc.collect()
    assert emulator_threads() == []
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []


def _post_ignoring_errors(http: httpx.Client, path: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        http.post(path, json={})


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port} on 127.0.0.1 is already in use"):
            Emulator(port=port).start()


def test_fixed_port_and_restart() -> None:
    with Emulator() as first:
        port = first.port
    with Emulator(port=port) as second:
        assert second.url == f"http://127.0.0.1:{port}"


def test_cli_prints_url_and_credentials_and_stops_on_ctrl_c() -> None:
    with subprocess.Popen([*CLI, "--qps-limit", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as cli:
        assert cli.stdout is not None
        first = cli.stdout.readline()
        url = first.rsplit(" ", 1)[-1].strip()
        credentials = cli.stdout.readline()
        assert first.startswith("DingTalk emulator listening on http://127.0.0.1:")
        assert "appKey=emulator-app-key appSecret=emulator-app-secret" in credentials
        stats = httpx.get(f"{url}/_emulator/stats", timeout=5).json()
        assert stats["total"] == 0
        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=10) == 0


def test_cli_port_in_use_exits_with_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*CLI, "--port", str(port)], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use; choose another one (0 picks a free port)"
    ]


def test_cli_broken_directory_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "directory.json"
    broken.write_text('{"users": [}')
    assert main(["--directory", str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"error: directory file {broken}: not valid JSON at line 1")


def test_cli_main_serves_until_stopped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps({"corps": [{"corpId": "ding-x"}], "users": [{"unionId": "solo"}]}))
    stop = threading.Event()
    stop.set()  # serve, announce, stop at once
    assert main(["--directory", str(directory)], stop=stop) == 0
    assert "users: solo" in capsys.readouterr().out


def test_inspection_routes(emu: Emulator, http: httpx.Client) -> None:
    token = emu.issue_token()
    body = {"name": "x", "subscribeScope": {"corpIds": ["ding-acme"]}}
    http.post(
        "/v1.0/calendar/users/alice/subscribedCalendars", json=body, headers={"x-acs-dingtalk-access-token": token}
    )
    stats = http.get("/_emulator/stats").json()
    assert stats["requests"] == {"createSubscribedCalendar": 1}
    assert stats["statuses"] == {"createSubscribedCalendar": {"200": 1}}
    state = http.get("/_emulator/state").json()
    (calendar,) = state["calendars"].values()
    assert (calendar["author"], calendar["appKey"]) == ("alice", "emulator-app-key")
    assert state["tokens"]["accessTokens"] == 1

    assert http.post("/_emulator/faults", json={"kind": "503", "operation": "getAccessToken"}).json() == {"pending": 1}
    assert http.post("/_emulator/faults", json={"kind": "nonsense"}).status_code == 400
    token_body = {"appKey": "emulator-app-key", "appSecret": "emulator-app-secret"}
    assert http.post("/v1.0/oauth2/accessToken", json=token_body).status_code == 503
    assert http.post("/_emulator/clock", json={"advance": 7200}).json()["offset"] >= 7200
    assert emu.tokens.authenticate(token) is None
    assert http.post("/_emulator/reset").json() == {"reset": True}
    assert emu.state.calendars == {}
    code = http.post("/_emulator/auth-code", json={"userId": "alice"}).json()
    assert (code["userId"], code["clientId"], code["expiresIn"]) == ("alice", "emulator-client-id", 300)
    assert emu.tokens.redeem_auth_code(emu.personal_app, code["authCode"]) == "alice"
    assert http.post("/_emulator/auth-code", json={"userId": "zed"}).status_code == 400
    assert http.post("/_emulator/auth-code", json={"userId": "alice", "clientId": "nope"}).status_code == 400
    assert http.post("/_emulator/teleport").status_code == 404


def test_pytest_plugin_in_a_users_suite(pytester_free_dir: Path) -> None:
    suite = pytester_free_dir / "test_users_suite.py"
    suite.write_text(
        textwrap.dedent(
            """
            import httpx

            seen = []

            def test_fixture(dingtalk_emulator):
                seen.append(dingtalk_emulator)
                assert httpx.get(dingtalk_emulator.url + "/_emulator/stats").status_code == 200

            def test_factory(dingtalk_emulator_factory):
                emu = dingtalk_emulator_factory(qps_limit=None, token_ttl=60)
                seen.append(emu)
                assert emu.qps_limit is None and emu.running

            def test_all_were_stopped():
                assert len(seen) == 2 and not any(emu.running for emu in seen)
            """
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:schemathesis", str(suite)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=pytester_free_dir,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


def test_pytest_plugin_without_the_extra_names_the_extra(pytester_free_dir: Path) -> None:
    # As on a machine where only the SDK is installed: the plugin loads, the fixture says what is missing.
    (pytester_free_dir / "conftest.py").write_text('import sys\nsys.modules["uvicorn"] = None  # not installed\n')
    suite = pytester_free_dir / "test_users_suite.py"
    suite.write_text("def test_fixture(dingtalk_emulator):\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:schemathesis", str(suite)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=pytester_free_dir,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 error" in result.stdout
    assert (
        "the DingTalk emulator needs the 'emulator' extra (uvicorn is not installed): "
        "pip install 'dingtalk-calendar[emulator]'"
    ) in result.stdout
    assert "Traceback" not in result.stdout  # one clear line, not the import chain


@pytest.fixture
def pytester_free_dir(tmp_path: Path) -> Path:
    """An empty folder with its own pytest root, so the inner run ignores this project's configuration."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    return tmp_path


def test_emulator_process_is_steered_over_http() -> None:
    with EmulatorProcess(qps_limit=None) as child:
        with httpx.Client(base_url=child.url) as http:
            token_body = {"appKey": "emulator-app-key", "appSecret": "emulator-app-secret"}
            token = http.post("/v1.0/oauth2/accessToken", json=token_body).json()["accessToken"]
            child.fault("502", operation="getSubscribedCalendar")
            path = "/v1.0/calendar/users/alice/subscribedCalendars/x"
            headers = {"x-acs-dingtalk-access-token": token}
            assert http.get(path, headers=headers).status_code == 502
            child.advance_clock(7200)
            assert http.get(path, headers=headers).json()["code"] == "InvalidAuthentication"
        assert child.stats()["tokenRequests"] == 1
        assert child.state()["tokens"]["accessTokens"] == 0
        child.reset()
        assert child.stats()["total"] == 0
    assert child.returncode == 0


def test_emulator_process_reports_why_it_did_not_start(tmp_path: Path) -> None:
    broken = tmp_path / "directory.json"
    broken.write_text("[]")
    with pytest.raises(EmulatorError, match="top level must be a JSON object"):
        EmulatorProcess(directory=broken).start()


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("qps_limit", -1, "qps_limit must be a whole number, 0 or more"),
        ("qps_limit", "10", "qps_limit must be a whole number"),
        ("monthly_quota", 2.5, "monthly_quota must be a whole number"),
        ("subscribe_limit", True, "subscribe_limit must be a whole number"),
        ("token_ttl", 0, "token_ttl must be a number of seconds above 0"),
        ("auth_code_ttl", float("nan"), "auth_code_ttl must be a number of seconds above 0"),
    ],
)
def test_a_setting_that_cannot_work_is_refused_where_it_is_given(setting: str, value: object, said: str) -> None:
    # A limit of "10" used to fail inside the server, with a TypeError at the first request.
    with pytest.raises(EmulatorError, match=said):
        Emulator(**{setting: value})  # type: ignore[arg-type]
    if setting in ("qps_limit", "monthly_quota", "subscribe_limit"):
        emu = Emulator()
        with pytest.raises(EmulatorError, match=said):
            setattr(emu, setting, value)
        assert getattr(emu, setting) != value
