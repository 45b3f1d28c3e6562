"""The emulator over HTTPS: a throw-away CA, what a client must trust, and faults and lifecycle over TLS.

Every test talks to a real server on 127.0.0.1 over real sockets; nothing is mocked.
"""

import gc
import logging
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER
from dingtalk_calendar_emulator import Emulator, EmulatorError, EmulatorProcess, PortInUseError
from dingtalk_calendar_emulator.__main__ import main

Factory = Callable[..., Emulator]

TOKEN_PATH = "/v1.0/oauth2/accessToken"
TOKEN_BODY = {"appKey": "emulator-app-key", "appSecret": "emulator-app-secret"}
CREATE_PATH = "/v1.0/calendar/users/alice/subscribedCalendars"
CREATE_BODY = {"name": "Over TLS", "subscribeScope": {"corpIds": ["ding-acme"]}}
GET_PATH = "/v1.0/calendar/users/alice/subscribedCalendars/unknown"
CLI = [sys.executable, "-m", "dingtalk_calendar_emulator"]


@pytest.fixture
def tls_emu(dingtalk_emulator_factory: Factory) -> Emulator:
    """A running emulator serving HTTPS, started through the plugin's factory."""
    return dingtalk_emulator_factory(tls=True)


@pytest.fixture
def https(tls_emu: Emulator) -> Iterator[httpx.Client]:
    """A client that trusts ``tls_emu``'s CA, closed after the test."""
    with httpx.Client(base_url=tls_emu.url, verify=tls_emu.client_ssl_context(), timeout=10) as client:
        yield client


@pytest.fixture
def auth(tls_emu: Emulator) -> dict[str, str]:
    """Headers with a valid token of the default internal app."""
    return {ACCESS_TOKEN_HEADER: tls_emu.issue_token()}


@pytest.fixture
def uvicorn_errors(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Captures what uvicorn logs (it does not propagate to the root logger caplog listens on)."""
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


# What a client needs


def test_a_client_trusting_the_ca_gets_a_token_and_creates_a_calendar(tls_emu: Emulator, https: httpx.Client) -> None:
    assert tls_emu.url == f"https://127.0.0.1:{tls_emu.port}"
    token = https.post(TOKEN_PATH, json=TOKEN_BODY).json()["accessToken"]
    created = https.post(CREATE_PATH, json=CREATE_BODY, headers={ACCESS_TOKEN_HEADER: token})
    assert created.status_code == 200
    assert list(tls_emu.state.calendars) == [created.json()["calendarId"]]
    assert tls_emu.stats.token_requests == 1
    assert tls_emu.stats.requests("createSubscribedCalendar") == 1


def test_the_certificate_names_localhost_too(tls_emu: Emulator) -> None:
    url = f"https://localhost:{tls_emu.port}/_emulator/stats"
    assert httpx.get(url, verify=tls_emu.client_ssl_context(), timeout=10).status_code == 200


def test_the_ca_file_and_ca_pem_are_the_same_ca(tls_emu: Emulator) -> None:
    assert tls_emu.ca_file is not None
    assert tls_emu.ca_file.read_bytes() == tls_emu.ca_pem
    assert tls_emu.ca_pem.startswith(b"-----BEGIN CERTIFICATE-----")
    trusting_the_file = ssl.create_default_context(cafile=tls_emu.ca_file)
    assert httpx.get(f"{tls_emu.url}/_emulator/stats", verify=trusting_the_file, timeout=10).status_code == 200


@pytest.mark.parametrize("trusted", ["the system's CAs", "another emulator's CA"])
def test_a_client_that_does_not_trust_the_ca_fails_verification(
    tls_emu: Emulator, dingtalk_emulator_factory: Factory, trusted: str
) -> None:
    verify = ssl.create_default_context()
    if trusted == "another emulator's CA":
        verify = dingtalk_emulator_factory(tls=True).client_ssl_context()  # every emulator has its own CA
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{tls_emu.url}/_emulator/stats", verify=verify, timeout=10)


def test_plain_http_to_the_tls_port_fails(tls_emu: Emulator, https: httpx.Client) -> None:
    with pytest.raises(httpx.TransportError):
        httpx.post(f"http://127.0.0.1:{tls_emu.port}{TOKEN_PATH}", json=TOKEN_BODY, timeout=10)
    assert tls_emu.stats.requests() == 0  # the server never saw a request
    assert https.post(TOKEN_PATH, json=TOKEN_BODY).status_code == 200  # and still serves HTTPS


def test_a_plain_emulator_has_no_ca(dingtalk_emulator: Emulator) -> None:
    assert dingtalk_emulator.url.startswith("http://")
    assert dingtalk_emulator.ca_file is None
    with pytest.raises(EmulatorError, match="plain HTTP"):
        _ = dingtalk_emulator.ca_pem
    with pytest.raises(EmulatorError, match="plain HTTP"):
        dingtalk_emulator.client_ssl_context()


def test_no_ca_before_start() -> None:
    emulator = Emulator(tls=True)
    with pytest.raises(EmulatorError, match="start it first"):
        _ = emulator.ca_file
    with pytest.raises(EmulatorError, match="not been started"):
        emulator.client_ssl_context()


def test_tls_without_trustme_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trustme", None)  # what importing an uninstalled package finds
    with pytest.raises(EmulatorError, match=r"needs the trustme package"):
        Emulator(tls=True)
    Emulator()  # plain HTTP does not need it


# Faults and statistics over TLS


def test_drop_over_tls_closes_the_connection_once(tls_emu: Emulator, https: httpx.Client, auth: dict[str, str]) -> None:
    tls_emu.faults.next("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        https.get(GET_PATH, headers=auth)
    assert https.get(GET_PATH, headers=auth).status_code == 400  # served again, on a new connection
    assert tls_emu.stats.requests("getSubscribedCalendar") == 2
    assert tls_emu.faults.injected == {"drop": 1}


def test_drop_over_tls_does_not_wait_for_the_client(
    tls_emu: Emulator, https: httpx.Client, auth: dict[str, str], uvicorn_errors: pytest.LogCaptureFixture
) -> None:
    # A client that keeps its end open after the drop. Had the emulator closed the TLS
    # connection politely, it would wait for this client's goodbye, give up, and uvicorn
    # would log "ASGI callable returned without starting response" and try to answer 500.
    tls_emu.faults.next("drop")
    request = (
        f"GET {GET_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{ACCESS_TOKEN_HEADER}: {auth[ACCESS_TOKEN_HEADER]}\r\n\r\n"
    )
    raw = socket.create_connection(("127.0.0.1", tls_emu.port), timeout=10)
    with tls_emu.client_ssl_context().wrap_socket(raw, server_hostname="127.0.0.1") as held_open:
        held_open.sendall(request.encode())
        assert held_open.recv(65536) == b""  # closed without an answer
        assert https.get(GET_PATH, headers=auth).status_code == 400  # time for the server to log, if it would
        assert [record.getMessage() for record in uvicorn_errors.records] == []


async def test_drop_over_tls_with_an_async_client(tls_emu: Emulator, auth: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=tls_emu.url, verify=tls_emu.client_ssl_context(), timeout=10) as client:
        tls_emu.faults.next("drop")
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(GET_PATH, headers=auth)
        assert (await client.get(GET_PATH, headers=auth)).status_code == 400


def test_drop_after_over_tls_acts_then_loses_the_answer(
    tls_emu: Emulator, https: httpx.Client, auth: dict[str, str]
) -> None:
    tls_emu.faults.next("drop_after", operation="createSubscribedCalendar")
    with pytest.raises(httpx.RemoteProtocolError):
        https.post(CREATE_PATH, json=CREATE_BODY, headers=auth)
    assert len(tls_emu.state.calendars) == 1  # carried out, though the client never heard


@pytest.mark.parametrize(
    ("kind", "status", "content_type"),
    [("503", 503, "application/json"), ("502_html", 502, "text/html"), ("throttle", 403, "application/json")],
)
def test_error_faults_over_tls(
    tls_emu: Emulator, https: httpx.Client, auth: dict[str, str], kind: str, status: int, content_type: str
) -> None:
    tls_emu.faults.next(kind)
    response = https.get(GET_PATH, headers=auth)
    assert (response.status_code, response.headers["content-type"].split(";")[0]) == (status, content_type)
    assert https.get(GET_PATH, headers=auth).status_code == 400
    assert tls_emu.stats.statuses("getSubscribedCalendar") == {status: 1, 400: 1}


def test_latency_over_tls(tls_emu: Emulator, https: httpx.Client, auth: dict[str, str]) -> None:
    tls_emu.faults.next("latency:0.2")
    started = time.monotonic()
    assert https.get(GET_PATH, headers=auth).status_code == 400
    assert time.monotonic() - started >= 0.2  # a lower bound only: a slow machine cannot fail it
    assert tls_emu.faults.injected == {"latency": 1}


def test_the_control_routes_over_tls(tls_emu: Emulator, https: httpx.Client) -> None:
    assert https.post("/_emulator/faults", json={"kind": "500", "operation": "getAccessToken"}).status_code == 200
    assert https.post(TOKEN_PATH, json=TOKEN_BODY).status_code == 500
    assert https.get("/_emulator/stats").json()["statuses"] == {"getAccessToken": {"500": 1}}


# Lifecycle


def test_stop_removes_the_temporary_directory_and_the_next_start_makes_a_new_ca() -> None:
    emulator = Emulator(tls=True).start()
    try:
        assert emulator.ca_file is not None
        directory = emulator.ca_file.parent
        assert sorted(path.name for path in directory.iterdir()) == ["ca.pem", "server.key", "server.pem"]
        first_ca = emulator.ca_pem
    finally:
        emulator.stop()
    assert not directory.exists()
    with pytest.raises(EmulatorError, match="only while the emulator runs"):
        _ = emulator.ca_file
    with emulator:
        assert emulator.ca_file is not None
        assert emulator.ca_file.parent != directory
        assert emulator.ca_pem != first_ca


def test_a_start_that_fails_leaves_no_ca_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the emulator's temporary directory goes
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(PortInUseError):
            Emulator(port=taken.getsockname()[1], tls=True).start()
    assert list(tmp_path.iterdir()) == []


def test_stop_closes_idle_tls_connections_without_resource_warnings() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with (
            Emulator(tls=True) as emulator,
            httpx.Client(base_url=emulator.url, verify=emulator.client_ssl_context(), timeout=10) as client,
        ):
            assert client.get("/_emulator/stats").status_code == 200  # a keep-alive connection stays open
            emulator.stop()  # while the client still holds it
            assert not emulator.running
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert [t for t in threading.enumerate() if t.name.startswith("dingtalk-emulator-")] == []


def test_cli_with_tls_announces_an_https_url_and_a_ca_file_that_works() -> None:
    with subprocess.Popen([*CLI, "--tls"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as cli:
        assert cli.stdout is not None
        lines = [cli.stdout.readline().rstrip("\n")]
        while lines[-1] and lines[-1] != "Press Ctrl-C to stop.":
            lines.append(cli.stdout.readline().rstrip("\n"))
        assert lines[0].startswith("DingTalk emulator listening on https://127.0.0.1:")
        assert lines[1] == "  internal app:    appKey=emulator-app-key appSecret=emulator-app-secret"
        assert lines[-2].startswith("  CA certificate: ")  # just before the last line
        assert lines[-1] == "Press Ctrl-C to stop."
        url = lines[0].rsplit(" ", 1)[-1]
        ca_file = Path(lines[-2].removeprefix("  CA certificate: "))
        trusting = ssl.create_default_context(cafile=ca_file)
        assert httpx.post(f"{url}{TOKEN_PATH}", json=TOKEN_BODY, verify=trusting, timeout=10).status_code == 200
        cli.send_signal(signal.SIGINT)
        assert cli.wait(timeout=10) == 0
    assert not ca_file.parent.exists()


def test_cli_without_tls_prints_no_ca_line(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    stop.set()  # announce, then stop at once
    assert main([], stop=stop) == 0
    output = capsys.readouterr().out.splitlines()
    assert output[0].startswith("DingTalk emulator listening on http://127.0.0.1:")
    assert output[-2].startswith("  inspect: ")  # the CA line would come here
    assert output[-1] == "Press Ctrl-C to stop."


def test_emulator_process_with_tls() -> None:
    with EmulatorProcess(qps_limit=None, tls=True) as child:
        assert child.url.startswith("https://127.0.0.1:")
        assert child.ca_file is not None
        assert child.ca_file.exists()
        with httpx.Client(base_url=child.url, verify=child.client_ssl_context(), timeout=10) as http:
            child.fault("502", operation="getAccessToken")  # over the child's own TLS control client
            assert http.post(TOKEN_PATH, json=TOKEN_BODY).status_code == 502
            assert http.post(TOKEN_PATH, json=TOKEN_BODY).status_code == 200
        assert child.stats()["tokenRequests"] == 2
    assert child.returncode == 0
    assert not child.ca_file.parent.exists()


def test_emulator_process_without_tls_has_no_ca() -> None:
    with EmulatorProcess() as child:
        assert child.url.startswith("http://")
        assert child.ca_file is None
        with pytest.raises(EmulatorError, match="plain HTTP"):
            child.client_ssl_context()
