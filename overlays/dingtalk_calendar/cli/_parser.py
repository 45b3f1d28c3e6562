"""The command line: global options, credential flags, one subcommand per operation and the bulk ones.

The one-call subcommands come from the spec (``_operation_commands``); the bulk ones are here.
"""

import argparse
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from .._bulk.rate_limit import DEFAULT_BULK_RATE
from .._generated.cli import COMMANDS as OPERATION_COMMANDS
from ._credentials import CREDENTIALS
from ._errors import UsageError
from ._exit_codes import EXIT_CODES_HELP
from ._ics_sync import add_command as add_ics_sync_command
from ._operation_commands import add_arguments

N = TypeVar("N", int, float)

PROG = "dingtalk-calendar"

DESCRIPTION = """\
DingTalk's subscribed calendars from the command line: one command per operation (listed
below), and bulk commands that subscribe or unsubscribe many users from a file.

Credentials come from the DINGTALK_* environment (DINGTALK_APP_KEY and DINGTALK_APP_SECRET
for an internal app; see the credential options below); flags override it. Prefer the
environment for secrets: a command line is visible to other users of the machine."""

EPILOG = (
    EXIT_CODES_HELP
    + """
environment:
  DINGTALK_BASE_URL, DINGTALK_TIMEOUT, DINGTALK_MAX_RETRIES   defaults of the options above
  DINGTALK_REDIS_URL                                          share tokens through Redis (redis://host:6379/0)
  DINGTALK_LOG=debug                                          SDK and HTTP library logs on stderr (redacted)

examples:
  dingtalk-calendar create alice --name Holidays --org ding-acme
  dingtalk-calendar --json get alice CALENDAR_ID
  dingtalk-calendar bulk-subscribe CALENDAR_ID users.txt --journal job.jsonl
  dingtalk-calendar bulk-subscribe CALENDAR_ID users.txt --journal job.jsonl --resume job.jsonl
"""
)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become a UsageError: one line, no usage dump, no echoed values."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{_without_typed_values(message)} (see {self.prog} --help)")


def _without_typed_values(message: str) -> str:
    # An unknown flag may be a misspelt secret flag (--app-secrte=...): show option names only.
    prefix = "unrecognized arguments: "
    if not message.startswith(prefix):
        return message
    items = message.removeprefix(prefix).split()
    options = [item.split("=", 1)[0] for item in items if item.startswith("-")]
    hidden = len(items) - len(options)
    shown = ", ".join(options) if options else ""
    if hidden:
        shown += ("; and " if shown else "") + f"{hidden} value{'s' if hidden > 1 else ''} (not shown)"
    return prefix + shown


def _number(convert: Callable[[str], N], accepts: Callable[[N], bool], name: str) -> Callable[[str], N]:
    def parse(text: str) -> N:
        value = convert(text)
        if not accepts(value):
            raise ValueError(text)
        return value

    parse.__name__ = name  # argparse names the type in its message ("invalid positive number value: '0'")
    return parse


positive_float = _number(float, lambda value: value > 0, "positive number")
positive_int = _number(int, lambda value: value >= 1, "positive integer")
non_negative_int = _number(int, lambda value: value >= 0, "non-negative integer")


def header_pair(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise ValueError(text)
    return name.strip(), value.strip()


header_pair.__name__ = "NAME:VALUE header"


def _add_global_options(parser: argparse.ArgumentParser, *, on_subcommand: bool) -> None:
    """The options accepted both before and after the subcommand.

    A subcommand accepts them too (``dingtalk-calendar get alice CAL --json``) but does not
    list them again in its help, and their defaults there are SUPPRESS: a subparser's
    defaults would otherwise overwrite a value given before the subcommand.
    """

    def group(title: str, description: str | None = None) -> argparse._ActionsContainer:
        # Hidden options need no group: an empty group would still print its title.
        return parser if on_subcommand else parser.add_argument_group(title, description)

    def add(group: argparse._ActionsContainer, name: str, help_text: str, **kwargs: Any) -> None:
        if on_subcommand:
            kwargs.update(default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        else:
            kwargs.update(help=help_text)
        group.add_argument(name, **kwargs)

    output = group("output")
    add(output, "--json", "one JSON document on stdout", action="store_true", default=False)
    add(
        output,
        "--quiet",
        "no progress bar or confirmations; only what a script needs (a new calendar's id, failures)",
        action="store_true",
        default=False,
    )
    connection = group("connection")
    add(connection, "--base-url", "API base URL (env DINGTALK_BASE_URL)", metavar="URL")
    add(
        connection,
        "--timeout",
        "timeout of each request (env DINGTALK_TIMEOUT)",
        metavar="SECONDS",
        type=positive_float,
    )
    add(
        connection,
        "--max-retries",
        "retries of a failed or throttled request (env DINGTALK_MAX_RETRIES)",
        metavar="N",
        type=non_negative_int,
    )
    add(
        connection,
        "--header",
        "an HTTP header sent with every call, as NAME:VALUE (repeat as needed; never the token's)",
        # Its own list after the command: argparse would otherwise replace the headers given before it.
        dest="headers_after_command" if on_subcommand else "headers",
        metavar="NAME:VALUE",
        action="append",
        type=header_pair,
    )
    credentials = group("credentials", "Each overrides its DINGTALK_* variable. Never printed, not even in errors.")
    for credential in CREDENTIALS:
        # No default is shown: help text names the variable, never its value.
        add(
            credentials,
            credential.flag,
            f"{credential.kind} (env {credential.variable})",
            metavar="SECRET" if credential.secret else "VALUE",
        )


def build_parser() -> Parser:
    """The ``dingtalk-calendar`` parser; each subcommand sets ``args.command``."""
    parser = Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    _add_global_options(parser, on_subcommand=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)

    def command(name: str, help_text: str, *, description: str | None = None) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = commands.add_parser(
            name,
            help=help_text,
            description=description or help_text,
            epilog=f"The global options (--json, --quiet, --base-url, credentials, ...) may also come after\n"
            f"the command; see {PROG} --help.\n\n{EXIT_CODES_HELP}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )
        _add_global_options(sub, on_subcommand=True)
        return sub

    for operation in OPERATION_COMMANDS:
        add_arguments(command(operation.name, operation.help, description=operation.description), operation)

    bulk_commands = (("bulk-subscribe", "subscribe many users to"), ("bulk-unsubscribe", "unsubscribe many users from"))
    for name, verb in bulk_commands:
        bulk = command(
            name,
            f"{verb} a calendar",
            description=f"{verb} a calendar; each user ends done, already done, failed or not attempted",
        )
        bulk.add_argument("calendar", metavar="CALENDAR", help="the calendar's id")
        bulk.add_argument(
            "file", metavar="FILE", help="user ids, one a line ('-': stdin); blank lines and # comments are skipped"
        )
        bulk.add_argument(
            "--concurrency", type=positive_int, default=8, metavar="N", help="calls under way at once (default 8)"
        )
        bulk.add_argument(
            "--rate",
            type=positive_float,
            default=DEFAULT_BULK_RATE,
            metavar="PER_SECOND",
            help=f"calls per second at most (default {DEFAULT_BULK_RATE:g}, under DingTalk's quota of about 20)",
        )
        bulk.add_argument(
            "--time-limit",
            type=positive_float,
            default=None,
            metavar="SECONDS",
            help="send a throttled user again until this many seconds after the start, then count it failed "
            "(default: no limit; throttling alone never fails a user)",
        )
        bulk.add_argument(
            "--journal",
            metavar="JOURNAL",
            help="append each user's outcome to this file as it happens (JSON lines)",
        )
        bulk.add_argument(
            "--resume",
            metavar="JOURNAL",
            action="append",
            help="skip users an earlier run's journal records as done (repeatable; usually the --journal file)",
        )
    add_ics_sync_command(command)
    return parser
