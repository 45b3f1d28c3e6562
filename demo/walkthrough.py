"""A walkthrough of the SDK against a local emulator: ``python demo/walkthrough.py`` (``make demo``).

It starts the emulator on a free loopback port, then creates, reads, updates, subscribes
and unsubscribes, meets one documented error and a token refresh, and ends by deleting
the calendar it made (as a script against real DingTalk should: a calendar left behind
stays forever), printing each call and its answer, and stops the emulator. No
credentials, no internet.

It lives beside both packages, in neither: the SDK never imports the emulator, and the emulator
nothing of the SDK. It needs the SDK with its ``emulator`` extra.
"""

import sys
from enum import Enum
from typing import TYPE_CHECKING, Final

from dingtalk_calendar import CalendarClient, InternalAppCredentials, PermissionDeniedError, Scope

if TYPE_CHECKING:
    from dingtalk_calendar_emulator import Emulator

AUTHOR: Final = "alice"
"""The emulator's demo directory: alice and bob work at Acme, dave at Globex."""
MEMBER: Final = "bob"
OUTSIDER: Final = "dave"
ORGANISATION: Final = "ding-acme"

TWO_HOURS_AND_A_MINUTE: Final = 7200 + 60
"""Past a DingTalk access token's life of 7,200 s."""


def main() -> int:
    try:
        from dingtalk_calendar_emulator import Emulator
    except ImportError as missing:
        print(
            f"the demo needs the emulator extra ({missing.name or 'a dependency'} is missing): "
            "pip install 'dingtalk-calendar[emulator]'",
            file=sys.stderr,
        )
        return 1
    print("DingTalk subscribed calendars, step by step, against a local emulator")
    print("(no credentials, no internet: the emulator stands in for https://api.dingtalk.io)")
    with Emulator() as emu:
        print(f"\nThe emulator listens on {emu.url}")
        walk_through(emu)
        print("\nStopping the emulator.")
    print("Done. The same calls against DingTalk itself: set DINGTALK_APP_KEY and DINGTALK_APP_SECRET, then")
    print("use CalendarClient.from_env() or the dingtalk-calendar command (see the README).")
    return 0


def walk_through(emu: "Emulator") -> None:
    app = emu.internal_app
    credentials = InternalAppCredentials(app.app_key, app.app_secret)
    _say(
        "The client:",
        f"CalendarClient(InternalAppCredentials({app.app_key!r}, <app secret>), base_url={emu.url!r})",
    )
    with CalendarClient(credentials, base_url=emu.url) as client:
        calendar_id = _create(client, emu)
        _get(client, calendar_id)
        _update(client, calendar_id)
        _subscribe(client, emu, calendar_id)
        _unsubscribe(client, emu, calendar_id)
        _documented_error(client, calendar_id)
        _token_refresh(client, emu, calendar_id)
        _delete(client, emu, calendar_id)


def _create(client: CalendarClient, emu: "Emulator") -> str:
    _step(1, f"Create a calendar authored by {AUTHOR}, open to everyone in the organisation {ORGANISATION}")
    _call(
        f'client.create({AUTHOR!r}, name="Team holidays", description="Days the office is closed",\n'
        f"                     scope=Scope(organisations=[{ORGANISATION!r}]))"
    )
    created = client.create(
        AUTHOR,
        name="Team holidays",
        description="Days the office is closed",
        scope=Scope(organisations=[ORGANISATION]),
    )
    _answer(f"CreatedCalendar: calendar_id={created.calendar_id!r}", created.request_id)
    _note(
        "the client fetched an access token first, by itself, and keeps it for the next calls "
        f"(token requests so far: {emu.stats.token_requests})"
    )
    return created.calendar_id


def _get(client: CalendarClient, calendar_id: str) -> None:
    _step(2, "Read it back")
    _call(f"client.get({AUTHOR!r}, calendar_id)")
    calendar = client.get(AUTHOR, calendar_id)
    _answer(
        f"Calendar: name={calendar.name!r}, description={calendar.description!r}, author={calendar.author!r},\n"
        f"                  managers={calendar.managers}, scope={calendar.scope}",
        calendar.request_id,
    )


def _update(client: CalendarClient, calendar_id: str) -> None:
    _step(3, "Update it: only the fields given are sent, the others stay as they are")
    _call(f'client.update({AUTHOR!r}, calendar_id, description="Public holidays and office closures")')
    result = client.update(AUTHOR, calendar_id, description="Public holidays and office closures")
    _answer(f"Result: result={result.result}", result.request_id)
    calendar = client.get(AUTHOR, calendar_id)
    _note(f"read again: name={calendar.name!r} (unchanged), description={calendar.description!r}")


def _subscribe(client: CalendarClient, emu: "Emulator", calendar_id: str) -> None:
    _step(4, f"Subscribe {MEMBER}, who works at {ORGANISATION}")
    _call(f"client.subscribe({MEMBER!r}, calendar_id)")
    result = client.subscribe(MEMBER, calendar_id)
    _answer(f"Result: result={result.result}", result.request_id)
    _note(f"subscribers now, as the emulator sees them: {list(emu.state.subscribers(calendar_id))}")


def _unsubscribe(client: CalendarClient, emu: "Emulator", calendar_id: str) -> None:
    _step(5, f"Unsubscribe {MEMBER}")
    _call(f"client.unsubscribe({MEMBER!r}, calendar_id)")
    result = client.unsubscribe(MEMBER, calendar_id)
    _answer(f"Result: result={result.result}", result.request_id)
    _note(f"subscribers now: {list(emu.state.subscribers(calendar_id))}")


def _documented_error(client: CalendarClient, calendar_id: str) -> None:
    _step(6, f"A documented error: {OUTSIDER} works at Globex, outside the calendar's scope")
    _call(f"client.subscribe({OUTSIDER!r}, calendar_id)")
    try:
        client.subscribe(OUTSIDER, calendar_id)
    except PermissionDeniedError as error:
        print(
            f"  raised:   {type(error).__name__} (catch it as PermissionDeniedError, APIStatusError or DingTalkError)"
        )
        print(f"            .status_code = {error.status_code}")
        print(f"            .code        = {_member(error.code)}")
        print(f"            .reason      = {_member(error.reason)}")
        print(f"            .request_id  = {error.request_id!r}  (quote it to DingTalk support)")
        print(f"            str(error)   = {str(error)!r}")
    else:
        raise RuntimeError(f"the emulator let {OUTSIDER} subscribe: the demo expected a PermissionDeniedError")


def _token_refresh(client: CalendarClient, emu: "Emulator", calendar_id: str) -> None:
    _step(7, "A forced token refresh: the token expires at DingTalk while the client still holds it")
    before = emu.stats.token_requests
    token_before = client.tokens.get_token()  # the cached token; compared below, never printed
    _note(f"token requests so far: {before} (one token served every call above)")
    _call(f"emu.clock.advance({TWO_HOURS_AND_A_MINUTE})   # two hours pass on the emulator's clock")
    emu.clock.advance(TWO_HOURS_AND_A_MINUTE)
    gets_before = emu.stats.requests("getSubscribedCalendar")
    _call(f"client.get({AUTHOR!r}, calendar_id)")
    calendar = client.get(AUTHOR, calendar_id)
    _answer(f"Calendar: name={calendar.name!r}", calendar.request_id)
    sent = emu.stats.requests("getSubscribedCalendar") - gets_before
    changed = client.tokens.get_token() != token_before
    _note(
        "DingTalk refused the expired token (InvalidAuthentication); the client fetched a new one\n"
        f"            and sent the request again, once, without the caller noticing ({sent} requests for this get)"
    )
    _note(f"token requests: {before} before, {emu.stats.token_requests} after; the client's token changed: {changed}")


def _delete(client: CalendarClient, emu: "Emulator", calendar_id: str) -> None:
    _step(8, f"Clean up: {AUTHOR}, its creator, deletes the calendar (subscribers are unsubscribed with it)")
    client.subscribe(MEMBER, calendar_id)
    _note(f"subscribed {MEMBER} again first; subscribers: {list(emu.state.subscribers(calendar_id))}")
    _call(f"client.delete({AUTHOR!r}, calendar_id)")
    result = client.delete(AUTHOR, calendar_id)
    _answer(f"Result: result={result.result}", result.request_id)
    left = calendar_id in emu.state.calendars
    _note(f"the calendar still exists: {left}; subscribers now: {list(emu.state.subscribers(calendar_id))}")


def _member(value: Enum | None) -> str:
    return "None" if value is None else f"{type(value).__name__}.{value.name} ({value.value!r})"


def _step(number: int, title: str) -> None:
    print(f"\nStep {number}. {title}")


def _call(code: str) -> None:
    print(f"  call:     {code}")


def _answer(text: str, request_id: str | None) -> None:
    print(f"  answer:   {text}")
    print(f"  request:  {request_id}  (DingTalk's request id)")


def _note(text: str) -> None:
    print(f"  note:     {text}")


def _say(label: str, text: str) -> None:
    print(f"{label} {text}")


if __name__ == "__main__":
    sys.exit(main())
