"""Say, fact by fact, where openapi.yaml disagrees with DingTalk's doc pages.

    python -m generator.docs_check [--json] [--spec openapi.yaml] PAGE_OR_DIR_OR_URL...
    python -m generator.docs_check            the pages the spec names, and the rest of the saved
                                              docs folder if there is one (make docs-check)
    python -m generator.docs_check --record   ... and write the versions read into the spec

Pages are files, folders of them, or http(s) URLs, each matched to its operation by HTTP
method and path. Exit 0 when nothing disagrees, 1 when something does, 2 when a page cannot
be read or parsed. Differences the spec keeps on purpose (``x-dingtalk-docs-deviations``)
are listed as acknowledged and do not count.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import yaml

from generator.docs import snapshot
from generator.docs.check import Report, check
from generator.docs.facts import Finding, Page
from generator.docs.record import record
from generator.docs.sources import ROOT, default_locations, docs_dir, named_locations, read_locations
from generator.docs.spec_facts import spec_facts
from generator.generate import load_spec


def _page_json(report: Report, page: Page) -> dict[str, Any]:
    entry: dict[str, Any] = {"page": page.name, "kind": page.kind, "language": page.language, "title": page.title}
    if page.kind != "skipped":
        entry["format"] = page.table_format
    if page.name in report.operations:
        entry["operation"] = report.operations[page.name]
    if page.kind == "skipped":
        entry["reason"] = page.reason
    entry.update(sha256=page.version.sha256, doc_id=page.version.doc_id, updated_at=page.version.updated_at)
    return entry


def _finding_json(finding: Finding) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "operation": finding.operation,
        "fact": finding.fact,
        "spec": finding.spec,
        "docs": finding.docs,
        "page": finding.page,
    }
    if finding.acknowledged is not None:
        entry["reason"] = finding.acknowledged
    return entry


def as_json(report: Report) -> dict[str, Any]:
    return {
        "pages": [_page_json(report, page) for page in report.pages],
        "findings": [_finding_json(f) for f in report.findings],
        "acknowledged": [_finding_json(f) for f in report.acknowledged],
        "errors": [{"page": e.page, "reason": e.reason} for e in report.errors],
    }


def _line(finding: Finding) -> str:
    return f"{finding.operation}: {finding.fact}: spec {finding.spec}; docs {finding.docs} [{finding.page}]"


def print_text(report: Report, out: TextIO, err: TextIO) -> None:
    for page in report.pages:
        if page.kind == "skipped":
            print(f"skipped {page.name}: {page.reason}", file=out)
        else:
            target = report.operations.get(page.name, page.kind if page.kind != "api" else "no operation")
            tables = "no" if page.table_format == "none" else page.table_format
            print(f"read {page.name}: {page.language}, {tables} tables -> {target}", file=out)
    for finding in report.acknowledged:
        print(f"acknowledged {_line(finding)} ({finding.acknowledged})", file=out)
    for finding in report.findings:
        print(_line(finding), file=out)
    for error in report.errors:
        print(f"error: {error}", file=err)
    counts = (len(report.findings), len(report.acknowledged), len(report.errors))
    print("{} finding(s), {} acknowledged, {} error(s)".format(*counts), file=out)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.docs_check", description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", metavar="PAGE_OR_DIR_OR_URL", help="default: the spec's pages")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--spec", default=str(ROOT / "openapi.yaml"), help="the spec (default: openapi.yaml)")
    parser.add_argument(
        "--docs-dir",
        help="saved pages to read the spec's pages from (default: $DINGTALK_DOCS_DIR, else ../shared/dingtalk-docs)",
    )
    parser.add_argument("--record", action="store_true", help="write the versions of the pages read into the spec")
    parser.add_argument("--snapshot", metavar="PATH", help="write the facts of the pages read to PATH (JSON)")
    args = parser.parse_args(argv)

    spec_path = Path(args.spec)
    try:
        spec = load_spec(spec_path)
    except (OSError, yaml.YAMLError) as problem:
        print(f"error: cannot read the spec {spec_path}: {problem}", file=err)
        return 2
    folder = docs_dir(args.docs_dir)
    locations = args.pages or default_locations(spec_facts(spec), folder)
    report = check(spec, read_locations(locations), None if args.pages else named_locations(spec_facts(spec), folder))
    if args.json:
        json.dump(as_json(report), out, ensure_ascii=False, indent=2)
        print(file=out)
        for error in report.errors:
            print(f"error: {error}", file=err)
    else:
        print_text(report, out, err)
    if args.record and not report.errors:
        for change in record(spec_path, spec_facts(spec), report):
            print(f"recorded {change}", file=err)
    if args.snapshot and not report.errors:
        snapshot.dump(report.pages, spec_facts(spec), Path(args.snapshot))
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
