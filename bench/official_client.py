"""Drive ``official_worker`` (in the official SDK's virtualenv) from the benchmark's process."""

import json
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from .emulator_process import EmulatorInfo
from .paths import REPO_ROOT
from .timing import Sample


class OfficialWorker:
    """One long-lived worker process, so its timings can be interleaved with ours round by round."""

    def __init__(self, python: Path, info: EmulatorInfo, calendar_id: str) -> None:
        self._command = [
            str(python),
            "-m",
            "bench.official_worker",
            "--url",
            info.url,
            "--token",
            info.token,
            "--calendar-id",
            calendar_id,
            *(["--ca", info.ca_file] if info.ca_file else []),
        ]
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            self._command, cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._read()  # {"ready": true}
        return self

    def per_call(self, op: str, calls: int) -> Sample:
        answer = self._ask({"cmd": "per_call", "op": op, "calls": calls})
        return Sample(float(answer["wall"]), float(answer["cpu"]))

    def throughput(self, op: str, *, concurrency: int, calls: int) -> float:
        """Seconds for ``calls`` async calls at ``concurrency``."""
        answer = self._ask({"cmd": "throughput", "op": op, "concurrency": concurrency, "calls": calls})
        return float(answer["seconds"])

    def _ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self._process is not None
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        return self._read()

    def _read(self) -> dict[str, Any]:
        assert self._process is not None
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.wait(10)
            raise RuntimeError(f"the official SDK's worker exited with {code} (its error is printed above)")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        process = self._process
        if process is None:
            return
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.close()  # the worker ends at the end of its input
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        self._process = None
