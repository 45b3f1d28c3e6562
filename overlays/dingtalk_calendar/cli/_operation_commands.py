"""The one-call subcommands, made from the spec's command table (``_generated/cli.py``).

A path parameter is a positional (``USER``, ``CALENDAR``); a query parameter or a body field
is a flag (a list one is repeated: ``--manager a --manager b``; an object is JSON); a field of a hand-written
class has that class's flags (``Scope``: ``--user``, ``--group``, ``--org``). The command
calls the client's method of the same operation and prints its result: a hand-written result
class its own report, any other the result's fields (a paged listing's: the items of every page).
"""

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TextIO

from attrs import evolve, fields, has

from .._call.models import Scope
from .._client.client import CalendarClient
from .._client.pages import Pages
from .._generated.cli import Argument, Command
from .._generated.results import Calendar
from ._errors import UsageError
from ._output import Report, calendar_report, request_note


class ClassOptions(NamedTuple):
    """How a hand-written class is given on the command line."""

    add: Callable[[argparse.ArgumentParser, Argument], None]
    read: Callable[[argparse.Namespace], object | None]
    """Its value from the arguments; None when none of its flags is given."""
    empty: Callable[[], object]
    """What a required one is when none of its flags is given (the SDK then says what is missing)."""
    flags: tuple[str, ...]


def _add_scope_options(parser: argparse.ArgumentParser, argument: Argument) -> None:
    verb = "at least one is required" if argument.required else "replaces the whole scope when any is given"
    scope = parser.add_argument_group("scope", f"who may subscribe ({verb}); repeat each option as needed")
    scope.add_argument("--user", dest="users", action="append", metavar="UNION_ID", help="a user")
    scope.add_argument("--group", dest="groups", action="append", metavar="CID", help="a group chat's members")
    scope.add_argument("--org", dest="organisations", action="append", metavar="CORP_ID", help="an organisation")


def _scope(args: argparse.Namespace) -> Scope | None:
    if not (args.users or args.groups or args.organisations):
        return None
    return Scope(users=args.users or (), groups=args.groups or (), organisations=args.organisations or ())


CLASS_OPTIONS: dict[str, ClassOptions] = {
    "Scope": ClassOptions(_add_scope_options, _scope, Scope, ("--user", "--group", "--org")),
}
"""The hand-written classes a body field may be (openapi.yaml's ``x-dingtalk-sdk-class``)."""

REPORTS: dict[type, Callable[[Any], Report]] = {Calendar: calendar_report}
"""The results whose class is hand-written, and how each is shown."""


def _json_object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(text)
    return value


_json_object.__name__ = "JSON object"
_TYPES: dict[str, Callable[[str], object]] = {"int": int, "float": float, "json": _json_object}


def add_arguments(parser: argparse.ArgumentParser, command: Command) -> None:
    """The command's positionals and flags, with the spec's descriptions as help."""
    for argument in command.arguments:
        if argument.where == "path":
            parser.add_argument(argument.name, metavar=argument.name.upper(), help=argument.help)
        elif argument.kind in CLASS_OPTIONS:
            CLASS_OPTIONS[argument.kind].add(parser, argument)
        elif argument.kind in ("list", "json-list"):
            metavar = "JSON" if argument.kind == "json-list" else argument.flag[2:].replace("-", "_").upper()
            parser.add_argument(
                argument.flag,
                dest=argument.name,
                action="append",
                type=_json_object if argument.kind == "json-list" else str,
                metavar=metavar,
                help=f"{argument.help} Repeat for each.",
            )
        elif argument.kind == "bool":
            parser.add_argument(argument.flag, dest=argument.name, action=argparse.BooleanOptionalAction)
        else:
            parser.add_argument(
                argument.flag,
                dest=argument.name,
                required=argument.required,
                type=_TYPES.get(argument.kind, str),
                metavar="JSON" if argument.kind == "json" else None,
                choices=argument.choices,
                help=argument.help,
            )


def run(command: Command, client: CalendarClient, args: argparse.Namespace, progress_stream: TextIO | None) -> Report:
    """Call the operation's method with the arguments given; the report of its result."""
    positionals = [getattr(args, a.name) for a in command.arguments if a.where == "path"]
    keywords: dict[str, object] = {}
    for argument in command.arguments:
        if argument.where == "path":
            continue
        options = CLASS_OPTIONS.get(argument.kind)
        value = options.read(args) if options else getattr(args, argument.name)
        if value is None and options and argument.required:
            value = options.empty()
        if value is not None:
            keywords[argument.name] = value
    body = [a for a in command.arguments if a.where == "body"]
    if sum(a.name in keywords for a in body) < command.at_least:
        raise UsageError(f"nothing to {command.name}: give {_either(_flags(body))}")
    method = getattr(getattr(client, command.resource), command.method)
    result = method(*positionals, **keywords)
    if isinstance(result, Pages):
        return report(command, args, _all_pages(command, result))
    return report(command, args, result)


def _all_pages(command: Command, pages: Pages[Any, Any]) -> object:
    """The last page's result holding the items of every page (and so the final sync token)."""
    items = tuple(pages)
    last: Any = pages.last_page  # a generated result: an attrs class
    return evolve(last, **{str(command.items): items})


def report(command: Command, args: argparse.Namespace, result: object) -> Report:
    """A hand-written result class's own report; for any other, its fields."""
    own = REPORTS.get(type(result))
    if own is not None:
        return own(result)
    kind = type(result)
    if not has(kind):  # every generated result is an attrs class
        raise TypeError(f"{kind.__name__} is neither a generated result nor in REPORTS")
    values = {f.name: getattr(result, f.name) for f in fields(kind) if f.name != "raw_response"}
    document = {name: list(value) if isinstance(value, tuple) else value for name, value in values.items()}
    request_id = values.get("request_id")
    if command.done is not None:
        done = command.done.format(**{**vars(args), **values})
        text = (done if result else f"DingTalk answered false to: {done}") + request_note(request_id)
    else:
        width = max(len(name) for name in document)
        text = "\n".join(f"{name.replace('_', ' ').ljust(width)}  {_text(value)}" for name, value in document.items())
    quiet = "" if command.quiet is None else _text(values[command.quiet])
    return Report(document=document, text=text, quiet_text=quiet)


def _flags(arguments: Sequence[Argument]) -> list[str]:
    flags: list[str] = []
    for argument in arguments:
        options = CLASS_OPTIONS.get(argument.kind)
        flags += options.flags if options else [argument.flag]
    return flags


def _either(flags: list[str]) -> str:
    return flags[0] if len(flags) == 1 else f"{', '.join(flags[:-1])} or {flags[-1]}"


def _text(value: object) -> str:
    if value is None or value == []:
        return "-"
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
