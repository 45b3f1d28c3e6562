"""Check a request against the spec's rules before anything is sent.

The rules (required fields, lengths, "not blank", at least one non-empty list of a scope)
come from the generated ``spec_data``, so a limit changed in openapi.yaml changes here too.
The error names the field by the name the caller used, and says why.
"""

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from dingtalk_calendar_api.spec_data import OPERATIONS, SCHEMAS, FieldRule

from ._errors import ValidationError


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _check_text(rule: FieldRule, value: Any, where: str, operation: str) -> None:
    if not isinstance(value, str):
        raise ValidationError(where, f"must be a string, not {type(value).__name__}", operation=operation)
    if rule.min_length is not None and len(value) < rule.min_length:
        raise ValidationError(where, "must not be empty", operation=operation)
    if rule.pattern is not None and not _compiled(rule.pattern).search(value):
        # The spec's only pattern is \S: "not blank".
        reason = "must not be blank" if rule.pattern == r"\S" else f"must match {rule.pattern!r}"
        raise ValidationError(where, reason, operation=operation)
    if rule.max_length is not None and len(value) > rule.max_length:
        reason = f"must be at most {rule.max_length} characters (got {len(value)})"
        raise ValidationError(where, reason, operation=operation)


def check_path(operation: str, **values: object) -> None:
    """Check the path parameters of ``operation``, given by their Python names."""
    for rule in OPERATIONS[operation].path_parameters:
        _check_text(rule, values[rule.python_name], rule.python_name, operation)


def check_body(operation: str, body: Mapping[str, Any], names: Mapping[str, str]) -> None:
    """Check a wire-format body (camelCase keys) against its schema.

    ``names`` maps wire paths ("subscribeScope.unionIds") to the caller's names
    ("scope.users") for the error message; unmapped paths are shown as on the wire.
    """
    schema = OPERATIONS[operation].body_schema
    if schema is not None:
        _check_object(schema, body, "", operation, names)


def _check_object(schema: str, body: Mapping[str, Any], prefix: str, operation: str, names: Mapping[str, str]) -> None:
    rules = SCHEMAS[schema]
    for rule in rules.fields:
        path = prefix + rule.name
        where = names.get(path, path)
        if rule.name not in body:
            if rule.required:
                raise ValidationError(where, "is required", operation=operation)
            continue
        value = body[rule.name]
        if rule.type == "string":
            _check_text(rule, value, where, operation)
        elif rule.schema is not None:
            _check_object(rule.schema, value, path + ".", operation, names)
    if rules.at_least_one_of and not any(body.get(name) for name in rules.at_least_one_of):
        where = names.get(prefix.rstrip("."), prefix.rstrip(".") or schema)
        listed = ", ".join(names.get(prefix + name, name) for name in rules.at_least_one_of)
        raise ValidationError(where, f"must name someone: {listed} are all empty", operation=operation)
