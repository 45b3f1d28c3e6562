"""uvicorn in a background thread, started and stopped quickly (tests start one per test)."""

import asyncio
import contextlib
import socket
import threading
import time
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

STARTUP_TIMEOUT = 10.0
GRACE_SECONDS = 0.5
"""How long a stop waits for answers under way (an injected latency, say) before cancelling them."""


class _PromptServer(uvicorn.Server):
    """uvicorn's Server, made to stop at once when asked from another thread.

    Stock uvicorn polls its exit flag every 0.1 s and sleeps another 0.1 s while shutting
    down, which adds a quarter of a second to every test that starts an emulator. This
    keeps uvicorn's startup and per-tick work and replaces only those two waits.
    """

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    def request_stop(self) -> None:
        """Ask the server to stop (thread-safe)."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            loop.call_soon_threadsafe(wake.set)

    async def main_loop(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):  # on_tick keeps the Date header fresh and reads should_exit
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()  # idle keep-alive connections close now, busy ones after their answer
            transport = connection.transport
            if transport.is_closing() and transport.get_extra_info("sslcontext") is not None:
                # An idle TLS one: its close() waits for the client's close_notify, which an
                # idle client never sends; end it now, as closing a plain TCP connection does.
                transport.abort()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GRACE_SECONDS
        # uvicorn offers no event for "all connections closed"; poll it briefly.
        while (self.server_state.connections or self.server_state.tasks) and loop.time() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.002)
        pending = list(self.server_state.tasks)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for server in self.servers:
            await server.wait_closed()


class ServerThread:
    """Serves an ASGI app on an already bound socket, in a daemon thread.

    With ``ssl_keyfile`` and ``ssl_certfile`` (PEM files) it serves HTTPS instead of HTTP.
    """

    def __init__(
        self, app: ASGIApp, sock: socket.socket, *, ssl_keyfile: Path | None = None, ssl_certfile: Path | None = None
    ) -> None:
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            proxy_headers=False,  # keep uvicorn's own send(): drop_connection needs it
            server_header=False,  # DingTalk does not say "uvicorn"
            ssl_keyfile=ssl_keyfile,
            ssl_certfile=ssl_certfile,
        )
        self._server = _PromptServer(config)
        self._sock = sock
        self._failure: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"dingtalk-emulator-{sock.getsockname()[1]}", daemon=True
        )

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self._sock])
        except BaseException as exc:  # handed to start()
            self._failure = exc
        finally:
            self._sock.close()

    def start(self) -> None:
        """Start serving; returns once the server accepts requests."""
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("uvicorn did not start") from self._failure
            time.sleep(0.001)

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        self._server.request_stop()
        self._thread.join()

    @property
    def alive(self) -> bool:
        """Whether the thread still runs."""
        return self._thread.is_alive()
