"""A keep-alive HTTP/1.1 server on 127.0.0.1 whose connections each run in a thread of their own.

For the tests that cannot use the scripted server in the test's event loop: a forked child
(the server keeps serving in the parent), the sync client, several event loops at once.
``answer(connection, target)`` writes the raw answer to one request for ``target``; it
returns False to hang up. The server stops when the block ends.
"""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Answer = Callable[[socket.socket, str], bool]


@dataclass
class ThreadedServer:
    url: str
    requests: int = 0
    arrived: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    """Released once for every request that arrives."""


def _read_request(connection: socket.socket, pending: bytearray) -> str | None:
    """The target of the next request on ``connection`` (its body read and dropped), or None at its end."""
    while b"\r\n\r\n" not in pending:
        data = connection.recv(65536)
        if not data:
            return None
        pending += data
    head, _, rest = bytes(pending).partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        data = connection.recv(65536)
        if not data:
            return None
        rest += data
    pending[:] = rest[length:]
    return head.split(b" ")[1].decode()


@contextmanager
def threaded_server(answer: Answer) -> Iterator[ThreadedServer]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)  # to notice the block's end
    state = ThreadedServer(url=f"http://127.0.0.1:{listener.getsockname()[1]}")
    stop = threading.Event()
    lock = threading.Lock()

    def serve(connection: socket.socket) -> None:
        pending = bytearray()
        with connection:
            try:
                while not stop.is_set():
                    target = _read_request(connection, pending)
                    if target is None:
                        return
                    with lock:
                        state.requests += 1
                    state.arrived.release()
                    if not answer(connection, target):
                        return
            except OSError:
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield state
    finally:
        stop.set()
        acceptor.join()
        listener.close()


def head(status: int = 200, body_length: int | None = None, extra: str = "") -> bytes:
    """An answer's status line and headers: a Content-Length, or chunked when ``body_length`` is None."""
    length = "transfer-encoding: chunked" if body_length is None else f"content-length: {body_length}"
    return f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{length}\r\n{extra}\r\n".encode()
