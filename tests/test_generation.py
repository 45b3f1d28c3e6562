"""`make generate` is deterministic, `make check-generated` catches hand edits, and a new
operation in the spec is a spec edit and a regeneration: nothing else has to change first.

``make test`` runs ``make check-generated`` (one generation, compared with generated/)
before these tests, so they generate only once more: from a copy of the spec with a new
operation, whose output must equal generated/ byte for byte except where the new operation
shows. The check's own logic (``generate.compare``) is tested on copies of generated/.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import generate

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
PACKAGE = "dingtalk_calendar_api"
COMMITTED = ROOT / "generated"


def run_generator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "generator" / "generate.py"), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture
def regenerated(tmp_path: Path) -> Path:
    """A copy of generated/, as make check-generated has just proven a fresh generation to be."""
    target = tmp_path / "generated"
    shutil.copytree(COMMITTED, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_check_passes_on_a_fresh_tree(regenerated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.compare(tree(regenerated / PACKAGE), regenerated) == 0
    assert "in sync" in capsys.readouterr().out


def test_the_check_fails_with_a_diff_when_a_generated_file_is_edited(
    regenerated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = tmp_path / "edited"
    shutil.copytree(regenerated, edited)
    module = edited / PACKAGE / "api" / "calendar" / "subscribe_calendar.py"
    module.write_text(module.read_text().replace('METHOD = "POST"', 'METHOD = "GET"'))

    assert generate.compare(tree(regenerated / PACKAGE), edited) == 1
    out, err = capsys.readouterr()
    assert "subscribe_calendar.py" in out
    assert '-METHOD = "GET"' in out
    assert '+METHOD = "POST"' in out
    assert "make generate" in err


def test_the_check_fails_when_a_file_is_added_or_removed(
    regenerated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(regenerated, changed)
    (changed / PACKAGE / "stray.py").write_text("x = 1\n")
    (changed / PACKAGE / "types.py").unlink()
    assert generate.compare(tree(regenerated / PACKAGE), changed) == 1
    out = capsys.readouterr().out
    assert "stray.py" in out
    assert "types.py" in out


def test_the_check_covers_the_sdks_generated_layer(regenerated: Path, tmp_path: Path) -> None:
    # overlays/dingtalk_calendar/_generated/ is checked like generated/: a hand edit fails the check.
    sdk = tmp_path / "_generated"
    shutil.copytree(
        ROOT / "overlays" / "dingtalk_calendar" / "_generated", sdk, ignore=shutil.ignore_patterns("__pycache__")
    )
    assert run_generator("--check", "--target", regenerated, "--sdk-target", sdk).returncode == 0
    calls = sdk / "calls.py"
    calls.write_text(calls.read_text().replace("check_path(operation, ", "(operation, ", 1))

    stale = run_generator("--check", "--target", regenerated, "--sdk-target", sdk)
    assert stale.returncode == 1
    assert "+    check_path(operation, " in stale.stdout
    assert "_generated is out of date" in stale.stderr


def test_generated_package_carries_the_spec_error_tables() -> None:
    from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason
    from dingtalk_calendar_api.operation_ids import OperationId
    from dingtalk_calendar_api.spec_data import OPERATIONS, SCHEMAS

    assert OPERATIONS["createSubscribedCalendar"].idempotent is False
    assert OPERATIONS["subscribeCalendar"].idempotent is True
    assert ErrorCode.parse("exceedSubscribeLimit") is ErrorCode.EXCEED_SUBSCRIBE_LIMIT
    assert ErrorCode.parse("somethingNew") is None
    assert ErrorReason.parse("calendar name cannot be blank") is ErrorReason.CALENDAR_NAME_CANNOT_BE_BLANK
    name = next(f for f in SCHEMAS["CreateSubscribedCalendarRequest"].fields if f.name == "name")
    assert (name.required, name.max_length) == (True, 128)
    every_code = {e.code for op in OPERATIONS.values() for e in op.errors}
    assert every_code <= {c.value for c in ErrorCode}
    assert {m.value for m in OperationId} == set(OPERATIONS)


def test_error_rows_name_the_field_and_rule_they_answer() -> None:
    from dingtalk_calendar_api.checks import check_request_body

    violation = check_request_body(
        "createSubscribedCalendar", {"name": "n" * 129, "subscribeScope": {"corpIds": ["c"]}}
    )
    assert violation is not None
    row = violation.documented("createSubscribedCalendar")
    assert row is not None
    assert (row.field, row.rules, row.message) == ("name", ("maxLength",), "calendar name length must less than 128")


# -- what the generator refuses --------------------------------------------------------------


def _spec_with(tmp_path: Path, old: str, new: str) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / "openapi.yaml"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


SUBSCRIBE_200 = """          description: The user is subscribed. The body may be empty.
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            """        content:
          application/json:
            schema:
              $ref: "#/components/schemas/CreateSubscribedCalendarRequest"
""",
            """        content:
          application/json:
            schema:
              $ref: "#/components/schemas/CreateSubscribedCalendarRequest"
          application/xml:
            schema:
              $ref: "#/components/schemas/CreateSubscribedCalendarRequest"
""",
            "several request bodies",
        ),
        (
            """        content:
          application/json:
            schema:
              $ref: "#/components/schemas/CreateSubscribedCalendarRequest"
""",
            """        content:
          multipart/form-data:
            schema:
              $ref: "#/components/schemas/CreateSubscribedCalendarRequest"
""",
            "multipart/form-data request body",
        ),
        (
            """      responses:
        "200":
          description: The calendar was created.
""",
            """      responses:
        default:
          description: Anything else.
        "200":
          description: The calendar was created.
""",
            "a 'default' response",
        ),
        (
            "message: calendar name length must less than 128, field: name, rule: maxLength,",
            "message: calendar name length must less than 128, field: title, rule: maxLength,",
            "error field 'title' is not a field of it",
        ),
        (
            "message: calendar name length must less than 128, field: name, rule: maxLength,",
            "message: calendar name length must less than 128, field: name, rule: tooLong,",
            "error rule 'tooLong' is not one of",
        ),
    ],
    ids=["several-bodies", "multipart", "default-response", "unknown-field", "unknown-rule"],
)
def test_the_generator_refuses_what_the_templates_would_drop(tmp_path: Path, old: str, new: str, message: str) -> None:
    spec = _spec_with(tmp_path, old, new)
    with pytest.raises(SystemExit, match=message):
        generate.build_context(generate.load_spec(spec))


# -- template forks ----------------------------------------------------------------------------


def test_every_override_records_the_stock_template_it_forks() -> None:
    generate.check_forks()  # raises SystemExit on any mismatch
    for override in sorted(generate.OVERRIDES.glob("*.jinja")):
        first = override.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == generate.fork_line(generate._stock_templates() / override.name)


def test_a_changed_stock_template_asks_for_a_re_merge(tmp_path: Path) -> None:
    stock = tmp_path / "templates"
    shutil.copytree(generate._stock_templates(), stock)
    endpoint = stock / "endpoint_module.py.jinja"
    endpoint.write_text(endpoint.read_text(encoding="utf-8") + "{# a change upstream #}\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="re-merge") as raised:
        generate.check_forks(stock=stock)
    assert "endpoint_module.py.jinja" in str(raised.value)
    assert hashlib.sha256(endpoint.read_bytes()).hexdigest() in str(raised.value)  # the line to write after merging


def test_an_override_without_its_fork_line_is_refused(tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    shutil.copytree(generate.OVERRIDES, overrides)
    client = overrides / "client.py.jinja"
    client.write_text(client.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
    with pytest.raises(SystemExit, match="must record the stock template it forks"):
        generate.check_forks(overrides=overrides)


# -- a new operation: a spec edit and make generate ---------------------------------------------

NEW_OPERATION = """
  /v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}/archive:
    parameters:
      - $ref: "#/components/parameters/userId"
      - $ref: "#/components/parameters/calendarId"
    post:
      tags: [calendar]
      operationId: archiveSubscribedCalendar
      summary: Archive a subscribed calendar
      description: |
        Hides the calendar from new subscribers; subscribed users keep it. Only the
        author may archive. Archiving twice is harmless.
      x-dingtalk-permission: Calendar.Calendar.Write
      x-dingtalk-idempotent: true
      x-dingtalk-errors:
        - status: 400
          code: invalidParameter
          message: forwardErrorMessage
          description: A parameter is invalid; the message carries DingTalk's own detail.
        - status: 400
          code: invalidParameter
          message: calendarId cannot be blank
          field: calendarId
          rule: [minLength, pattern]
          description: The calendar id is missing or blank.
        - status: 403
          code: permissionDenied
          message: only the author may archive
          description: The user is not the calendar's author.
      responses:
        "200":
          description: The calendar is archived.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ResultResponse"
        "400":
          $ref: "#/components/responses/BadRequest"
        "403":
          $ref: "#/components/responses/Forbidden"
"""


@pytest.fixture(scope="module")
def with_new_operation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """generated/ regenerated from a copy of the spec with one more operation, and nothing else edited."""
    work = tmp_path_factory.mktemp("new-operation")
    text = SPEC.read_text(encoding="utf-8")
    spec = work / "openapi.yaml"
    spec.write_text(text.replace("\ncomponents:\n", NEW_OPERATION + "\ncomponents:\n", 1), encoding="utf-8")
    result = run_generator("--spec", spec, "--target", work / "generated")
    assert result.returncode == 0, result.stdout + result.stderr
    return work


def test_a_new_operation_gets_its_module(with_new_operation: Path) -> None:
    package = with_new_operation / "generated" / PACKAGE
    module = package / "api" / "calendar" / "archive_subscribed_calendar.py"
    assert 'OPERATION_ID = "archiveSubscribedCalendar"' in module.read_text(encoding="utf-8")
    assert "ARCHIVE_SUBSCRIBED_CALENDAR" in (package / "operation_ids.py").read_text(encoding="utf-8")
    committed = tree(COMMITTED / PACKAGE)
    fresh = tree(package)
    assert set(committed) <= set(fresh)
    changed = {name for name, content in fresh.items() if committed.get(name) != content}
    # What the spec says about it lands in these files only; every other file of this
    # independent generation is byte for byte the committed one (generation is deterministic).
    assert changed == {
        "api/calendar/archive_subscribed_calendar.py",
        "error_codes.py",
        "operation_ids.py",
        "spec_data.py",
    }


def test_with_a_new_operation_the_emulator_answers_it_501_and_everything_else_still_works(
    with_new_operation: Path,
) -> None:
    # The repository's own emulator, SDK and tests, with only the generated package swapped:
    # every documented error of every modelled operation still reached over HTTP, the new
    # operation answered 501 NotImplemented, and the coverage report listing what it lacks.
    env = {**os.environ, "PYTHONPATH": str(with_new_operation / "generated")}
    tests = [
        "tests/test_operation_coverage.py",
        "tests/emulator/test_emulator_errors.py",
        "tests/test_retry.py::test_idempotency_comes_from_the_spec",
        "tests/test_client.py",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "| `archiveSubscribedCalendar` | **none** | **none** | **none** | **no (501)** |" in result.stdout
    assert "test_the_report_says_what_the_emulator_answers[archiveSubscribedCalendar] PASSED" in result.stdout


@pytest.mark.parametrize(
    ("body", "path", "rule"),
    [
        ({"expireIn": 7200}, "accessToken", "required"),
        ({"accessToken": 5, "expireIn": 7200}, "accessToken", "type"),
        ({"accessToken": None, "expireIn": 7200}, "accessToken", "type"),
        ({"accessToken": "t", "expireIn": "7200"}, "expireIn", "type"),
        ({"accessToken": "t", "expireIn": True}, "expireIn", "type"),
    ],
)
def test_the_checker_reads_token_answers_too(body: dict[str, object], path: str, rule: str) -> None:
    # For the token layer: the same checker, on the spec's AccessTokenResponse.
    from dingtalk_calendar_api.checks import check_response

    violation = check_response("getAccessToken", body)
    assert violation is not None
    assert (violation.path, violation.rule) == (path, rule)
    assert check_response("getAccessToken", {"accessToken": "t", "expireIn": 7200}) is None


@pytest.mark.parametrize(
    ("body", "path", "sdk_path", "rule"),
    [
        ({"name": "Team \ud800"}, "name", "name", "unicode"),
        ({"name": 7}, "name", "name", "type"),
        (
            {"subscribeScope": {"corpIds": ["ding-1", "ding-\udfff"]}},
            "subscribeScope.corpIds[1]",
            "scope.organisations[1]",
            "unicode",
        ),
        ({"managers": ["bob", 7]}, "managers[1]", "managers[1]", "type"),
        ({"subscribeScope": {"corpIds": "ding-1"}}, "subscribeScope.corpIds", "scope.organisations", "type"),
    ],
)
def test_the_checker_names_a_broken_answer_field_by_its_whole_path(
    body: dict[str, object], path: str, sdk_path: str, rule: str
) -> None:
    # Text with no rule but unicode is checked too, and a nested field named from the top.
    from dingtalk_calendar_api.checks import check_response

    violation = check_response("getSubscribedCalendar", body)
    assert violation is not None
    assert (violation.path, violation.sdk_path, violation.rule) == (path, sdk_path, rule)
    assert (
        check_response("getSubscribedCalendar", {"name": "Team \u00e9", "subscribeScope": {"corpIds": ["c"]}}) is None
    )


@pytest.mark.parametrize(
    ("operation", "answer", "sent", "path", "rule"),
    [
        ("getSubscribedCalendar", {"subscribeScope": {"corpIds": []}}, None, "subscribeScope", "atLeastOneOf"),
        (
            "getEvent",
            {"recurrence": {"range": {"type": "numbered", "numberOfOccurrences": 200}}},
            "createEvent",
            "recurrence.range.numberOfOccurrences",
            "maximum",
        ),
        (
            "listEvents",
            {"events": [{"recurrence": {"pattern": {"type": "daily", "interval": 0}}}]},
            None,
            None,
            None,
        ),
    ],
    ids=["empty-scope", "200-occurrences", "interval-0-in-a-list"],
)
def test_an_answer_is_read_for_its_shape_not_held_to_the_limits_on_what_is_sent(
    operation: str, answer: dict[str, object], sent: str | None, path: str | None, rule: str | None
) -> None:
    # A shared schema's limits on what DingTalk accepts (a recurrence of 1-99, a scope naming
    # someone) are not held against what it answers: an event made in DingTalk's own app may
    # pass them, and refusing it would make the whole calendar unreadable.
    from dingtalk_calendar_api.checks import check_request_body, check_response

    assert check_response(operation, answer) is None
    if sent is not None:  # the same value in a request is refused, naming the rule
        violation = check_request_body(sent, {"summary": "s", "start": {}, "end": {}, **answer})
        assert violation is not None
        assert (violation.path, violation.rule) == (path, rule)
    scope = check_request_body("createSubscribedCalendar", {"name": "n", "subscribeScope": {"corpIds": []}})
    assert scope is not None
    assert (scope.path, scope.rule) == ("subscribeScope", "atLeastOneOf")
    wrong = check_response("getEvent", {"recurrence": {"range": {"numberOfOccurrences": "200"}}})
    assert wrong is not None
    assert wrong.rule == "type"  # the shape still holds


def test_the_checker_reads_a_str_subclass_as_text() -> None:
    # An enum member or other str subclass in a request body meets the same text rules.
    from dingtalk_calendar_api.checks import check_request_body

    class Text(str):
        pass

    scope = {"corpIds": [Text("ding-1")]}
    violation = check_request_body("createSubscribedCalendar", {"name": Text(" "), "subscribeScope": scope})
    assert violation is not None
    assert (violation.path, violation.rule) == ("name", "pattern")
    assert check_request_body("createSubscribedCalendar", {"name": Text("Team"), "subscribeScope": scope}) is None


@pytest.mark.parametrize("required", [False, True])
def test_a_result_field_of_a_hand_written_class_is_that_class_made_by_its_schema_s_names(
    tmp_path: Path, required: bool
) -> None:
    # Calendar.scope is a Scope, whose names (users, groups, organisations) are SubscribeScope's
    # x-dingtalk-sdk-names; the same holds when the answer must carry it.
    import importlib.util

    import httpx
    import yaml

    from dingtalk_calendar import Scope
    from generator.sdk import render_sdk

    spec = yaml.safe_load(SPEC.read_text())
    if required:
        spec["components"]["schemas"]["GetSubscribedCalendarResponse"]["required"] = ["subscribeScope"]
    render_sdk(spec, tmp_path)
    name = f"dingtalk_calendar._generated.results_probe_{required}"
    module_spec = importlib.util.spec_from_file_location(name, tmp_path / "results.py")
    assert module_spec is not None
    assert module_spec.loader is not None
    results = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(results)

    answer = {"calendarId": "c1", "subscribeScope": {"unionIds": ["u1"], "corpIds": ["ding-1"]}}
    calendar = results.Calendar.from_answer(answer, httpx.Response(200))
    assert calendar.scope == Scope(users=("u1",), organisations=("ding-1",))
    assert (calendar.calendar_id, calendar.name, calendar.managers) == ("c1", "", ())
    if not required:
        assert results.Calendar.from_answer({}, httpx.Response(200)).scope == Scope()
