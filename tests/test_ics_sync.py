"""ics-sync against the emulator: plans send nothing, applies converge, crashes and lost answers leave no duplicates."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dingtalk_calendar import CalendarClient, InternalAppCredentials, RetryPolicy, ValidationError
from dingtalk_calendar.cli import main
from dingtalk_calendar.ics import FeedRefusedError, sync_feed
from dingtalk_calendar_emulator import Emulator

FEEDS = Path(__file__).parent / "ics_feeds"
TODAY = date(2026, 1, 1)
WRITES = ("createEvent", "patchEvent", "deleteEvent")
# DingTalk's (and the emulator's) 20 calls a second per app and API throttle a fast run: wait as the SDK does.
PATIENT = RetryPolicy(max_retries=10, initial_backoff=0.01, max_backoff=0.05)


def text(value: str) -> str:
    """``value`` as an iCalendar TEXT (RFC 5545 3.3.11): a backslash, ``;`` and ``,`` escaped."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def ics(events: list[tuple[str, str, date]]) -> bytes:
    """A feed of all-day events: (uid, summary, day)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//ics-sync//EN"]
    for uid, summary, day in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{text(summary)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def numbered(count: int, prefix: str = "Day") -> list[tuple[str, str, date]]:
    return [(f"{prefix.lower()}-{n}@tests", f"{prefix} {n}", TODAY + timedelta(days=n)) for n in range(count)]


def writes(emu: Emulator) -> int:
    return sum(emu.stats.requests(operation) for operation in WRITES)


@pytest.fixture
def client(dingtalk_emulator: Emulator) -> Iterator[CalendarClient]:
    app = dingtalk_emulator.internal_app
    credentials = InternalAppCredentials(app.app_key, app.app_secret)
    with CalendarClient(base_url=dingtalk_emulator.url, credentials=credentials, retry_policy=PATIENT) as made:
        yield made


@pytest.fixture
def calendar(client: CalendarClient) -> str:
    """A subscribed calendar of alice's that bob manages; Acme may subscribe."""
    from dingtalk_calendar import Scope

    return client.create(
        "alice", name="Holidays", managers=["bob"], scope=Scope(organisations=["ding-acme"])
    ).calendar_id


def sync(client: CalendarClient, feed: bytes, calendar: str, state: Path, **options: Any) -> Any:
    return sync_feed(client, feed, user_id="alice", calendar_id=calendar, state_path=state, today=TODAY, **options)


def published(emu: Emulator, calendar: str) -> Counter[str]:
    return Counter(event["summary"] for event in emu.events.events_of(calendar))


def test_a_plan_sends_nothing(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    summary = sync(client, (FEEDS / "holidays.ics").read_bytes(), calendar, tmp_path / "state.json")
    assert summary.document() == {"created": 8, "updated": 0, "deleted": 0, "unchanged": 0, "applied": False}
    assert writes(dingtalk_emulator) == 0
    assert not (tmp_path / "state.json").exists()


def test_apply_converges_edits_and_removals_cost_one_call_each(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    emu, state = dingtalk_emulator, tmp_path / "state.json"
    events = numbered(10)
    assert sync(client, ics(events), calendar, state, apply=True).created == 10
    before = writes(emu)
    again = sync(client, ics(events), calendar, state, apply=True)
    assert (again.unchanged, writes(emu) - before) == (10, 0)  # a second apply makes no write
    edited = [*events[:3], (events[3][0], "Day 3 (moved)", events[3][2] + timedelta(days=1)), *events[4:]]
    before = writes(emu)
    assert sync(client, ics(edited), calendar, state, apply=True).updated == 1
    assert (writes(emu) - before, emu.stats.requests("patchEvent")) == (1, 1)
    before = writes(emu)
    assert sync(client, ics(edited[:-1]), calendar, state, apply=True).deleted == 1
    assert (writes(emu) - before, emu.stats.requests("deleteEvent")) == (1, 1)
    assert published(emu, calendar) == Counter(summary for _, summary, _ in edited[:-1])


def test_empty_unreadable_and_mostly_deleting_feeds_change_nothing(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    emu, state = dingtalk_emulator, tmp_path / "state.json"
    sync(client, ics(numbered(6)), calendar, state, apply=True)
    before = writes(emu)
    for feed, reason in ((ics([]), "empty"), (b"<html>moved</html>", "unreadable"), (ics(numbered(2)), "mass-delete")):
        with pytest.raises(FeedRefusedError) as refused:
            sync(client, feed, calendar, state, apply=True)
        assert refused.value.reason == reason
    assert writes(emu) == before
    assert len(emu.events.events_of(calendar)) == 6
    emptied = sync(client, ics([]), calendar, state, apply=True, allow_mass_delete=True)
    assert emptied.deleted == 6
    assert emu.events.events_of(calendar) == []


def test_the_daily_limit_stops_the_run_and_the_next_day_finishes_it(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    emu, state = dingtalk_emulator, tmp_path / "state.json"
    emu.events.daily_create_limit = 5
    first = sync(client, ics(numbered(8)), calendar, state, apply=True)
    assert (first.created, first.complete, first.plan.days_needed) == (5, False, 1)
    emu.clock.advance(24 * 3600)
    second = sync(client, ics(numbered(8)), calendar, state, apply=True)
    assert (second.created, second.unchanged, second.complete) == (3, 5, True)
    assert published(emu, calendar) == Counter(summary for _, summary, _ in numbered(8))


def test_a_large_feed_plans_its_days(client: CalendarClient, calendar: str, tmp_path: Path) -> None:
    plan = sync(client, ics(numbered(250)), calendar, tmp_path / "state.json").plan
    assert plan.days_needed == 3
    assert any("3 days" in line for line in plan.lines())


def test_lost_answers_leave_no_duplicates(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    emu = dingtalk_emulator
    emu.faults.set_rates(drop_after=0.2, seed=7, operations=WRITES)
    events = numbered(40)
    summary = sync(client, ics(events), calendar, tmp_path / "state.json", apply=True)
    assert summary.created == 40
    assert emu.faults.injected.get("drop_after", 0) > 0
    assert published(emu, calendar) == Counter(summary for _, summary, _ in events)  # each exactly once


def test_a_create_lost_and_not_retried_is_the_same_event_on_the_next_run(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    """The x-client-token derived from the event's key and digest reaches DingTalk: a new run,
    with a new client, sends the same create and gets the first one's event."""
    from dingtalk_calendar import DingTalkError

    emu = dingtalk_emulator
    events = numbered(2)
    app = emu.internal_app
    credentials = InternalAppCredentials(app.app_key, app.app_secret)
    emu.faults.next("drop_after", operation="createEvent")  # acts, then loses the answer
    impatient = CalendarClient(base_url=emu.url, credentials=credentials, max_retries=0)
    with impatient, pytest.raises(DingTalkError):
        sync(impatient, ics(events), calendar, tmp_path / "state.json", apply=True)
    assert sum(published(emu, calendar).values()) == 1  # made, but the run never heard of it
    summary = sync(client, ics(events), calendar, tmp_path / "state.json", apply=True)
    assert summary.created == 2
    assert published(emu, calendar) == Counter(summary for _, summary, _ in events)  # each exactly once


def _environment(emu: Emulator) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("DINGTALK_")}
    return {
        **env,
        "DINGTALK_APP_KEY": emu.internal_app.app_key,
        "DINGTALK_APP_SECRET": emu.internal_app.app_secret,
        "DINGTALK_BASE_URL": emu.url,
    }


def _cli(feed: Path, calendar: str, state: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "dingtalk_calendar.cli", "ics-sync", str(feed), "--user", "alice",
            "--calendar", calendar, "--state", str(state), *extra]  # fmt: skip


def test_kill_9_at_a_random_point_then_a_rerun_leaves_no_duplicates(
    dingtalk_emulator: Emulator, calendar: str, tmp_path: Path
) -> None:
    emu, state, feed = dingtalk_emulator, tmp_path / "state.json", tmp_path / "feed.ics"
    events = numbered(30)
    feed.write_bytes(ics(events))
    emu.faults.set_rates(latency=0.02, operations=WRITES)  # so the kill can land inside a request too
    kill_after = random.Random().randint(1, 25)
    process = subprocess.Popen(_cli(feed, calendar, state, "--apply"), env=_environment(emu))
    while writes(emu) < kill_after and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    emu.faults.clear()
    rerun = subprocess.run(_cli(feed, calendar, state, "--apply", "--json"), env=_environment(emu),
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["applied"] is True
    assert published(emu, calendar) == Counter(summary for _, summary, _ in events), f"killed after {kill_after}"


def test_the_cli_prints_the_plan_and_the_json_summary(
    dingtalk_emulator: Emulator, calendar: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, state = FEEDS / "holidays.ics", tmp_path / "state.json"
    environ = _environment(dingtalk_emulator)
    argv = ["ics-sync", str(feed), "--user", "alice", "--calendar", calendar, "--state", str(state)]
    assert main(argv, environ) == 0
    assert "create 'Spring Festival' (2026-02-16)" in capsys.readouterr().out
    assert main(["--json", *argv, "--apply"], environ) == 0
    assert json.loads(capsys.readouterr().out) == {
        "created": 8, "updated": 0, "deleted": 0, "unchanged": 0, "applied": True,
    }  # fmt: skip
    empty = tmp_path / "empty.ics"
    empty.write_bytes(ics([]))
    assert main([*argv[:1], str(empty), *argv[2:], "--apply"], environ) == 6
    assert len(dingtalk_emulator.events.events_of(calendar)) == 8


@pytest.mark.parametrize(
    ("given", "field", "why"),
    [
        ({"feed": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}, "feed", "give the feed's own text as bytes"),
        ({"feed": "no-such-feed.ics"}, "feed", "cannot be read (No such file or directory)"),
        ({"feed": 12}, "feed", "must be the feed's bytes or a file's path, not int"),
        ({"horizon_days": -1}, "horizon_days", "0 or more"),
        ({"horizon_days": "30"}, "horizon_days", "0 or more"),
        ({"default_zone": "Mars/Base"}, "default_zone", "an IANA time zone"),
        ({"default_zone": "../../etc/passwd"}, "default_zone", "an IANA time zone"),
        ({"today": "2026-03-01"}, "today", "must be a date, not str"),
    ],
)
def test_an_argument_that_cannot_work_is_named_before_anything_is_read_or_sent(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path, given: dict[str, Any],
    field: str, why: str, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)  # where no-such-feed.ics is not
    arguments: dict[str, Any] = {"feed": ics(numbered(2)), "today": TODAY, **given}
    state = tmp_path / "state.json"
    before = writes(dingtalk_emulator)
    with pytest.raises(ValidationError) as raised:
        sync_feed(client, user_id="alice", calendar_id=calendar, state_path=state, apply=True, **arguments)
    assert (raised.value.field, why in raised.value.reason) == (field, True), raised.value.reason
    assert writes(dingtalk_emulator) == before
    assert not state.exists()


def test_the_cli_names_its_own_option_that_cannot_work(
    dingtalk_emulator: Emulator, calendar: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, state = tmp_path / "feed.ics", tmp_path / "state.json"
    feed.write_bytes(ics(numbered(2)))
    argv = ["ics-sync", str(feed), "--user", "alice", "--calendar", calendar, "--state", str(state), "--apply"]
    environ = _environment(dingtalk_emulator)
    for extra, said in (
        (["--timezone", "Mars/Base"], "--timezone: must be an IANA time zone"),
        (["--horizon-days", "-3"], "--horizon-days: must be a whole number of days"),
    ):
        assert main([*argv, *extra], environ) == 2
        assert said in capsys.readouterr().err
    assert main([*argv[:1], str(tmp_path / "missing.ics"), *argv[2:]], environ) == 2
    assert "FILE: " in capsys.readouterr().err
    assert dingtalk_emulator.events.events_of(calendar) == []
    assert not state.exists()


def test_exdate_and_a_moved_instance(dingtalk_emulator: Emulator, client: CalendarClient, calendar: str,
                                     tmp_path: Path) -> None:  # fmt: skip
    summary = sync(client, (FEEDS / "exdate_moved.ics").read_bytes(), calendar, tmp_path / "s.json", apply=True)
    assert "RDATE or EXDATE" in "\n".join(summary.plan.lines())
    events = dingtalk_emulator.events.events_of(calendar)
    starts = sorted(e["start"]["dateTime"] for e in events if e["summary"].startswith("Release train"))
    # Six Mondays, the 19th excluded (EXDATE), the 26th moved to Tuesday the 27th at 14:00.
    assert starts == [
        "2026-01-05T10:00:00+08:00", "2026-01-12T10:00:00+08:00", "2026-01-27T14:00:00+08:00",
        "2026-02-02T10:00:00+08:00", "2026-02-09T10:00:00+08:00",
    ]  # fmt: skip
    standup = next(e for e in events if e["summary"] == "Standup")
    assert standup["recurrence"]["pattern"] == {
        "type": "weekly", "interval": 1, "daysOfWeek": "monday,tuesday,wednesday,thursday,friday",
    }  # fmt: skip
    assert standup["recurrence"]["range"]["type"] == "endDate"


def test_daylight_saving_changes_keep_local_times(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    sync(client, (FEEDS / "dst.ics").read_bytes(), calendar, tmp_path / "s.json", apply=True)
    events = dingtalk_emulator.events.events_of(calendar)
    berlin = sorted(e["start"]["dateTime"] for e in events if e["summary"].startswith("Berlin"))
    # 09:00 in Berlin every week: +01:00 before the last Sunday of March, +02:00 after it.
    assert berlin == ["2026-03-16T09:00:00+01:00", "2026-03-23T09:00:00+01:00",
                      "2026-03-30T09:00:00+02:00", "2026-04-06T09:00:00+02:00"]  # fmt: skip
    assert {e["start"]["timeZone"] for e in events if e["summary"].startswith("Berlin")} == {"Europe/Berlin"}
    monthly = next(e for e in events if e["summary"].startswith("Last Saturday"))
    assert monthly["recurrence"]["pattern"]["type"] == "relativeMonthly"
    assert monthly["recurrence"]["pattern"]["index"] == "last"


def test_a_holiday_feed_end_to_end(dingtalk_emulator: Emulator, client: CalendarClient, calendar: str,
                                   tmp_path: Path) -> None:  # fmt: skip
    sync(client, (FEEDS / "holidays.ics").read_bytes(), calendar, tmp_path / "s.json", apply=True)
    events = {e["summary"]: e for e in dingtalk_emulator.events.events_of(calendar)}
    assert events["Spring Festival"]["start"] == {"date": "2026-02-16"}
    assert events["Spring Festival"]["end"] == {"date": "2026-02-24"}  # the day after the last, as DingTalk wants
    assert events["Christmas Day"]["recurrence"]["pattern"]["type"] == "absoluteYearly"
    # A subscriber of the calendar sees them.
    client.subscribe("carol", calendar)
    seen = client.request("GET", f"/v1.0/calendar/users/carol/calendars/{calendar}/events").body["events"]
    assert len(seen) == 8


FEED_EVENTS = st.lists(
    st.tuples(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
        .map(str.strip)
        .filter(bool),
        st.integers(min_value=0, max_value=300),
    ),
    max_size=12,
    unique_by=lambda item: item[0],
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=FEED_EVENTS, second=FEED_EVENTS)
@example(first=[("a", "\\N; a, b\\", 0)], second=[])  # what a feed must escape (found by hypothesis)
def test_generated_feeds_converge(
    dingtalk_emulator: Emulator, client: CalendarClient, tmp_path_factory: pytest.TempPathFactory, first: Any,
    second: Any,
) -> None:  # fmt: skip
    from dingtalk_calendar import Scope

    calendar = client.create("alice", name="Generated", scope=Scope(organisations=["ding-acme"])).calendar_id
    state = tmp_path_factory.mktemp("generated") / "state.json"
    emu = dingtalk_emulator
    emu.events.daily_create_limit = None  # one emulator serves every example: more than 100 creates a day
    for feed in (first, second):
        events = [(f"{uid}@gen", summary, TODAY + timedelta(days=day)) for uid, summary, day in feed]
        assert sync(client, ics(events), calendar, state, apply=True, allow_mass_delete=True).complete
        assert published(emu, calendar) == Counter(summary for _, summary, _ in events)
        before = writes(emu)
        assert sync(client, ics(events), calendar, state, apply=True, allow_mass_delete=True).unchanged == len(events)
        assert writes(emu) == before


def _recurring_feed(rule: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tests//rules//EN\r\nBEGIN:VEVENT\r\nUID:rule@tests\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Asia/Shanghai:20260105T100000\r\n"
        f"DTEND;TZID=Asia/Shanghai:20260105T110000\r\n{rule}SUMMARY:Rule\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("rule", "pattern", "why"),
    [
        ("RRULE:FREQ=DAILY;INTERVAL=2;COUNT=10\r\n", {"type": "daily", "interval": 2}, None),
        (
            "RRULE:FREQ=MONTHLY;BYDAY=2TU\r\n",
            {"type": "relativeMonthly", "interval": 1, "daysOfWeek": "tuesday", "index": "second"},
            None,
        ),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=15\r\n", {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 15}, None),
        ("RRULE:FREQ=DAILY;COUNT=150\r\n", None, "COUNT=150"),
        ("RRULE:FREQ=DAILY;INTERVAL=400\r\n", None, "INTERVAL=400"),
        ("RRULE:FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1\r\n", None, "BYSETPOS"),
        ("RRULE:FREQ=MONTHLY;BYDAY=5FR\r\n", None, "fifth weekday"),
        ("RRULE:FREQ=WEEKLY;COUNT=3\r\nRDATE;TZID=Asia/Shanghai:20260107T100000\r\n", None, "RDATE or EXDATE"),
    ],
)
def test_rules_dingtalk_holds_recur_others_are_expanded_and_said_so(
    client: CalendarClient, calendar: str, tmp_path: Path, rule: str, pattern: Any, why: str | None
) -> None:
    plan = sync(client, _recurring_feed(rule), calendar, tmp_path / "state.json").plan
    if pattern is not None:
        assert [c.body["recurrence"]["pattern"] for c in plan.creates] == [pattern]
        assert plan.expansions == ()
    else:
        assert all("recurrence" not in c.body for c in plan.creates)
        assert len(plan.creates) == plan.expansions[0].occurrences >= 1  # single events within the horizon
        assert why in plan.expansions[0].reason
        assert any(line.startswith("expanded 'Rule'") for line in plan.lines())


def test_a_single_event_turning_recurring_is_replaced(
    dingtalk_emulator: Emulator, client: CalendarClient, calendar: str, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    sync(client, _recurring_feed(""), calendar, state, apply=True)
    changed = sync(client, _recurring_feed("RRULE:FREQ=WEEKLY;COUNT=3\r\n"), calendar, state, apply=True)
    assert changed.updated == 1
    (event,) = dingtalk_emulator.events.events_of(calendar)
    assert event["recurrence"]["range"] == {"type": "numbered", "numberOfOccurrences": 3}
