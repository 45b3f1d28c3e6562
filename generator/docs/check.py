"""One run of the drift check: read pages, parse them, compare, set deviations apart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from generator.docs.compare import ABSENT, GLOBAL, compare_page, match_operation, same_endpoint
from generator.docs.facts import ApiPage, Finding, Page, PageError, SkippedPage
from generator.docs.parse import Vocabulary, parse_page
from generator.docs.sources import RawPage
from generator.docs.spec_facts import Deviation, SpecFacts, spec_facts


@dataclass
class Report:
    pages: list[Page] = field(default_factory=list)
    errors: list[PageError] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    acknowledged: list[Finding] = field(default_factory=list)
    operations: dict[str, str] = field(default_factory=dict)  # page name -> operationId

    @property
    def exit_code(self) -> int:
        if self.errors:
            return 2
        return 1 if self.findings else 0


def parse_all(raws: Iterable[RawPage | PageError], vocabulary: Vocabulary) -> tuple[list[Page], list[PageError]]:
    """Parse every page; a flattened page is parsed again with what the others taught."""
    loaded = list(raws)
    parsed: dict[int, Page] = {}
    failed: dict[int, PageError] = {}
    for index, raw in enumerate(loaded):
        if isinstance(raw, PageError):
            failed[index] = raw
            continue
        try:
            parsed[index] = parse_page(raw.name, raw.text, vocabulary)
        except PageError as error:
            failed[index] = error
    learnt = Vocabulary(
        frozenset(e.code for p in parsed.values() if isinstance(p, ApiPage) for e in p.errors),
        frozenset(e.message for p in parsed.values() if isinstance(p, ApiPage) for e in p.errors),
    )
    for index in list(failed):
        raw = loaded[index]
        if isinstance(raw, RawPage):
            try:
                parsed[index] = parse_page(raw.name, raw.text, vocabulary | learnt)
                del failed[index]
            except PageError as error:
                failed[index] = error
    return [parsed[i] for i in sorted(parsed)], [failed[i] for i in sorted(failed)]


def _named_page(report: Report, page: Page, owner: str | None) -> list[Finding]:
    """A page the spec names must be the page it says: a page of that operation, or that global page."""
    if owner is None:
        return []
    if isinstance(page, SkippedPage):
        # A page that lost its content (moved, or drawn by a script a plain fetch does not run).
        reason = f"is named in x-dingtalk-docs by {owner} but holds no API reference ({page.reason})"
        report.errors.append(PageError(page.name, reason))
        return []
    holds = report.operations.get(page.name) or page.kind
    if isinstance(page, ApiPage) and page.name not in report.operations:
        holds = f"{page.method} {page.path}"
    if holds == owner:
        return []
    return [Finding(owner, "page source", f"a page of {owner}", f"a page of {holds}", page.name, page.language)]


def _acknowledges(deviation: Deviation, finding: Finding) -> bool:
    return (
        deviation.fact == finding.fact
        and (deviation.docs is None or deviation.docs == finding.docs)
        and (deviation.lang is None or deviation.lang == finding.language)
    )


def check(
    spec: Mapping[str, Any], raws: Iterable[RawPage | PageError], named: Mapping[str, str] | None = None
) -> Report:
    """Parse and compare; ``named`` maps the pages the spec names to whose pages they are."""
    pages, errors = parse_all(raws, spec_facts(spec).vocabulary())
    return compare_pages(spec, pages, errors, named)


def compare_pages(
    spec: Mapping[str, Any],
    pages: list[Page],
    errors: Iterable[PageError] = (),
    named: Mapping[str, str] | None = None,
) -> Report:
    """The report on pages already parsed (or loaded from a facts snapshot)."""
    facts = spec_facts(spec)
    report = Report(pages=pages, errors=list(errors))
    findings: list[Finding] = []
    for page in pages:
        if isinstance(page, ApiPage):
            op, _ = match_operation(facts, page)
            if op is not None:
                report.operations[page.name] = op.operation_id
        findings += compare_page(facts, page)
        findings += _named_page(report, page, (named or {}).get(page.name))
    findings += _undocumented(facts, report)
    _set_deviations_apart(facts, pages, report, findings)
    return report


def _undocumented(facts: SpecFacts, report: Report) -> list[Finding]:
    """An operation of the spec that names no page and that no page read documents has nothing to check."""
    documented = set(report.operations.values())
    return [
        Finding(op.operation_id, "doc pages", "none in x-dingtalk-docs", "no page read documents it", "openapi.yaml")
        for op in facts.operations
        if not op.sources and op.operation_id not in documented
    ]


def _set_pending_apart(facts: SpecFacts, report: Report, findings: list[Finding]) -> list[Finding]:
    """Documented operations the spec does not have yet are acknowledged, each by its own entry.

    An entry for an operation the spec now has is stale: a finding, so that it is removed.
    """
    pending = {entry.operation: entry for entry in facts.pending}
    rest: list[Finding] = []
    for finding in findings:
        entry = pending.get(finding.operation) if (finding.fact, finding.spec) == ("operation", ABSENT) else None
        if entry is None:
            rest.append(finding)
        else:
            report.acknowledged.append(replace(finding, acknowledged=f"pending: {entry.reason}"))
    for entry in facts.pending:
        method, _, path = entry.operation.partition(" ")
        have = next((op for op in facts.operations if same_endpoint(op, method, path)), None)
        if have is not None:
            stale = Finding(have.operation_id, "pending", f"has {entry.operation}",
                            "x-dingtalk-docs-pending still lists it", "openapi.yaml")  # fmt: skip
            report.findings.append(stale)
    return rest


def _set_deviations_apart(facts: SpecFacts, pages: list[Page], report: Report, findings: list[Finding]) -> None:
    findings = _set_pending_apart(facts, report, findings)
    by_operation = {op.operation_id: op.deviations for op in facts.operations}
    used: set[tuple[str, int]] = set()
    for finding in findings:
        owner = finding.operation if finding.operation in by_operation else GLOBAL
        deviations = by_operation.get(owner, facts.deviations)
        hit = next((i for i, d in enumerate(deviations) if _acknowledges(d, finding)), None)
        if hit is None:
            report.findings.append(finding)
        else:
            used.add((owner, hit))
            report.acknowledged.append(replace(finding, acknowledged=deviations[hit].reason))
    # A deviation that no longer matches anything on a page it applies to is stale.
    checked: dict[str, set[str]] = {}
    for page in pages:
        checked.setdefault(_owner(report, page), set()).add(page.language)
    for owner, deviations in [*by_operation.items(), (GLOBAL, facts.deviations)]:
        languages = checked.get(owner, set())
        for index, deviation in enumerate(deviations):
            applies = languages if deviation.lang is None else languages & {deviation.lang}
            if applies and (owner, index) not in used:
                report.findings.append(
                    Finding(owner, "deviation", f"acknowledges {deviation.fact}", "no page disagrees any more",
                            ", ".join(sorted(p.name for p in pages if _owner(report, p) == owner)))
                )  # fmt: skip


def _owner(report: Report, page: Page) -> str:
    """Whose deviations apply to a page: its operation's, or the top level's for the global pages."""
    return report.operations.get(page.name, GLOBAL if page.kind in ("error-codes", "throttling") else "")
