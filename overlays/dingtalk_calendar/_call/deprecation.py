"""A ``DeprecationWarning`` when a call uses what the spec marks ``deprecated: true``.

The generated endpoint functions carry ``@typing_extensions.deprecated`` for their
operations; the clients' methods warn here instead, when called (``_run``), from the same
spec data: for a deprecated operation, and for each deprecated field present in the body.
"""

import warnings
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from dingtalk_calendar_api.spec_data import OPERATIONS, SCHEMAS


def _fields(schema: str, prefix: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path in the body, warning) of each deprecated field of ``schema``, nested objects included."""
    for rule in SCHEMAS[schema].fields:
        path = (*prefix, rule.name)
        if rule.deprecated:
            yield path, rule.deprecated
        if rule.schema is not None and rule.schema in SCHEMAS:
            yield from _fields(rule.schema, path)


@cache
def _deprecated_fields(operation: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    schema = OPERATIONS[operation].body_schema
    return tuple(_fields(schema, ())) if schema is not None else ()


# Read once. The clients test ``operation in WATCHED`` before calling ``warn``: a call of an
# operation nothing deprecates costs one set lookup.
WATCHED = frozenset(name for name, operation in OPERATIONS.items() if operation.deprecated or _deprecated_fields(name))


def _present(body: Any, path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(body, Mapping) or key not in body:
            return False
        body = body[key]
    return True


def warn(operation: str, body: object, *, stacklevel: int) -> None:
    """Warn when ``operation`` (one of ``WATCHED``), or a field of ``body`` (the JSON sent), is deprecated."""
    message = OPERATIONS[operation].deprecated
    if message:
        warnings.warn(message, DeprecationWarning, stacklevel=stacklevel + 1)
    for path, field_message in _deprecated_fields(operation):
        if _present(body, path):
            warnings.warn(f"{operation}: {field_message}", DeprecationWarning, stacklevel=stacklevel + 1)
