"""The docs drift check: the parser on pages of each format, findings, exit codes, fetching.

The sample pages in tests/docs_pages/samples were written for these tests (DingTalk owns its
pages' text, so none is copied here); the tests that change DingTalk's own pages work on
copies of ../shared/dingtalk-docs/ in a tmp folder and skip where that folder is absent.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.docs.facts import ApiPage, ErrorCodePage, PageError, SkippedPage, ThrottlingPage
from generator.docs.html import html_to_markdown
from generator.docs.parse import Vocabulary, parse_page
from generator.docs.sources import DEFAULT_DOCS_DIR
from generator.docs_check import main

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
SAMPLES = Path(__file__).resolve().parent / "docs_pages" / "samples"
BROKEN = Path(__file__).resolve().parent / "docs_pages" / "broken"
needs_docs = pytest.mark.skipif(
    not DEFAULT_DOCS_DIR.is_dir(), reason=f"DingTalk's saved pages are not beside this clone ({DEFAULT_DOCS_DIR})"
)
CODES = Vocabulary(frozenset({"invalidParameter", "permissionDenied"}), frozenset())


def run(*args: str) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--json", *args], out=out, err=err)
    return code, json.loads(out.getvalue()), err.getvalue()


def findings(report: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(f["operation"], f["fact"], f["spec"], f["docs"]) for f in report["findings"]}


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


# The parser, on the project's own sample pages -------------------------------------------


def test_english_markdown_page() -> None:
    page = parse_page("get", sample("en-markdown-get.txt"), CODES)
    assert isinstance(page, ApiPage)
    assert (page.language, page.table_format, page.method) == ("en", "markdown", "GET")
    assert page.path == "/v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}"
    assert page.app_types == ("internal", "third-party-enterprise", "third-party-personal")
    assert page.permission == "Calendar.Calendar.Read"
    assert [h.name for h in page.headers] == ["x-acs-dingtalk-access-token"]
    assert [(p.name, p.required) for p in page.path_params] == [("userId", True), ("calendarId", True)]
    assert page.body == ()
    assert [(f.name, f.type, f.after_object) for f in page.response][-3:] == [
        ("unionIds", "array of string", "subscribeScope"),
        ("openConversationIds", "array of string", "subscribeScope"),
        ("corpIds", "array of string", "subscribeScope"),
    ]
    assert [(e.statuses, e.code, e.message) for e in page.errors] == [
        ((400,), "invalidParameter", "forwardErrorMessage"),
        ((400,), "invalidParameter", "calendar id cannot be null"),
        ((403,), "permissionDenied", "permission denied"),
    ]


def test_english_flattened_page() -> None:
    page = parse_page("create", sample("en-flattened-create.txt"), CODES)
    assert isinstance(page, ApiPage)
    assert (page.language, page.table_format, page.method) == ("en", "flattened", "POST")
    assert page.example_path == "/v1.0/calendar/users/u1/subscribedCalendars"
    assert [(f.name, f.type, f.required) for f in page.body] == [
        ("name", "string", True),
        ("description", "string", False),
        ("managers", "array of string", False),
        ("subscribeScope", "object", True),
        ("unionIds", "array of string", False),
        ("openConversationIds", "array of string", False),
        ("corpIds", "array of string", False),
    ]
    assert [(f.name, f.type) for f in page.response] == [("calendarId", "string")]
    assert [(e.code, e.message, e.description) for e in page.errors][:3] == [
        ("invalidParameter", "forwardErrorMessage", "A bad parameter"),
        ("invalidParameter", "calendar name cannot be blank", "No name"),
        ("invalidParameter", "calendar name length must less than 128", "Name too long"),
    ]
    # Limits in prose and in an error message.
    assert {(lim.field, lim.kind, lim.value) for lim in page.limits} == {
        ("description", "maxLength", 1024),
        ("name", "maxLength", 128),
    }


def test_chinese_markdown_page_with_front_matter() -> None:
    page = parse_page("update", sample("zh-markdown-update.md"), CODES)
    assert isinstance(page, ApiPage)
    assert (page.language, page.table_format, page.method) == ("zh", "markdown", "PUT")
    assert (page.version.doc_id, page.version.updated_at) == ("sample-update", "2026-01-02 03:04:05")
    assert [(f.name, f.required) for f in page.body][:2] == [("name", False), ("description", False)]
    assert {(lim.field, lim.value) for lim in page.limits} == {("name", 128), ("description", 1024)}
    assert len(page.errors) == 7


def test_chinese_page_with_flattened_tables() -> None:
    # What a browser's copy of a China-site page gives: the markdown page's tables, flattened.
    flattened = [
        "# 更新订阅日历",
        "字段值",
        "HTTP URLhttps://api.example.test/v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}",
        "HTTP MethodPUT",
        "支持的应用类型appType-企业内部应用appType-第三方个人应用",
        "权限要求permission-Calendar.Calendar.Write-写日历",
        "",
        "请求体",
        "",
        "名称类型是否必填描述",
        "nameString否名称。最大长度128。",
        "subscribeScopeObject是订阅范围。",
        "corpIdsArray of String否组织。",
        "",
        "错误码",
        "",
        "HttpCode错误码错误信息说明",
        "400invalidParametercalendar name cannot be blank日历名不能为空",
        "400permissionDenied用户不在订阅范围用户不在订阅范围",
    ]
    page = parse_page("zh-flat", "\n".join(flattened) + "\n", CODES)
    assert isinstance(page, ApiPage)
    assert (page.language, page.table_format, page.method) == ("zh", "flattened", "PUT")
    assert page.app_types == ("internal", "third-party-personal")
    assert [(f.name, f.type, f.required, f.after_object) for f in page.body] == [
        ("name", "string", False, None),
        ("subscribeScope", "object", True, None),
        ("corpIds", "array of string", False, "subscribeScope"),
    ]
    assert [(lim.field, lim.value) for lim in page.limits] == [("name", 128)]
    assert [(e.code, e.message, e.description) for e in page.errors] == [
        ("invalidParameter", "calendar name cannot be blank", "日历名不能为空"),
        # Two Chinese cells run together with nothing between them: no way to tell where the
        # message ends, so the row keeps it whole and the comparison reports it as it reads...
        ("permissionDenied", "用户不在订阅范围用户不在订阅范围", ""),
    ]
    # ... unless the message is known (the spec gives it in Chinese, or another page does).
    known = Vocabulary(CODES.codes, frozenset({"用户不在订阅范围"}))
    page = parse_page("zh-flat", "\n".join(flattened) + "\n", known)
    assert isinstance(page, ApiPage)
    assert (page.errors[-1].message, page.errors[-1].description) == ("用户不在订阅范围", "用户不在订阅范围")


def test_global_pages_and_skipped_pages() -> None:
    errors = parse_page("errors", sample("zh-error-codes.md"))
    assert isinstance(errors, ErrorCodePage)
    assert ((400, 403), "permissionDenied", "%s") in {(e.statuses, e.code, e.message) for e in errors.errors}
    assert errors.legacy_rows == 1  # the old API's numeric code
    throttling = parse_page("throttling", sample("zh-throttling.md"))
    assert isinstance(throttling, ThrottlingPage)
    assert throttling.codes == (
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi",
        "Forbidden.AccessDenied.SampleMonthlyLimit",
    )
    event = parse_page("event", sample("zh-event.md"))
    assert isinstance(event, SkippedPage)
    assert "event page" in event.reason


def test_flattened_rows_split_by_what_each_cell_can_hold() -> None:
    header = "HttpCodeError codeError messageDescription\n"
    rows = "\n".join(
        [
            "400invalidParameterforwardErrorMessageBad",
            "400invalidParametercalendar size must less than 5The size",
            "403permissionDeniedThe user is not allowedThe user may not",
            "400invalidParametercalendarId cannot be blankcalendarId is empty",
        ]
    )
    text = "FieldValue\nHTTP URLhttps://x/v1/a\nHTTP MethodGET\n\nError codes\n\n" + header + rows + "\n"
    known = Vocabulary(CODES.codes, frozenset({"calendarId cannot be blank"}))
    page = parse_page("flat", text, known)
    assert isinstance(page, ApiPage)
    assert [(e.code, e.message, e.description) for e in page.errors] == [
        ("invalidParameter", "forwardErrorMessage", "Bad"),
        ("invalidParameter", "calendar size must less than 5", "The size"),
        ("permissionDenied", "The user is not allowed", "The user may not"),
        ("invalidParameter", "calendarId cannot be blank", "calendarId is empty"),
    ]


def test_a_flattened_row_with_an_unknown_code_is_an_error_not_a_guess() -> None:
    text = "FieldValue\nHTTP URLhttps://x/v1/a\nHTTP MethodGET\n\nError codes\n\n"
    text += "HttpCodeError codeError messageDescription\n"
    with pytest.raises(PageError, match="cannot tell where the code ends"):
        parse_page("flat", text + "400brandNewCodesomething brokeIt broke\n", CODES)


def test_an_api_page_that_does_not_parse_is_an_error() -> None:
    with pytest.raises(PageError, match="has no HTTP method"):
        parse_page("broken", (BROKEN / "en-broken.txt").read_text(encoding="utf-8"))
    with pytest.raises(PageError, match="unknown type 'Strung'"):
        parse_page("typo", sample("en-markdown-get.txt").replace("| userId | String |", "| userId | Strung |"))


# The command --------------------------------------------------------------------------


def test_samples_report_exactly_their_differences() -> None:
    code, report, err = run(str(SAMPLES))
    assert code == 1, err
    assert {p["page"].rsplit("/", 1)[-1]: p["kind"] for p in report["pages"]} == {
        "en-flattened-create.txt": "api",
        "en-html-get.html": "api",
        "en-markdown-get.txt": "api",
        "zh-error-codes.md": "error-codes",
        "zh-event.md": "skipped",
        "zh-markdown-update.md": "api",
        "zh-throttling.md": "throttling",
    }
    facts = {(op, fact) for op, fact, _, _ in findings(report)}
    # The samples are not the recorded versions; otherwise only what they were written to differ in.
    assert facts - {(op, "page version") for op, _ in facts} == {
        ("(global)", "global error Forbidden.AccessDenied.QpmLimitForSampleAndApi"),
        ("(global)", "global error sample.busy"),
        ("(global)", "global error Forbidden.AccessDenied.QpsLimitForAppkeyAndApi message"),  # "限流" here
        ("(global)", "throttling code Forbidden.AccessDenied.SampleMonthlyLimit"),
        # The sample update page states the description's limit: the spec's deviation is stale.
        ("updateSubscribedCalendar", "deviation"),
    }
    for entry in report["findings"]:
        assert set(entry) == {"operation", "fact", "spec", "docs", "page"}


def test_exit_0_when_the_spec_agrees_and_record_writes_the_versions(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    shutil.copy(SPEC, spec)
    page = str(SAMPLES / "en-markdown-get.txt")
    code, report, _ = run("--spec", str(spec), page)
    assert code == 1
    assert {f["fact"] for f in report["findings"]} == {"page version"}
    assert main(["--spec", str(spec), "--record", page], out=io.StringIO(), err=io.StringIO()) == 1
    code, report, _ = run("--spec", str(spec), page)
    assert (code, report["findings"]) == (0, [])
    assert report["pages"][0]["operation"] == "getSubscribedCalendar"


def test_record_says_when_the_spec_has_no_entry_to_write(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    text = SPEC.read_text(encoding="utf-8")
    entry = next(line for line in text.splitlines() if "file: 2-get-subscribed-calendar.txt" in line)
    spec.write_text(text.replace(entry + "\n", ""), encoding="utf-8")
    page = str(SAMPLES / "en-markdown-get.txt")
    _, report, _ = run("--spec", str(spec), page)
    assert [(f["fact"], f["spec"]) for f in report["findings"]] == [("page version", "not recorded")]
    err = io.StringIO()
    main(["--spec", str(spec), "--record", page], out=io.StringIO(), err=err)
    assert "getSubscribedCalendar: no en entry in x-dingtalk-docs" in err.getvalue()
    assert spec.read_text(encoding="utf-8") == text.replace(entry + "\n", "")


def test_a_spec_that_cannot_be_read_is_exit_2(tmp_path: Path) -> None:
    err = io.StringIO()
    assert main(["--spec", str(tmp_path / "missing.yaml"), str(SAMPLES)], out=io.StringIO(), err=err) == 2
    assert "cannot read the spec" in err.getvalue()


def test_facts_neither_side_states_agree(tmp_path: Path) -> None:
    # The get operation's permission and app types gone from the spec, and from the page.
    before, get_op = SPEC.read_text(encoding="utf-8").split("operationId: getSubscribedCalendar", 1)
    get_op = get_op.replace("      x-dingtalk-permission: Calendar.Calendar.Read\n", "", 1)
    get_op = re.sub(r"      x-dingtalk-app-types: \[.*?\]\n", "", get_op, count=1)
    spec = tmp_path / "openapi.yaml"
    spec.write_text(before + "operationId: getSubscribedCalendar" + get_op, encoding="utf-8")
    page = tmp_path / "get.txt"
    lines = sample("en-markdown-get.txt").splitlines(keepends=True)
    page.write_text("".join(line for line in lines if "appType-" not in line and "permission-" not in line))
    _, report, _ = run("--spec", str(spec), str(page))
    assert {f["fact"] for f in report["findings"]} == {"page version"}


def test_exit_2_names_the_page_and_why() -> None:
    code, report, err = run(str(BROKEN / "en-broken.txt"), str(SAMPLES / "en-markdown-get.txt"))
    assert code == 2
    reason = "has no HTTP method it can read (found '')"
    assert report["errors"] == [{"page": str(BROKEN / "en-broken.txt"), "reason": reason}]
    assert "en-broken.txt" in err
    code, report, _ = run(str(SAMPLES / "missing.txt"))
    assert code == 2
    assert "cannot be read" in report["errors"][0]["reason"]


def test_text_output_one_line_per_finding() -> None:
    out = io.StringIO()
    assert main([str(SAMPLES / "zh-throttling.md")], out=out, err=io.StringIO()) == 1
    lines = out.getvalue().splitlines()
    assert (
        "(global): throttling code Forbidden.AccessDenied.SampleMonthlyLimit: spec absent; docs documented "
        f"[{SAMPLES / 'zh-throttling.md'}]"
    ) in lines
    assert lines[-1].startswith("2 finding(s), 0 acknowledged, 0 error(s)")


def test_deviations_are_acknowledged_not_drift(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    text = SPEC.read_text(encoding="utf-8")
    spec.write_text(
        text.replace(
            "x-dingtalk-global-errors:",
            "x-dingtalk-docs-deviations:\n"
            "  - {fact: throttling code Forbidden.AccessDenied.SampleMonthlyLimit, reason: A sample quota.}\n"
            "x-dingtalk-global-errors:",
            1,
        ),
        encoding="utf-8",
    )
    code, report, _ = run("--spec", str(spec), str(SAMPLES / "zh-throttling.md"))
    assert code == 1  # the page version still differs
    assert [(f["fact"], f["reason"]) for f in report["acknowledged"]] == [
        ("throttling code Forbidden.AccessDenied.SampleMonthlyLimit", "A sample quota.")
    ]
    assert "Forbidden.AccessDenied.SampleMonthlyLimit" not in json.dumps(report["findings"])


def test_a_map_type_reads_as_an_object() -> None:
    row = "| corpIds | Array of String | 否 |"
    page = sample("zh-markdown-update.md").replace(row, "| extra | Map<String, String> | 否 | 扩展。 |\n" + row, 1)
    parsed = parse_page("update", page, CODES)
    assert isinstance(parsed, ApiPage)
    assert [f.type for f in parsed.body if f.name == "extra"] == ["object"]


def _pending(spec: Path, operation: str) -> None:
    entry = f'  - {{operation: "{operation}", reason: A sample operation.}}\n'
    text = SPEC.read_text(encoding="utf-8")
    if "x-dingtalk-docs-pending:\n" in text:
        text = text.replace("x-dingtalk-docs-pending:\n", "x-dingtalk-docs-pending:\n" + entry, 1)
    else:
        anchor = "x-dingtalk-global-errors:"
        text = text.replace(anchor, "x-dingtalk-docs-pending:\n" + entry + anchor)
    spec.write_text(text, encoding="utf-8")


def test_a_pending_operation_is_named_and_acknowledged(tmp_path: Path) -> None:
    page = tmp_path / "archives.txt"
    page.write_text(sample("en-markdown-get.txt").replace("/subscribedCalendars/", "/archives/"), encoding="utf-8")
    _, before, _ = run(str(page))
    assert [(f["fact"], f["spec"]) for f in before["findings"]] == [("operation", "absent")]
    operation = before["findings"][0]["operation"]
    spec = tmp_path / "openapi.yaml"
    _pending(spec, operation)
    code, after, _ = run("--spec", str(spec), str(page))
    assert (code, after["findings"]) == (0, [])
    acknowledged = [(f["operation"], f["reason"]) for f in after["acknowledged"]]
    assert acknowledged == [(operation, "pending: A sample operation.")]


def test_a_pending_entry_for_an_operation_the_spec_has_is_a_finding(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    _pending(spec, "GET /v1.0/calendar/users/{userId}/subscribedCalendars/{calendarId}")
    code, report, _ = run("--spec", str(spec), str(SAMPLES / "zh-throttling.md"))
    assert code == 1
    assert ("getSubscribedCalendar", "pending") in {(f["operation"], f["fact"]) for f in report["findings"]}


# Fetching over HTTP, from a server on 127.0.0.1 ---------------------------------------


@pytest.fixture
def page_server(tmp_path: Path) -> Iterator[Callable[[Path], str]]:
    served = tmp_path / "served"
    served.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(page: Path) -> str:
        shutil.copy(page, served / page.name)
        return f"http://127.0.0.1:{server.server_address[1]}/{page.name}"

    yield serve
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_served_html_page_reads_as_its_markdown_twin(page_server: Callable[[Path], str]) -> None:
    # A live site serves HTML: the same facts as the sample written in markdown.
    _, report, _ = run(page_server(SAMPLES / "en-html-get.html"), str(SAMPLES / "en-markdown-get.txt"))
    assert [p["operation"] for p in report["pages"]] == ["getSubscribedCalendar", "getSubscribedCalendar"]
    assert report["pages"][0]["title"].startswith("Query a subscribed calendar")
    assert {f["fact"] for f in report["findings"]} == {"page version"}
    html = parse_page("html", html_to_markdown((SAMPLES / "en-html-get.html").read_text(encoding="utf-8")))
    markdown = parse_page("markdown", sample("en-markdown-get.txt"))
    assert isinstance(html, ApiPage)
    assert isinstance(markdown, ApiPage)
    facts = ("method", "path", "app_types", "permission", "headers", "path_params", "response", "errors")
    assert [getattr(html, f) for f in facts] == [getattr(markdown, f) for f in facts]
    assert html.example_path == "/v1.0/calendar/users/u1/subscribedCalendars/c1"


def test_pages_are_fetched_by_url(page_server: Callable[[Path], str]) -> None:
    url = page_server(SAMPLES / "zh-markdown-update.md")
    code, report, _ = run(url)
    assert report["pages"][0]["page"] == url
    assert report["pages"][0]["operation"] == "updateSubscribedCalendar"
    local_code, local, _ = run(str(SAMPLES / "zh-markdown-update.md"))
    assert code == local_code
    assert findings(report) == findings(local)
    code, report, _ = run(url.rsplit("/", 1)[0] + "/absent.md")
    assert code == 2
    assert report["errors"][0]["reason"] == "cannot be fetched: HTTP 404"


def test_a_named_page_must_be_the_page_it_says(tmp_path: Path, page_server: Callable[[Path], str]) -> None:
    # Without the docs folder the spec's URLs are fetched: here, from 127.0.0.1, and two are wrong.
    shell = tmp_path / "shell.html"
    shell.write_text('<!DOCTYPE html><html><body><div id="root"></div><script src="app.js"></script></body></html>')
    served = {"create-subscription-calendar": page_server(SAMPLES / "en-markdown-get.txt")}
    served["query-a-single-subscription-calendar"] = page_server(shell)
    text = SPEC.read_text(encoding="utf-8")
    for slug, url in served.items():
        text = text.replace(f"url: https://help.dingtalk.io/open/development/{slug},", f"url: {url},")
    base = served["create-subscription-calendar"].rsplit("/", 1)[0]
    text = text.replace("url: https://", f"url: {base}/absent/")  # the rest: not found, never the internet
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text, encoding="utf-8")
    code, report, _ = run("--spec", str(spec), "--docs-dir", str(tmp_path / "no-such-folder"))
    assert code == 2
    assert (CREATE, "page source", f"a page of {CREATE}", f"a page of {GET}") in findings(report)
    reasons = {e["page"]: e["reason"] for e in report["errors"]}
    assert reasons[served["query-a-single-subscription-calendar"]].startswith(
        f"is named in x-dingtalk-docs by {GET} but holds no API reference"
    )
    assert {r for p, r in reasons.items() if "/absent/" in p} == {"cannot be fetched: HTTP 404"}


@needs_docs
def test_make_docs_check_fetches_the_named_urls_without_the_docs_folder(
    tmp_path: Path, page_server: Callable[[Path], str]
) -> None:
    # The spec's own sources, served from 127.0.0.1 instead of DingTalk's sites.
    text = SPEC.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "url: http" in line and "file: " in line:
            url = line.split("url: ", 1)[1].split(",", 1)[0]
            file = line.split("file: ", 1)[1].split(",", 1)[0].rstrip("}")
            text = text.replace(f"url: {url},", f"url: {page_server(DEFAULT_DOCS_DIR / file)},")
    spec = tmp_path / "openapi.yaml"
    spec.write_text(text, encoding="utf-8")
    fetched_code, fetched, _ = run("--spec", str(spec), "--docs-dir", str(tmp_path / "no-such-folder"))
    assert all(p["page"].startswith("http://127.0.0.1:") for p in fetched["pages"])
    local_code, local, _ = run("--docs-dir", str(DEFAULT_DOCS_DIR))
    assert fetched_code == local_code
    # Without the folder only the pages the spec names are read; with it, the others too.
    named = {Path(p["page"]).name for p in fetched["pages"]}
    assert len(named) == SPEC.read_text(encoding="utf-8").count(", file: ")
    assert {"README.md", "event-calendar-event-change.md"} <= {Path(p["page"]).name for p in local["pages"]} - named
    on_named = {**local, "findings": [f for f in local["findings"] if Path(f["page"]).name in named]}
    assert findings(fetched) == findings(on_named)


# DingTalk's own pages, changed by hand in a tmp copy ----------------------------------


def changed(
    tmp_path: Path, name: str, old: str, new: str, folder: Path = DEFAULT_DOCS_DIR
) -> tuple[set[tuple[str, str, str, str]], str]:
    """The findings a hand change to a page adds, beside its new version; and the copy's path."""
    original = folder / name
    copy = tmp_path / Path(name).name
    text = original.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not on {name} any more"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    _, before, _ = run(str(original))
    _, after, _ = run(str(copy))
    added = findings(after) - findings(before)
    gone = {f for f in findings(before) - findings(after) if f[1] != "page version"}
    assert gone == set()  # a change adds its findings and takes none away
    versions = {f for f in added if f[1] == "page version"}
    assert len(versions) == 1  # a changed page is a new version, whatever else it changes
    return added - versions, str(copy)


CREATE, GET, UPDATE = "createSubscribedCalendar", "getSubscribedCalendar", "updateSubscribedCalendar"
SUBSCRIBE = "subscribeCalendar"


@needs_docs
@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param(
            "1-create-subscribed-calendar.txt", "Maximum length: 1,024 characters", "Maximum length: 2,048 characters",
            {(CREATE, "limit description.maxLength", "1024", "2048 (Maximum length: 2,048)")}, id="en-flat-limit",
        ),
        pytest.param(
            "zh/create-subscription-calendar.md", "最大长度1024字符", "最大长度2048字符",
            {(CREATE, "limit description.maxLength", "1024", "2048 (最大长度2048)")}, id="zh-limit",
        ),
        pytest.param(
            "1-create-subscribed-calendar.txt", "descriptionStringNo", "descriptionStringYes",
            {(CREATE, "request field description", "string, optional", "string, required")}, id="en-flat-required",
        ),
        pytest.param(
            "zh/update-subscription-calendar.md", "| description | String | 否 |", "| description | String | 是 |",
            {(UPDATE, "request field description", "string, optional", "string, required")}, id="zh-required",
        ),
        pytest.param(
            "3-update-subscribed-calendar.txt", "403permissionDenied",
            "400invalidParametercalendar description length must less than 1024The description is too long\n"
            "403permissionDenied",
            {
                (UPDATE, 'error invalidParameter "calendar description length must less than 1024"', "absent", "400"),
                # The new message states the description's limit, so the spec's deviation is stale.
                (UPDATE, "deviation", "acknowledges limit description.maxLength", "no page disagrees any more"),
            },
            id="en-flat-error-added",
        ),
        pytest.param(
            "2-get-subscribed-calendar.txt", "| 403 | permissionDenied |",
            "| 404 | calendarNotFound | calendar not found | No such calendar |\n| 403 | permissionDenied |",
            {(GET, 'error calendarNotFound "calendar not found"', "absent", "404")}, id="en-markdown-error-added",
        ),
        pytest.param(
            "zh/query-a-single-subscription-calendar.md", "| 403 | permissionDenied |",
            "| 400 | invalidParameter | 日历不存在 | 日历不存在 |\n| 403 | permissionDenied |",
            {(GET, 'error invalidParameter "日历不存在"', "absent", "400")}, id="zh-error-added",
        ),
        pytest.param(
            "4-subscribe-calendar.txt", "| 400 | exceedSubscribeLimit |", "| 403 | exceedSubscribeLimit |",
            {(SUBSCRIBE, 'error exceedSubscribeLimit "exceed subscribe limit"', "400", "403")},
            id="en-markdown-status",
        ),
        pytest.param(
            "zh/subscribe-to-a-public-calendar.md", "| 400 | exceedSubscribeLimit |", "| 403 | exceedSubscribeLimit |",
            {(SUBSCRIBE, 'error exceedSubscribeLimit "exceed subscribe limit"', "400", "403")}, id="zh-status",
        ),
        pytest.param(
            "1-create-subscribed-calendar.txt", "403permissionDenied", "400permissionDenied",
            {(CREATE, 'error permissionDenied "permission denied"', "403", "400")}, id="en-flat-status",
        ),
    ],
)  # fmt: skip
def test_a_hand_change_gives_exactly_its_findings(
    tmp_path: Path, name: str, old: str, new: str, expected: set[tuple[str, str, str, str]]
) -> None:
    added, _ = changed(tmp_path, name, old, new)
    assert added == expected


@needs_docs
@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        # A new path (its request example too) or a new method on a known path.
        pytest.param("1-create-subscribed-calendar.txt", "/subscribedCalendars", "/archives", id="en-flat"),
        pytest.param("2-get-subscribed-calendar.txt", "| HTTP Method | GET", "| HTTP Method | PATCH", id="en-markdown"),
        pytest.param("zh/query-a-single-subscription-calendar.md", "| HTTP Method | GET", "| HTTP Method | PATCH",
                     id="zh"),
    ],
)  # fmt: skip
def test_a_new_operation_is_one_finding(tmp_path: Path, name: str, old: str, new: str) -> None:
    copy = tmp_path / Path(name).name
    copy.write_text((DEFAULT_DOCS_DIR / name).read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    _, report, _ = run(str(copy))
    assert [(f["fact"], f["spec"]) for f in report["findings"]] == [("operation", "absent")]
    assert report["findings"][0]["operation"].startswith(("POST /v1.0/calendar/users/{userId}/archives", "PATCH /"))


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param(
            "en-flattened-create.txt", "Maximum length: 1,024 characters", "Maximum length: 512 characters",
            {(CREATE, "limit description.maxLength", "1024", "512 (Maximum length: 512)")}, id="en-flat-limit",
        ),
        pytest.param(
            "zh-markdown-update.md", "不超过128。", "不超过256。",
            {(UPDATE, "limit name.maxLength", "128", "256 (不超过256)")}, id="zh-limit",
        ),
        pytest.param(
            "en-flattened-create.txt", "managersArray of StringNo", "managersArray of StringYes",
            {(CREATE, "request field managers", "array of string, optional", "array of string, required")},
            id="en-flat-required",
        ),
        pytest.param(
            "zh-markdown-update.md", "| corpIds | Array of String | 否 |", "| corpIds | Array of String | 是 |",
            {(UPDATE, "request field subscribeScope.corpIds", "array of string, optional",
              "array of string, required")},
            id="zh-nested-required",
        ),
        pytest.param(
            "en-markdown-get.txt", "| Not allowed |", "| Not allowed |\n| 400 | calendarGone | calendar gone | Gone |",
            {(GET, 'error calendarGone "calendar gone"', "absent", "400")}, id="en-markdown-error-added",
        ),
        pytest.param(
            "en-markdown-get.txt", "| 403 | permissionDenied |", "| 400 | permissionDenied |",
            {(GET, 'error permissionDenied "permission denied"', "403", "400")}, id="en-markdown-status",
        ),
        pytest.param(
            "zh-markdown-update.md", "| 400 | invalidParameter | calendar id cannot be blank |",
            "| 404 | invalidParameter | calendar id cannot be blank |",
            {(UPDATE, 'error invalidParameter "calendar id cannot be blank"', "400", "404")}, id="zh-status",
        ),
        pytest.param(
            "en-flattened-create.txt", "corpIdsArray of StringNoOrganisations.",
            "corpIdsArray of StringNoOrganisations.\nlabelsArray of StringNoTags.",
            {(CREATE, "request field subscribeScope.labels", "absent", "array of string, optional")},
            id="en-flat-field-added",
        ),
    ],
)  # fmt: skip
def test_a_hand_change_to_a_sample_gives_exactly_its_findings(
    tmp_path: Path, name: str, old: str, new: str, expected: set[tuple[str, str, str, str]]
) -> None:
    # The same as the tests on DingTalk's own pages below, on a clone without them.
    added, _ = changed(tmp_path, name, old, new, folder=SAMPLES)
    assert added == expected


@needs_docs
def test_a_changed_hash_is_reported_when_no_fact_changed(tmp_path: Path) -> None:
    added, _ = changed(tmp_path, "2-get-subscribed-calendar.txt", "Request\n", "Request\n\n")
    assert added == set()


@needs_docs
def test_real_pages_parse_in_both_formats_and_languages() -> None:
    code, report, err = run(str(DEFAULT_DOCS_DIR))
    assert code in (0, 1), err
    formats = {(p["language"], p.get("format")) for p in report["pages"] if p["kind"] == "api"}
    assert formats == {("en", "flattened"), ("en", "markdown"), ("zh", "markdown")}
    skipped = {p["page"].rsplit("/", 1)[-1] for p in report["pages"] if p["kind"] == "skipped"}
    assert skipped == {"README.md", "event-calendar-event-change.md", "event-suite-ticket.md"}


# An operation with nothing to check it against ------------------------------------------

NEW_OPERATION = """    get:
      tags: [calendar]
      operationId: listSubscribedCalendars
      summary: List a user's subscribed calendars
      x-dingtalk-permission: Calendar.Calendar.Read
      x-dingtalk-idempotent: true
      x-dingtalk-errors: []
      responses:
        "200": {description: OK}
"""


def spec_with_an_undocumented_operation(folder: Path) -> Path:
    """The spec with a new operation that names no page, at a path that begins the get page's."""
    spec = folder / "openapi.yaml"
    anchor = (
        "  /v1.0/calendar/users/{userId}/subscribedCalendars:\n"
        '    parameters:\n      - $ref: "#/components/parameters/userId"\n'
    )
    text = SPEC.read_text(encoding="utf-8")
    assert anchor in text
    spec.write_text(text.replace(anchor, anchor + NEW_OPERATION, 1), encoding="utf-8")
    return spec


def test_an_operation_with_no_doc_pages_at_all_is_a_finding(tmp_path: Path) -> None:
    spec = spec_with_an_undocumented_operation(tmp_path)
    code, report, _ = run("--spec", str(spec), str(SAMPLES / "en-markdown-get.txt"))
    assert code == 1
    assert ("listSubscribedCalendars", "doc pages", "none in x-dingtalk-docs", "no page read documents it") in (
        findings(report)
    )
    # The operations that name their pages are not reported for it, though this run read one page.
    assert {f["operation"] for f in report["findings"] if f["fact"] == "doc pages"} == {"listSubscribedCalendars"}
