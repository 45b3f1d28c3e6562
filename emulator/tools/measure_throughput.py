"""How many simple requests per second the emulator serves (not a test: no timing is asserted).

    .venv/bin/python emulator/tools/measure_throughput.py [--requests N] [--in-process]

GETs one calendar: through one keep-alive httpx client; from 10 concurrent async httpx
clients; and over one raw keep-alive socket, which shows what the server itself can do
once httpx's own cost per request is out of the way. By default the emulator runs in
its own process (``EmulatorProcess``) so that client and server do not share a GIL;
``--in-process`` measures the ``with Emulator()`` thread instead, as a test suite uses it.
"""

import argparse
import asyncio
import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

CONCURRENT_CLIENTS = 10


@contextmanager
def emulator_url(in_process: bool) -> Iterator[str]:
    """The base URL of a running emulator without a QPS quota."""
    from dingtalk_calendar_emulator import Emulator, EmulatorProcess

    if in_process:
        with Emulator(qps_limit=None) as emu:
            yield emu.url
    else:
        with EmulatorProcess(qps_limit=None) as child:
            yield child.url


def prepare(url: str) -> tuple[str, dict[str, str]]:
    """A calendar to read and the headers to read it with."""
    token = httpx.post(
        f"{url}/v1.0/oauth2/accessToken", json={"appKey": "emulator-app-key", "appSecret": "emulator-app-secret"}
    ).json()["accessToken"]
    headers = {"x-acs-dingtalk-access-token": token}
    created = httpx.post(
        f"{url}/v1.0/calendar/users/alice/subscribedCalendars",
        json={"name": "Bench", "subscribeScope": {"corpIds": ["ding-acme"]}},
        headers=headers,
    )
    return f"{url}/v1.0/calendar/users/alice/subscribedCalendars/{created.json()['calendarId']}", headers


def sequential(target: str, headers: dict[str, str], requests: int) -> float:
    """Requests per second through one keep-alive client, one request at a time."""
    with httpx.Client(headers=headers) as client:
        client.get(target).raise_for_status()
        started = time.perf_counter()
        for _ in range(requests):
            client.get(target).raise_for_status()
        return requests / (time.perf_counter() - started)


def raw_socket(target: str, headers: dict[str, str], requests: int) -> float:
    """Requests per second over one keep-alive socket with a minimal HTTP/1.1 client."""
    url = httpx.URL(target)
    lines = [f"GET {url.raw_path.decode()} HTTP/1.1", f"Host: {url.host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection((url.host, url.port or 80)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def exchange() -> None:
            sock.sendall(request)
            data = b""
            while True:
                data += sock.recv(65536)
                head, blank, body = data.partition(b"\r\n\r\n")
                if blank:
                    length = next(
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    )
                    if len(body) >= length:
                        return

        exchange()
        started = time.perf_counter()
        for _ in range(requests):
            exchange()
        return requests / (time.perf_counter() - started)


async def concurrent(target: str, headers: dict[str, str], requests: int) -> float:
    """Requests per second from CONCURRENT_CLIENTS async clients together."""
    clients = [httpx.AsyncClient(headers=headers) for _ in range(CONCURRENT_CLIENTS)]
    per_client = requests // CONCURRENT_CLIENTS

    async def run(client: httpx.AsyncClient) -> None:
        for _ in range(per_client):
            (await client.get(target)).raise_for_status()

    try:
        await asyncio.gather(*(client.get(target) for client in clients))
        started = time.perf_counter()
        await asyncio.gather(*(run(client) for client in clients))
        return per_client * CONCURRENT_CLIENTS / (time.perf_counter() - started)
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))


def main() -> None:
    """Measure and print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args()
    with emulator_url(args.in_process) as url:
        target, headers = prepare(url)
        figures = {
            "emulator": "in-process thread" if args.in_process else "separate process",
            "raw_socket_keep_alive_rps": round(raw_socket(target, headers, args.requests)),
            "httpx_sequential_keep_alive_rps": round(sequential(target, headers, args.requests)),
            f"httpx_{CONCURRENT_CLIENTS}_concurrent_async_clients_rps": round(
                asyncio.run(concurrent(target, headers, args.requests))
            ),
        }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
