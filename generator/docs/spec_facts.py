"""What openapi.yaml says, in the same terms as the doc pages' facts.

Besides the OpenAPI structure the check reads the spec's own extensions:

- ``x-dingtalk-errors`` (per operation) and ``x-dingtalk-global-errors`` (top level): error
  rows; a row's message may be given in several languages (``message`` plus ``messages``, a
  list or a language-to-message mapping, or ``message_<lang>`` keys);
- ``x-dingtalk-permission`` and ``x-dingtalk-app-types``;
- ``x-dingtalk-docs``: the pages the operation (or, at the top level, every operation) was
  checked against, one entry per page: ``lang``, ``url``, ``file`` (its name in the saved
  docs folder), ``doc_id``, ``updated_at``, ``sha256``; top-level entries add ``kind``
  (``error-codes`` or ``throttling``);
- ``x-dingtalk-docs-deviations``: differences kept on purpose, each ``fact`` (as a finding
  names it) and ``reason``, optionally ``docs`` (what the page says) and ``lang``;
- ``x-dingtalk-docs-pending`` (top level): operations DingTalk documents that the spec does
  not have yet, each ``operation`` (``METHOD /path``, as the finding names it) and ``reason``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.docs.parse import Vocabulary

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class SpecField:
    name: str  # dotted for nested fields: subscribeScope.unionIds
    type: str
    required: bool
    max_length: int | None = None
    max_items: int | None = None


@dataclass(frozen=True)
class SpecError:
    status: int
    code: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    lang: str
    url: str | None
    file: str | None
    doc_id: str | None
    updated_at: str | None
    sha256: str | None
    kind: str | None = None

    @property
    def label(self) -> str:
        return self.file or self.url or "?"


@dataclass(frozen=True)
class Deviation:
    fact: str
    reason: str
    docs: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Pending:
    """A documented operation the spec does not have yet: its finding is acknowledged, and named."""

    operation: str  # METHOD /path, as an "operation: spec absent" finding names it
    reason: str


@dataclass(frozen=True)
class OperationFacts:
    operation_id: str
    method: str
    path: str
    path_params: tuple[str, ...]
    query_params: tuple[str, ...]
    token_header: str | None
    body: Mapping[str, SpecField]
    response: Mapping[str, SpecField]
    errors: tuple[SpecError, ...]
    app_types: tuple[str, ...] | None
    permission: str | None
    sources: tuple[Source, ...]
    deviations: tuple[Deviation, ...]


@dataclass(frozen=True)
class SpecFacts:
    operations: tuple[OperationFacts, ...]
    global_errors: tuple[SpecError, ...]
    sources: tuple[Source, ...]
    deviations: tuple[Deviation, ...]
    pending: tuple[Pending, ...] = ()

    def all_errors(self) -> Iterable[tuple[str, SpecError]]:
        for error in self.global_errors:
            yield "(global)", error
        for op in self.operations:
            for error in op.errors:
                yield op.operation_id, error

    def codes(self) -> set[str]:
        return {error.code for _, error in self.all_errors()}

    def vocabulary(self) -> Vocabulary:
        errors = [error for _, error in self.all_errors()]
        return Vocabulary(
            frozenset(e.code for e in errors), frozenset(m for e in errors for m in e.messages if m.strip())
        )


def _resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        *_, kind, name = str(node["$ref"]).split("/")
        node = spec["components"][kind][name]
    return node


def spec_type(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    schema = _resolve(spec, schema)
    kind = schema.get("type")
    if kind == "array":
        return "array of " + spec_type(spec, schema.get("items", {}))
    if kind == "object" or "properties" in schema:
        return "object"
    return str(kind or "any")


def _fields(spec: Mapping[str, Any], schema: Mapping[str, Any], prefix: str = "") -> dict[str, SpecField]:
    schema = _resolve(spec, schema)
    required = set(schema.get("required", []))
    found: dict[str, SpecField] = {}
    for name, prop in schema.get("properties", {}).items():
        resolved = _resolve(spec, prop)
        kind = spec_type(spec, resolved)
        found[prefix + name] = SpecField(
            prefix + name, kind, name in required, resolved.get("maxLength"), resolved.get("maxItems")
        )
        if kind == "object":
            found.update(_fields(spec, resolved, prefix + name + "."))
        elif kind == "array of object":  # the pages list an array's item fields under the array
            found.update(_fields(spec, resolved["items"], prefix + name + "."))
    return found


def _json_schema(spec: Mapping[str, Any], holder: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not holder:
        return None
    holder = _resolve(spec, holder)
    schema = holder.get("content", {}).get("application/json", {}).get("schema")
    return _resolve(spec, schema) if schema else None


def row_messages(row: Mapping[str, Any]) -> tuple[str, ...]:
    """Every message an error row gives, in any language."""
    found: list[str] = []
    for key, value in row.items():
        if key != "message" and not key.startswith(("message_", "messages")):
            continue
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found += [str(v) for v in value]
        elif isinstance(value, dict):
            found += [str(v) for v in value.values()]
    return tuple(dict.fromkeys(found))


def _errors(rows: Iterable[Mapping[str, Any]]) -> tuple[SpecError, ...]:
    return tuple(SpecError(int(row["status"]), str(row["code"]), row_messages(row)) for row in rows)


def _sources(entries: Iterable[Mapping[str, Any]]) -> tuple[Source, ...]:
    return tuple(
        Source(
            lang=str(e.get("lang", "en")),
            url=e.get("url"),
            file=e.get("file"),
            doc_id=e.get("doc_id"),
            updated_at=None if e.get("updated_at") is None else str(e.get("updated_at")),
            sha256=e.get("sha256"),
            kind=e.get("kind"),
        )
        for e in entries
    )


def _deviations(entries: Iterable[Mapping[str, Any]]) -> tuple[Deviation, ...]:
    return tuple(Deviation(str(e["fact"]), str(e["reason"]), e.get("docs"), e.get("lang")) for e in entries)


def _token_header(spec: Mapping[str, Any], op: Mapping[str, Any]) -> str | None:
    schemes = spec.get("components", {}).get("securitySchemes", {})
    for requirement in op.get("security", spec.get("security", [])):
        for name in requirement:
            scheme = schemes.get(name, {})
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                return str(scheme["name"])
    return None


def spec_facts(spec: Mapping[str, Any]) -> SpecFacts:
    operations: list[OperationFacts] = []
    for path, item in spec.get("paths", {}).items():
        shared = list(item.get("parameters", []))
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [_resolve(spec, p) for p in shared + list(op.get("parameters", []))]
            body = _json_schema(spec, op.get("requestBody"))
            answer = _json_schema(spec, op.get("responses", {}).get("200"))
            app_types = op.get("x-dingtalk-app-types")
            operations.append(
                OperationFacts(
                    operation_id=str(op.get("operationId", f"{method.upper()} {path}")),
                    method=method.upper(),
                    path=path,
                    path_params=tuple(p["name"] for p in params if p.get("in") == "path"),
                    query_params=tuple(p["name"] for p in params if p.get("in") == "query"),
                    token_header=_token_header(spec, op),
                    body=_fields(spec, body) if body else {},
                    response=_fields(spec, answer) if answer else {},
                    errors=_errors(op.get("x-dingtalk-errors", [])),
                    app_types=None if app_types is None else tuple(app_types),
                    permission=op.get("x-dingtalk-permission"),
                    sources=_sources(op.get("x-dingtalk-docs", [])),
                    deviations=_deviations(op.get("x-dingtalk-docs-deviations", [])),
                )
            )
    return SpecFacts(
        operations=tuple(operations),
        global_errors=_errors(spec.get("x-dingtalk-global-errors", [])),
        sources=_sources(spec.get("x-dingtalk-docs", [])),
        deviations=_deviations(spec.get("x-dingtalk-docs-deviations", [])),
        pending=tuple(Pending(str(e["operation"]), str(e["reason"])) for e in spec.get("x-dingtalk-docs-pending", [])),
    )
