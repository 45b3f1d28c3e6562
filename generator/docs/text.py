"""A doc page's text cut into what the parser reads: front matter, sections and table rows.

Two shapes of table reach us. The China site's pages (and some saved English pages) hold
markdown tables, ``| a | b |``. A browser's copy of the English help site flattens them: the
header becomes ``NameTypeRequiredDescription`` and each row its cells run together,
``nameStringYesThe name...``. Markdown rows are split on their pipes; flattened rows are
split by what each column can hold (see ``parse``), since nothing else marks the cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Section headings of both sites, by what the section holds.
SECTIONS = {
    "basic information": "basic",
    "基本信息": "basic",
    "request header": "headers",
    "request headers": "headers",
    "请求头": "headers",
    "path parameters": "path",
    "路径参数": "path",
    "query parameters": "query",
    "查询参数": "query",
    "request body": "body",
    "请求体": "body",
    "response body": "response",
    "响应体": "response",
    "error codes": "errors",
    "错误码": "errors",
    # Headings that end a section without starting one we read.
    "request": None,
    "请求": None,
    "response": None,
    "响应": None,
    "request example": None,
    "请求示例": None,
    "response body example": None,
    "response example": None,
    "响应体示例": None,
    "响应示例": None,
    "api call description": None,
    "接口调用说明": None,
}

# Column headings, by the role of the column.
COLUMNS = {
    "name": "name",
    "名称": "name",
    "参数名": "name",
    "type": "type",
    "类型": "type",
    "required": "required",
    "是否必填": "required",
    "必填": "required",
    "description": "description",
    "描述": "description",
    "说明": "description",
    "example value": "example",
    "示例值": "example",
    "httpcode": "status",
    "http code": "status",
    "error code": "code",
    "错误码": "code",
    "error message": "message",
    "错误信息": "message",
    "field": "label",
    "字段": "label",
    "value": "value",
    "值": "value",
}
# The headings as a flattened header line runs them together (both sites), longest first.
_FLAT_COLUMNS = sorted(
    [
        "Name",
        "Type",
        "Required",
        "Description",
        "HttpCode",
        "Error code",
        "Error message",
        "Example value",
        "Field",
        "Value",
        "名称",
        "类型",
        "是否必填",
        "描述",
        "示例值",
        "错误码",
        "错误信息",
        "说明",
        "字段",
        "值",
    ],
    key=len,
    reverse=True,
)

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.S | re.M)
_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
REQUEST_LINE = re.compile(r"^(GET|POST|PUT|DELETE|PATCH) (/\S*) HTTP/1\.[01]\s*$", re.M)


@dataclass(frozen=True)
class Table:
    """A table's column roles and its rows, as cells (markdown) or whole lines (flattened)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    flattened: bool


@dataclass(frozen=True)
class PageText:
    front_matter: dict[str, str]
    body: str  # without front matter and code fences
    sections: dict[str, tuple[Table, ...]]
    headings: tuple[str, ...]
    request_lines: tuple[tuple[str, str], ...]  # (method, path) of the page's HTTP examples


def unmarkdown(cell: str) -> str:
    """A cell's text without markdown emphasis, escapes, links or code marks."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", cell)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = text.replace("**", "").replace("`", "")
    text = re.sub(r"\\([\\_*|\[\]()#`~<>-])", r"\1", text)
    return " ".join(text.split())


def heading_key(line: str) -> str:
    return unmarkdown(line.strip().lstrip("#")).strip().lower()


def split_page(text: str) -> PageText:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        for line in match.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                front[key.strip()] = value.strip().strip("\"'")
        text = text[match.end() :]
    request_lines = tuple((m.group(1), m.group(2)) for m in REQUEST_LINE.finditer(text))
    body = _FENCE.sub("", text)
    lines = _unglue_tables(body.split("\n"))
    sections, headings = _sections(lines)
    return PageText(front, body, sections, headings, request_lines)


def _unglue_tables(lines: list[str]) -> list[str]:
    # The saved English pages glue a table's header to the sentence before it:
    # "...based on the error message.| HttpCode | Error code |".
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        at = stripped.find("| ")
        if at > 0 and stripped.endswith("|") and stripped.count("|") >= 3:
            out += [stripped[:at], stripped[at:]]
        else:
            out.append(line)
    return out


def _sections(lines: list[str]) -> tuple[dict[str, tuple[Table, ...]], tuple[str, ...]]:
    grouped: dict[str, list[list[str]]] = {}
    headings: list[str] = []
    current = "other"  # tables outside the sections we know (basic information may have no heading)
    chunk: list[str] = []

    def close() -> None:
        if chunk:
            grouped.setdefault(current, []).append(list(chunk))
        chunk.clear()

    for line in lines:
        key = heading_key(line)
        if key in SECTIONS and not line.lstrip().startswith("|"):
            close()
            headings.append(key)
            current = SECTIONS[key] or "other"
            continue
        if line.lstrip().startswith("#"):
            close()
            headings.append(key)
            current = "other"
            continue
        chunk.append(line)
    close()
    sections: dict[str, tuple[Table, ...]] = {}
    for name, chunks in grouped.items():
        tables = [table for lines_ in chunks for table in _tables(lines_)]
        if tables:
            sections[name] = tuple(tables)
    return sections, tuple(headings)


def _tables(lines: list[str]) -> list[Table]:
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if line.startswith("|"):
            block: list[str] = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                block.append(lines[index].strip())
                index += 1
            tables.append(_markdown_table(block))
            continue
        columns = flattened_header(line)
        if columns:
            rows: list[tuple[str, ...]] = []
            index += 1
            while index < len(lines) and lines[index].strip():
                rows.append((lines[index].strip(),))
                index += 1
            tables.append(Table(columns, tuple(rows), flattened=True))
            continue
        index += 1
    return tables


def _cells(row: str) -> list[str]:
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip() for cell in _PIPE.split(inner)]


def _markdown_table(block: list[str]) -> Table:
    header, *rest = block
    columns = tuple(COLUMNS.get(unmarkdown(cell).lower(), f"?{unmarkdown(cell)}") for cell in _cells(header))
    rows = tuple(tuple(_cells(row)) for row in rest if not _SEPARATOR.match(row))
    # A table whose header row is itself data ("| **基本信息** | |", then label | value rows).
    if not {"name", "status", "label"} & set(columns):
        rows = (tuple(_cells(header)), *rows)
        columns = ("label", "value")
    return Table(columns, rows, flattened=False)


def flattened_header(line: str) -> tuple[str, ...] | None:
    """The column roles of a flattened header line such as ``NameTypeRequiredDescription``."""
    roles: list[str] = []
    rest = line
    while rest:
        for heading in _FLAT_COLUMNS:
            if rest.startswith(heading):
                roles.append(COLUMNS[heading.lower()])
                rest = rest[len(heading) :]
                break
        else:
            return None
    return tuple(roles) if len(roles) >= 2 else None
