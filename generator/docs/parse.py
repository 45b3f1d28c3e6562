"""A doc page's text to its facts: an API page, the error-code page, the throttling page, or skipped.

Pages are recognised by what they hold, never by their file name: an API page has an HTTP
URL and method; the error-code page is a big error table without one; the throttling page
names the gateway's throttling codes. A page with an HTTP URL that cannot be read to the
end (no method, a table row that fits no column) raises ``PageError``: a drift check that
silently skipped it would report agreement it never checked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from generator.docs.facts import (
    ApiPage,
    ErrorCodePage,
    ErrorRow,
    Field,
    Language,
    Limit,
    Page,
    PageError,
    PageVersion,
    SkippedPage,
    TableFormat,
    ThrottlingPage,
)
from generator.docs.text import SECTIONS, PageText, Table, split_page, unmarkdown

# The pages' type names, longest first, and what the spec calls them.
DOC_TYPES = {
    "Array of String": "array of string",
    "Array of Object": "array of object",
    "Array of Long": "array of integer",
    "Array of Integer": "array of integer",
    "Array of Boolean": "array of boolean",
    "Array of Number": "array of number",
    "Array": "array",
    "String": "string",
    "Object": "object",
    "Boolean": "boolean",
    "Long": "integer",
    "Integer": "integer",
    "Int": "integer",
    "Short": "integer",
    "Map": "object",
    "Double": "number",
    "Float": "number",
    "Number": "number",
}
_MAP_TYPE = re.compile(r"Map\s*<\s*\w+\s*,\s*[\w<>, ]+>")
YES = {"yes", "是", "true", "required", "必填"}
NO = {"no", "否", "false", "optional", "选填"}

# The app types, as both sites name them.
APP_TYPES = {
    "internal app": "internal",
    "企业内部应用": "internal",
    "third-party enterprise app": "third-party-enterprise",
    "第三方企业应用": "third-party-enterprise",
    "third-party personal app": "third-party-personal",
    "第三方个人应用": "third-party-personal",
    "企业内部应用\uff08委托产品服务商\uff09": "internal-by-service-provider",
    "internal app (developed by a service provider)": "internal-by-service-provider",
}
_BASIC_LABELS = {
    "http url": "url",
    "http method": "method",
    "supported app types": "app_types",
    "支持的应用类型": "app_types",
    "required permissions": "permission",
    "permissions required": "permission",
    "权限要求": "permission",
}
_FLAT_LABELS = ["HTTP URL", "HTTP Method", "Supported app types", "Required permissions", "Permissions required"]
_FLAT_LABELS += ["支持的应用类型", "权限要求"]

# Limits in prose: "Maximum length: 1,024 characters", "最大长度1024字符", "不超过128".
_LIMITS = [
    re.compile(r"max(?:imum)?\s+length\s*(?:is|of|:)?\s*([\d,]+)", re.I),
    re.compile(r"(?:up to|at most|no more than|cannot exceed|must not exceed|maximum of)\s+([\d,]+)", re.I),
    re.compile(r"(?:最大长度|最长|长度(?:不能|不得|不)?(?:超过|大于)|不超过|不能超过|不得超过|最多)\s*([\d,]+)"),
]
# A limit stated by an error message: "calendar name length must less than 128".
_MESSAGE_LIMIT = re.compile(r"([A-Za-z][A-Za-z ]*?)\s+length\s+must\s+(?:be\s+)?less\s+than\s+([\d,]+)", re.I)
# Throttling and quota codes of the gateway, in prose.
_GATEWAY_CODE = re.compile(r"Forbidden\.AccessDenied\.[A-Za-z]+")
_STATUS = re.compile(r"^(\d{3}(?:/\d{3})*)")
_CELL_BOUNDARY = re.compile(r"(?<=[a-z0-9.\u4e00-\u9fff])(?=[A-Z][a-z ])|(?<=[A-Za-z0-9.])(?=[\u4e00-\u9fff])")


@dataclass(frozen=True)
class Vocabulary:
    """Codes and messages already known (from the spec and markdown pages).

    Only a flattened error row needs them: ``400invalidParametercalendar name...`` has no
    mark between its code and its message, so the longest known code that starts the row is
    taken; a message is cut where a known one ends, or else where a sentence ends and the
    next cell starts with a capital letter.
    """

    codes: frozenset[str] = frozenset()
    messages: frozenset[str] = frozenset()

    def __or__(self, other: Vocabulary) -> Vocabulary:
        return Vocabulary(self.codes | other.codes, self.messages | other.messages)


def content_hash(text: str) -> str:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def detect_language(text: PageText) -> Language:
    sample = " ".join(text.headings) + text.front_matter.get("title", "")
    return "zh" if text.front_matter or re.search(r"[\u4e00-\u9fff]", sample) else "en"


def parse_page(name: str, raw: str, vocabulary: Vocabulary = Vocabulary()) -> Page:
    text = split_page(raw)
    language = detect_language(text)
    version = PageVersion(
        sha256=content_hash(raw),
        doc_id=text.front_matter.get("doc_id"),
        updated_at=text.front_matter.get("updated_at"),
        source_url=text.front_matter.get("source_url"),
    )
    title = text.front_matter.get("title") or _first_line(text.body)
    basic = _basic_info(text)
    if "url" in basic or "method" in basic:
        return _api_page(name, text, basic, language, version, title, vocabulary)
    error_tables = [t for ts in text.sections.values() for t in ts if "code" in t.columns and "status" in t.columns]
    if error_tables:
        errors, legacy = _error_rows(name, error_tables, vocabulary, allow_legacy=True)
        return ErrorCodePage(name, language, _format(error_tables), version, title, errors, legacy)
    codes = tuple(dict.fromkeys(_GATEWAY_CODE.findall(text.body)))
    if codes and re.search(r"限流|throttl|rate limit", title + text.body[:2000], re.I):
        return ThrottlingPage(name, language, "none", version, title, codes)
    if any(h in ("事件信息", "event information") for h in text.headings):
        return SkippedPage(name, language, version, title, "an event page, not an API reference")
    if re.search(r"HTTP (URL|Method)|\| *HttpCode *\||HttpCodeError code", raw):
        raise PageError(name, "looks like an API page but has no 'HTTP URL' and 'HTTP Method' rows")
    return SkippedPage(name, language, version, title, "not an API reference page (no HTTP URL or method)")


def _first_line(body: str) -> str:
    for line in body.splitlines():
        stripped = unmarkdown(line.lstrip("#> ").strip())
        if stripped and not stripped.startswith("|") and stripped.lower() not in {*SECTIONS, "skip to main content"}:
            return stripped
    return ""


def _format(tables: Iterable[Table]) -> TableFormat:
    kinds = {t.flattened for t in tables}
    if not kinds:
        return "none"
    return "flattened" if True in kinds else "markdown"


def _basic_info(text: PageText) -> dict[str, str]:
    found: dict[str, str] = {}
    for tables in text.sections.values():
        for table in tables:
            if "label" not in table.columns:
                continue
            for row in table.rows:
                if table.flattened:
                    label, value = _split_flat_label(row[0])
                else:
                    label, value = (unmarkdown(row[0]), row[1] if len(row) > 1 else "")
                key = _BASIC_LABELS.get(label.lower())
                if key:
                    found.setdefault(key, value.strip())
    return found


def _split_flat_label(line: str) -> tuple[str, str]:
    for label in _FLAT_LABELS:
        if line.startswith(label):
            return label, line[len(label) :]
    return "", line


def _api_page(
    name: str,
    text: PageText,
    basic: dict[str, str],
    language: Language,
    version: PageVersion,
    title: str,
    vocabulary: Vocabulary,
) -> ApiPage:
    url = unmarkdown(basic.get("url", ""))
    method = unmarkdown(basic.get("method", "")).upper()
    if not url:
        raise PageError(name, "has an 'HTTP Method' row but no 'HTTP URL'")
    if method not in ("GET", "POST", "PUT", "DELETE", "PATCH"):
        raise PageError(name, f"has no HTTP method it can read (found {method!r})")
    path = urlsplit(url).path if "://" in url else url
    if not path.startswith("/"):
        raise PageError(name, f"has an HTTP URL without a path: {url!r}")
    example = next((p for m, p in text.request_lines if m == method), None)
    sections = text.sections
    used = [t for key in ("headers", "path", "query", "body", "response", "errors") for t in sections.get(key, ())]
    headers = _fields(name, "request headers", sections.get("headers", ()))
    body = _fields(name, "request body", sections.get("body", ()))
    errors, _ = _error_rows(name, sections.get("errors", ()), vocabulary, allow_legacy=False)
    return ApiPage(
        name=name,
        language=language,
        table_format=_format(used),
        version=version,
        title=title,
        method=method,
        path=path.rstrip("/") or "/",
        example_path=example,
        app_types=_app_types(basic.get("app_types", "")),
        permission=_permission(basic.get("permission", "")),
        headers=headers,
        path_params=_fields(name, "path parameters", sections.get("path", ())),
        query_params=_fields(name, "query parameters", sections.get("query", ())),
        body=body,
        response=_fields(name, "response body", sections.get("response", ())),
        errors=errors,
        limits=_limits(body, errors),
    )


def _app_types(value: str) -> tuple[str, ...]:
    parts = [unmarkdown(part).strip(" \u3000") for part in unmarkdown(value).split("appType-")]
    return tuple(APP_TYPES.get(part.lower(), part) for part in parts if part)


def _permission(value: str) -> str | None:
    match = re.search(r"permission-([A-Za-z0-9_.:]+)", unmarkdown(value))
    return match.group(1) if match else None


def _doc_type(name: str, section: str, value: str) -> str:
    cleaned = unmarkdown(value)
    if cleaned in DOC_TYPES:
        return DOC_TYPES[cleaned]
    if cleaned.lower().startswith("array of "):
        return "array of " + DOC_TYPES.get(cleaned[9:], cleaned[9:].lower())
    if _MAP_TYPE.fullmatch(cleaned):
        # Java's generic map (``Map<String, String>``): a JSON object, whatever its value type.
        return "object"
    raise PageError(name, f"{section}: unknown type {cleaned!r}")


def _required(name: str, section: str, value: str) -> bool:
    cleaned = unmarkdown(value).lower()
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise PageError(name, f"{section}: cannot read the Required column {value!r}")


def _fields(name: str, section: str, tables: Iterable[Table]) -> tuple[Field, ...]:
    fields: list[Field] = []
    open_object: str | None = None
    for table in tables:
        if "name" not in table.columns or "type" not in table.columns:
            continue
        has_required = "required" in table.columns
        for row in table.rows:
            if table.flattened:
                cells = _split_flat_field(name, section, row[0], has_required)
            else:
                cells = dict(zip(table.columns, row, strict=False))
            field_name = unmarkdown(cells.get("name", ""))
            if not field_name:
                raise PageError(name, f"{section}: a row without a name: {' | '.join(row)}")
            doc_type = _doc_type(name, section, cells.get("type", ""))
            required = _required(name, section, cells.get("required", "")) if has_required else None
            fields.append(Field(field_name, doc_type, required, unmarkdown(cells.get("description", "")), open_object))
            if doc_type in ("object", "array of object", "array"):  # a bare Array holds objects on these pages
                open_object = field_name
    return tuple(fields)


def _split_flat_field(name: str, section: str, line: str, has_required: bool) -> dict[str, str]:
    # Try each place a type name could end the field name; the first that leaves a valid
    # Required cell (when the table has one) and a description starting a sentence wins.
    for end in range(1, len(line)):
        head, tail = line[:end], line[end:]
        if not re.fullmatch(r"[A-Za-z_$][\w.$-]*", head):
            break
        for doc_type in sorted(DOC_TYPES, key=len, reverse=True):
            if not tail.startswith(doc_type):
                continue
            rest = tail[len(doc_type) :]
            cells = {"name": head, "type": doc_type}
            if has_required:
                flag = re.match(r"(Yes|No|是|否)", rest)
                if not flag:
                    continue
                cells["required"] = flag.group(1)
                rest = rest[flag.end() :]
            if rest and not re.match(r"[A-Z0-9\u4e00-\u9fff(\uff08\"'\u201c-]", rest):
                continue
            cells["description"] = rest
            return cells
    raise PageError(name, f"{section}: cannot split the flattened row {line[:80]!r} into name, type and description")


def _error_rows(
    name: str, tables: Iterable[Table], vocabulary: Vocabulary, *, allow_legacy: bool
) -> tuple[tuple[ErrorRow, ...], int]:
    rows: list[ErrorRow] = []
    legacy = 0
    for table in tables:
        if "code" not in table.columns:
            continue
        for row in table.rows:
            if table.flattened:
                status_text, code, message, description = _split_flat_error(name, row[0], vocabulary)
            else:
                cells = dict(zip(table.columns, row, strict=False))
                status_text = unmarkdown(cells.get("status", ""))
                code = unmarkdown(cells.get("code", ""))
                message = unmarkdown(cells.get("message", ""))
                description = unmarkdown(cells.get("description", ""))
            if not re.fullmatch(r"\d{3}(/\d{3})*", status_text):
                if allow_legacy:  # the old API's numeric codes share the global table
                    legacy += 1
                    continue
                raise PageError(name, f"error codes: cannot read the HTTP status {status_text!r}")
            if code in ("", "-"):
                continue
            statuses = tuple(int(s) for s in status_text.split("/"))
            rows.append(ErrorRow(statuses, code, message, description))
    return tuple(rows), legacy


def _split_flat_error(name: str, line: str, vocabulary: Vocabulary) -> tuple[str, str, str, str]:
    status = _STATUS.match(line)
    if not status:
        raise PageError(name, f"error codes: a flattened row without an HTTP status: {line[:80]!r}")
    rest = line[status.end() :]
    code = max((c for c in vocabulary.codes if rest.startswith(c)), key=len, default=None)
    if code is None:
        raise PageError(
            name,
            f"error codes: cannot tell where the code ends in the flattened row {line[:80]!r} "
            "(no known code starts it; read the page with markdown tables, or add the code to the spec)",
        )
    rest = rest[len(code) :]
    known = [m for m in vocabulary.messages if rest.startswith(m) and _starts_cell(m, rest[len(m) :])]
    message = max(known, key=len) if known else _cut_sentence(rest)
    return status.group(1), code, message, rest[len(message) :]


def _starts_cell(message: str, rest: str) -> bool:
    # A description starts with a capital, a Chinese character, or restates the message's
    # first word ("calendarId cannot be blank" + "calendarId cannot be empty").
    first = rest.split(" ", 1)[0]
    return not rest or bool(re.match(r"[A-Z\u4e00-\u9fff]", rest)) or first == message.split(" ", 1)[0]


def _cut_sentence(rest: str) -> str:
    # "calendar name cannot be blankThe calendar...": a sentence ends where a capital follows;
    # "forwardErrorMessageInvalid parameter": a one-word message ends at its last hump.
    first_word = rest.split(" ", 1)[0]
    cuts = [m.start() for m in _CELL_BOUNDARY.finditer(rest)]
    later = [at for at in cuts if at > len(first_word)]
    if later:
        return rest[: later[0]]
    if cuts:
        return rest[: cuts[-1]]
    return rest


def _limits(body: tuple[Field, ...], errors: tuple[ErrorRow, ...]) -> tuple[Limit, ...]:
    limits: list[Limit] = []
    for field in body:
        for pattern in _LIMITS:
            match = pattern.search(field.description)
            if match:
                kind: Literal["maxLength", "maxItems"] = "maxItems" if field.type.startswith("array") else "maxLength"
                limits.append(Limit(field.name, kind, int(match.group(1).replace(",", "")), match.group(0)))
                break
    names = {field.name.lower(): field.name for field in body}
    for error in errors:
        match = _MESSAGE_LIMIT.search(error.message)
        if not match:
            continue
        subject = [word.lower() for word in match.group(1).split()]
        target = next((names[word] for word in reversed(subject) if word in names), None)
        if target and not any(limit.field == target for limit in limits):
            limits.append(Limit(target, "maxLength", int(match.group(2).replace(",", "")), error.message))
    return tuple(limits)
