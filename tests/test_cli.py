"""The ``dingtalk-calendar`` CLI against a running emulator: in-process through ``main``, and as a real process."""

import io
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dingtalk_calendar import Progress
from dingtalk_calendar.cli import main
from dingtalk_calendar.cli._progress import ProgressBar
from dingtalk_calendar_emulator import Directory, Emulator

Run = Callable[..., tuple[int, str, str]]

MANY_USERS = [f"user{n:02d}" for n in range(24)]


@pytest.fixture
def emu(dingtalk_emulator: Emulator) -> Emulator:
    return dingtalk_emulator


@pytest.fixture
def env(emu: Emulator) -> dict[str, str]:
    """The environment a user of the emulator would export."""
    return {
        "DINGTALK_BASE_URL": emu.url,
        "DINGTALK_APP_KEY": emu.internal_app.app_key,
        "DINGTALK_APP_SECRET": emu.internal_app.app_secret,
    }


@pytest.fixture
def run(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Run:
    """``main(argv)`` in this process: (exit code, stdout, stderr)."""

    def run(*argv: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
        code = main(list(argv), environ=env if environ is None else environ)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def calendar(run: Run) -> str:
    """A calendar by alice, open to Acme (alice, bob, carol), not to dave (Globex)."""
    code, out, _ = run("--quiet", "create", "alice", "--name", "Holidays", "--org", "ding-acme")
    assert code == 0
    return out.strip()


def _json(out: str) -> Any:
    return json.loads(out)


# --- the five operations --------------------------------------------------------------------


def test_create_prints_the_new_id_and_request_id(run: Run, emu: Emulator) -> None:
    code, out, err = run(
        "create",
        "alice",
        "--name",
        "Team",
        "--description",
        "Ours",
        "--manager",
        "bob",
        "--user",
        "alice",
        "--user",
        "carol",
        "--group",
        "cid-engineering",  # the creator must be in a group or organisation of the scope
    )
    assert code == 0, err
    assert out.startswith("created calendar ")
    assert "(request id " in out
    (created,) = emu.state.calendars.values()
    assert created.calendar_id in out
    assert (created.name, created.description, created.managers) == ("Team", "Ours", ("bob",))
    assert created.scope.union_ids == ("alice", "carol")


def test_create_quiet_prints_only_the_id_and_json_gives_id_and_request_id(run: Run, emu: Emulator) -> None:
    code, quiet_out, _ = run("--quiet", "create", "alice", "--name", "A", "--group", "cid-engineering")
    assert code == 0
    assert quiet_out.strip() in emu.state.calendars
    code, json_out, _ = run("create", "alice", "--name", "B", "--org", "ding-acme", "--json")
    document = _json(json_out)
    assert set(document) == {"calendar_id", "request_id"}
    assert document["calendar_id"] in emu.state.calendars
    assert document["request_id"]


def test_get_in_human_and_json_form(run: Run, calendar: str) -> None:
    code, out, _ = run("get", "alice", calendar)
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.splitlines() if not line.startswith("request id"))
    assert lines["calendar"] == calendar
    assert lines["name"] == "Holidays"
    assert lines["organisations"] == "ding-acme"
    assert "request id" in out

    code, out, _ = run("--json", "get", "alice", calendar)
    assert _json(out) == {
        "calendar_id": calendar,
        "name": "Holidays",
        "description": "",
        "author": "alice",
        "managers": [],
        "scope": {"users": [], "groups": [], "organisations": ["ding-acme"]},
        "request_id": _json(out)["request_id"],
    }
    assert _json(out)["request_id"]


def test_update_sends_only_what_is_given(run: Run, emu: Emulator, calendar: str) -> None:
    code, out, _ = run("update", "alice", calendar, "--description", "Public holidays")
    assert code == 0
    assert out.startswith(f"updated calendar {calendar}")
    stored = emu.state.calendars[calendar]
    assert (stored.name, stored.description, stored.scope.corp_ids) == ("Holidays", "Public holidays", ("ding-acme",))

    code, out, _ = run(
        "--json", "update", "alice", calendar, "--user", "dave", "--group", "cid-engineering", "--manager", "bob"
    )
    assert set(_json(out)) == {"result", "request_id"}
    assert _json(out)["result"] is True
    stored = emu.state.calendars[calendar]
    assert stored.scope.union_ids == ("dave",)
    assert stored.scope.open_conversation_ids == ("cid-engineering",)
    assert stored.scope.corp_ids == ()  # a scope given replaces the whole scope
    assert stored.managers == ("bob",)
    assert stored.description == "Public holidays"


def test_update_with_nothing_to_change_is_a_usage_error_and_sends_nothing(
    run: Run, emu: Emulator, calendar: str
) -> None:
    code, out, err = run("update", "alice", calendar)
    assert code == 2
    assert out == ""
    assert err.startswith("error: nothing to update")
    assert emu.stats.requests("updateSubscribedCalendar") == 0


def test_subscribe_and_unsubscribe(run: Run, emu: Emulator, calendar: str) -> None:
    code, out, _ = run("subscribe", "bob", calendar)
    assert code == 0
    assert out.startswith(f"subscribed bob to calendar {calendar} (request id ")
    assert emu.state.subscribers(calendar) == ("bob",)

    code, out, _ = run("unsubscribe", "bob", calendar, "--json")
    assert code == 0
    assert _json(out)["result"] is True
    assert emu.state.subscribers(calendar) == ()


def test_delete_by_the_creator_only(run: Run, emu: Emulator, calendar: str) -> None:
    run("subscribe", "bob", calendar)
    code, _, err = run("delete", "bob", calendar)
    assert code == 1  # bob is not the creator: DingTalk's permissionDenied
    assert "permissionDenied" in err
    code, out, _ = run("delete", "alice", calendar)
    assert code == 0
    assert out.startswith(f"deleted calendar {calendar} (request id ")
    assert calendar not in emu.state.calendars
    assert emu.state.subscribers(calendar) == ()
    code, out, _ = run("--json", "delete", "alice", calendar)
    assert code == 1
    assert _json(out)["error"]["code"] == "invalidParameter"


def test_events_list_prints_the_events_of_every_page_and_the_sync_token(run: Run, emu: Emulator) -> None:
    for n in range(3):
        start = f'{{"dateTime": "2027-05-0{n + 1}T09:00:00+08:00", "timeZone": "Asia/Shanghai"}}'
        end = f'{{"dateTime": "2027-05-0{n + 1}T10:00:00+08:00", "timeZone": "Asia/Shanghai"}}'
        code, _, err = run("events-create", "alice", "primary", "--summary", f"e{n}", "--start", start, "--end", end)
        assert code == 0, err
    code, out, err = run("events-list", "alice", "primary", "--max-results", "2", "--json")
    assert code == 0, err
    document = _json(out)
    assert sorted(event["summary"] for event in document["events"]) == ["e0", "e1", "e2"]
    assert document["sync_token"]
    assert document["next_token"] is None
    assert emu.stats.requests("listEvents") == 2


def test_quiet_success_prints_nothing(run: Run, calendar: str) -> None:
    assert run("--quiet", "subscribe", "bob", calendar) == (0, "", "")


def test_global_options_work_before_and_after_the_command(run: Run, calendar: str) -> None:
    before = _json(run("--json", "--timeout", "5", "get", "alice", calendar)[1])
    after = _json(run("get", "alice", calendar, "--json", "--timeout", "5")[1])
    assert before["name"] == after["name"] == "Holidays"


# --- errors and exit codes ------------------------------------------------------------------


def test_an_error_answer_exits_1_with_one_line_naming_code_and_request_id(run: Run, calendar: str) -> None:
    code, out, err = run("subscribe", "dave", calendar)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: subscribeCalendar: HTTP 400 permissionDenied: ")
    assert "request id " in err
    assert "Traceback" not in err


def test_an_error_answer_with_json_also_gives_an_error_document(run: Run, calendar: str) -> None:
    code, out, err = run("--json", "subscribe", "dave", calendar)
    assert code == 1
    error = _json(out)["error"]
    assert error["type"] == "PermissionDeniedError"
    assert error["code"] == "permissionDenied"
    assert error["status_code"] == 400
    assert error["request_id"]
    assert error["request_id"] in err
    assert err.startswith("error: ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["get", "alice"], "the following arguments are required: CALENDAR"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["--timeout", "0", "get", "alice", "c"], "invalid positive number value: '0'"),
        (["bulk-subscribe", "c", "f", "--concurrency", "0"], "invalid positive integer value: '0'"),
        (["create", "alice", "--name", "  ", "--org", "ding-acme"], "invalid name: must not be blank (not sent)"),
        (["create", "alice", "--name", "x"], "invalid scope: must name someone"),
        (["get", "alice", " "], "invalid calendar_id: must not be blank"),
        (["bulk-subscribe", "c", "/nonexistent/users.txt"], "cannot read user ids from /nonexistent/users.txt"),
    ],
)
def test_usage_and_validation_errors_exit_2_in_one_line(run: Run, emu: Emulator, argv: list[str], message: str) -> None:
    code, out, err = run(*argv)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert message in err
    assert err.count("\n") == 1
    assert emu.stats.requests() == 0  # nothing was sent, not even a token request


def test_missing_credentials_exit_2_naming_the_variables(run: Run, emu: Emulator) -> None:
    code, _, err = run("get", "alice", "c", environ={"DINGTALK_BASE_URL": emu.url})
    assert code == 2
    assert err.startswith("error: no DingTalk credentials")
    assert "DINGTALK_APP_KEY" in err


def test_incomplete_credentials_exit_2(run: Run, emu: Emulator) -> None:
    code, _, err = run("get", "alice", "c", "--app-key", "k", environ={"DINGTALK_BASE_URL": emu.url})
    assert code == 2
    assert "DINGTALK_APP_SECRET" in err


@pytest.fixture
def closed_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_no_answer_exits_3(run: Run, closed_url: str) -> None:
    code, out, err = run("get", "alice", "c", "--base-url", closed_url, "--max-retries", "0")
    assert code == 3
    assert out == ""
    assert err.startswith("error: ")
    assert "could not connect" in err


def test_help_lists_the_exit_codes(run: Run) -> None:
    code, out, _ = run("--help")
    assert code == 0
    for line in ("0    success", "1    DingTalk answered", "2    usage", "3    no answer", "4    a bulk job", "130"):
        assert line in out


# --- credentials ----------------------------------------------------------------------------


def test_flags_override_the_environment(run: Run, emu: Emulator, env: dict[str, str], calendar: str) -> None:
    wrong = {**env, "DINGTALK_APP_SECRET": "not-the-secret"}
    assert run("get", "alice", calendar, environ=wrong)[0] == 1  # the app's credentials are refused
    code, out, _ = run("get", "alice", calendar, "--app-secret", emu.internal_app.app_secret, environ=wrong)
    assert code == 0
    assert calendar in out


def test_flags_of_one_app_type_hide_the_environments_other_types(run: Run, emu: Emulator, calendar: str) -> None:
    # A personal app in the environment, an internal app's key on the command line and its secret
    # in the environment: the flag decides the app type, the environment supplies the secret.
    environ = {
        "DINGTALK_BASE_URL": emu.url,
        "DINGTALK_CLIENT_ID": "someone-else",
        "DINGTALK_CLIENT_SECRET": "their-secret",
        "DINGTALK_REFRESH_TOKEN": "their-refresh-token",
        "DINGTALK_APP_SECRET": emu.internal_app.app_secret,
    }
    code, out, err = run("get", "alice", calendar, "--app-key", emu.internal_app.app_key, environ=environ)
    assert code == 0, err
    assert calendar in out


SECRET = "s3cr3t-value-never-shown"


def test_help_never_shows_an_environment_secret(run: Run, env: dict[str, str]) -> None:
    environ = {**env, "DINGTALK_APP_SECRET": SECRET}
    for argv in (["--help"], ["get", "--help"], ["bulk-subscribe", "--help"]):
        code, out, err = run(*argv, environ=environ)
        assert code == 0
        assert SECRET not in out + err


def test_refused_credentials_are_not_echoed(run: Run, env: dict[str, str]) -> None:
    code, out, err = run("--json", "get", "alice", "c", "--app-secret", SECRET)
    assert code == 1
    assert "InvalidCredentialsError" in out
    assert SECRET not in out + err


def test_a_misspelt_secret_flag_is_not_echoed(run: Run) -> None:
    code, _, err = run("get", "alice", "c", f"--app-secrte={SECRET}")
    assert code == 2
    assert "--app-secrte" in err
    assert SECRET not in err
    code, _, err = run("get", "alice", "c", "--app-secrte", SECRET)
    assert code == 2
    assert SECRET not in err


# --- bulk jobs ------------------------------------------------------------------------------


def _users_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "users.txt"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bulk_subscribe_from_a_file_with_a_failing_user(run: Run, emu: Emulator, calendar: str, tmp_path: Path) -> None:
    users = _users_file(tmp_path, "# Acme and one outsider\nalice\n\n  bob  \ndave\ncarol\n")
    code, out, _ = run("--json", "bulk-subscribe", calendar, users)
    assert code == 4
    document = _json(out)
    assert document["operation"] == "subscribe"
    assert document["calendar_id"] == calendar
    assert document["ok"] is False
    assert sorted(document["done"]) == ["alice", "bob", "carol"]
    assert document["already_done"] == []
    assert document["not_attempted"] == []
    assert document["stopped_by"] is None
    (failure,) = document["failed"]
    assert failure["user_id"] == "dave"
    assert failure["code"] == "permissionDenied"
    assert "not within the subscription scope" in failure["message"]
    assert failure["request_id"]
    assert sorted(emu.state.subscribers(calendar)) == ["alice", "bob", "carol"]


def test_bulk_human_output_lists_the_failures(run: Run, calendar: str, tmp_path: Path) -> None:
    code, out, _ = run("bulk-subscribe", calendar, _users_file(tmp_path, "alice\ndave\n"))
    assert code == 4
    first, *rest = out.splitlines()
    assert first == f"bulk subscribe, calendar {calendar}: 1 done, 0 already done, 1 failed, 0 not attempted"
    assert rest[0].startswith("failed: dave: subscribeCalendar: HTTP 400 permissionDenied")


def test_bulk_all_done_exits_0(run: Run, emu: Emulator, calendar: str, tmp_path: Path) -> None:
    code, out, _ = run("bulk-subscribe", calendar, _users_file(tmp_path, "alice\nbob\n"), "--json")
    assert code == 0
    assert _json(out)["ok"] is True
    code, out, _ = run("bulk-unsubscribe", calendar, _users_file(tmp_path, "alice\nbob\n"), "--json")
    assert code == 0
    assert _json(out)["operation"] == "unsubscribe"
    assert emu.state.subscribers(calendar) == ()


def test_bulk_reads_user_ids_from_stdin(
    run: Run, emu: Emulator, calendar: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("alice\n# skipped\nbob\n"))
    code, out, _ = run("--json", "bulk-subscribe", calendar, "-")
    assert code == 0
    assert sorted(_json(out)["done"]) == ["alice", "bob"]


def test_a_stopped_bulk_job_reports_what_stopped_it(
    run: Run, env: dict[str, str], calendar: str, tmp_path: Path
) -> None:
    # A bad secret fails every call alike: the job stops and says why.
    users = _users_file(tmp_path, "alice\nbob\ncarol\n")
    code, out, _ = run("--json", "bulk-subscribe", calendar, users, "--concurrency", "1", "--app-secret", "wrong!")
    assert code == 4
    document = _json(out)
    assert document["stopped_by"]["type"] == "InvalidCredentialsError"
    assert len(document["failed"]) + len(document["not_attempted"]) == 3
    assert document["not_attempted"]


def test_journal_and_resume(run: Run, emu: Emulator, calendar: str, tmp_path: Path) -> None:
    users = _users_file(tmp_path, "alice\nbob\ndave\ncarol\n")
    journal = str(tmp_path / "job.jsonl")
    code, _, _ = run("bulk-subscribe", calendar, users, "--journal", journal)
    assert code == 4
    entries = [json.loads(line) for line in Path(journal).read_text().splitlines()]
    assert {(e["user_id"], e["outcome"]) for e in entries} == {
        ("alice", "done"),
        ("bob", "done"),
        ("carol", "done"),
        ("dave", "failed"),
    }
    assert {e["calendar_id"] for e in entries} == {calendar}
    assert next(e for e in entries if e["user_id"] == "dave")["code"] == "permissionDenied"

    # dave is let in; the rerun calls only for him.
    code, _, _ = run("update", "alice", calendar, "--org", "ding-acme", "--user", "dave")
    assert code == 0
    calls_before = emu.stats.requests("subscribeCalendar")
    code, out, _ = run("--json", "bulk-subscribe", calendar, users, "--journal", journal, "--resume", journal)
    assert code == 0
    document = _json(out)
    assert document["done"] == ["dave"]
    assert sorted(document["already_done"]) == ["alice", "bob", "carol"]
    assert emu.stats.requests("subscribeCalendar") - calls_before == 1
    last = json.loads(Path(journal).read_text().splitlines()[-1])
    assert (last["user_id"], last["outcome"]) == ("dave", "done")


def test_resume_ignores_other_calendars_and_operations(run: Run, calendar: str, tmp_path: Path) -> None:
    journal = tmp_path / "job.jsonl"
    journal.write_text(
        json.dumps({"operation": "subscribe", "calendar_id": "another", "user_id": "alice", "outcome": "done"})
        + "\n"
        + json.dumps({"operation": "unsubscribe", "calendar_id": calendar, "user_id": "bob", "outcome": "done"})
        + "\n"
    )
    users = _users_file(tmp_path, "alice\nbob\n")
    code, out, _ = run("--json", "bulk-subscribe", calendar, users, "--resume", str(journal))
    assert code == 0
    assert sorted(_json(out)["done"]) == ["alice", "bob"]


def test_resume_tolerates_a_torn_last_line_but_not_a_broken_journal(run: Run, calendar: str, tmp_path: Path) -> None:
    done = json.dumps({"operation": "subscribe", "calendar_id": calendar, "user_id": "alice", "outcome": "done"})
    users = _users_file(tmp_path, "alice\nbob\n")
    torn = tmp_path / "torn.jsonl"
    torn.write_text(done + '\n{"operation": "subscr')
    code, out, _ = run("--json", "bulk-subscribe", calendar, users, "--resume", str(torn))
    assert code == 0
    assert _json(out)["already_done"] == ["alice"]

    broken = tmp_path / "broken.jsonl"
    broken.write_text("not json\n" + done + "\n")
    code, _, err = run("bulk-subscribe", calendar, users, "--resume", str(broken))
    assert code == 2
    assert err.startswith(f"error: journal {broken}, line 1")


def test_resume_from_a_missing_journal_is_a_usage_error(run: Run, calendar: str, tmp_path: Path) -> None:
    code, _, err = run("bulk-subscribe", calendar, _users_file(tmp_path, "alice\n"), "--resume", "nope.jsonl")
    assert code == 2
    assert "cannot read journal nope.jsonl" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_is_drawn_on_a_terminal_only(
    env: dict[str, str], calendar: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = _users_file(tmp_path, "alice\nbob\ndave\n")
    for extra, drawn in (([], True), (["--json"], False), (["--quiet"], False)):
        terminal = _Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        monkeypatch.setattr(sys, "stdout", io.StringIO())
        assert main(["bulk-subscribe", calendar, users, *extra], environ=env) == 4
        drawn_text = terminal.getvalue()
        assert ("\rsubscribe [" in drawn_text) is drawn, extra
        if drawn:
            assert re.search(r"\] 3/3  [\d.]+/s  failed 1 *\n$", drawn_text), drawn_text


def test_no_progress_bar_when_stderr_is_not_a_terminal(run: Run, calendar: str, tmp_path: Path) -> None:
    _, _, err = run("bulk-subscribe", calendar, _users_file(tmp_path, "alice\n"))
    assert err == ""


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_bar_rendering() -> None:
    stream = io.StringIO()
    clock = _Clock()
    bar = ProgressBar(stream, "subscribe", 4, clock=clock)
    clock.now += 1
    bar.update(Progress("a", "done", 1, 4))
    clock.now += 3
    bar.update(Progress("b", "failed", 2, 4))
    # 2 users in 4 s: 0.5 a second, so the 2 left take 4 s.
    assert bar.render() == "subscribe [###############...............] 2/4  0.5/s  4s left  failed 1"
    bar.close()
    assert stream.getvalue().endswith("2/4  0.5/s  4s left  failed 1\n")
    assert stream.getvalue().count("\r") == 2


def test_progress_bar_time_left_in_minutes_and_hours() -> None:
    clock = _Clock()
    bar = ProgressBar(io.StringIO(), "subscribe", 10_000, clock=clock)
    clock.now += 10
    bar.update(Progress("a", "done", 190, 10_000))  # 19 a second: 9,810 left take 8m36s
    assert bar.render().endswith("190/10000  19.0/s  8m36s left")
    bar.update(Progress("b", "done", 191, 200_000))
    assert bar.render().endswith("191/200000  19.1/s  2h54m left")


def test_progress_bar_of_a_resumed_job_starts_at_the_done_count_and_rates_this_run() -> None:
    stream = io.StringIO()
    clock = _Clock()
    bar = ProgressBar(stream, "subscribe", 5, already_done=3, clock=clock)
    for settled, user in enumerate(["a", "b", "c"], start=1):  # as the job reports a resumed run's users
        bar.update(Progress(user, "already_done", settled, 5))
    assert stream.getvalue() == "\rsubscribe [##################............] 3/5"  # drawn once, at 3
    clock.now += 2
    bar.update(Progress("d", "done", 4, 5))
    assert bar.render().endswith("4/5  0.5/s  2s left")  # 1 user in 2 s: the 3 resumed ones are not this run's


def test_the_progress_bar_counts_distinct_users_and_starts_a_resume_at_its_count(
    env: dict[str, str], calendar: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = _users_file(tmp_path, "alice\nbob\nalice\ncarol\nbob\n")  # 3 users, 2 of them twice
    journal = tmp_path / "job.jsonl"
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["bulk-subscribe", calendar, users, "--journal", str(journal)], environ=env) == 0
    first = terminal.getvalue()
    assert re.search(r"\] 3/3  [\d.]+/s *\n$", first), first
    assert "/5" not in first

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    more = _users_file(tmp_path, "alice\nbob\ncarol\ndave\n")
    assert main(["bulk-subscribe", calendar, more, "--resume", str(journal)], environ=env) == 4  # dave: outside
    draws = terminal.getvalue().split("\r")[1:]
    assert draws[0].startswith("subscribe ["), draws
    assert " 3/4" in draws[0], draws  # not 1/4, 2/4, 3/4
    assert " 4/4 " in draws[-1], draws


# --- as a real process ----------------------------------------------------------------------


def _cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (result,) = _cli_together([list(argv)], env=env)
    return result


def _cli_together(commands: list[list[str]], *, env: dict[str, str]) -> list[subprocess.CompletedProcess[str]]:
    """Run ``python -m dingtalk_calendar.cli`` once per argv, all at once (they are independent)."""
    processes = [
        (argv, subprocess.Popen(
            [sys.executable, "-m", "dingtalk_calendar.cli", *argv],
            env={**_base_env(), **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ))
        for argv in commands
    ]  # fmt: skip
    results = []
    for argv, process in processes:
        out, err = process.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(argv, process.returncode, out, err))
    return results


def _base_env() -> dict[str, str]:
    # The child finds the same packages, and none of the developer's own DINGTALK_* settings.
    return {k: v for k, v in os.environ.items() if not k.startswith("DINGTALK_")}


def test_as_a_process_every_command_and_exit_code_and_never_a_secret_even_in_the_debug_log(
    emu: Emulator, env: dict[str, str], tmp_path: Path, closed_url: str
) -> None:
    debug_env = {**env, "DINGTALK_LOG": "debug"}
    created = _cli("--quiet", "create", "alice", "--name", "Holidays", "--org", "ding-acme", env=debug_env)
    assert created.returncode == 0, created.stderr
    calendar = created.stdout.strip()
    assert calendar in emu.state.calendars
    assert "fetching an access token" in created.stderr  # the debug log is on

    users = tmp_path / "users.txt"
    users.write_text("alice\ndave\n")
    wrong_secret = {**debug_env, "DINGTALK_APP_SECRET": SECRET}
    first = _cli_together(
        [
            ["--json", "get", "alice", calendar],
            ["update", "alice", calendar, "--description", "Closed"],
            ["subscribe", "bob", calendar],
            ["subscribe", "dave", calendar],
            ["update", "alice", calendar],
            ["get", "alice", calendar, "--base-url", closed_url, "--max-retries", "0"],
            ["--json", "bulk-subscribe", calendar, str(users)],
        ],
        env=debug_env,
    )
    unsubscribed = _cli("unsubscribe", "bob", calendar, env=debug_env)  # after "subscribe bob" above
    refused = _cli("get", "alice", calendar, env=wrong_secret)
    runs = [created, *first, unsubscribed, refused]
    assert [r.returncode for r in runs] == [0, 0, 0, 0, 1, 2, 3, 4, 0, 1], [r.stderr for r in runs]
    assert _json(first[0].stdout)["name"] == "Holidays"
    assert emu.state.calendars[calendar].description == "Closed"
    assert _json(first[6].stdout)["failed"][0]["user_id"] == "dave"
    assert emu.state.subscribers(calendar) == ("alice",)  # bob came and went; dave was refused
    assert "InvalidCredentialsError" not in refused.stdout  # human mode: the error is on stderr only
    # The debug log comes first; the error is the last line.
    assert refused.stderr.splitlines()[-1].startswith("error: getAccessToken: HTTP 400 invalidClientIdOrSecret")
    token = emu.issue_token()  # the token the CLI was handed: one per app while it is valid
    for result in runs:
        output = result.stdout + result.stderr
        for secret in (emu.internal_app.app_secret, token, SECRET):
            assert secret not in output
        assert "Traceback" not in output


def _directory_with(users: list[str]) -> Directory:
    return Directory.from_dict(
        {
            "corps": [{"corpId": "ding-big"}],
            "users": [{"unionId": user, "corpIds": ["ding-big"]} for user in users],
        }
    )


@pytest.fixture
def big_emu(dingtalk_emulator_factory: Callable[..., Emulator]) -> Emulator:
    # No quota: every subscribe request counted is one the CLI meant to make, none a throttled retry.
    return dingtalk_emulator_factory(directory=_directory_with(MANY_USERS), qps_limit=None)


def test_ctrl_c_stops_a_bulk_job_with_130_and_resume_finishes_it(
    big_emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {
        "DINGTALK_BASE_URL": big_emu.url,
        "DINGTALK_APP_KEY": big_emu.internal_app.app_key,
        "DINGTALK_APP_SECRET": big_emu.internal_app.app_secret,
    }
    assert main(["--quiet", "create", MANY_USERS[0], "--name", "All hands", "--org", "ding-big"], environ=env) == 0
    calendar = capsys.readouterr().out.strip()
    users = tmp_path / "users.txt"
    users.write_text("\n".join(MANY_USERS) + "\n")
    journal = tmp_path / "job.jsonl"
    argv = ["bulk-subscribe", calendar, str(users), "--journal", str(journal), "--concurrency", "2"]

    job = subprocess.Popen(
        [sys.executable, "-m", "dingtalk_calendar.cli", *argv, "--rate", "2"],  # 12 s to finish: time to interrupt it
        env={**_base_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_lines(journal, 2, job)
        job.send_signal(signal.SIGINT)
        _out, err = job.communicate(timeout=60)
    finally:
        job.kill()
    assert job.returncode == 130, err
    assert "interrupted:" in err
    assert f"--resume {journal}" in err
    assert "Traceback" not in err
    first_run = [json.loads(line)["user_id"] for line in journal.read_text().splitlines()]
    assert 2 <= len(first_run) < len(MANY_USERS)

    assert main(["--json", *argv, "--resume", str(journal), "--rate", "1000"], environ=env) == 0
    document = _json(capsys.readouterr().out)
    assert sorted(document["already_done"]) == sorted(first_run)
    assert sorted(document["done"] + document["already_done"]) == sorted(MANY_USERS)
    # Nothing lost, nothing twice: one subscribe request per user over both runs.
    assert big_emu.stats.requests("subscribeCalendar") == len(MANY_USERS)
    assert sorted(big_emu.state.subscribers(calendar)) == sorted(MANY_USERS)


def test_a_second_ctrl_c_quits_at_once_and_still_says_how_to_resume(big_emu: Emulator, tmp_path: Path) -> None:
    env = {
        "DINGTALK_BASE_URL": big_emu.url,
        "DINGTALK_APP_KEY": big_emu.internal_app.app_key,
        "DINGTALK_APP_SECRET": big_emu.internal_app.app_secret,
    }
    # Every subscribe hangs, so the calls under way are still under way at the second Ctrl-C.
    big_emu.faults.next("latency:60", count=len(MANY_USERS), operation="subscribeCalendar")
    users = tmp_path / "users.txt"
    users.write_text("\n".join(MANY_USERS) + "\n")
    journal = tmp_path / "job.jsonl"
    argv = ["bulk-subscribe", "cal-1", str(users), "--journal", str(journal), "--concurrency", "2"]
    job = subprocess.Popen(
        [sys.executable, "-m", "dingtalk_calendar.cli", *argv],
        env={**_base_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until(lambda: big_emu.stats.requests("subscribeCalendar") >= 2, job)  # both calls in flight
        job.send_signal(signal.SIGINT)
        assert job.stderr is not None
        assert job.stderr.readline() == "\n"
        assert job.stderr.readline().startswith("stopping after the calls under way")
        job.send_signal(signal.SIGINT)
        _out, err = job.communicate(timeout=60)
    finally:
        job.kill()
    assert job.returncode == 130, err
    assert f"interrupted: 0 users settled (0 done, 0 failed); the journal {journal} has them" in err
    assert f"run again with --resume {journal}" in err
    assert "Traceback" not in err


def _wait_until(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"the job ended before it was interrupted: {process.communicate()}")
        time.sleep(0.01)
    pytest.fail("the job did not get under way")


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen[str]) -> None:
    """Until ``path`` has ``count`` lines (the job is under way); fails if the process ends first."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if path.exists() and len(path.read_text().splitlines()) >= count:
            return
        if process.poll() is not None:
            pytest.fail(f"the job ended before it was interrupted: {process.communicate()}")
        time.sleep(0.01)
    pytest.fail(f"{path} did not reach {count} lines")


def test_a_reader_that_goes_away_is_no_error(
    env: dict[str, str], calendar: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ClosedPipe(io.TextIOWrapper):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    stdout = ClosedPipe(open(tmp_path / "stdout", "wb"))  # noqa: SIM115  # a real descriptor to redirect
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["--json", "get", "alice", calendar], environ=env) == 0
    assert stderr.getvalue() == ""


def test_enterprise_app_flags_and_a_fixed_token(run: Run, emu: Emulator, calendar: str) -> None:
    suite = emu.enterprise_app
    environ = {
        "DINGTALK_BASE_URL": emu.url,
        "DINGTALK_SUITE_SECRET": suite.suite_secret,
        "DINGTALK_SUITE_TICKET": suite.suite_ticket,
    }
    code, out, err = run(
        "--quiet", "create", "alice", "--name", "Suite", "--org", "ding-acme",
        "--suite-key", suite.suite_key, "--auth-corp-id", "ding-acme", environ=environ,
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() in emu.state.calendars

    fixed = {"DINGTALK_BASE_URL": emu.url, "DINGTALK_ACCESS_TOKEN": emu.issue_token()}
    token_requests = emu.stats.token_requests
    code, out, err = run("get", "alice", calendar, environ=fixed)
    assert code == 0, err
    assert calendar in out
    assert emu.stats.token_requests == token_requests  # a fixed token is used as given


# --- the README's examples ------------------------------------------------------------------

README = Path(__file__).resolve().parent.parent / "README.md"
CLI_SECTION = "## The command line: `dingtalk-calendar`"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
CAPTURE = re.compile(r"^(\w+)=\$\((dingtalk-calendar .*)\)$")
PRINTF = re.compile(r"^printf '([^']*)' > (\S+)$")
EXPECTED_EXIT = re.compile(r"#\s*exit (\d+)")


def readme_cli_examples(readme: str) -> list[str]:
    """The lines of the ```sh blocks of the README's CLI section (empty when it has none)."""
    if CLI_SECTION not in readme:
        return []
    section = readme.split(CLI_SECTION, 1)[1].split("\n## ", 1)[0]
    return [line.strip() for block in SH_BLOCK.findall(section) for line in block.splitlines()]


def test_the_readmes_cli_examples_run(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example line runs through ``main`` and exits as its ``# exit N`` comment says (0 without one)."""
    lines = readme_cli_examples(README.read_text(encoding="utf-8"))
    if not lines:
        pytest.skip(f"README.md has no {CLI_SECTION!r} section yet")
    monkeypatch.chdir(tmp_path)
    variables: dict[str, str] = {}
    for line in lines:
        if not line or line.startswith(("#", "export ")):
            continue  # the test's environment holds the credentials
        if printf := PRINTF.match(line):
            Path(printf[2]).write_text(printf[1].replace("\\n", "\n"))
            continue
        capture = CAPTURE.match(line)
        command = capture[2] if capture else line
        for name, value in variables.items():
            command = command.replace(f'"${name}"', value).replace(f"${name}", value)
        argv = shlex.split(command, comments=True)
        assert argv[0] == "dingtalk-calendar", f"the README's CLI example runs something else: {line}"
        expected = EXPECTED_EXIT.search(line)
        code, out, err = run(*argv[1:])
        assert code == (int(expected[1]) if expected else 0), f"{line}\n{out}{err}"
        if capture:
            variables[capture[1]] = out.strip()


# --- configuration mistakes, the token store, the README's exit-code table --------------------------


@pytest.mark.parametrize(
    ("settings", "flags", "message"),
    [
        ({"DINGTALK_MAX_RETRIES": "-3"}, [], "DINGTALK_MAX_RETRIES='-3': must be 0 or more"),
        ({"DINGTALK_MAX_RETRIES": "many"}, [], "DINGTALK_MAX_RETRIES='many' is not a whole number"),
        ({"DINGTALK_TIMEOUT": "0"}, [], "DINGTALK_TIMEOUT='0': must be more than 0"),
        ({"DINGTALK_TIMEOUT": "nan"}, [], "DINGTALK_TIMEOUT='nan': must be more than 0"),
        ({"DINGTALK_REDIS_URL": "not-a-url"}, [], "DINGTALK_REDIS_URL: the Redis URL must start with redis://"),
        ({"DINGTALK_BASE_URL": "not-a-url"}, [], "DINGTALK_BASE_URL must be an http:// or https:// URL"),
        ({}, ["--base-url", "not-a-url"], "--base-url must be an http:// or https:// URL"),
        ({}, ["--base-url", "ftp://127.0.0.1/"], "--base-url must be an http:// or https:// URL"),
    ],
)
def test_a_configuration_mistake_exits_2_with_a_plain_message(
    run: Run, emu: Emulator, env: dict[str, str], settings: dict[str, str], flags: list[str], message: str
) -> None:
    for json_flag in ([], ["--json"]):
        code, out, err = run(*json_flag, "get", "alice", "cal-1", *flags, environ={**env, **settings})
        assert code == 2, err
        assert err == f"error: {message}\n" or err.startswith(f"error: {message}")
        assert "unexpected" not in err
        assert err.count("\n") == 1
        if json_flag:
            assert _json(out)["error"]["type"] == "ConfigurationError"
    assert emu.stats.requests() == 0


def test_a_token_with_a_line_break_exits_2_and_is_never_printed(run: Run, emu: Emulator) -> None:
    token = "fixed-token-5c1e0a9b77\n"  # as read from a file
    environ = {"DINGTALK_BASE_URL": emu.url, "DINGTALK_ACCESS_TOKEN": token}
    for json_flag in ([], ["--json"]):
        code, out, err = run(*json_flag, "get", "alice", "cal-1", environ=environ)
        assert code == 2
        assert "line break" in err
        assert "fixed-token-5c1e0a9b77" not in out + err
    code, out, err = run("get", "alice", "cal-1", "--access-token", token, environ={"DINGTALK_BASE_URL": emu.url})
    assert code == 2
    assert "fixed-token-5c1e0a9b77" not in out + err
    assert emu.stats.requests() == 0


@pytest.fixture
def closed_redis_url(closed_url: str) -> str:
    """A Redis that is down: a loopback port nothing listens on."""
    return closed_url.replace("http://", "redis://") + "/0"


def test_an_unreachable_token_store_exits_3_for_a_user_token(run: Run, emu: Emulator, closed_redis_url: str) -> None:
    personal = emu.personal_app
    environ = {
        "DINGTALK_BASE_URL": emu.url,
        "DINGTALK_CLIENT_ID": personal.client_id,
        "DINGTALK_CLIENT_SECRET": personal.client_secret,
        "DINGTALK_AUTH_CODE": personal.issue_auth_code("alice"),
        "DINGTALK_REDIS_URL": closed_redis_url,
    }
    code, _, err = run("get", "alice", "cal-1", environ=environ)
    assert code == 3
    assert err.startswith("error: Redis token store: reading user:")
    assert "unexpected" not in err
    assert emu.stats.requests() == 0


def test_an_unreachable_token_store_does_not_stop_an_app(
    run: Run, emu: Emulator, env: dict[str, str], calendar: str, closed_redis_url: str
) -> None:
    code, _, err = run("--quiet", "subscribe", "bob", calendar, environ={**env, "DINGTALK_REDIS_URL": closed_redis_url})
    assert code == 0, err
    assert emu.state.subscribers(calendar) == ("bob",)


def _readme_exit_codes() -> list[tuple[int, str]]:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("| exit code | meaning |", 1)[1].split("\n\n", 1)[0]
    return [(int(m.group(1)), m.group(2)) for m in re.finditer(r"^\| (\d+) \| (.*) \|$", table, re.MULTILINE)]


def test_the_readmes_exit_code_table_is_what_the_cli_does() -> None:
    from dingtalk_calendar import (
        APIConnectionError,
        APIStatusError,
        ConfigurationError,
        TokenStoreError,
        ValidationError,
    )
    from dingtalk_calendar.cli._exit_codes import EXIT_CODES_HELP, ExitCode, exit_code_for

    examples: dict[str, BaseException] = {
        "APIStatusError": APIStatusError(status_code=400),
        "ConfigurationError": ConfigurationError("x"),
        "ValidationError": ValidationError("name", "must not be blank"),
        "APIConnectionError": APIConnectionError("refused"),
        "TokenStoreError": TokenStoreError("Redis down"),
    }
    rows = _readme_exit_codes()
    assert [code for code, _ in rows] == [int(code) for code in ExitCode]
    named = 0
    for code, meaning in rows:
        assert re.search(rf"^  {code} ", EXIT_CODES_HELP, re.MULTILINE), code  # --help says the same
        for name in re.findall(r"`(\w+Error)`", meaning):
            assert exit_code_for(examples[name]) == code, name
            named += 1
    assert named == len(examples)
