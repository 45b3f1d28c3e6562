"""Adding an operation takes a spec edit and ``make generate``, and no hand-written file.

A copy of the project gets two more operations in its openapi.yaml (one with a path, a query
and a body parameter, and an answer that needs no special class; one whose 200 has no body at
all, which gets the generic ``Done``) and is regenerated in place.
Then, with that copy on the path: both clients have the new method, checked by the spec's
rules before sending (the query parameter's ``maximum`` too); the CLI has the new command;
and the emulator, which does not model the operation, answers 501, which arrives as a typed
``ServerError`` after one attempt (501 is not retried); the emulator's reading of a query
string applies the same rules. The copy's hand-written files are
compared with the repository's: generation touched none of them.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

NEW_OPERATION = """
  /v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}/archive:
    parameters:
      - $ref: "#/components/parameters/userId"
      - $ref: "#/components/parameters/calendarId"
    post:
      tags: [calendar]
      operationId: archiveSubscribedCalendar
      x-dingtalk-sdk-method: archive
      summary: Archive a subscribed calendar
      description: |
        Hides the calendar from new subscribers; subscribed users keep it.
      x-dingtalk-permission: Calendar.Calendar.Write
      x-dingtalk-idempotent: true
      parameters:
        - name: keepDays
          in: query
          description: Days to keep the calendar before it goes. At most 100.
          schema: {type: integer, minimum: 1, maximum: 100}
        - name: x-client-token
          in: header
          description: The same token within a day is the same request.
          schema: {type: string}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/ArchiveSubscribedCalendarRequest"
      responses:
        "200":
          description: The calendar is archived.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ArchiveSubscribedCalendarResponse"
        "400":
          $ref: "#/components/responses/BadRequest"

  /v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}/pin:
    parameters:
      - $ref: "#/components/parameters/userId"
      - $ref: "#/components/parameters/calendarId"
    put:
      tags: [calendar]
      operationId: pinSubscribedCalendar
      x-dingtalk-sdk-method: pin
      summary: Pin a subscribed calendar
      description: |
        Keeps the calendar at the top of the user's list. DingTalk answers an empty 200.
      x-dingtalk-permission: Calendar.Calendar.Write
      x-dingtalk-idempotent: true
      responses:
        "200":
          description: Pinned; the body is empty.
        "400":
          $ref: "#/components/responses/BadRequest"
"""

NEW_SCHEMAS = """
    ArchiveSubscribedCalendarRequest:
      type: object
      required: [reason]
      properties:
        reason:
          type: string
          description: Why it is archived; at most 64 characters.
          minLength: 1
          maxLength: 64
        notifySubscribers:
          type: boolean
          description: Tell the subscribers.
        notes:
          type: array
          description: Notes for the subscribers.
          items: {$ref: "#/components/schemas/ArchiveNote"}

    ArchiveNote:
      type: object
      properties:
        text: {type: string}

    ArchiveSubscribedCalendarResponse:
      type: object
      properties:
        archivedAt:
          type: integer
          description: When, in milliseconds since 1970.
"""

# Run in a fresh interpreter with the copy first on the path.
CALLS = textwrap.dedent(
    """
    import asyncio, http.server, json, sys, threading
    from dingtalk_calendar import AsyncCalendarClient, CalendarClient, ServerError, ValidationError
    from dingtalk_calendar import ArchiveSubscribedCalendar, InternalAppCredentials
    from dingtalk_calendar.cli import main
    from dingtalk_calendar_emulator import Emulator

    seen = {}
    with Emulator() as emu:
        app = emu.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        with CalendarClient(credentials, base_url=emu.url) as client:
            try:
                client.calendars.archive("alice", "cal-1", reason="done", keep_days=1000)
            except ValidationError as error:
                seen["too_many_days"] = [error.field, error.reason]
            try:
                client.archive(
                    "alice", "cal-1", reason="done", keep_days=7, notify_subscribers=True,
                    notes=[{"text": "see you"}], x_client_token="t-1",
                )
            except ServerError as error:
                seen["sync"] = [error.status_code, error.raw_code, error.attempts]

        async def call_async():
            async with AsyncCalendarClient(credentials, base_url=emu.url) as client:
                try:
                    await client.calendars.archive("alice", "cal-1", reason="done")
                except ServerError as error:
                    seen["async"] = [error.status_code, error.raw_code, error.attempts]

        asyncio.run(call_async())

        # An answer without a body (pinSubscribedCalendar has no answer schema), from a tiny server.
        class EmptyOk(http.server.BaseHTTPRequestHandler):
            def do_PUT(self):
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EmptyOk)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        empty_ok = f"http://127.0.0.1:{server.server_address[1]}"
        with CalendarClient("fixed-token", base_url=empty_ok) as client:
            pinned = client.calendars.pin("alice", "cal-1")
            seen["pin_sync"] = [type(pinned).__name__, pinned.raw_response.status_code]

        async def pin_async():
            async with AsyncCalendarClient("fixed-token", base_url=empty_ok) as client:
                pinned = await client.pin("alice", "cal-1")
                seen["pin_async"] = [type(pinned).__name__, pinned.raw_response.status_code]

        asyncio.run(pin_async())
        server.shutdown()
        env = {"DINGTALK_APP_KEY": app.app_key, "DINGTALK_APP_SECRET": app.app_secret, "DINGTALK_BASE_URL": emu.url}
        argv = ["--json", "archive", "alice", "cal-1", "--reason", "done", "--keep-days", "7", "--notify-subscribers",
                "--note", '{"text": "see you"}', "--x-client-token", "t-2"]
        seen["cli_exit"] = main(argv, environ=env)
        seen["pin_cli_exit"] = main(["pin", "alice", "cal-1"], environ=env)  # the emulator: 501
        seen["requests"] = emu.stats.requests("archiveSubscribedCalendar")
    seen["result_fields"] = [field.name for field in ArchiveSubscribedCalendar.__attrs_attrs__]
    # The emulator's check of a query string (it answers this operation 501 before checking).
    from dingtalk_calendar_api.checks import check_query_parameters
    seen["emulator_query"] = [
        (v.rule if v else None) for v in (
            check_query_parameters("archiveSubscribedCalendar", {"keepDays": text}, as_text=True)
            for text in ("7", "1000", "0", "seven")
        )
    ]
    print("SEEN " + json.dumps(seen))
    """
)

HAND_WRITTEN = ("overlays", "emulator")


def _sources(root: Path) -> dict[str, bytes]:
    """The hand-written files: every file of overlays/ and emulator/ but the generated layer."""
    found = {}
    for folder in HAND_WRITTEN:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root)
            if "_generated" not in relative.parts:
                found[str(relative)] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("project")
    for folder in ("overlays", "emulator", "generated", "generator"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    spec = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    spec = spec.replace("\ncomponents:\n", NEW_OPERATION + "\ncomponents:\n", 1)
    spec = spec.replace("\n  schemas:\n", "\n  schemas:\n" + NEW_SCHEMAS, 1)
    (copy / "openapi.yaml").write_text(spec, encoding="utf-8")
    # `make generate`'s steps, run by the copy's own scripts on the copy.
    for script in ("generate.py", "unasync.py"):
        result = subprocess.run(
            [sys.executable, str(copy / "generator" / script)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return copy


def test_the_new_code_passes_mypy_strict(project_copy: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "overlays/dingtalk_calendar/_generated", "generated/dingtalk_calendar_api"],
        cwd=project_copy,  # the copy's pyproject.toml: the project's own strict settings
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_generation_touches_no_hand_written_file(project_copy: Path) -> None:
    assert _sources(project_copy) == _sources(ROOT)
    generated = (project_copy / "overlays" / "dingtalk_calendar" / "_generated" / "async_resources.py").read_text()
    assert "async def archive(" in generated


def test_the_new_operation_works_from_both_clients_and_the_cli(project_copy: Path) -> None:
    path = os.pathsep.join(str(project_copy / folder) for folder in ("overlays", "generated", "emulator"))
    result = subprocess.run(
        [sys.executable, "-c", CALLS],
        env={**os.environ, "PYTHONPATH": path},
        cwd=project_copy,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    seen = json.loads(result.stdout.split("SEEN ", 1)[1])
    assert seen["too_many_days"] == ["keep_days", "must be at most 100 (got 1000)"]
    assert seen["sync"] == [501, "NotImplemented", 1]  # typed, and one attempt: 501 is not retried
    assert seen["async"] == [501, "NotImplemented", 1]
    assert seen["cli_exit"] == 1  # DingTalk answered with an error
    assert seen["requests"] == 3  # sync, async and CLI; the refused one was never sent
    # An operation whose 200 has no body: the generic result, from both clients, and a CLI command.
    assert seen["pin_sync"] == ["Done", 200]
    assert seen["pin_async"] == ["Done", 200]
    assert seen["pin_cli_exit"] == 1
    assert seen["result_fields"] == ["archived_at", "request_id", "raw_response"]
    assert seen["emulator_query"] == [None, "maximum", "minimum", "type"]
