"""Write the versions of the pages read into the spec's ``x-dingtalk-docs`` entries.

Each entry is one YAML flow mapping on one line, found by its ``url``; only its ``doc_id``,
``updated_at`` and ``sha256`` change, so comments and layout of the spec stay as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.docs.check import Report
from generator.docs.compare import GLOBAL
from generator.docs.facts import Page
from generator.docs.spec_facts import Source, SpecFacts


def _source_for(facts: SpecFacts, report: Report, page: Page) -> Source | None:
    operation = report.operations.get(page.name)
    if operation is not None:
        sources = next(op.sources for op in facts.operations if op.operation_id == operation)
        return next((s for s in sources if s.lang == page.language), None)
    if page.kind in ("error-codes", "throttling"):
        return next((s for s in facts.sources if s.kind == page.kind and s.lang == page.language), None)
    return None


def _set(line: str, key: str, value: str | None) -> str:
    if value is None:
        return line
    rendered = f'{key}: "{value}"' if key == "updated_at" else f"{key}: {value}"
    pattern = re.compile(rf"\b{key}: (\"[^\"]*\"|[^,}}]*)")
    if pattern.search(line):
        return pattern.sub(lambda _: rendered, line, count=1)
    return re.sub(r"\s*}\s*$", f", {rendered}}}", line)


def record(spec_path: Path, facts: SpecFacts, report: Report) -> list[str]:
    """Rewrite the spec's entries for the pages of ``report``; return what changed."""
    lines = spec_path.read_text(encoding="utf-8").split("\n")
    changed: list[str] = []
    for page in report.pages:
        source = _source_for(facts, report, page)
        owner = report.operations.get(page.name, GLOBAL)
        if source is None or source.url is None:
            if page.name in report.operations:
                changed.append(f"{owner}: no {page.language} entry in x-dingtalk-docs for {page.name}: add one first")
            continue
        entry = re.compile(rf"\burl: {re.escape(source.url)}\s*[,}}]")
        for number, line in enumerate(lines):
            if not entry.search(line) or not line.rstrip().endswith("}"):
                continue
            updated = _set(line, "doc_id", page.version.doc_id)
            updated = _set(updated, "updated_at", page.version.updated_at)
            updated = _set(updated, "sha256", page.version.sha256)
            if updated != line:
                lines[number] = updated
                changed.append(f"{owner}: {source.lang} page {source.label} at sha256 {page.version.sha256[:12]}")
            break
    spec_path.write_text("\n".join(lines), encoding="utf-8")
    return changed
