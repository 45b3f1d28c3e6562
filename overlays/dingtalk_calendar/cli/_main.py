"""``main``: parse, build the client, run the command, print its report, return the exit code."""

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from .._client.client import CalendarClient
from .._errors import DingTalkError
from .._redact import MIN_SECRET_LENGTH, scrub_text
from ._commands import COMMANDS
from ._credentials import client_settings, effective_environment, secret_values
from ._errors import UsageError
from ._exit_codes import ExitCode, exit_code_for
from ._output import Report, dumps, error_document
from ._parser import build_parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run ``dingtalk-calendar`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    environ = os.environ if environ is None else environ
    stdout, stderr = sys.stdout, sys.stderr
    try:
        args = build_parser().parse_args(argv)
    except UsageError as error:
        _print_error(stderr, error, secret_values(environ))
        return ExitCode.USAGE
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else ExitCode.USAGE

    secrets = secret_values(environ) | secret_values(effective_environment(args, environ))
    progress_stream = stderr if stderr.isatty() and not args.json and not args.quiet else None
    try:
        with CalendarClient(**client_settings(args, environ)) as client:
            report = COMMANDS[args.command](client, args, progress_stream)
    except (Exception, KeyboardInterrupt) as error:
        _print_error(stderr, error, secrets)
        if args.json:
            print(scrub_text(dumps({"error": error_document(error)}), _scrubbable(secrets)), file=stdout)
        return exit_code_for(error)
    try:
        _print_report(stdout, report, json=args.json, quiet=args.quiet)
    except BrokenPipeError:
        # The reader went away (`... | head`): the command itself succeeded; say nothing more.
        _silence(stdout)
    return report.exit_code


def _print_report(stream: TextIO, report: Report, *, json: bool, quiet: bool) -> None:
    if json:
        print(_printable(dumps(report.document), stream), file=stream)
        return
    text = report.quiet_text if quiet else report.text
    if text:
        print(_printable(text, stream), file=stream)


def _printable(text: str, stream: TextIO) -> str:
    """``text`` with what the stream cannot encode (an undecodable byte of a user id) as backslash escapes.

    In a JSON document an escape such as ``\\udcff`` stays valid JSON, naming the same id.
    """
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return text.encode(encoding, "backslashreplace").decode(encoding)


def _silence(stream: TextIO) -> None:
    """Point ``stream`` at /dev/null, so the interpreter's final flush does not fail on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, stream.fileno())
    os.close(devnull)


def _print_error(stream: TextIO, error: BaseException, secrets: frozenset[str]) -> None:
    """One line, never a traceback; the SDK already scrubs its errors, this is a second line of defence."""
    if isinstance(error, KeyboardInterrupt):
        line = str(error) or "interrupted"
    elif isinstance(error, DingTalkError | UsageError | OSError):
        line = f"error: {error}"
    else:
        line = f"error: unexpected {type(error).__name__}: {error}"
    line = " ".join(line.split())  # one line, whatever the message holds
    print(_printable(scrub_text(line, _scrubbable(secrets)), stream), file=stream)


def _scrubbable(secrets: frozenset[str]) -> frozenset[str]:
    return frozenset(secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH)
