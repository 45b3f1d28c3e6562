"""``EmulatorProcess``: the emulator in a child process, for benchmarks.

An ``Emulator`` runs in a thread of the caller's process and shares its GIL, so under
load it slows the very client being measured. This runs ``python -m
dingtalk_calendar_emulator`` instead and steers it through the ``/_emulator/`` routes.
"""

import ssl
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import httpx

from .__main__ import CA_CERTIFICATE, LISTENING, READY
from .emulator import DEFAULT_QPS_LIMIT, EmulatorError

STARTUP_TIMEOUT = 30.0


class EmulatorProcess:
    """A local DingTalk in a child process; a context manager like Emulator.

    ``url`` is known once started; ``stats()``, ``state()``, ``fault(...)``,
    ``advance_clock(...)`` and ``reset()`` go over HTTP to the child. With ``tls`` the
    child serves HTTPS (``--tls``): ``ca_file`` is the PEM file of its throw-away CA, as it
    announced it, and ``client_ssl_context()`` a context that trusts that CA.
    """

    def __init__(
        self, *, qps_limit: int | None = DEFAULT_QPS_LIMIT, directory: str | Path | None = None, tls: bool = False
    ) -> None:
        self._command = [sys.executable, "-m", "dingtalk_calendar_emulator", "--qps-limit", str(qps_limit or 0)]
        if directory is not None:
            self._command += ["--directory", str(directory)]
        if tls:
            self._command.append("--tls")
        self._process: subprocess.Popen[str] | None = None
        self._client: httpx.Client | None = None
        self.url = ""
        self.ca_file: Path | None = None
        """The PEM file of the child's CA, with ``tls`` (the child removes it when it stops)."""
        self.returncode: int | None = None
        """The child's exit code, once stopped (0 when it shut down cleanly)."""

    def start(self) -> Self:
        """Start the child and wait for its URL."""
        # stderr goes to a file: a pipe nobody reads would block a chatty child.
        with tempfile.TemporaryFile("w+") as errors:
            process = subprocess.Popen(  # noqa: S603 - our own module, with arguments we built
                self._command, stdout=subprocess.PIPE, stderr=errors, text=True
            )
            assert process.stdout is not None
            announcement = _read_announcement(process.stdout)
            if not announcement or not announcement[0].startswith(LISTENING):
                process.wait(STARTUP_TIMEOUT)
                process.stdout.close()
                errors.seek(0)
                raise EmulatorError(f"the emulator process did not start: {errors.read().strip()}")
        self._process = process
        self.url = announcement[0].removeprefix(LISTENING)
        self.ca_file = _announced_ca_file(announcement)
        self._client = httpx.Client(base_url=self.url, timeout=10, verify=self._verify())
        return self

    def client_ssl_context(self) -> ssl.SSLContext:
        """An ``ssl.SSLContext`` that trusts the child's CA and nothing else (with ``tls``, while it runs)."""
        if self.ca_file is None:
            raise EmulatorError("no CA: the emulator process serves plain HTTP or has not been started")
        return ssl.create_default_context(cafile=self.ca_file)

    def _verify(self) -> ssl.SSLContext | bool:
        # Without TLS, False only skips loading the system's CA bundle, which plain HTTP never uses.
        return self.client_ssl_context() if self.ca_file is not None else False

    def stop(self) -> None:
        """Stop the child (as Ctrl-C would) and wait for it."""
        process, self._process = self._process, None
        if self._client is not None:
            self._client.close()
            self._client = None
        if process is not None:
            process.terminate()
            self.returncode = process.wait(STARTUP_TIMEOUT)
            if process.stdout is not None:
                process.stdout.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def stats(self) -> dict[str, Any]:
        """The child's request counts (GET /_emulator/stats)."""
        return dict(self._call("GET", "/_emulator/stats"))

    def state(self) -> dict[str, Any]:
        """The child's calendars, subscriptions and token counts (GET /_emulator/state)."""
        return dict(self._call("GET", "/_emulator/state"))

    def fault(self, kind: str, count: int = 1, operation: str | None = None) -> None:
        """Queue a fault in the child, as ``Emulator.faults.next`` does."""
        self._call("POST", "/_emulator/faults", {"kind": kind, "count": count, "operation": operation})

    def advance_clock(self, seconds: float) -> None:
        """Move the child's clock forward."""
        self._call("POST", "/_emulator/clock", {"advance": seconds})

    def issue_auth_code(self, user_id: str) -> str:
        """A one-time authorization code of ``user_id`` for the child's personal app (POST /_emulator/auth-code)."""
        return str(self._call("POST", "/_emulator/auth-code", {"userId": user_id})["authCode"])

    def reset(self) -> None:
        """Forget the child's calendars, subscriptions, tokens, counts and faults."""
        self._call("POST", "/_emulator/reset")

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        if self._client is None:
            raise EmulatorError("the emulator process is not running")
        response = self._client.request(method, path, json=body)
        if response.status_code != 200:
            raise EmulatorError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json()


def _read_announcement(stdout: IO[str]) -> list[str]:
    """The child's lines up to the one that says it serves (fewer if it ends first), without newlines."""
    lines: list[str] = []
    while line := stdout.readline():
        lines.append(line.rstrip("\n"))
        if line.startswith(READY):
            break
    return lines


def _announced_ca_file(announcement: list[str]) -> Path | None:
    for line in announcement:
        if line.startswith(CA_CERTIFICATE):
            return Path(line.removeprefix(CA_CERTIFICATE))
    return None
