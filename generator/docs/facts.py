"""What a doc page says, as plain frozen values: the parser's output and the comparison's input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Language = Literal["en", "zh"]
TableFormat = Literal["markdown", "flattened", "none"]


class PageError(Exception):
    """A page that cannot be read, or that looks like an API page but cannot be parsed."""

    def __init__(self, page: str, reason: str) -> None:
        super().__init__(f"{page}: {reason}")
        self.page = page
        self.reason = reason


@dataclass(frozen=True)
class Field:
    """One row of a parameter, body or response table.

    ``after_object`` names the closest object row above this one: the pages list an object's
    fields right after it, with nothing to say where they end, so whether a row belongs to
    the object is decided against the spec (see ``compare``).
    """

    name: str
    type: str  # canonical: string, integer, number, boolean, object, array of string, ...
    required: bool | None  # None where the table has no Required column
    description: str = ""
    after_object: str | None = None


@dataclass(frozen=True)
class ErrorRow:
    statuses: tuple[int, ...]
    code: str
    message: str
    description: str = ""


@dataclass(frozen=True)
class Limit:
    """A limit stated in a page's prose, for example "Maximum length: 1,024 characters"."""

    field: str  # the row it was stated in (a body field name)
    kind: Literal["maxLength", "maxItems"]
    value: int
    evidence: str


@dataclass(frozen=True)
class PageVersion:
    """Which version of a page was read: the China site's front matter and a content hash."""

    sha256: str
    doc_id: str | None = None
    updated_at: str | None = None
    source_url: str | None = None


@dataclass(frozen=True)
class ApiPage:
    """An API reference page: one operation."""

    name: str
    language: Language
    table_format: TableFormat
    version: PageVersion
    title: str
    method: str
    path: str
    example_path: str | None  # the request line of the page's HTTP example, when it has one
    app_types: tuple[str, ...]
    permission: str | None
    headers: tuple[Field, ...]
    path_params: tuple[Field, ...]
    query_params: tuple[Field, ...]
    body: tuple[Field, ...]
    response: tuple[Field, ...]
    errors: tuple[ErrorRow, ...]
    limits: tuple[Limit, ...]
    kind: Literal["api"] = "api"


@dataclass(frozen=True)
class ErrorCodePage:
    """The global error-code page: codes any API may answer."""

    name: str
    language: Language
    table_format: TableFormat
    version: PageVersion
    title: str
    errors: tuple[ErrorRow, ...]
    legacy_rows: int  # rows of the old API's numeric codes, not compared
    kind: Literal["error-codes"] = "error-codes"


@dataclass(frozen=True)
class ThrottlingPage:
    """The throttling page: which codes each throttle and quota answers with."""

    name: str
    language: Language
    table_format: TableFormat
    version: PageVersion
    title: str
    codes: tuple[str, ...]
    kind: Literal["throttling"] = "throttling"


@dataclass(frozen=True)
class SkippedPage:
    """A page that is not an API reference (an event page, a guide)."""

    name: str
    language: Language
    version: PageVersion
    title: str
    reason: str
    kind: Literal["skipped"] = "skipped"


Page = ApiPage | ErrorCodePage | ThrottlingPage | SkippedPage


@dataclass(frozen=True)
class Finding:
    """One disagreement between the spec and a page."""

    operation: str
    fact: str
    spec: str
    docs: str
    page: str
    language: Language | None = None
    acknowledged: str | None = field(default=None, compare=False)  # the deviation's reason
