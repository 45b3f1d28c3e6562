"""The emulator at fleet scale: each organisation of a suite has its own quotas, answers and counts."""

from collections.abc import Iterator

import httpx
import pytest

from dingtalk_calendar_emulator import Emulator
from dingtalk_calendar_emulator.fleet import Fleet, OrgQuota

# The default directory: ding-acme (alice, bob, carol) and ding-globex (carol, dave, erin).
QUOTAS = {
    "ding-acme": OrgQuota(per_second=None, per_minute=2, monthly=None),
    "ding-globex": OrgQuota(per_second=None, per_minute=None, monthly=3),
}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(fleet=Fleet(QUOTAS)) as emulator:
        yield emulator


def get_calendar(emu: Emulator, corp_id: str, user_id: str) -> httpx.Response:
    token = emu.issue_token(emu.enterprise_app, corp_id=corp_id)
    return httpx.get(
        f"{emu.url}/v1.0/calendar/users/{user_id}/subscribedCalendars/nothing-here",
        headers={"x-acs-dingtalk-access-token": token},
    )


def code(response: httpx.Response) -> str | None:
    return response.json().get("code") if response.status_code == 403 else None


def test_each_organisation_meets_its_own_quotas_and_dingtalks_answers(emu: Emulator) -> None:
    # Two calls within a minute are what ding-acme's per-minute quota allows; the third is refused.
    acme = [code(get_calendar(emu, "ding-acme", "alice")) for _ in range(3)]
    assert acme == [None, None, "Forbidden.AccessDenied.QpmLimitForSuitekeyAndOrgAndApi"]
    # ding-globex has no per-minute quota, but three calls a month.
    globex = [code(get_calendar(emu, "ding-globex", "dave")) for _ in range(4)]
    assert globex == [None, None, None, "Forbidden.AccessDenied.ApiCountLimitForOrg"]

    assert emu.fleet is not None
    acme_counts, globex_counts = emu.fleet.counts("ding-acme"), emu.fleet.counts("ding-globex")
    assert (acme_counts.accepted, acme_counts.per_minute_refusals, acme_counts.monthly_refusals) == (2, 1, 0)
    assert (globex_counts.accepted, globex_counts.per_minute_refusals, globex_counts.monthly_refusals) == (3, 0, 1)
    # The same counts over HTTP, for a test or demo in another process.
    snapshot = httpx.post(f"{emu.url}/_emulator/fleet").json()
    assert snapshot["ding-globex"]["monthlyRefusals"] == 1
    assert snapshot["ding-acme"]["quota"] == {"perSecond": None, "perMinute": 2, "monthly": None}


def test_a_repeated_subscribe_is_counted_as_a_duplicate(emu: Emulator) -> None:
    token = emu.issue_token(emu.enterprise_app, corp_id="ding-acme")
    headers = {"x-acs-dingtalk-access-token": token}
    made = httpx.post(
        f"{emu.url}/v1.0/calendar/users/alice/subscribedCalendars",
        headers=headers,
        json={"name": "News", "subscribeScope": {"corpIds": ["ding-acme"]}},
    )
    calendar_id = made.json()["calendarId"]
    for _ in range(2):
        answer = httpx.post(f"{emu.url}/v1.0/calendar/users/bob/calendars/{calendar_id}/subscribe", headers=headers)
        assert answer.status_code == 200
    assert emu.fleet is not None
    counts = emu.fleet.counts("ding-acme")
    assert (counts.subscribed, counts.duplicate_subscribes) == (1, 1)
