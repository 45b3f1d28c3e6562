"""A server on 127.0.0.1 that answers a byte at a time, forever, in a thread of its own.

For the time limit's tests: httpx's read timeout restarts with every byte, so only a limit
on the whole call ends such an answer. ``phase="body"`` sends the status line and headers
at once and then trickles a body that never ends; ``phase="headers"`` trickles the status
line itself. The server stops sending when the client hangs up or the block ends.
"""

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n"


@dataclass
class TrickleServer:
    url: str
    requests: int = 0
    bytes_sent: int = 0
    client_hung_up: threading.Event = field(default_factory=threading.Event)


@contextmanager
def trickle_server(phase: Literal["body", "headers"] = "body", every: float = 0.05) -> Iterator[TrickleServer]:
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    state = TrickleServer(url=f"http://127.0.0.1:{listener.getsockname()[1]}")

    def serve(connection: socket.socket) -> None:
        with connection:
            received = b""
            while b"\r\n\r\n" not in received:
                data = connection.recv(65536)
                if not data:
                    return
                received += data
            state.requests += 1
            if phase == "body":
                connection.sendall(HEAD)
            try:
                for byte in _trickled(phase):
                    if stop.wait(every):  # the trickle's pace, not an ordering of events
                        return
                    connection.sendall(byte)
                    state.bytes_sent += 1
            except OSError:
                state.client_hung_up.set()

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield state
    finally:
        stop.set()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        listener.close()


def _trickled(phase: str) -> Iterator[bytes]:
    """The bytes still to send, one at a time: the head (when it trickles too), then spaces for ever."""
    if phase == "headers":
        for index in range(len(HEAD)):
            yield HEAD[index : index + 1]
    while True:
        yield b" "  # JSON whitespace: the body never ends
