"""openapi.yaml against the facts of DingTalk's doc pages, as the drift check parses them.

No hand-typed copy of the docs: the facts come from the pages ``make docs-check`` reads (those
the spec names in ``x-dingtalk-docs``, and the others saved beside them), kept in
``tests/docs_pages/facts-snapshot.json`` so that a clone without DingTalk's saved pages checks
the spec too; where ``../shared/dingtalk-docs/`` is present, a
test proves the snapshot is what those pages say today. The drift check itself is tested in
test_docs_check.py.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from generator.docs import snapshot
from generator.docs.check import Report, check, compare_pages
from generator.docs.facts import Finding
from generator.docs.sources import DEFAULT_DOCS_DIR, default_locations, read_locations
from generator.docs.spec_facts import spec_facts
from generator.generate import load_spec

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "docs_pages" / "facts-snapshot.json"
REFRESH = "python -m generator.docs_check --snapshot tests/docs_pages/facts-snapshot.json"
# The facts that say what to send and what comes back: the spec must agree on them with every page.
SHAPE = ("path parameters", "query parameters", "token header", "request field", "response field", "limit")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(ROOT / "openapi.yaml")


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


def operations(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]]:
    found = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                found[op["operationId"]] = (method, path, op, item)
    return found


def body_schema(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    return resolve(spec, op["requestBody"]["content"]["application/json"]["schema"])


def response_schema(spec: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    return resolve(spec, op["responses"]["200"]["content"]["application/json"]["schema"])


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["servers"][0]["url"] == "https://api.dingtalk.io"


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    # PyYAML silently keeps the last of two equal keys; our loader must not.
    broken = tmp_path / "dup.yaml"
    broken.write_text("a: 1\na: 2\n")
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'a'"):
        load_spec(broken)


@pytest.fixture(scope="module")
def report(spec: dict[str, Any]) -> Report:
    return compare_pages(spec, snapshot.load(SNAPSHOT))


def _lines(findings: list[Finding]) -> list[str]:
    return [f"{f.operation}: {f.fact}: spec {f.spec}; docs {f.docs} [{f.page}]" for f in findings]


def test_the_snapshot_holds_every_page_the_spec_names(spec: dict[str, Any], report: Report) -> None:
    named = {op["operationId"] for _, _, op, _ in operations(spec).values() if op.get("x-dingtalk-docs")}
    assert named <= set(report.operations.values()), f"run {REFRESH}"
    assert {"error-codes", "throttling"} <= {page.kind for page in report.pages}


def test_spec_agrees_with_the_english_pages(report: Report) -> None:
    # The five English pages the spec was written from: every fact, deviations aside.
    assert _lines([f for f in report.findings if f.language == "en"]) == []
    assert len([p for p in report.pages if p.language == "en"]) == 5


def test_what_to_send_and_what_comes_back_agrees_with_every_page(report: Report) -> None:
    # Paths, parameters, the token header, body and response fields (nested ones too), limits.
    assert _lines([f for f in report.findings if f.fact.startswith(SHAPE)]) == []


def test_spec_agrees_with_todays_pages(report: Report) -> None:
    assert _lines(report.findings) == []


@pytest.mark.skipif(not DEFAULT_DOCS_DIR.is_dir(), reason=f"DingTalk's saved pages are not here ({DEFAULT_DOCS_DIR})")
def test_the_snapshot_is_what_the_saved_pages_say(spec: dict[str, Any], tmp_path: Path) -> None:
    fresh = check(spec, read_locations(default_locations(spec_facts(spec), DEFAULT_DOCS_DIR)))
    assert fresh.errors == []
    snapshot.dump(fresh.pages, spec_facts(spec), tmp_path / "facts.json")
    assert (tmp_path / "facts.json").read_text(encoding="utf-8") == SNAPSHOT.read_text(encoding="utf-8"), (
        f"the saved pages changed (or the spec names other pages): run {REFRESH}"
    )


def test_every_documented_error_is_data_once(spec: dict[str, Any]) -> None:
    for operation_id, (_, _, op, _) in operations(spec).items():
        rows = op.get("x-dingtalk-errors", [])
        assert all(e["description"].strip() for e in rows), operation_id
        for status in {e["status"] for e in rows}:
            response = resolve(spec, op["responses"][str(status)])
            schema = resolve(spec, response["content"]["application/json"]["schema"])
            assert schema is spec["components"]["schemas"]["Error"], operation_id
            for e in rows:  # the rows are the data; the prose does not repeat them
                if "message" in e:
                    assert str(e["message"]) not in response["description"], (operation_id, e)


def test_blank_names_and_empty_scopes_are_refused(spec: dict[str, Any]) -> None:
    # What the pages' error rows say ("calendar name cannot be blank", "subscribe range cannot
    # be null"), as the spec's rules: the limits themselves are compared with the pages above.
    for schema_name in ("CreateSubscribedCalendarRequest", "UpdateSubscribedCalendarRequest"):
        name = spec["components"]["schemas"][schema_name]["properties"]["name"]
        assert (name["minLength"], name["pattern"]) == (1, r"\S")
    scope = spec["components"]["schemas"]["SubscribeScope"]
    assert scope["x-dingtalk-at-least-one-of"] == list(scope["properties"])


def test_subscribe_may_answer_an_empty_body(spec: dict[str, Any]) -> None:
    _, _, op, _ = operations(spec)["subscribeCalendar"]
    assert "empty" in op["responses"]["200"]["description"]
    assert not response_schema(spec, op).get("required")


def test_one_shared_error_body(spec: dict[str, Any]) -> None:
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "requestid", "accessdenieddetail"}
    detail = resolve(spec, error["properties"]["accessdenieddetail"])
    assert detail["properties"]["requiredScopes"]["type"] == "array"


ERROR_ROW_KEYS = {"status", "code", "message", "message_zh", "messages", "description", "unverified", "field", "rule"}


def test_error_rows_hold_only_known_keys(spec: dict[str, Any]) -> None:
    # An unquoted comma in a YAML flow mapping splits a description into stray keys.
    rows = list(spec["x-dingtalk-global-errors"])
    rows += [row for _, _, op, _ in operations(spec).values() for row in op.get("x-dingtalk-errors", [])]
    for row in rows:
        assert set(row) <= ERROR_ROW_KEYS, row
        assert {"status", "code", "description"} <= set(row), row
        assert row["description"].endswith("."), row


def test_global_errors_of_architecture_notes(spec: dict[str, Any]) -> None:
    rows = {(e["status"], e["code"]) for e in spec["x-dingtalk-global-errors"]}
    assert {
        (400, "InvalidAuthentication"),
        (403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi"),
        (403, "Forbidden.AccessDenied.QpsLimitForApi"),
        (403, "Forbidden.AccessDenied.AccessTokenPermissionDenied"),
        (400, "invalidClientIdOrSecret"),
    } <= rows


def test_token_endpoints_need_no_token(spec: dict[str, Any]) -> None:
    for path in ("/v1.0/oauth2/accessToken", "/v1.0/oauth2/corpAccessToken", "/v1.0/oauth2/userAccessToken"):
        op = spec["paths"][path]["post"]
        assert op["tags"] == ["oauth2"]
        assert op["security"] == []
        assert {"accessToken", "expireIn"} <= set(response_schema(spec, op)["required"])
