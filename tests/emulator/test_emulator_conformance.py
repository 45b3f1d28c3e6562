"""schemathesis checks the running emulator against openapi.yaml: no 5xx, no answer the spec does not allow."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.jsonschema.types import JsonValue
from schemathesis.core.result import Err, Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER
from dingtalk_calendar_emulator import Emulator
from dingtalk_calendar_emulator.server import unmodelled_operations

SPEC = Path(__file__).resolve().parents[2] / "openapi.yaml"
EXAMPLES_PER_OPERATION = 12
# What "the answer conforms to the spec" means. positive_data_acceptance is left out on
# purpose: a well-formed request for an unknown user or calendar is rightly refused with
# one of the spec's documented 400/403 errors.
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

Operation = schemathesis.APIOperation[Any, Any, Any, Any]
T = TypeVar("T")
E = TypeVar("E", bound=Exception)


def _ok(result: Ok[T] | Err[E]) -> T:
    """The value, or the error raised (an operation the schema cannot describe)."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


schema = schemathesis.openapi.from_path(SPEC)
# An operation the emulator does not model yet answers 501: listed by test_emulator_coverage, not checked here.
OPERATIONS = [
    operation
    for operation in (_ok(result) for result in schema.get_all_operations())
    if operation.definition.raw["operationId"] not in unmodelled_operations()
]


class Target(NamedTuple):
    emu: Emulator
    headers: dict[str, str]
    calendar_id: str


@pytest.fixture(scope="module")
def served() -> Iterator[Target]:
    """One emulator for the module (hypothesis runs many cases per test); no quota, so logic is reached."""
    with Emulator(qps_limit=None) as emu:
        token = emu.issue_token()
        calendar_id = _create_calendar(emu, token)
        yield Target(emu, {ACCESS_TOKEN_HEADER: token}, calendar_id)


def _create_calendar(emu: Emulator, token: str) -> str:
    response = httpx.post(
        f"{emu.url}/v1.0/calendar/users/alice/subscribedCalendars",
        json={"name": "Conformance", "subscribeScope": {"corpIds": ["ding-acme"]}},
        headers={ACCESS_TOKEN_HEADER: token},
    )
    return str(response.json()["calendarId"])


def _run(strategy: Any, emu: Emulator, headers: dict[str, str], checks: list[Any]) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case[Operation]) -> None:
        response = case.call(base_url=emu.url, headers=headers)
        applicable = checks
        if response.status_code == 200 and not response.content:
            # The spec declares a JSON body but says it may be empty (subscribe); hold it to its word.
            assert "may be empty" in case.operation.definition.raw["responses"]["200"]["description"]
            applicable = [c for c in checks if c not in (content_type_conformance, response_schema_conformance)]
        case.validate_response(response, checks=applicable, headers=headers)

    check()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_generated_requests_get_conforming_answers(served: Target, operation: Any) -> None:
    emu, headers, _ = served
    _run(operation.as_strategy(), emu, headers, CONFORMANCE)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_requests_on_a_real_calendar_get_conforming_answers(served: Target, operation: Any) -> None:
    emu, headers, calendar_id = served
    names = {p.name for p in operation.path_parameters}
    fixed = {k: v for k, v in {"userId": "alice", "calendarId": calendar_id}.items() if k in names}
    _run(operation.as_strategy(path_parameters=fixed), emu, headers, CONFORMANCE)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_invalid_requests_are_refused(served: Target, operation: Any) -> None:
    emu, headers, _ = served
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE)
    _run(strategy, emu, headers, [*CONFORMANCE, negative_data_rejection])


def test_successful_token_answers_conform(served: Target) -> None:
    emu = served.emu
    internal, suite, personal = emu.internal_app, emu.enterprise_app, emu.personal_app
    bodies: dict[str, dict[str, JsonValue]] = {
        "getAccessToken": {"appKey": internal.app_key, "appSecret": internal.app_secret},
        "getCorpAccessToken": {
            "suiteKey": suite.suite_key,
            "suiteSecret": suite.suite_secret,
            "authCorpId": "ding-acme",
            "suiteTicket": suite.suite_ticket,
        },
        "getUserAccessToken": {
            "clientId": personal.client_id,
            "clientSecret": personal.client_secret,
            "grantType": "authorization_code",
            "code": personal.issue_auth_code("alice"),
        },
    }
    for operation_id, body in bodies.items():
        operation = schema.find_operation_by_id(operation_id)
        case = operation.Case(body=body)
        response = case.call(base_url=emu.url)
        assert response.status_code == 200
        case.validate_response(response, checks=CONFORMANCE)
