"""What the China site's pages say today, as the SDK sees it: delete, messages in two languages,
the IP-ban page however it is answered (zh/ pages of ../shared/dingtalk-docs)."""

import asyncio

import httpx
import pytest

from dingtalk_calendar import (
    AsyncCalendarClient,
    CalendarClient,
    EgressIpBannedError,
    ErrorReason,
    InternalAppCredentials,
    InvalidParameterError,
    PermissionDeniedError,
    RetryPolicy,
    Scope,
    error_from_response,
)
from dingtalk_calendar._retry.policy import EGRESS_IP_BAN, AttemptFailure, answer_code, classify_response
from dingtalk_calendar_emulator import Emulator
from tests.scripted_server import Reply, scripted_server

DELETE = "deleteSubscribedCalendar"
BAN_PAGE = b'<html><script>{"status":1111,"wait":2,"source":"x5","punish":"deny","uuid":"u"}</script></html>'


def _client(emu: Emulator, **options: object) -> CalendarClient:
    app = emu.internal_app
    return CalendarClient(InternalAppCredentials(app.app_key, app.app_secret), base_url=emu.url, **options)  # type: ignore[arg-type]


def test_delete_on_both_clients(dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    with _client(emu) as client:
        made = client.create("alice", name="Temp", scope=Scope(organisations=["ding-acme"]), managers=["bob"])
        client.subscribe("carol", made.calendar_id)
        with pytest.raises(PermissionDeniedError) as refused:
            client.delete("bob", made.calendar_id)  # a manager, not the creator
        assert refused.value.status_code == 403
        result = client.delete("alice", made.calendar_id)
        assert (result.result, bool(result.request_id)) == (True, True)
        assert emu.state.calendars == {}
        assert emu.state.subscriptions == {}
        with pytest.raises(InvalidParameterError):
            client.delete("alice", made.calendar_id)  # gone: the second delete is the documented error

    async def run() -> None:
        app = emu.internal_app
        credentials = InternalAppCredentials(app.app_key, app.app_secret)
        async with AsyncCalendarClient(credentials, base_url=emu.url) as client:
            made = await client.create("alice", name="Temp", scope=Scope(organisations=["ding-acme"]))
            assert (await client.delete("alice", made.calendar_id)).result is True

    asyncio.run(run())
    assert emu.state.calendars == {}


def test_delete_is_validated_before_sending(dingtalk_emulator: Emulator) -> None:
    with _client(dingtalk_emulator) as client, pytest.raises(ValueError, match="calendar_id"):
        client.delete("alice", " ")
    assert dingtalk_emulator.stats.requests(DELETE) == 0


def test_delete_is_retried_as_an_idempotent_operation(dingtalk_emulator: Emulator) -> None:
    emu = dingtalk_emulator
    quick = RetryPolicy(initial_backoff=0.0, jitter=0.0)
    with _client(emu, retry_policy=quick) as client:
        made = client.create("alice", name="Temp", scope=Scope(organisations=["ding-acme"]))
        emu.faults.next("503", operation=DELETE)
        assert client.delete("alice", made.calendar_id).result is True
        assert emu.stats.requests(DELETE) == 2
        # Its answer lost after the delete happened: the retry finds no calendar, and says so.
        again = client.create("alice", name="Temp", scope=Scope(organisations=["ding-acme"]))
        emu.faults.next("drop_after", operation=DELETE)
        with pytest.raises(InvalidParameterError) as caught:
            client.delete("alice", again.calendar_id)
        assert caught.value.attempts == 2
        assert again.calendar_id not in emu.state.calendars


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_scope_error_is_one_reason_in_either_language(dingtalk_emulator: Emulator, language: str) -> None:
    emu = dingtalk_emulator
    emu.language = language
    with _client(emu) as client:
        made = client.create("alice", name="Team", scope=Scope(organisations=["ding-acme"]))
        with pytest.raises(PermissionDeniedError) as caught:
            client.subscribe("dave", made.calendar_id)
    error = caught.value
    assert error.message == (
        "用户不在订阅范围" if language == "zh" else "The user is not within the subscription scope"
    )
    assert error.reason is ErrorReason.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE
    assert type(error) is PermissionDeniedError


def test_classification_never_reads_the_message() -> None:
    def error(message: str) -> type:
        request = httpx.Request("POST", "https://api.dingtalk.com/x")
        body = {"code": "permissionDenied", "message": message, "requestid": "R"}
        return type(error_from_response(httpx.Response(400, json=body, request=request)))

    assert error("用户不在订阅范围") is error("The user is not within the subscription scope") is error("什么")


def test_the_ban_page_is_final_whatever_its_status() -> None:
    assert answer_code(BAN_PAGE) == EGRESS_IP_BAN
    for status in (403, 429, 503):
        assert classify_response(status, EGRESS_IP_BAN) is AttemptFailure.FINAL
    assert answer_code(b"<html>502 Bad Gateway</html>") is None


def test_a_429_ban_page_is_not_retried_and_says_how_long() -> None:
    async def run() -> None:
        script = lambda _: Reply(  # noqa: E731 - one line of script
            b"HTTP/1.1 429 X\r\ncontent-type: text/html\r\ncontent-length: %d\r\n\r\n%s" % (len(BAN_PAGE), BAN_PAGE)
        )
        async with scripted_server(script) as server:
            client = AsyncCalendarClient("a-fixed-token", base_url=server.url)
            async with client:
                with pytest.raises(EgressIpBannedError) as caught:
                    await client.get("alice", "c1")
            assert len(server.received) == 1  # not retried: the ban lasts minutes
        error = caught.value
        assert (error.status_code, error.ban_seconds, error.attempts) == (429, 120.0, 1)
        assert "about 2 minutes" in str(error)
        assert error.ends_bulk_job

    asyncio.run(run())


def test_system_busy_is_throttling_at_429_and_a_server_error_at_500() -> None:
    from dingtalk_calendar import ServerError, SystemBusyError

    request = httpx.Request("POST", "https://api.dingtalk.com/x")
    for status, cls, failure in (
        (429, SystemBusyError, AttemptFailure.THROTTLED),
        (500, ServerError, AttemptFailure.SERVER_ERROR),  # may have acted: a create is not sent again
    ):
        body = {"code": "system.busy", "message": "系统繁忙", "requestid": "R"}
        assert type(error_from_response(httpx.Response(status, json=body, request=request))) is cls
        assert classify_response(status, "system.busy") is failure


def test_the_emulator_speaks_english_or_chinese_only() -> None:
    from dingtalk_calendar_emulator import EmulatorError

    with pytest.raises(EmulatorError, match="language"):
        Emulator(language="fr")
