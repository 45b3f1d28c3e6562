"""The spec's facts against a page's facts: one ``Finding`` for each thing they disagree on.

Facts are named so that a finding reads on its own and a deviation in the spec can name it
back: ``request field subscribeScope.unionIds``, ``limit description.maxLength``,
``error invalidParameter "calendar id cannot be null"``, ``app types``, ``page version``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from generator.docs.facts import ApiPage, ErrorCodePage, Field, Finding, Page, ThrottlingPage
from generator.docs.spec_facts import OperationFacts, Source, SpecFacts, SpecField

ABSENT = "absent"
GLOBAL = "(global)"


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


def _matches_example(template: str, example: str) -> bool:
    pattern = "".join("[^/]+" if part == "{}" else re.escape(part) for part in re.split(r"(\{\})", template))
    return re.fullmatch(pattern, example.rstrip("/")) is not None


def same_endpoint(op: OperationFacts, method: str, path: str) -> bool:
    """Whether an operation is the one at this method and path (parameter names aside)."""
    return op.method == method.upper() and _template(op.path) == _template(path)


def match_operation(spec: SpecFacts, page: ApiPage) -> tuple[OperationFacts | None, bool]:
    """The operation a page documents, by HTTP method and path; and whether only its example matched."""
    same_method = [op for op in spec.operations if op.method == page.method]
    for op in same_method:
        if same_endpoint(op, page.method, page.path):
            return op, False
    if page.example_path:
        for op in same_method:
            if _matches_example(_template(op.path), page.example_path):
                return op, True
    return None, False


def version_text(sha256: str | None, doc_id: str | None, updated_at: str | None) -> str:
    parts = [f"sha256 {sha256[:12]}" if sha256 else "no hash"]
    if doc_id:
        parts.append(f"doc_id {doc_id}")
    if updated_at:
        parts.append(f"updated_at {updated_at}")
    return ", ".join(parts)


def _version_finding(operation: str, page: Page, sources: Iterable[Source], kind: str | None = None) -> list[Finding]:
    recorded = [s for s in sources if s.lang == page.language and (kind is None or s.kind == kind)]
    docs = version_text(page.version.sha256, page.version.doc_id, page.version.updated_at)
    if not recorded:
        return [Finding(operation, "page version", "not recorded", docs, page.name, page.language)]
    source = recorded[0]
    if source.sha256 == page.version.sha256:
        return []
    spec = version_text(source.sha256, source.doc_id, source.updated_at)
    return [Finding(operation, "page version", spec, docs, page.name, page.language)]


def compare_page(spec: SpecFacts, page: Page) -> list[Finding]:
    if isinstance(page, ApiPage):
        return compare_api_page(spec, page)
    if isinstance(page, ErrorCodePage):
        return compare_error_code_page(spec, page)
    if isinstance(page, ThrottlingPage):
        return compare_throttling_page(spec, page)
    return []


def compare_api_page(spec: SpecFacts, page: ApiPage) -> list[Finding]:
    op, by_example = match_operation(spec, page)
    if op is None:
        described = f"{page.method} {page.path} ({page.title})" if page.title else f"{page.method} {page.path}"
        return [Finding(f"{page.method} {page.path}", "operation", ABSENT, described, page.name, page.language)]
    found: list[Finding] = []

    def differ(fact: str, spec_value: str, docs_value: str) -> None:
        if spec_value != docs_value:
            found.append(Finding(op.operation_id, fact, spec_value, docs_value, page.name, page.language))

    if by_example:
        differ("path", op.path, f"{page.path} (its request example: {page.example_path})")
    differ("path parameters", _names(sorted(op.path_params)), _names(sorted(f.name for f in page.path_params)))
    if op.query_params or page.query_params:
        differ("query parameters", _names(sorted(op.query_params)), _names(sorted(f.name for f in page.query_params)))
    differ("token header", op.token_header or "none", _token_header(page.headers))
    found += _compare_fields(op, page, "request field", op.body, page.body, with_required=True)
    found += _compare_limits(op, page)
    found += _compare_fields(op, page, "response field", op.response, page.response, with_required=False)
    found += _compare_errors(op, page)
    differ("app types", _names(sorted(op.app_types or ()), empty="not stated"),
           _names(sorted(page.app_types), empty="not stated"))  # fmt: skip
    differ("permission", op.permission or "none", page.permission or "none")
    found += _version_finding(op.operation_id, page, op.sources)
    return found


def _names(names: Iterable[str], empty: str = "none") -> str:
    return ", ".join(names) or empty


def _token_header(headers: Sequence[Field]) -> str:
    # The access token's header; the event pages' x-client-token (idempotency) is another kind.
    for header in headers:
        if "token" in header.name.lower() and header.name.lower() != "x-client-token":
            return header.name
    return "none"


def place_fields(spec_fields: Mapping[str, SpecField], fields: Sequence[Field]) -> dict[str, Field]:
    """The page's rows under dotted names.

    A row right after an object row is the object's field when the spec says so, a top-level
    field when the spec has it there, and otherwise (a field the spec lacks) the object's,
    as the pages list an object's fields after it.
    """
    placed: dict[str, Field] = {}
    dotted: dict[str, str] = {}  # a row's name -> the dotted name its latest row was placed under
    for field in fields:
        name = field.name
        if field.after_object:
            name = _under(spec_fields, dotted.get(field.after_object, field.after_object), name)
        dotted[field.name] = name
        placed.setdefault(name, field)
    return placed


def _under(spec_fields: Mapping[str, SpecField], parent: str, name: str) -> str:
    """Where a row after the object ``parent`` (dotted) belongs: the innermost enclosing object
    the spec has it in, else the top level when the spec has it there, else ``parent``'s.

    The pages nest objects (``recurrence.pattern.type``) with nothing to say where one ends.
    """
    scope = parent
    while scope:
        if f"{scope}.{name}" in spec_fields:
            return f"{scope}.{name}"
        scope = scope.rpartition(".")[0]
    return name if name in spec_fields else f"{parent}.{name}"


def _field_text(kind: str, required: bool | None) -> str:
    if required is None:
        return kind
    return f"{kind}, {'required' if required else 'optional'}"


def _compare_fields(
    op: OperationFacts,
    page: ApiPage,
    fact: str,
    spec_fields: Mapping[str, SpecField],
    fields: Sequence[Field],
    *,
    with_required: bool,
) -> list[Finding]:
    docs_fields = place_fields(spec_fields, fields)
    found: list[Finding] = []
    for name in list(spec_fields) + [n for n in docs_fields if n not in spec_fields]:
        ours = spec_fields.get(name)
        theirs = docs_fields.get(name)
        spec_text = _field_text(ours.type, ours.required if with_required else None) if ours else ABSENT
        # A bare "Array" names no item type: any array of the spec's agrees with it.
        docs_type = ours.type if theirs and ours and theirs.type == "array" and ours.type.startswith("array") else None
        docs_text = (
            _field_text(docs_type or theirs.type, theirs.required if with_required else None) if theirs else ABSENT
        )
        if spec_text != docs_text:
            found.append(Finding(op.operation_id, f"{fact} {name}", spec_text, docs_text, page.name, page.language))
    return found


def _compare_limits(op: OperationFacts, page: ApiPage) -> list[Finding]:
    docs_fields = place_fields(op.body, page.body)
    by_row = {field.name: dotted for dotted, field in reversed(list(docs_fields.items()))}
    stated = {(by_row.get(limit.field, limit.field), limit.kind): limit for limit in page.limits}
    found: list[Finding] = []
    keys = set(stated)
    for name, field in op.body.items():
        if field.max_length is not None:
            keys.add((name, "maxLength"))
        if field.max_items is not None:
            keys.add((name, "maxItems"))
    for name, kind in sorted(keys):
        ours = op.body.get(name)
        if ours is None or name not in docs_fields:
            continue  # the field itself is a finding already
        spec_value = ours.max_length if kind == "maxLength" else ours.max_items
        limit = stated.get((name, kind))
        spec_text = str(spec_value) if spec_value is not None else "none"
        docs_text = f"{limit.value} ({limit.evidence})" if limit else "not stated"
        if limit is None or spec_value != limit.value:
            fact = f"limit {name}.{kind}"
            found.append(Finding(op.operation_id, fact, spec_text, docs_text, page.name, page.language))
    return found


def _compare_errors(op: OperationFacts, page: ApiPage) -> list[Finding]:
    found: list[Finding] = []
    matched: set[int] = set()
    for row in page.errors:
        same = [i for i, e in enumerate(op.errors) if e.code == row.code and row.message in e.messages]
        if not same:
            same = [i for i, e in enumerate(op.errors) if e.code == row.code and not e.messages and i not in matched]
            fact = f'error {row.code} "{row.message}"'
            if same:
                spec_row = op.errors[same[0]]
                matched.add(same[0])
                found.append(
                    Finding(op.operation_id, f"error {row.code}", f"{spec_row.status}, no message",
                            f'{_statuses(row.statuses)} "{row.message}"', page.name, page.language)
                )  # fmt: skip
                continue
            found.append(Finding(op.operation_id, fact, ABSENT, _statuses(row.statuses), page.name, page.language))
            continue
        matched.update(same)
        statuses = {op.errors[i].status for i in same}
        if not statuses & set(row.statuses):
            found.append(
                Finding(op.operation_id, f'error {row.code} "{row.message}"', _statuses(tuple(sorted(statuses))),
                        _statuses(row.statuses), page.name, page.language)
            )  # fmt: skip
    for index, error in enumerate(op.errors):
        if index in matched:
            continue
        message = next(iter(error.messages), None)
        fact = f'error {error.code} "{message}"' if message is not None else f"error {error.code}"
        found.append(Finding(op.operation_id, fact, str(error.status), ABSENT, page.name, page.language))
    return found


def _statuses(statuses: tuple[int, ...]) -> str:
    return "/".join(str(s) for s in statuses)


def is_throttle_or_quota(code: str, statuses: Iterable[int]) -> bool:
    return (code.startswith("Forbidden.AccessDenied.") and "Limit" in code) or 429 in statuses


def compare_error_code_page(spec: SpecFacts, page: ErrorCodePage) -> list[Finding]:
    statuses: dict[str, set[int]] = {}
    messages: dict[str, set[str]] = {}
    for row in page.errors:
        statuses.setdefault(row.code, set()).update(row.statuses)
        messages.setdefault(row.code, set()).add(row.message)
    found: list[Finding] = []
    seen: set[tuple[str, str, int]] = set()
    for operation, error in spec.all_errors():
        if error.code not in statuses or (operation, error.code, error.status) in seen:
            continue
        seen.add((operation, error.code, error.status))
        documented = statuses[error.code]
        if error.status not in documented:
            found.append(
                Finding(operation, f"global error {error.code}", str(error.status),
                        "/".join(str(s) for s in sorted(documented)), page.name, page.language)
            )  # fmt: skip
        page_messages = messages[error.code]
        wildcard = any("%s" in m for m in page_messages)
        if error.messages and not wildcard and not set(error.messages) & page_messages:
            found.append(
                Finding(operation, f"global error {error.code} message", " / ".join(error.messages),
                        " / ".join(sorted(page_messages)), page.name, page.language)
            )  # fmt: skip
    known = spec.codes()
    missing: dict[str, list[str]] = {}
    for row in page.errors:
        if row.code not in known and is_throttle_or_quota(row.code, row.statuses):
            missing.setdefault(row.code, []).append(f'{_statuses(row.statuses)} "{row.message}"')
    for code, rows in missing.items():
        found.append(Finding(GLOBAL, f"global error {code}", ABSENT, "; ".join(rows), page.name, page.language))
    found += _version_finding(GLOBAL, page, spec.sources, kind="error-codes")
    return found


def compare_throttling_page(spec: SpecFacts, page: ThrottlingPage) -> list[Finding]:
    known = spec.codes()
    found = [
        Finding(GLOBAL, f"throttling code {code}", ABSENT, "documented", page.name, page.language)
        for code in page.codes
        if code not in known
    ]
    found += _version_finding(GLOBAL, page, spec.sources, kind="throttling")
    return found
