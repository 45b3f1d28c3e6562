"""The facts parsed from the spec's pages, kept as JSON so a clone without the pages can check the spec.

The snapshot holds facts, not DingTalk's text: descriptions are dropped, and of the global
error-code table only the rows the comparison may read are kept: codes the API pages and the
throttling page name, the spec's global errors, and every gateway (``Forbidden.*``),
throttling and quota code. Adding an operation to the spec does not change it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from generator.docs.compare import is_throttle_or_quota
from generator.docs.facts import (
    ApiPage,
    ErrorCodePage,
    ErrorRow,
    Field,
    Limit,
    Page,
    PageVersion,
    SkippedPage,
    ThrottlingPage,
)
from generator.docs.spec_facts import SpecFacts


def _lean(page: Page, keep: set[str]) -> Page:
    if isinstance(page, ApiPage):

        def fields(rows: tuple[Field, ...]) -> tuple[Field, ...]:
            return tuple(replace(f, description="") for f in rows)

        return replace(
            page,
            headers=fields(page.headers),
            path_params=fields(page.path_params),
            query_params=fields(page.query_params),
            body=fields(page.body),
            response=fields(page.response),
            errors=tuple(replace(e, description="") for e in page.errors),
        )
    if isinstance(page, ErrorCodePage):
        # Every row of a gateway, throttling or quota code: system.busy is 429 and 400 and 500.
        gateway = {
            e.code for e in page.errors if e.code.startswith("Forbidden.") or is_throttle_or_quota(e.code, e.statuses)
        }
        kept = tuple(replace(e, description="") for e in page.errors if e.code in keep | gateway)
        return replace(page, errors=kept)
    return page


def dump(pages: list[Page], spec: SpecFacts, path: Path) -> None:
    # Names relative to the docs folder, so the snapshot does not depend on where it lies.
    keep = {e.code for e in spec.global_errors}
    for page in pages:
        if isinstance(page, ApiPage):
            keep.update(e.code for e in page.errors)
        elif isinstance(page, ThrottlingPage):
            keep.update(page.codes)
    data = [
        asdict(replace(_lean(page, keep), name=page.name.split("dingtalk-docs/", 1)[-1]))
        for page in pages
        if not isinstance(page, SkippedPage)
    ]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _page(data: dict[str, Any]) -> Page:
    version = PageVersion(**data.pop("version"))
    kind = data.pop("kind")
    if kind == "api":
        for key in ("headers", "path_params", "query_params", "body", "response"):
            data[key] = tuple(Field(**f) for f in data[key])
        data["errors"] = tuple(ErrorRow(**{**e, "statuses": tuple(e["statuses"])}) for e in data["errors"])
        data["limits"] = tuple(Limit(**limit) for limit in data["limits"])
        data["app_types"] = tuple(data["app_types"])
        return ApiPage(version=version, **data)
    if kind == "error-codes":
        data["errors"] = tuple(ErrorRow(**{**e, "statuses": tuple(e["statuses"])}) for e in data["errors"])
        return ErrorCodePage(version=version, **data)
    if kind == "throttling":
        return ThrottlingPage(version=version, **{**data, "codes": tuple(data["codes"])})
    raise ValueError(f"unknown page kind in the snapshot: {kind!r}")


def load(path: Path) -> list[Page]:
    return [_page(dict(entry)) for entry in json.loads(path.read_text(encoding="utf-8"))]
