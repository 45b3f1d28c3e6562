"""The emulator in a child process (``python -m dingtalk_calendar_emulator``), so that the client
being measured has the other core to itself; and the emulator's inspection routes.

The child is started directly rather than through ``dingtalk_calendar_emulator.process``
because the benchmark needs its pid (to sample its CPU use) and the internal app's
credentials from its announcement.
"""

import re
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import httpx

from .paths import OUR_VENV_PYTHON, REPO_ROOT

_LISTENING: Final = re.compile(r"listening on (\S+)")
_INTERNAL_APP: Final = re.compile(r"internal app:\s+appKey=(\S+) appSecret=(\S+)")
_CA_FILE: Final = re.compile(r"CA certificate: (\S+)")
_READY: Final = "Press Ctrl-C to stop."
"""The announcement's last line."""


@dataclass(frozen=True)
class EmulatorInfo:
    """What a client needs to reach the emulator."""

    url: str
    app_key: str
    app_secret: str
    token: str
    """The internal app's access token, fetched once through the token endpoint."""
    ca_file: str | None = None
    """With TLS: the PEM file of the CA that issued the emulator's certificate."""

    def ssl_context(self) -> ssl.SSLContext | bool:
        """What a client's ``verify`` needs to trust this emulator (True: plain HTTP, nothing to trust)."""
        return _trust(self.ca_file)


def _trust(ca_file: str | None) -> ssl.SSLContext | bool:
    return ssl.create_default_context(cafile=ca_file) if ca_file else True


def _fetch_token(url: str, app_key: str, app_secret: str, verify: ssl.SSLContext | bool) -> str:
    body = {"appKey": app_key, "appSecret": app_secret}
    response = httpx.post(f"{url}/v1.0/oauth2/accessToken", json=body, verify=verify)
    response.raise_for_status()
    token: str = response.json()["accessToken"]
    return token


class EmulatorProcess:
    """A running emulator process; stopped when the ``with`` block ends."""

    def __init__(self, *, qps_limit: int | None, directory: Path | None = None, tls: bool = False) -> None:
        self._command = [str(OUR_VENV_PYTHON), "-m", "dingtalk_calendar_emulator", "--qps-limit", str(qps_limit or 0)]
        if directory is not None:
            self._command += ["--directory", str(directory)]
        if tls:
            self._command.append("--tls")
        self._process: subprocess.Popen[str] | None = None
        self._info: EmulatorInfo | None = None

    @property
    def info(self) -> EmulatorInfo:
        if self._info is None:
            raise RuntimeError("the emulator process has not been started")
        return self._info

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(self._command, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        announcement = ""
        while line := self._process.stdout.readline():
            announcement += line
            if line.strip() == _READY:
                break
        url, app, ca = (
            _LISTENING.search(announcement),
            _INTERNAL_APP.search(announcement),
            _CA_FILE.search(announcement),
        )
        if url is None or app is None:
            self.__exit__(None, None, None)
            raise RuntimeError(f"the emulator process did not start (it said: {announcement!r})")
        ca_file = ca[1] if ca else None
        token = _fetch_token(url[1], app[1], app[2], _trust(ca_file))
        self._info = EmulatorInfo(url[1], app[1], app[2], token, ca_file)
        return self

    def stats(self) -> dict[str, Any]:
        """The emulator's request counts (GET /_emulator/stats)."""
        return self._inspect("stats")

    def state(self) -> dict[str, Any]:
        """Calendars and subscriptions (GET /_emulator/state)."""
        return self._inspect("state")

    def _inspect(self, what: str) -> dict[str, Any]:
        response = httpx.get(f"{self.info.url}/_emulator/{what}", timeout=60, verify=self.info.ssl_context())
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()  # the emulator stops cleanly on SIGTERM
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
