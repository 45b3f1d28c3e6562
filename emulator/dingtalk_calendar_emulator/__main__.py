"""``python -m dingtalk_calendar_emulator``: serve a local DingTalk until interrupted."""

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from .directory import Directory, DirectoryError
from .emulator import DEFAULT_QPS_LIMIT, Emulator, EmulatorError

LISTENING = "DingTalk emulator listening on "
"""How the first line of output starts; the URL follows (EmulatorProcess reads it)."""
CA_CERTIFICATE = "  CA certificate: "
"""How the line with the CA's PEM file starts, with ``--tls`` (EmulatorProcess reads it)."""
READY = "Press Ctrl-C to stop."
"""The last line of the announcement."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: port, directory file, quotas, message language, TLS."""
    parser = argparse.ArgumentParser(
        prog="python -m dingtalk_calendar_emulator",
        description="A local DingTalk (subscribed calendars and token endpoints) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: a free one)")
    parser.add_argument("--directory", metavar="FILE", help="JSON file of users, groups and organisations")
    parser.add_argument(
        "--qps-limit",
        type=int,
        default=DEFAULT_QPS_LIMIT,
        help=f"requests per app and API per second (default {DEFAULT_QPS_LIMIT}; 0 turns the quota off)",
    )
    parser.add_argument(
        "--qpm-limit", type=int, default=0, help="requests per app and API per minute (default 0: no quota)"
    )
    parser.add_argument(
        "--monthly-quota", type=int, default=0, help="calls per organisation per 30 days (default 0: no quota)"
    )
    parser.add_argument(
        "--language",
        choices=("en", "zh"),
        default="en",
        help="zh: the Chinese messages of the China site's pages where they give one (default en)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="serve HTTPS with a certificate from a throw-away CA, whose PEM file is printed (needs trustme)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, *, stop: threading.Event | None = None) -> int:
    """Run the emulator; returns the exit code (``stop`` ends it, for tests; else Ctrl-C)."""
    args = parse_args(argv)
    try:
        directory = Directory.load(args.directory) if args.directory else Directory.default()
        emulator = Emulator(
            port=args.port,
            directory=directory,
            qps_limit=args.qps_limit or None,
            qpm_limit=args.qpm_limit or None,
            monthly_quota=args.monthly_quota or None,
            language=args.language,
            tls=args.tls,
        )
        emulator.start()
    except (DirectoryError, EmulatorError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())  # stop cleanly when killed
    try:
        _announce(emulator)
        while not stop.wait(0.5):  # a timed wait lets Ctrl-C through
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


def _announce(emulator: Emulator) -> None:
    internal, enterprise, personal = emulator.internal_app, emulator.enterprise_app, emulator.personal_app
    # Emulator-only fake credentials: printing them is the point.
    lines = [
        f"{LISTENING}{emulator.url}",
        f"  internal app:    appKey={internal.app_key} appSecret={internal.app_secret}",
        f"  enterprise app:  suiteKey={enterprise.suite_key} suiteSecret={enterprise.suite_secret}"
        f" suiteTicket={enterprise.suite_ticket}",
        f"  personal app:    clientId={personal.client_id} clientSecret={personal.client_secret}",
        f"  authorization code (as DingTalk's consent page hands it out): "
        f"""curl -X POST {emulator.url}/_emulator/auth-code -d '{{"userId": "alice"}}'""",
        f"  users: {', '.join(emulator.directory.users)}",
        f"  inspect: {emulator.url}/_emulator/stats  {emulator.url}/_emulator/state",
    ]
    if emulator.tls:
        lines.append(f"{CA_CERTIFICATE}{emulator.ca_file}")
    lines.append(READY)
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
