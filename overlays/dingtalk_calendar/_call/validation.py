"""Check a request before anything is sent, and an answer before it becomes a result.

Both use the generated checker (``dingtalk_calendar_api.checks``), which applies the spec's
rules: required fields, types, lengths, numeric bounds, "not blank", text that can be sent at
all, at least one non-empty list of a scope, at least one field of an update; for path and
query parameters and bodies alike. A limit changed in openapi.yaml changes here too. A request
error names the field as the caller wrote it (the spec's ``x-dingtalk-sdk-names``) and says
why; an answer error names the field as DingTalk sent it.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import httpx

from dingtalk_calendar_api.checks import (
    Violation,
    check_path_parameters,
    check_query_parameters,
    check_request_body,
    check_response,
    check_value,
)
from dingtalk_calendar_api.spec_data import OPERATIONS

from .._errors import MalformedResponseError, ValidationError, request_id_of
from .._json import UnreadableJSONError, decode_json


def _refuse(operation: str, violation: Violation) -> ValidationError:
    return ValidationError(violation.sdk_path or "body", violation.reason, operation=operation)


def check_path(operation: str, **values: object) -> None:
    """Check the path parameters of ``operation``, given by their Python names."""
    wire = {rule.name: values[rule.python_name] for rule in OPERATIONS[operation].path_parameters}
    violation = check_path_parameters(operation, wire)
    if violation is not None:
        raise _refuse(operation, violation)


class _ToWire(Protocol):
    def to_wire(self) -> Any: ...


def class_value(operation: str, field: str, value: object, kind: type[_ToWire]) -> Any:
    """The wire form of ``value`` when it is a ``kind`` (a ``Scope``); else a ``ValidationError`` naming ``field``."""
    if not isinstance(value, kind):
        raise ValidationError(field, f"must be a {kind.__name__}, not {type(value).__name__}", operation=operation)
    return value.to_wire()


def list_value(operation: str, field: str, value: object) -> list[Any]:
    """``value`` as a list; one str is refused, not split into its characters (``managers="bob"``)."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        hint = ": put it in a list" if isinstance(value, str) else ""
        raise ValidationError(field, f"must be a list, not {type(value).__name__}{hint}", operation=operation)
    return list(value)


def mapping_value(operation: str, field: str, value: object, schema: str | None) -> dict[str, Any]:
    """``value`` as a dict, checked against ``schema`` (the spec's, when it names one) before it is read."""
    if not isinstance(value, Mapping):
        raise ValidationError(field, f"must be a mapping, not {type(value).__name__}", operation=operation)
    given = dict(value)
    if schema is not None:
        # Now, not with the body: a value of the wrong shape would break the model that reads it.
        violation = check_value(schema, given, field)
        if violation is not None:
            raise _refuse(operation, violation)
    return given


def check_query(operation: str, values: Mapping[str, object]) -> None:
    """Check the query parameters of ``operation``, given by their wire names (None: left out)."""
    violation = check_query_parameters(operation, values)
    if violation is not None:
        raise _refuse(operation, violation)


def check_body(operation: str, body: Mapping[str, Any]) -> None:
    """Check a wire-format body (camelCase keys), the very JSON that would be sent."""
    violation = check_request_body(operation, body)
    if violation is not None:
        raise _refuse(operation, violation)


def answer_data(operation: str, response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a successful answer, checked against the spec's response schema.

    Anything else (not JSON, nested past the parser's depth, a field of the wrong type) is
    a ``MalformedResponseError`` naming what is wrong, so no value of the wrong type
    reaches the caller.
    """
    try:
        data = decode_json(response.content, what=f"the answer of {operation}")
    except UnreadableJSONError as error:
        raise malformed_answer(operation, response, f"a 2xx answer whose body is {error.detail}") from None
    violation = check_response(operation, data)
    if violation is not None:
        where = f"whose {violation.path}" if violation.path else "whose body"
        raise malformed_answer(operation, response, f"a 2xx answer {where} {violation.reason}")
    result: dict[str, Any] = data
    return result


def malformed_answer(operation: str, response: httpx.Response, detail: str) -> MalformedResponseError:
    """The error for a 2xx answer of ``operation`` that cannot be read as the spec says; ``detail`` says why."""
    return MalformedResponseError(
        status_code=response.status_code,
        operation=operation,
        request_id=request_id_of(response),
        headers=response.headers,
        detail=detail,
    )
