"""A DingTalk emulator in a process of its own, so that the client being measured has the other core.

Run by ``emulator_process`` with our virtualenv's Python::

    python -m bench.emulator_server --qps-limit 20 --directory users.json

It prints one JSON line (url, app credentials, a token), then serves until its standard
input is closed or it is sent SIGTERM/SIGINT.

Why not ``Emulator.start()``: that binds its listening socket with protocol 0, and asyncio
sets TCP_NODELAY only on sockets whose protocol is IPPROTO_TCP. Without TCP_NODELAY the
emulator writes an answer's head and body as two segments and Nagle's algorithm holds the
body until the client's delayed ACK (~40 ms), which would hide every client-side cost.
Here the socket is bound with IPPROTO_TCP and the emulator's ASGI app is served directly.
"""

import argparse
import json
import socket
import sys
import threading

import uvicorn

from dingtalk_calendar_emulator import Directory, Emulator


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    return sock


def _stop_when_stdin_closes(server: uvicorn.Server) -> None:
    # The parent holds our stdin open; if it dies, we stop too instead of lingering.
    sys.stdin.read()
    server.should_exit = True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--qps-limit", type=int, default=0, help="requests per app and API per second; 0: no quota")
    parser.add_argument("--directory", help="a directory JSON file (default: the emulator's demo directory)")
    args = parser.parse_args(argv)
    directory = Directory.load(args.directory) if args.directory else None
    emulator = Emulator(qps_limit=args.qps_limit or None, directory=directory)
    sock = _listening_socket()
    app = emulator.internal_app
    ready = {
        "url": f"http://127.0.0.1:{sock.getsockname()[1]}",
        "app_key": app.app_key,
        "app_secret": app.app_secret,
        "token": emulator.issue_token(app),
    }
    config = uvicorn.Config(
        emulator.asgi_app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    threading.Thread(target=_stop_when_stdin_closes, args=(server,), daemon=True).start()
    # The socket already listens: connections made before run() wait in its backlog.
    print(json.dumps(ready), flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
