"""What each operation of the spec has beyond the generated layer: reported, not failed.

An operation added to openapi.yaml is usable at once: ``make generate`` writes its clients'
methods and its CLI command; the emulation comes later. This prints, for every
operation, what it has and lacks (doc pages, ergonomic method, CLI command, emulation), so
a spec change can land before the rest. What is asserted: the report covers every
operation, and what it says about emulation is what the emulator answers over HTTP.
"""

import ast
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
import yaml

from dingtalk_calendar._generated.cli import COMMANDS as CLI_COMMANDS
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER, OPERATIONS, Operation
from dingtalk_calendar_emulator import Emulator
from dingtalk_calendar_emulator.server import unmodelled_operations

ROOT = Path(__file__).resolve().parent.parent
OVERLAYS = ROOT / "overlays" / "dingtalk_calendar"
DOCS = ROOT.parent / "shared" / "dingtalk-docs"


class Coverage(NamedTuple):
    operation_id: str
    doc_pages: tuple[str, ...]
    ergonomic: tuple[str, ...]
    """``module.function`` of the overlays that call the generated endpoint module."""
    cli_commands: tuple[str, ...]
    emulated: bool


def _doc_pages(operation_id: str, spec: dict[str, Any]) -> tuple[str, ...]:
    """The pages the spec names for the operation (its ``x-dingtalk-docs``), whose saved copy is here.

    Named, not searched for: a page mentioning the operation's path (a new list operation's
    path begins the get page's) is not its page.
    """
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                files = [str(entry["file"]) for entry in operation.get("x-dingtalk-docs", [])]
                return tuple(file for file in files if (DOCS / file).is_file())
    return ()  # an operation only a generated package knows (a spec being tried out) names none


def _callers(operation: Operation) -> tuple[str, ...]:
    """Functions and methods of the overlays that import the operation's generated module."""
    needles = (f"api.{operation.tag}.{operation.python_name}", f"api.{operation.tag} import {operation.python_name}")
    found = []
    for source in sorted(OVERLAYS.rglob("*.py")):
        text = source.read_text(encoding="utf-8")
        if not any(needle in text for needle in needles):
            continue
        tree = ast.parse(text)
        functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = [
            node for node in tree.body if isinstance(node, ast.FunctionDef)
        ]
        for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            functions += [node for node in cls.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
        for function in functions:
            body = ast.get_source_segment(text, function) or ""
            if any(needle in body for needle in needles):
                found.append(f"{source.stem}.{function.name}")
    return tuple(found)


def _cli_commands(operation: Operation, ergonomic: tuple[str, ...]) -> tuple[str, ...]:
    """The CLI commands of the spec's command table that call the operation."""
    if ergonomic and all(name.startswith("credentials.") for name in ergonomic):
        return ("every command, for its token",)
    return tuple(command.name for command in CLI_COMMANDS if command.operation_id == operation.operation_id)


def coverage() -> list[Coverage]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    unmodelled = set(unmodelled_operations())
    rows = []
    for operation in OPERATIONS.values():
        ergonomic = _callers(operation)
        rows.append(
            Coverage(
                operation.operation_id,
                _doc_pages(operation.operation_id, spec),
                ergonomic,
                _cli_commands(operation, ergonomic),
                operation.operation_id not in unmodelled,
            )
        )
    return rows


def _cell(values: tuple[str, ...]) -> str:
    return ", ".join(values) if values else "**none**"


def test_report_what_each_operation_has(capsys: pytest.CaptureFixture[str]) -> None:
    rows = coverage()
    assert [row.operation_id for row in rows] == list(OPERATIONS)
    lines = ["| operation | doc pages | ergonomic method | CLI command | emulated |", "|---|---|---|---|---|"]
    for row in rows:
        cells = (
            _cell(row.doc_pages),
            _cell(row.ergonomic),
            _cell(row.cli_commands),
            "yes" if row.emulated else "**no (501)**",
        )
        lines.append(f"| `{row.operation_id}` | {' | '.join(cells)} |")
    with capsys.disabled():
        print("\n\nWhat each operation of openapi.yaml has beyond the generated layer:\n" + "\n".join(lines))
    # The report's own parts can fail: every call site the SDK uses today is found.
    created = next(row for row in rows if row.operation_id == "createSubscribedCalendar")
    assert "calls.create_subscribed_calendar" in created.ergonomic
    assert "create" in next(row.cli_commands for row in rows if row.operation_id == "createSubscribedCalendar")


def test_a_new_operation_that_names_no_page_is_credited_none() -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    item = spec["paths"]["/v1.0/calendar/users/{userId}/subscribedCalendars"]
    item["get"] = {"operationId": "listSubscribedCalendars", "responses": {"200": {"description": "OK"}}}
    assert _doc_pages("listSubscribedCalendars", spec) == ()
    if DOCS.is_dir():  # the get operation's pages are still its own
        assert "zh/query-a-single-subscription-calendar.md" in _doc_pages("getSubscribedCalendar", spec)


@pytest.mark.parametrize("operation", OPERATIONS.values(), ids=lambda op: op.operation_id)
def test_the_report_says_what_the_emulator_answers(dingtalk_emulator: Emulator, operation: Operation) -> None:
    emu = dingtalk_emulator
    # A request that fails every check still tells a modelled operation (a 4xx) from one that is not (501).
    path = operation.path.format(**{p.name: "alice" for p in operation.path_parameters})
    headers = {ACCESS_TOKEN_HEADER: emu.issue_token()} if operation.requires_token else {}
    with httpx.Client(base_url=emu.url) as http:
        response = http.request(operation.method, path, json={}, headers=headers)
    modelled = operation.operation_id not in unmodelled_operations()
    if modelled:
        assert response.status_code != 501, response.text
    else:
        assert response.status_code == 501
        assert response.json()["code"] == "NotImplemented"
