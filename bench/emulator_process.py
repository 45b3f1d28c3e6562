"""Start ``emulator_server`` as a child process and talk to its inspection routes."""

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from .paths import OUR_VENV_PYTHON, REPO_ROOT

_READY_TIMEOUT = 30.0


@dataclass(frozen=True)
class EmulatorInfo:
    """What a client needs to reach the emulator."""

    url: str
    app_key: str
    app_secret: str
    token: str


class EmulatorProcess:
    """A running emulator process; stopped when the ``with`` block ends."""

    def __init__(self, *, qps_limit: int | None, directory: Path | None = None) -> None:
        self.qps_limit = qps_limit
        self._directory = directory
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
        command = [str(OUR_VENV_PYTHON), "-m", "bench.emulator_server", "--qps-limit", str(self.qps_limit or 0)]
        if self._directory is not None:
            command += ["--directory", str(self._directory)]
        self._process = subprocess.Popen(
            command, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(5)
            raise RuntimeError(f"the emulator process exited with {self._process.returncode} before it was ready")
        self._info = EmulatorInfo(**json.loads(line))
        self._wait_until_answering()
        return self

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + _READY_TIMEOUT
        while True:
            try:
                self.stats()
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stats(self) -> dict[str, Any]:
        """The emulator's request counts (GET /_emulator/stats)."""
        return self._inspect("stats")

    def state(self) -> dict[str, Any]:
        """Calendars and subscriptions (GET /_emulator/state)."""
        return self._inspect("state")

    def _inspect(self, what: str) -> dict[str, Any]:
        response = httpx.get(f"{self.info.url}/_emulator/{what}", timeout=60)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        process = self._process
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()  # the server stops when its stdin closes
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self._process = None
