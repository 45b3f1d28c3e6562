"""A tiny real HTTP server on 127.0.0.1 that records what it receives and answers what it is told.

For testing the generated layer's wire format on its own, without the emulator's semantics.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attrs import define, field


@define
class Received:
    method: str
    raw_path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@define
class Answer:
    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"
    headers: dict[str, str] = field(factory=dict)


@define
class RecordingServer:
    url: str
    received: list[Received] = field(factory=list)
    answer: Answer = field(factory=Answer)
    queued: list[Answer] = field(factory=list)
    """Answers for the next requests, in order, before ``answer`` again."""

    def answer_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self.answer = Answer(status, json.dumps(payload).encode(), headers=headers or {})

    def answer_raw(self, status: int, body: bytes, content_type: str = "text/html") -> None:
        self.answer = Answer(status, body, content_type)


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    server_state: RecordingServer | None = None

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            assert server_state is not None
            length = int(self.headers.get("Content-Length") or 0)
            server_state.received.append(
                Received(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
                )
            )
            answer = server_state.queued.pop(0) if server_state.queued else server_state.answer
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = _handle

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state = RecordingServer(url=f"http://127.0.0.1:{httpd.server_address[1]}")
    # A short poll interval: shutdown() waits up to one interval.
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
