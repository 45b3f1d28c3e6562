"""Rewrite the tables of README.md and docs/*.md that code can tell, between their markers.

    python generator/readme_tables.py            rewrite them where they are
    python generator/readme_tables.py --check    fail with a diff when one is stale

The retries per operation, asked of ``dingtalk_calendar._retry.table.retry_table()`` (the retry
decision applied to each operation of the spec); the operations with their methods and CLI
commands, from the generated command table; the error classes as a tree, read from the
classes themselves; and every ``Overlay`` hook with its signature, read from the class. A new
operation in openapi.yaml gets its rows from ``make generate``, and a hook added or changed is
documented as it is. Run it after generate.py: the SDK it imports reads the generated package.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
"""Where the tables may stand; each stands on exactly one page."""


def _retry_table() -> str:
    from dingtalk_calendar._retry.table import retry_table

    return retry_table()


def _operations() -> str:
    from dingtalk_calendar._generated.cli import COMMANDS

    rows = ["| operation | method | CLI command | what it does |", "|---|---|---|---|"]
    for command in COMMANDS:
        method = f"`client.{command.resource}.{command.method}`"
        if command.flat:
            method += f", `client.{command.method}`"
        rows.append(f"| `{command.operation_id}` | {method} | `{command.name}` | {command.help} |")
    return "\n".join(rows)


def _usages() -> str:
    import argparse
    import os

    from dingtalk_calendar._generated.cli import COMMANDS
    from dingtalk_calendar.cli._operation_commands import add_arguments

    os.environ["COLUMNS"] = "1000"  # one line each, whatever the terminal: argparse reads it
    lines = []
    for command in COMMANDS:
        parser = argparse.ArgumentParser(prog=f"dingtalk-calendar {command.name}", add_help=False)
        add_arguments(parser, command)  # the very arguments the CLI gives the command
        lines.append(parser.format_usage().removeprefix("usage: ").strip())
    return "```text\n" + "\n".join(lines) + "\n```"


def _error_tree() -> str:
    import dingtalk_calendar

    for name in dingtalk_calendar.__all__:  # load the lazily imported modules' error classes too
        getattr(dingtalk_calendar, name)
    root = dingtalk_calendar.DingTalkError
    public = set(dingtalk_calendar.__all__)
    rows: list[tuple[str, str]] = [(root.__name__, _summary(root))]

    def walk(cls: type[BaseException], prefix: str) -> None:
        # Each class once, under its first base; its other bases are said in words.
        # Only the public classes (the package's __all__): a CLI's own error is not the SDK's.
        children: list[type[BaseException]] = [
            c for c in cls.__subclasses__() if c.__bases__[0] is cls and c.__name__ in public
        ]
        for i, child in enumerate(children):
            last = i == len(children) - 1
            others = [b.__name__ for b in child.__bases__[1:] if issubclass(b, root)]
            also = f" (also a {', '.join(others)})" if others else ""
            rows.append((f"{prefix}{'└── ' if last else '├── '}{child.__name__}", _summary(child) + also))
            walk(child, prefix + ("    " if last else "│   "))

    walk(root, "")
    width = max(len(name) for name, _ in rows) + 2
    return "```text\n" + "\n".join(f"{name.ljust(width)}{text}".rstrip() for name, text in rows) + "\n```"


def _summary(cls: type) -> str:
    first = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
    return first.replace("``", "")


def overlay_hooks_table() -> str:
    """One row per ``Overlay`` hook (its ``on_*`` methods, in the class's order): signature and docstring."""
    from dingtalk_calendar import Overlay

    rows = ["| hook | when it is called |", "|---|---|"]
    for name, method in vars(Overlay).items():
        if name.startswith("on_") and callable(method):
            signature = inspect.signature(method)
            parameters = list(signature.parameters.values())[1:]  # without self
            returns = inspect.formatannotation(signature.return_annotation)
            text = f"{name}({', '.join(map(str, parameters))}) -> {returns}"
            text = re.sub(r"\b(?:collections\.abc|dingtalk_calendar(?:\.\w+)*)\.(?=\w)", "", text)
            doc = " ".join((inspect.getdoc(method) or "").split()).replace("``", "`")
            # A pipe inside a cell, even in code, would end the cell.
            cell = text.replace("|", "\\|")
            rows.append(f"| `{cell}` | {doc} |")
    return "\n".join(rows)


TABLES: dict[str, Callable[[], str]] = {
    "retry_table()": _retry_table,
    "the command table": _operations,
    "the command usages": _usages,
    "the error classes": _error_tree,
    "overlay_hooks_table()": overlay_hooks_table,
}


def begin_marker(name: str) -> str:
    return f"<!-- generated by generator/readme_tables.py from {name}; do not edit -->"


def end_marker(name: str) -> str:
    return f"<!-- end of {name} -->"


def rewrite(text: str, page: Path, tables: dict[str, Callable[[], str]] = TABLES) -> str:
    """``text`` (of ``page``) with each table between its markers replaced by what its function says now."""
    for name, render in tables.items():
        begin, end = begin_marker(name), end_marker(name)
        if begin not in text:
            continue
        if text.count(begin) != 1 or text.count(end) != 1:
            raise SystemExit(f"{page.name}: expected one {begin!r} and one {end!r}")
        head, rest = text.split(begin)
        _, tail = rest.split(end)
        text = f"{head}{begin}\n{render()}\n{end}{tail}"
    return text


def _check_each_table_stands_once(texts: dict[Path, str]) -> None:
    for name in TABLES:
        pages = [page.name for page, text in texts.items() if begin_marker(name) in text]
        if len(pages) != 1:
            raise SystemExit(f"the table {name} must stand on exactly one page; it is on {pages or 'none'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff when a table is stale")
    args = parser.parse_args()
    texts = {page: page.read_text(encoding="utf-8") for page in PAGES}
    _check_each_table_stands_once(texts)
    stale = False
    for page, current in texts.items():
        fresh = rewrite(current, page)
        if fresh == current:
            continue
        if not args.check:
            page.write_text(fresh, encoding="utf-8")
            continue
        stale = True
        where = str(page.relative_to(ROOT))
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True), fresh.splitlines(keepends=True), where, f"fresh/{where}"
            )
        )
    if not args.check:
        return 0
    if stale:
        print("\nThe generated tables are stale: run 'make generate'.", file=sys.stderr)
        return 1
    print("The generated tables of README.md and docs/ are up to date.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
