"""A real redis-server on a free loopback port, in a temporary directory, for the Redis tests.

The binary is Debian's ``redis-server`` package, which ``make setup`` installs. When it is
missing, starting fails with a message that says so: the tests that need Redis fail rather
than skip, so a green run always means the Redis store was exercised.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import redis

_START_TIMEOUT_SECONDS = 15.0
_ATTEMPTS = 3  # a free port may be taken by someone else between choosing it and binding it


class RedisServerMissing(RuntimeError):
    """No redis-server binary on PATH."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """``with RedisServer() as server: server.url`` — a redis-server that lives for the block."""

    def __init__(self) -> None:
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._directory: tempfile.TemporaryDirectory[str] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RedisServerMissing(
                "redis-server is not installed, and the Redis token-store tests need a real one: "
                "run `make setup` (it installs Debian's redis-server package) or "
                "`apt-get install -y redis-server`"
            )
        self._directory = tempfile.TemporaryDirectory(prefix="dingtalk-redis-")
        last_error = ""
        for _ in range(_ATTEMPTS):
            self.port = _free_port()
            self._process = subprocess.Popen(
                [
                    binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--dir",
                    self._directory.name,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--logfile",
                    self._log_path(),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_until_ready():
                return
            last_error = self._stop_process()
        self.stop()
        raise RuntimeError(f"redis-server did not start on a free port after {_ATTEMPTS} attempts: {last_error}")

    def _wait_until_ready(self) -> bool:
        assert self._process is not None
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        try:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    return False
                try:
                    if client.ping():
                        return True
                except redis.ConnectionError:
                    time.sleep(0.02)
            return False
        finally:
            client.close()

    def freeze(self) -> None:
        """Stop the server with SIGSTOP: connections are still accepted by the kernel, never answered."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """Let a frozen server run again (SIGCONT)."""
        assert self._process is not None
        os.kill(self._process.pid, signal.SIGCONT)

    def _stop_process(self) -> str:
        process, self._process = self._process, None
        if process is None:
            return ""
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)  # a frozen server would never act on SIGTERM
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log = Path(self._log_path())
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def _log_path(self) -> str:
        assert self._directory is not None
        return str(Path(self._directory.name) / "redis.log")

    def stop(self) -> None:
        self._stop_process()
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None

    def flush(self) -> None:
        """Forget every key (between tests that share one server)."""
        client = redis.Redis.from_url(self.url)
        try:
            client.flushall()
        finally:
            client.close()

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
