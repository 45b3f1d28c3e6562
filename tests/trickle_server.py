"""A server on 127.0.0.1 that answers a byte at a time, in a thread of its own.

For the time limit's tests: httpx's read timeout restarts with every byte, so only a limit
on the whole call ends such an answer. ``phase="body"`` sends the status line and headers
at once and then trickles the body; ``phase="headers"`` trickles the status line itself.
``body(target)`` is the JSON to answer a request for ``target`` with, or None (the default)
for a body that never ends, or a ``(status, JSON)`` pair; ``every`` (seconds between two
bytes) may depend on the target too. The server stops sending when the client hangs up or
the block ends.
"""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

ENDLESS = 1_000_000  # the content-length of a body that never ends


@dataclass
class TrickleServer:
    url: str
    requests: int = 0
    bytes_sent: int = 0


@contextmanager
def trickle_server(
    phase: Literal["body", "headers"] = "body",
    every: float | Callable[[str], float] = 0.05,
    body: Callable[[str], bytes | tuple[int, bytes] | None] = lambda target: None,
) -> Iterator[TrickleServer]:
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    state = TrickleServer(url=f"http://127.0.0.1:{listener.getsockname()[1]}")

    def answer(connection: socket.socket, target: str) -> bool:
        """Send one answer; False once the client hung up or the server stops."""
        answer = body(target)
        status, content = answer if isinstance(answer, tuple) else (200, answer)
        pace = every(target) if callable(every) else every
        length = ENDLESS if content is None else len(content)
        head = f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {length}\r\n\r\n".encode()
        trickled = _bytes_of(content)
        if phase == "body":
            connection.sendall(head)
        else:
            trickled = _chain(head, trickled)
        try:
            for byte in trickled:
                if stop.wait(pace):  # the trickle's pace, not an ordering of events
                    return False
                connection.sendall(byte)
                state.bytes_sent += 1
        except OSError:
            return False
        return True

    def serve(connection: socket.socket) -> None:
        with connection:
            pending = b""
            while True:
                while b"\r\n\r\n" not in pending:
                    data = connection.recv(65536)
                    if not data:
                        return
                    pending += data
                head, _, pending = pending.partition(b"\r\n\r\n")
                length = _content_length(head)
                while len(pending) < length:
                    data = connection.recv(65536)
                    if not data:
                        return
                    pending += data
                pending = pending[length:]  # the request's body: not needed
                state.requests += 1
                if not answer(connection, head.split(b" ", 2)[1].decode()):
                    return

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield state
    finally:
        stop.set()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        listener.close()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def _bytes_of(content: bytes | None) -> Iterator[bytes]:
    if content is not None:
        for index in range(len(content)):
            yield content[index : index + 1]
        return
    while True:
        yield b" "  # JSON whitespace: the body never ends


def _chain(first: bytes, then: Iterator[bytes]) -> Iterator[bytes]:
    yield from _bytes_of(first)
    yield from then
