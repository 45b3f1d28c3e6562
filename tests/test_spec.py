"""openapi.yaml against a table written from DingTalk's five documentation pages.

The table below is typed from ../shared/dingtalk-docs/ on purpose, independently of the
spec: a spec edit that drops an operation, a field, a limit or an error fails here.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from generator.generate import load_spec

ROOT = Path(__file__).resolve().parent.parent
TOKEN_HEADER = "x-acs-dingtalk-access-token"

# operationId -> (method, path, required body fields, optional body fields, documented errors)
DOCS: dict[str, dict[str, Any]] = {
    "createSubscribedCalendar": {
        "method": "post",
        "path": "/v1.0/calendar/users/{userId}/subscribedCalendars",
        "path_params": ["userId"],
        "required": {"name", "subscribeScope"},
        "optional": {"description", "managers"},
        "response": {"calendarId"},
        "errors": {
            (400, "invalidParameter", "forwardErrorMessage"),
            (400, "invalidParameter", "calendar name cannot be blank"),
            (400, "invalidParameter", "calendar name length must less than 128"),
            (400, "invalidParameter", "subscribe range cannot be null"),
            (400, "invalidParameter", "current user must in range"),
            (403, "permissionDenied", "permission denied"),
        },
    },
    "getSubscribedCalendar": {
        "method": "get",
        "path": "/v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}",
        "path_params": ["userId", "calendarId"],
        "required": None,
        "optional": None,
        "response": {"calendarId", "name", "description", "author", "managers", "subscribeScope"},
        "errors": {
            (400, "invalidParameter", "forwardErrorMessage"),
            (400, "invalidParameter", "calendar id cannot be null"),
            (403, "permissionDenied", "permission denied"),
        },
    },
    "updateSubscribedCalendar": {
        "method": "put",
        "path": "/v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}",
        "path_params": ["userId", "calendarId"],
        "required": set(),
        "optional": {"name", "description", "managers", "subscribeScope"},
        "response": {"result"},
        "errors": {
            (400, "invalidParameter", "forwardErrorMessage"),
            (400, "invalidParameter", "calendar id cannot be blank"),
            (400, "invalidParameter", "calendar name length must less than 128"),
            (400, "invalidParameter", "subscribe range cannot be null"),
            (400, "invalidParameter", "calendar name cannot be blank"),
            (400, "invalidParameter", "current user must in range"),
            (403, "permissionDenied", "permission denied"),
        },
    },
    "subscribeCalendar": {
        "method": "post",
        "path": "/v1.0/calendar/users/{userId}/calendars/{calendarId}/subscribe",
        "path_params": ["userId", "calendarId"],
        "required": None,
        "optional": None,
        "response": {"result"},
        "errors": {
            (400, "permissionDenied", "The user is not within the subscription scope"),
            (400, "invalidParameter", "forwardErrorMessage"),
            (400, "invalidParameter", "calendarId cannot be blank"),
            (400, "invalidParameter", "calendar type invalid"),
            (400, "exceedSubscribeLimit", "exceed subscribe limit"),
        },
    },
    "unsubscribeCalendar": {
        "method": "post",
        "path": "/v1.0/calendar/users/{userId}/calendars/{calendarId}/unsubscribe",
        "path_params": ["userId", "calendarId"],
        "required": None,
        "optional": None,
        "response": {"result"},
        "errors": {
            (400, "permissionDenied", "The user is not within the subscription scope"),
            (400, "invalidParameter", "forwardErrorMessage"),
            (400, "invalidParameter", "calendarId cannot be blank"),
            (400, "invalidParameter", "calendar type invalid"),
        },
    },
    # zh/delete-subscription-calendar.md (the China site only)
    "deleteSubscribedCalendar": {
        "method": "delete",
        "path": "/v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}",
        "path_params": ["userId", "calendarId"],
        "required": None,
        "optional": None,
        "response": {"result"},
        "errors": {
            (400, "invalidParameter", "forwardErrorMessage"),
            (400, "invalidParameter", "calendarId cannot be blank"),
            (403, "permissionDenied", "permission denied"),
        },
    },
}
SCOPE_FIELDS = {"unionIds", "openConversationIds", "corpIds"}

# ARCHITECTURE.md §2: the token endpoints, their bodies and answers.
TOKEN_ENDPOINTS = {
    "/v1.0/oauth2/accessToken": ({"appKey", "appSecret"}, {"accessToken", "expireIn"}),
    "/v1.0/oauth2/corpAccessToken": (
        {"suiteKey", "suiteSecret", "authCorpId", "suiteTicket"},
        {"accessToken", "expireIn"},
    ),
    "/v1.0/oauth2/userAccessToken": (
        {"clientId", "clientSecret", "code", "refreshToken", "grantType"},
        {"accessToken", "refreshToken", "expireIn", "corpId"},
    ),
}


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


@pytest.mark.parametrize("operation_id", sorted(DOCS))
def test_operation_matches_the_docs(spec: dict[str, Any], operation_id: str) -> None:
    doc = DOCS[operation_id]
    method, path, op, item = operations(spec)[operation_id]
    assert (method, path) == (doc["method"], doc["path"])
    assert op["tags"] == ["calendar"]

    params = [resolve(spec, p) for p in item.get("parameters", []) + op.get("parameters", [])]
    assert [p["name"] for p in params if p["in"] == "path"] == doc["path_params"]
    assert all(p["required"] and p["schema"]["type"] == "string" for p in params)

    # The token header comes from the security scheme, which every calendar call needs.
    scheme_names = [name for requirement in op.get("security", spec["security"]) for name in requirement]
    assert [spec["components"]["securitySchemes"][n]["name"] for n in scheme_names] == [TOKEN_HEADER]

    if doc["required"] is None:
        assert "requestBody" not in op
    else:
        schema = body_schema(spec, op)
        assert set(schema.get("required", [])) == doc["required"]
        assert set(schema["properties"]) == doc["required"] | doc["optional"]
        scope = resolve(spec, schema["properties"]["subscribeScope"])
        assert set(scope["properties"]) == SCOPE_FIELDS
        assert all(scope["properties"][f]["items"]["type"] == "string" for f in SCOPE_FIELDS)

    assert set(response_schema(spec, op)["properties"]) == doc["response"]


@pytest.mark.parametrize("operation_id", sorted(DOCS))
def test_every_documented_error_is_data_once(spec: dict[str, Any], operation_id: str) -> None:
    _, _, op, _ = operations(spec)[operation_id]
    rows = op["x-dingtalk-errors"]
    assert {(e["status"], e["code"], e["message"]) for e in rows} == DOCS[operation_id]["errors"]
    assert all(e["description"].strip() for e in rows)
    for status in {e["status"] for e in rows}:
        response = resolve(spec, op["responses"][str(status)])
        assert (
            resolve(spec, response["content"]["application/json"]["schema"]) is spec["components"]["schemas"]["Error"]
        )
        for e in rows:  # the rows are the data; the prose does not repeat them
            assert str(e["message"]) not in response["description"]


@pytest.mark.parametrize("schema_name", ["CreateSubscribedCalendarRequest", "UpdateSubscribedCalendarRequest"])
def test_field_limits(spec: dict[str, Any], schema_name: str) -> None:
    props = spec["components"]["schemas"][schema_name]["properties"]
    assert props["name"]["maxLength"] == 128
    assert props["name"]["minLength"] == 1
    assert props["name"]["pattern"] == r"\S"  # not blank
    assert props["description"]["maxLength"] == 1024
    assert spec["components"]["schemas"]["SubscribeScope"]["x-dingtalk-at-least-one-of"] == sorted(
        SCOPE_FIELDS, key=["unionIds", "openConversationIds", "corpIds"].index
    )


def test_subscribe_may_answer_an_empty_body(spec: dict[str, Any]) -> None:
    _, _, op, _ = operations(spec)["subscribeCalendar"]
    assert "empty" in op["responses"]["200"]["description"]
    assert not response_schema(spec, op).get("required")


def test_one_shared_error_body(spec: dict[str, Any]) -> None:
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "requestid", "accessdenieddetail"}
    detail = resolve(spec, error["properties"]["accessdenieddetail"])
    assert detail["properties"]["requiredScopes"]["type"] == "array"


ERROR_ROW_KEYS = {"status", "code", "message", "message_zh", "description", "unverified", "field", "rule"}


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


@pytest.mark.parametrize("path", sorted(TOKEN_ENDPOINTS))
def test_token_endpoints(spec: dict[str, Any], path: str) -> None:
    op = spec["paths"][path]["post"]
    request_fields, response_fields = TOKEN_ENDPOINTS[path]
    assert op["tags"] == ["oauth2"]
    assert op["security"] == []  # no token needed to get one
    assert set(body_schema(spec, op)["properties"]) == request_fields
    assert set(response_schema(spec, op)["properties"]) == response_fields
    assert {"accessToken", "expireIn"} <= set(response_schema(spec, op)["required"])
