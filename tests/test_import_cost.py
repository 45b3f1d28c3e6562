"""What importing the SDK loads: a sync application pays neither for asyncio nor for operations it does not use.

No timing is asserted (import times belong to ``make bench``): a fresh interpreter reports which
modules the SDK added, and the test checks their names. httpx and attrs are imported first, because
the SDK cannot do without them and what they load themselves is not ours to avoid.
"""

import json
import subprocess
import sys

import pytest

_PROBE = """
import json, sys
import attrs, httpx
before = set(sys.modules)
{body}
print(json.dumps(sorted(set(sys.modules) - before)))
"""

IMPORT_AND_CONSTRUCT = """
from dingtalk_calendar import AsyncCalendarClient, CalendarClient
CalendarClient("a-fixed-access-token").close()
"""

ONE_GET_CALL = """
from dingtalk_calendar import CalendarClient
def answer(request):
    return httpx.Response(200, json={"calendarId": "cal-1", "name": "Holidays", "author": "alice"})
with CalendarClient("a-fixed-access-token", transport=httpx.MockTransport(answer)) as client:
    assert client.get("alice", "cal-1").name == "Holidays"
"""

# Loaded only where they are needed: async code, bulk jobs, a call of that operation, a Redis store.
NOT_AT_IMPORT = (
    "asyncio",
    "concurrent",
    "dingtalk_calendar_api.api",
    "dingtalk_calendar_api.models",
    "dingtalk_calendar.cli",
    "aiohttp",
    "dingtalk_calendar._transport.aiohttp_transport",
    "httpx_aiohttp",
    "dingtalk_calendar._bulk.run",
    "dingtalk_calendar._client.env",
    "dingtalk_calendar._bulk.rate_limit",
    "dingtalk_calendar_emulator",
    "redis",
)


def _added_modules(body: str) -> list[str]:
    """The modules that running ``body`` adds to a fresh interpreter's ``sys.modules``."""
    result = subprocess.run(
        [sys.executable, "-I", "-c", _PROBE.format(body=body)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    added: list[str] = json.loads(result.stdout)
    return added


def _under(modules: list[str], package: str) -> list[str]:
    return [name for name in modules if name == package or name.startswith(package + ".")]


@pytest.fixture(scope="module")
def imported() -> list[str]:
    return _added_modules(IMPORT_AND_CONSTRUCT)


def test_the_import_really_loads_the_sdk(imported: list[str]) -> None:
    # Guards the test itself: a probe that loaded nothing would pass every check below.
    assert {"dingtalk_calendar", "dingtalk_calendar._client.client", "dingtalk_calendar._client.async_client"} <= set(
        imported
    )


@pytest.mark.parametrize("package", NOT_AT_IMPORT)
def test_importing_and_building_a_client_leaves_out(imported: list[str], package: str) -> None:
    assert _under(imported, package) == []


# The import alone, with only httpx imported first: attrs is not ours to avoid once a client is
# made, but the import itself needs none of its classes.
_IMPORT_ONLY_PROBE = """
import json, sys
import httpx
before = set(sys.modules)
from dingtalk_calendar import AsyncCalendarClient, CalendarClient
print(json.dumps(sorted(set(sys.modules) - before)))
"""

# Needed once a client is made, not by the import itself: attrs and its classes (the retry
# policy, credentials, token stores, the generated client), the auth, retry and token layers,
# the default transports.
NOT_UNTIL_A_CLIENT_IS_MADE = (
    "attr",
    "dingtalk_calendar_api.client",
    "dingtalk_calendar._auth.httpx_auth",
    "dingtalk_calendar._retry.table",
    "dingtalk_calendar._retry.attempts",
    "dingtalk_calendar._retry.policy",
    "dingtalk_calendar._client.settings",
    "dingtalk_calendar._auth.token_manager",
    "dingtalk_calendar._auth.token_manager_base",
    "dingtalk_calendar._auth.stores",
    "dingtalk_calendar._auth.credentials",
    "dingtalk_calendar._auth.token",
    "dingtalk_calendar._auth.token_request",
    "dingtalk_calendar._transport.sync",
)
# ... and the result classes, until a call returns one.
NOT_UNTIL_USED = ("dingtalk_calendar._call.models",)


@pytest.fixture(scope="module")
def imported_only() -> list[str]:
    result = subprocess.run([sys.executable, "-I", "-c", _IMPORT_ONLY_PROBE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    added: list[str] = json.loads(result.stdout)
    return added


@pytest.mark.parametrize("module", NOT_UNTIL_A_CLIENT_IS_MADE + NOT_UNTIL_USED)
def test_the_import_alone_leaves_out_what_a_client_needs_when_made(imported_only: list[str], module: str) -> None:
    assert "dingtalk_calendar._client.async_client" in imported_only  # the probe did import the SDK
    assert _under(imported_only, module) == []


def test_making_a_client_loads_them(imported: list[str]) -> None:
    # (that probe imports attrs before the SDK, so attrs itself is not in its list)
    assert set(NOT_UNTIL_A_CLIENT_IS_MADE) - {"attr"} <= set(imported)


def test_a_call_loads_its_own_operation_and_models_only() -> None:
    loaded = _added_modules(ONE_GET_CALL)
    assert "dingtalk_calendar_api.api.calendar.get_subscribed_calendar" in loaded
    assert "dingtalk_calendar_api.models.get_subscribed_calendar_response" in loaded
    assert _under(loaded, "dingtalk_calendar_api.api.calendar") == [
        "dingtalk_calendar_api.api.calendar",
        "dingtalk_calendar_api.api.calendar.get_subscribed_calendar",
    ]
    # A fixed token needs no token endpoint; the other operations' models stay unloaded.
    assert _under(loaded, "dingtalk_calendar_api.api.oauth2") == []
    assert "dingtalk_calendar_api.models.create_subscribed_calendar_request" not in loaded
    assert _under(loaded, "asyncio") == []


def test_every_public_name_resolves_including_the_lazy_ones() -> None:
    import dingtalk_calendar

    missing = [name for name in dingtalk_calendar.__all__ if getattr(dingtalk_calendar, name, None) is None]
    assert missing == []
    assert set(dingtalk_calendar.__all__) <= set(dir(dingtalk_calendar))
    with pytest.raises(AttributeError, match="no_such_name"):
        dingtalk_calendar.no_such_name  # noqa: B018  # type: ignore[attr-defined]
