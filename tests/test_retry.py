"""Retries: the pure decisions first, then the transports over real HTTP against the emulator.

httpx.MockTransport stands in for a server only where the emulator cannot produce the
case (a pool timeout, a Retry-After header, a clock that runs out).
"""

import asyncio
import gzip
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from dingtalk_calendar import AsyncCalendarClient, CalendarClient, InternalAppCredentials
from dingtalk_calendar._errors import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    RateLimitError,
    ServerError,
    error_from_response,
)
from dingtalk_calendar._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION, RETRY_EXTENSION
from dingtalk_calendar._retry.policy import (
    NO_RETRIES,
    AttemptFailure,
    RetryPolicy,
    classify_exception,
    classify_response,
    decide,
    is_idempotent,
    parse_retry_after,
)
from dingtalk_calendar._retry.table import AsyncRetryTransport, RetryTransport, retry_table
from dingtalk_calendar._transport.deadline import Deadline
from dingtalk_calendar_api import Client
from dingtalk_calendar_api.api.calendar import create_subscribed_calendar, get_subscribed_calendar
from dingtalk_calendar_api.spec_data import OPERATIONS
from dingtalk_calendar_emulator import Emulator
from tests.client_support import Blocking, both
from tests.retry_support import (
    BASE_URL,
    QUICK,
    TOKEN,
    Answers,
    FakeTime,
    calendar_client,
    calendar_request,
    create_calendar,
    quick_async_transport,
    quick_transport,
    unused_port,
)
from tests.trickle_server import trickle_server

# -- backoff ---------------------------------------------------------------------------


def test_backoff_doubles_up_to_the_cap_without_jitter() -> None:
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=3.0, jitter=0.0)
    assert [policy.backoff(n, random_value=0.7) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_takes_up_to_its_share_off_the_wait() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=8.0, jitter=0.25)
    assert policy.backoff(3, random_value=0.0) == 4.0
    assert policy.backoff(3, random_value=0.5) == 3.5
    assert policy.backoff(3, random_value=0.999) == pytest.approx(3.001)


def test_a_throttled_wait_is_never_below_the_throttle_wait() -> None:
    policy = RetryPolicy(throttle_wait=1.0, jitter=0.25)
    assert policy.throttled_backoff(0.0) == 1.0
    assert policy.throttled_backoff(0.999) == pytest.approx(1.24975)


@pytest.mark.parametrize(
    "bad",
    [
        {"max_retries": -1},
        {"max_elapsed": 0},
        {"max_elapsed": -5.0},
        {"jitter": 1.5},
        {"initial_backoff": -0.1},
        {"throttle_wait": -1.0},
    ],
)
def test_policy_rejects_nonsense(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        RetryPolicy(**bad)  # type: ignore[arg-type]


def test_policy_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        RetryPolicy().max_retries = 5  # type: ignore[misc]


# -- Retry-After -------------------------------------------------------------------------

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-2", 0.0),
        (format_datetime(datetime.fromtimestamp(NOW + 10, UTC), usegmt=True), 10.0),
        (format_datetime(datetime.fromtimestamp(NOW - 60, UTC), usegmt=True), 0.0),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


# -- what each failure means -----------------------------------------------------------

REQUEST = httpx.Request("GET", BASE_URL)


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (httpx.ConnectError("refused", request=REQUEST), AttemptFailure.NOT_SENT),
        (httpx.ConnectTimeout("slow", request=REQUEST), AttemptFailure.NOT_SENT),
        (httpx.PoolTimeout("busy", request=REQUEST), AttemptFailure.NOT_SENT),
        (httpx.ProxyError("proxy down", request=REQUEST), AttemptFailure.NOT_SENT),
        (httpx.ReadTimeout("slow", request=REQUEST), AttemptFailure.TIMED_OUT),
        (httpx.WriteTimeout("slow", request=REQUEST), AttemptFailure.TIMED_OUT),
        (httpx.RemoteProtocolError("dropped", request=REQUEST), AttemptFailure.CONNECTION_LOST),
        (httpx.ReadError("reset", request=REQUEST), AttemptFailure.CONNECTION_LOST),
        (httpx.WriteError("broken pipe", request=REQUEST), AttemptFailure.CONNECTION_LOST),
        (httpx.UnsupportedProtocol("ftp", request=REQUEST), AttemptFailure.FINAL),
        (httpx.LocalProtocolError("bad header", request=REQUEST), AttemptFailure.FINAL),
    ],
)
def test_classify_exception(error: httpx.TransportError, failure: AttemptFailure) -> None:
    assert classify_exception(error) is failure


@pytest.mark.parametrize(
    ("status", "code", "failure"),
    [
        (200, None, None),
        (302, None, None),
        (403, "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", AttemptFailure.THROTTLED),
        (403, "Forbidden.AccessDenied.QpsLimitForApi", AttemptFailure.THROTTLED),
        (429, None, AttemptFailure.THROTTLED),
        (403, "permissionDenied", AttemptFailure.FINAL),
        (403, "Forbidden.AccessDenied.AccessTokenPermissionDenied", AttemptFailure.FINAL),
        (403, None, AttemptFailure.FINAL),
        (400, "InvalidAuthentication", AttemptFailure.FINAL),
        (400, "invalidParameter", AttemptFailure.FINAL),
        (404, None, AttemptFailure.FINAL),
        (500, None, AttemptFailure.SERVER_ERROR),
        (502, None, AttemptFailure.SERVER_ERROR),
        (504, "whatever", AttemptFailure.SERVER_ERROR),
        (501, "NotImplemented", AttemptFailure.FINAL),
        (501, None, AttemptFailure.FINAL),
    ],
)
def test_classify_response(status: int, code: str | None, failure: AttemptFailure | None) -> None:
    assert classify_response(status, code) is failure


def test_idempotency_comes_from_the_spec() -> None:
    assert not is_idempotent("createSubscribedCalendar", "POST")
    assert not is_idempotent("getUserAccessToken", "POST")
    assert is_idempotent("subscribeCalendar", "POST")  # a POST the spec marks idempotent
    assert is_idempotent("getSubscribedCalendar", "GET")
    for operation in OPERATIONS.values():
        assert is_idempotent(operation.operation_id, "POST") is operation.idempotent


def test_a_request_of_no_known_operation_goes_by_its_method() -> None:
    assert is_idempotent(None, "GET")
    assert is_idempotent("someoneElsesOperation", "put")
    assert not is_idempotent(None, "POST")
    assert not is_idempotent(None, "PATCH")


# -- the decision ------------------------------------------------------------------------

FAST = RetryPolicy(max_retries=3, max_elapsed=None, initial_backoff=0.5, jitter=0.0)


@pytest.mark.parametrize(
    ("failure", "idempotent", "retried"),
    [
        (AttemptFailure.NOT_SENT, False, True),
        (AttemptFailure.THROTTLED, False, True),
        (AttemptFailure.SERVER_ERROR, False, False),
        (AttemptFailure.TIMED_OUT, False, False),
        (AttemptFailure.CONNECTION_LOST, False, False),
        (AttemptFailure.FINAL, False, False),
        (AttemptFailure.NOT_SENT, True, True),
        (AttemptFailure.THROTTLED, True, True),
        (AttemptFailure.SERVER_ERROR, True, True),
        (AttemptFailure.TIMED_OUT, True, True),
        (AttemptFailure.CONNECTION_LOST, True, True),
        (AttemptFailure.FINAL, True, False),
    ],
)
def test_what_is_retried(failure: AttemptFailure, idempotent: bool, retried: bool) -> None:
    decision = decide(FAST, failure, idempotent=idempotent, attempts=1, elapsed=0.0)
    assert decision.retry is retried


def test_an_ambiguous_failure_of_a_create_says_why_it_is_not_retried() -> None:
    decision = decide(FAST, AttemptFailure.TIMED_OUT, idempotent=False, attempts=1, elapsed=0.0)
    assert decision.reason == "not retried: not idempotent, and the request may have reached DingTalk"


def test_retries_stop_at_the_limit() -> None:
    policy = RetryPolicy(max_retries=2, max_elapsed=None)
    assert decide(policy, AttemptFailure.SERVER_ERROR, idempotent=True, attempts=2, elapsed=0.0).retry
    last = decide(policy, AttemptFailure.SERVER_ERROR, idempotent=True, attempts=3, elapsed=0.0)
    assert not last.retry
    assert last.reason == "retry limit (2) reached"
    assert not decide(NO_RETRIES, AttemptFailure.NOT_SENT, idempotent=True, attempts=1, elapsed=0.0).retry


def test_retries_stop_when_the_wait_would_pass_the_time_limit() -> None:
    policy = RetryPolicy(max_retries=10, max_elapsed=5.0, initial_backoff=1.0, jitter=0.0)
    assert decide(policy, AttemptFailure.SERVER_ERROR, idempotent=True, attempts=1, elapsed=3.9).retry
    late = decide(policy, AttemptFailure.SERVER_ERROR, idempotent=True, attempts=1, elapsed=4.0)
    assert not late.retry
    assert late.reason == "time limit (5 s) reached"


def test_waits_back_off_and_throttling_waits_about_a_second() -> None:
    waits = [
        decide(FAST, AttemptFailure.SERVER_ERROR, idempotent=True, attempts=n, elapsed=0.0).wait for n in (1, 2, 3)
    ]
    assert waits == [0.5, 1.0, 2.0]
    throttled = decide(FAST, AttemptFailure.THROTTLED, idempotent=True, attempts=3, elapsed=0.0)
    assert throttled.wait == 1.0


def test_retry_after_wins_and_is_capped() -> None:
    policy = RetryPolicy(max_elapsed=None, max_retry_after=10.0)
    assert (
        decide(policy, AttemptFailure.THROTTLED, idempotent=True, attempts=1, elapsed=0.0, retry_after=4.0).wait == 4.0
    )
    assert (
        decide(policy, AttemptFailure.SERVER_ERROR, idempotent=True, attempts=1, elapsed=0.0, retry_after=0.0).wait
        == 0.0
    )
    assert (
        decide(policy, AttemptFailure.THROTTLED, idempotent=True, attempts=1, elapsed=0.0, retry_after=600).wait == 10.0
    )


def test_retry_after_does_not_make_an_ambiguous_create_safe() -> None:
    decision = decide(FAST, AttemptFailure.SERVER_ERROR, idempotent=False, attempts=1, elapsed=0.0, retry_after=1.0)
    assert not decision.retry


# -- the documented table ----------------------------------------------------------------


def test_the_readme_table_is_what_the_code_does() -> None:
    # The table is asked of decide() and the spec; make generate writes it into docs/retries.md.
    readme = (Path(__file__).resolve().parent.parent / "docs" / "retries.md").read_text(encoding="utf-8")
    assert f"from retry_table(); do not edit -->\n{retry_table()}\n<!-- end of retry_table() -->" in readme
    rows = {line.split("|")[1].strip(" `"): line for line in retry_table().splitlines()[2:]}
    assert set(rows) == set(OPERATIONS)
    assert "| no | retried | retried | **not retried** | **not retried** |" in rows["createSubscribedCalendar"]
    assert "| yes | retried | retried | retried | retried |" in rows["subscribeCalendar"]


# -- the transports, where a server cannot produce the case (httpx.MockTransport) ---------

Handler = Callable[[httpx.Request], httpx.Response]


def _scripted(*steps: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A MockTransport handler that plays ``steps`` in order and records what it was sent."""
    seen: list[httpx.Request] = []
    remaining = list(steps)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = remaining.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    return handle, seen


def _mock_client(
    handler: Handler, fake: FakeTime, policy: RetryPolicy = FAST, wall_clock: Callable[[], float] = lambda: NOW
) -> httpx.Client:
    transport = RetryTransport(
        httpx.MockTransport(handler),
        policy=policy,
        sleep=fake.sleep,
        clock=fake.clock,
        wall_clock=wall_clock,
        random=lambda: 0.0,
    )
    return httpx.Client(base_url=BASE_URL, transport=transport, headers={"x-acs-dingtalk-access-token": TOKEN})


def _call(client: httpx.Client, extensions: dict[str, object] | None = None) -> httpx.Response:
    path = "/v1.0/calendar/users/u1/subscribedCalendars/c1"
    return client.get(path, extensions={OPERATION_EXTENSION: "getSubscribedCalendar", **(extensions or {})})


def test_retry_after_in_seconds_is_obeyed() -> None:
    fake = FakeTime()
    handler, seen = _scripted(httpx.Response(429, headers={"retry-after": "7"}), httpx.Response(200, json={}))
    with _mock_client(handler, fake) as client:
        response = _call(client)
    assert response.status_code == 200
    assert fake.waits == [7.0]
    assert response.extensions[ATTEMPTS_EXTENSION] == 2
    assert len(seen) == 2


def test_a_501_for_an_operation_the_server_does_not_implement_is_sent_once_and_typed() -> None:
    fake = FakeTime()
    body = {"code": "NotImplemented", "message": "the emulator does not model getSubscribedCalendar yet"}
    handler, seen = _scripted(httpx.Response(501, json=body), httpx.Response(200, json={}))
    with _mock_client(handler, fake) as client:
        response = _call(client)
    assert (response.status_code, len(seen), fake.waits) == (501, 1, [])
    assert response.extensions[ATTEMPTS_EXTENSION] == 1
    response.read()
    error = error_from_response(response)
    assert isinstance(error, ServerError)
    assert (error.status_code, error.raw_code, error.attempts) == (501, "NotImplemented", 1)


def test_retry_after_as_an_http_date_is_obeyed() -> None:
    fake = FakeTime()
    date = format_datetime(datetime.fromtimestamp(NOW + 4, UTC), usegmt=True)
    handler, _ = _scripted(httpx.Response(503, headers={"retry-after": date}), httpx.Response(200, json={}))
    with _mock_client(handler, fake, wall_clock=lambda: NOW) as client:
        assert _call(client).status_code == 200
    assert fake.waits == [4.0]


def test_a_pool_timeout_is_retried_even_for_a_create() -> None:
    # No free connection: the request never left, so even a create may go again.
    fake = FakeTime()
    handler, seen = _scripted(httpx.PoolTimeout("no connection free"), httpx.Response(200, json={"calendarId": "c"}))
    with _mock_client(handler, fake) as client:
        response = client.post(
            "/v1.0/calendar/users/u1/subscribedCalendars",
            json={},
            extensions={OPERATION_EXTENSION: "createSubscribedCalendar"},
        )
    assert response.status_code == 200
    assert response.extensions[ATTEMPTS_EXTENSION] == 2
    assert len(seen) == 2


def test_the_time_limit_bounds_waits_and_cuts_each_attempts_timeouts() -> None:
    fake = FakeTime()
    policy = RetryPolicy(max_retries=10, max_elapsed=3.0, initial_backoff=1.0, jitter=0.0)
    handler, seen = _scripted(*[httpx.Response(500, json={"code": "busy"}) for _ in range(10)])
    timeouts: list[dict[str, float]] = []

    def recording(request: httpx.Request) -> httpx.Response:
        timeouts.append(dict(request.extensions["timeout"]))
        return handler(request)

    with _mock_client(recording, fake, policy=policy) as client:
        response = _call(client)

    # Attempt 1 at t=0, wait 1 s; attempt 2 at t=1; a 2 s wait would end at t=3: stop.
    assert response.status_code == 500
    assert response.extensions[ATTEMPTS_EXTENSION] == 2
    assert fake.waits == [1.0]
    assert timeouts == [
        {"connect": 3.0, "read": 3.0, "write": 3.0, "pool": 3.0},  # httpx's default 5 s, cut to 3
        {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0},
    ]
    assert seen[0].extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}  # restored


def test_a_per_call_policy_replaces_the_transports() -> None:
    fake = FakeTime()
    handler, seen = _scripted(httpx.Response(500, json={}), httpx.Response(200, json={}))
    with _mock_client(handler, fake) as client:
        response = _call(client, {RETRY_EXTENSION: NO_RETRIES})
    assert response.status_code == 500
    assert response.extensions[ATTEMPTS_EXTENSION] == 1
    assert len(seen) == 1


def test_a_per_call_policy_must_be_a_policy() -> None:
    handler, _ = _scripted(httpx.Response(200, json={}))
    with _mock_client(handler, FakeTime()) as client, pytest.raises(ConfigurationError, match="RetryPolicy"):
        _call(client, {RETRY_EXTENSION: 3})


def test_a_403_read_for_its_code_reaches_the_caller_whole_even_compressed() -> None:
    # The transport reads a 403 to tell throttling from a refusal; the caller must still get the
    # body, decoded as usual: here gzip, as a proxy may send it.
    body = {"code": "permissionDenied", "message": "permission denied", "requestid": "R1"}
    compressed = gzip.compress(json.dumps(body).encode())
    handler, seen = _scripted(
        httpx.Response(
            403, content=compressed, headers={"content-encoding": "gzip", "content-type": "application/json"}
        )
    )
    with _mock_client(handler, FakeTime()) as client:
        response = _call(client)
    assert response.json() == body
    assert response.extensions[ATTEMPTS_EXTENSION] == 1
    assert len(seen) == 1  # a refusal, not throttling: not retried


async def test_async_transport_obeys_retry_after_and_counts_attempts() -> None:
    fake = FakeTime()
    steps: list[httpx.Response | Exception] = [
        httpx.Response(429, headers={"retry-after": "2"}),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json={}),
    ]
    handler, seen = _scripted(*steps)
    transport = AsyncRetryTransport(
        httpx.MockTransport(handler), policy=FAST, sleep=fake.async_sleep, clock=fake.clock, random=lambda: 0.0
    )
    async with httpx.AsyncClient(base_url=BASE_URL, transport=transport) as client:
        response = await client.get("/x", extensions={OPERATION_EXTENSION: "getSubscribedCalendar"})
    assert response.status_code == 200
    assert response.extensions[ATTEMPTS_EXTENSION] == 3
    assert fake.waits == [2.0, 1.0]  # Retry-After, then the second backoff step (0.5 * 2)
    assert len(seen) == 3


def test_retries_are_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeTime()
    handler, _ = _scripted(httpx.ConnectError("refused"), httpx.Response(500, json={}), httpx.Response(200, json={}))
    with caplog.at_level(logging.DEBUG, logger="dingtalk_calendar"), _mock_client(handler, fake) as client:
        _call(client)
    retries = [record for record in caplog.records if record.name == "dingtalk_calendar.retry"]
    assert [record.levelno for record in retries] == [logging.INFO, logging.INFO]
    assert retries[0].getMessage() == (
        "getSubscribedCalendar: attempt 1 could not connect (ConnectError: refused); retrying in 0.50 s (retry 1 of 3)"
    )
    assert retries[1].getMessage() == (
        "getSubscribedCalendar: attempt 2 server error (HTTP 500); retrying in 1.00 s (retry 2 of 3)"
    )
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


def test_giving_up_raises_our_error_from_httpxs() -> None:
    fake = FakeTime()
    handler, seen = _scripted(*[httpx.ConnectError("refused") for _ in range(4)])
    with _mock_client(handler, fake) as client, pytest.raises(APIConnectionError) as caught:
        _call(client)
    error = caught.value
    assert type(error) is APIConnectionError
    assert isinstance(error.__cause__, httpx.ConnectError)
    assert (error.attempts, error.operation, len(seen)) == (4, "getSubscribedCalendar", 4)
    assert str(error) == (
        "getSubscribedCalendar: could not connect (ConnectError: refused); retry limit (3) reached (4 attempts)"
    )


def test_a_bad_url_is_not_retried() -> None:
    fake = FakeTime()
    handler, seen = _scripted(httpx.UnsupportedProtocol("no ftp"))
    with _mock_client(handler, fake) as client, pytest.raises(APIConnectionError, match="not retryable"):
        _call(client)
    assert len(seen) == 1
    assert fake.waits == []


def test_a_throttle_answer_already_read_by_the_inner_transport_is_recognised() -> None:
    fake = FakeTime()
    throttled = httpx.Response(403, json={"code": "Forbidden.AccessDenied.QpsLimitForApi"})  # read on creation
    handler, seen = _scripted(throttled, httpx.Response(200, json={}))
    with _mock_client(handler, fake) as client:
        assert _call(client).status_code == 200
    assert fake.waits == [1.0]
    assert len(seen) == 2


# -- over HTTP, against the emulator -----------------------------------------------------

GET = "getSubscribedCalendar"
CREATE = "createSubscribedCalendar"


class Setup:
    """A generated client on the emulator through a RetryTransport whose waits are recorded."""

    def __init__(self, emu: Emulator, policy: RetryPolicy = QUICK, timeout: float = 5.0, url: str = "") -> None:
        self.emu = emu
        self.fake = FakeTime()
        self.answers = Answers()
        self.transport = quick_transport(self.fake, policy)
        self.client: Client = calendar_client(
            url or emu.url, self.transport, self.answers, token=emu.issue_token(), timeout=timeout
        )

    def calendar(self) -> str:
        return create_calendar(self.client, self.answers)

    def get(self, calendar_id: str = "c1") -> int:
        """Read a calendar; the HTTP status of the final answer."""
        return int(get_subscribed_calendar.sync_detailed("alice", calendar_id, client=self.client).status_code)

    def create(self) -> int:
        return int(
            create_subscribed_calendar.sync_detailed("alice", client=self.client, body=calendar_request()).status_code
        )

    def attempts(self) -> int:
        """How many times the transport sent the last call."""
        value = self.answers.last.extensions[ATTEMPTS_EXTENSION]
        assert isinstance(value, int)
        return value


@pytest.fixture
def setup(dingtalk_emulator: Emulator) -> Iterator[Setup]:
    made = Setup(dingtalk_emulator)
    with made.client:
        yield made


@pytest.mark.parametrize("fault", ["throttle", "throttle_api"])
def test_http_throttling_then_success(setup: Setup, fault: str) -> None:
    calendar_id = setup.calendar()
    setup.emu.faults.next(fault, count=2, operation=GET)

    assert setup.get(calendar_id) == 200
    assert setup.attempts() == 3
    assert setup.emu.stats.requests(GET) == 3
    assert setup.fake.waits == [1.0, 1.0]  # DingTalk's advice: about a second


def test_http_a_throttled_create_is_retried_and_makes_one_calendar(setup: Setup) -> None:
    setup.emu.faults.next("throttle", operation=CREATE)
    assert setup.create() == 200
    assert setup.attempts() == 2
    assert setup.emu.stats.requests(CREATE) == 2
    assert len(setup.emu.state.calendars) == 1


def test_http_the_real_qps_quota_is_waited_out(dingtalk_emulator: Emulator) -> None:
    # No injected fault: the emulator's own quota of 2 per second, and a client whose waits
    # move the emulator's clock instead of sleeping.
    dingtalk_emulator.qps_limit = 2
    made = Setup(dingtalk_emulator, policy=attrs.evolve(QUICK, max_retries=1))
    made.transport = RetryTransport(policy=made.transport.policy, sleep=dingtalk_emulator.clock.advance)
    client = calendar_client(dingtalk_emulator.url, made.transport, made.answers, token=dingtalk_emulator.issue_token())
    statuses = [int(get_subscribed_calendar.sync_detailed("alice", "c1", client=client).status_code) for _ in range(5)]
    assert 403 not in statuses  # every throttled call got through on its retry (400: no such calendar)
    assert dingtalk_emulator.stats.statuses(GET)[403] >= 1
    assert dingtalk_emulator.stats.requests(GET) == 5 + dingtalk_emulator.stats.statuses(GET)[403]


def test_http_a_burst_of_5xx_then_success(setup: Setup) -> None:
    calendar_id = setup.calendar()
    for fault in ("500", "502_html"):
        setup.emu.faults.next(fault, operation=GET)

    assert setup.get(calendar_id) == 200
    assert setup.attempts() == 3
    assert setup.fake.waits == [0.01, 0.02]  # exponential backoff (jitter drawn as 0)
    assert setup.emu.stats.requests(GET) == 3


def test_http_the_retry_limit_is_reached(setup: Setup) -> None:
    setup.emu.faults.next("503", count=5, operation=GET)

    assert setup.get() == 503
    assert setup.attempts() == 3
    assert setup.emu.stats.requests(GET) == 3  # the first attempt and two retries, no more
    with pytest.raises(ServerError) as caught:
        setup.answers.raise_for_error()
    assert caught.value.attempts == 3
    assert str(caught.value).endswith("3 attempts)")


def test_http_throttling_that_never_ends_is_a_rate_limit_error(setup: Setup) -> None:
    setup.emu.faults.next("throttle", count=5, operation=GET)
    assert setup.get() == 403
    with pytest.raises(RateLimitError) as caught:
        setup.answers.raise_for_error()
    assert caught.value.attempts == 3


def test_http_a_dropped_connection_is_retried_for_a_read(setup: Setup) -> None:
    calendar_id = setup.calendar()
    setup.emu.faults.next("drop", operation=GET)
    assert setup.get(calendar_id) == 200
    assert setup.attempts() == 2
    assert setup.emu.stats.requests(GET) == 2


def test_http_an_ambiguous_create_is_not_sent_again(setup: Setup) -> None:
    # The emulator makes the calendar, then drops the connection: a retry would make a second one.
    setup.emu.faults.next("drop_after", operation=CREATE)
    with pytest.raises(APIConnectionError) as caught:
        setup.create()

    error = caught.value
    assert type(error) is APIConnectionError
    assert (error.operation, error.attempts) == (CREATE, 1)
    assert isinstance(error.__cause__, httpx.RemoteProtocolError | httpx.ReadError)
    assert "not retried: not idempotent" in str(error)
    assert setup.emu.stats.requests(CREATE) == 1
    assert len(setup.emu.state.calendars) == 1
    assert setup.fake.waits == []


def test_http_a_5xx_on_create_is_not_sent_again(setup: Setup) -> None:
    setup.emu.faults.next("500", operation=CREATE)
    assert setup.create() == 500
    assert setup.attempts() == 1
    assert setup.emu.stats.requests(CREATE) == 1


# A slow answer is far slower than the timeout (so the timeout wins however busy the machine),
# and a timeout that an ordinary answer must beat is generous.
SLOW = "latency:60"


def test_http_a_timeout_is_retried_for_a_read(dingtalk_emulator: Emulator) -> None:
    made = Setup(dingtalk_emulator, timeout=2.0)
    calendar_id = made.calendar()
    dingtalk_emulator.faults.next(SLOW, operation=GET)
    assert made.get(calendar_id) == 200
    assert made.attempts() == 2


def test_http_a_timed_out_create_is_not_sent_again(dingtalk_emulator: Emulator) -> None:
    made = Setup(dingtalk_emulator, timeout=0.2)  # only the slow answer meets it
    dingtalk_emulator.faults.next(SLOW, operation=CREATE)
    with pytest.raises(APITimeoutError) as caught:
        made.create()
    assert caught.value.attempts == 1
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert dingtalk_emulator.stats.requests(CREATE) == 1


def test_http_timeouts_up_to_the_limit(dingtalk_emulator: Emulator) -> None:
    made = Setup(dingtalk_emulator, timeout=0.2)  # only slow answers meet it
    dingtalk_emulator.faults.next(SLOW, count=3, operation=GET)
    with pytest.raises(APITimeoutError) as caught:
        made.get()
    assert caught.value.attempts == 3
    assert str(caught.value) == (
        "getSubscribedCalendar: timed out (ReadTimeout: timed out); retry limit (2) reached (3 attempts)"
    )
    assert dingtalk_emulator.stats.requests(GET) == 3


def test_http_a_refused_connection_is_retried_even_for_a_create(dingtalk_emulator: Emulator) -> None:
    made = Setup(dingtalk_emulator, url=f"http://127.0.0.1:{unused_port()}")
    with pytest.raises(APIConnectionError) as caught:
        made.create()
    assert type(caught.value) is APIConnectionError
    assert caught.value.attempts == 3
    assert isinstance(caught.value.__cause__, httpx.ConnectError)
    assert made.fake.waits == [0.01, 0.02]


def test_http_invalid_authentication_is_left_to_the_token_layer(dingtalk_emulator: Emulator) -> None:
    made = Setup(dingtalk_emulator)
    dingtalk_emulator.revoke_tokens()
    assert made.get() == 400
    assert made.attempts() == 1
    assert dingtalk_emulator.stats.requests(GET) == 1


def test_http_answers_that_are_retried_are_closed(dingtalk_emulator: Emulator) -> None:
    kept: list[httpx.Response] = []

    class Keeping(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = super().handle_request(request)
            kept.append(response)
            return response

    fake = FakeTime()
    answers = Answers()
    transport = RetryTransport(Keeping(), policy=attrs.evolve(QUICK, max_retries=4), sleep=fake.sleep)
    dingtalk_emulator.faults.next("throttle", count=2, operation=GET)
    dingtalk_emulator.faults.next("500", count=2, operation=GET)
    with calendar_client(dingtalk_emulator.url, transport, answers, token=dingtalk_emulator.issue_token()) as client:
        get_subscribed_calendar.sync_detailed("alice", "c1", client=client)
    assert len(kept) == 5
    assert all(response.is_closed for response in kept[:4])  # connections back in the pool
    assert answers.last.extensions[ATTEMPTS_EXTENSION] == 5


def test_http_the_client_default_policy_can_be_replaced_per_call(setup: Setup) -> None:
    setup.emu.faults.next("500", count=5, operation=GET)
    get_subscribed_calendar.sync_detailed("alice", "c1", client=setup.client, extensions={RETRY_EXTENSION: NO_RETRIES})
    assert setup.attempts() == 1
    more = attrs.evolve(QUICK, max_retries=3)
    get_subscribed_calendar.sync_detailed("alice", "c1", client=setup.client, extensions={RETRY_EXTENSION: more})
    assert setup.attempts() == 4
    assert setup.emu.stats.requests(GET) == 5


# -- async, against the emulator ---------------------------------------------------------


def async_setup(emu: Emulator, timeout: float = 5.0) -> tuple[Client, Answers, FakeTime]:
    fake = FakeTime()
    answers = Answers()
    client = calendar_client(emu.url, quick_async_transport(fake), answers, token=emu.issue_token(), timeout=timeout)
    return client, answers, fake


async def test_async_throttling_and_5xx_then_success(dingtalk_emulator: Emulator) -> None:
    client, answers, fake = async_setup(dingtalk_emulator)
    async with client:
        created = await create_subscribed_calendar.asyncio_detailed("alice", client=client, body=calendar_request())
        assert created.status_code == 200
        dingtalk_emulator.faults.next("throttle", operation=GET)
        dingtalk_emulator.faults.next("502", operation=GET)
        calendar_id = str(created.parsed.calendar_id)  # type: ignore[union-attr]
        response = await get_subscribed_calendar.asyncio_detailed("alice", calendar_id, client=client)
    assert response.status_code == 200
    assert answers.last.extensions[ATTEMPTS_EXTENSION] == 3
    assert fake.waits == [1.0, 0.02]  # the throttle wait, then the second backoff step
    assert dingtalk_emulator.stats.requests(GET) == 3


async def test_async_an_ambiguous_create_is_not_sent_again(dingtalk_emulator: Emulator) -> None:
    client, _, _ = async_setup(dingtalk_emulator)
    dingtalk_emulator.faults.next("drop_after", operation=CREATE)
    async with client:
        with pytest.raises(APIConnectionError) as caught:
            await create_subscribed_calendar.asyncio_detailed("alice", client=client, body=calendar_request())
    assert caught.value.attempts == 1
    assert dingtalk_emulator.stats.requests(CREATE) == 1
    assert len(dingtalk_emulator.state.calendars) == 1


async def test_async_timeouts_up_to_the_limit(dingtalk_emulator: Emulator) -> None:
    client, _, fake = async_setup(dingtalk_emulator, timeout=0.2)  # only slow answers meet it
    dingtalk_emulator.faults.next(SLOW, count=3, operation=GET)
    async with client:
        with pytest.raises(APITimeoutError) as caught:
            await get_subscribed_calendar.asyncio_detailed("alice", "c1", client=client)
    assert caught.value.attempts == 3
    assert len(fake.waits) == 2


def test_async_transport_waits_with_asyncio_sleep_by_default() -> None:
    # time.sleep inside the event loop would stall every other task during a backoff.
    assert AsyncRetryTransport()._sleep is asyncio.sleep


# -- the time limit bounds the whole call, the body included -------------------------------

TRICKLE_POLICY = RetryPolicy(max_retries=2, max_elapsed=1.0, initial_backoff=0.01, jitter=0.0)
"""A limit under the read timeout, which a byte every 0.05 s never trips; the answer never ends."""


@both
@pytest.mark.timeout(60)  # before the fix the call never ended: fail rather than hang
def test_an_answer_that_trickles_is_cut_off_at_the_time_limit(kind: str) -> None:
    with (
        trickle_server("body") as server,
        open_trickle_client(kind, server.url) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.get("alice", "c1")
    assert caught.value.operation == "getSubscribedCalendar"
    assert caught.value.attempts == 1
    # Normally while reading the body; on a machine too busy to read the head within the
    # limit, the head's read (cut to the time left) times out instead: the same limit.
    assert "; time limit (1 s) reached (1 attempt)" in str(caught.value)
    assert server.requests == 1  # the time was up: not sent again
    assert server.bytes_sent >= 1  # it did trickle


@pytest.mark.timeout(60)
def test_async_headers_that_trickle_are_cut_off_at_the_time_limit() -> None:
    # The sync client cannot interrupt the headers' read (see _transport.deadline); the async one can.
    with (
        trickle_server("headers") as server,
        open_trickle_client("async", server.url) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.get("alice", "c1")
    assert "the answer had not all arrived; time limit (1 s) reached (1 attempt)" in str(caught.value)
    assert server.requests == 1


HEAD_TRICKLE_POLICY = attrs.evolve(TRICKLE_POLICY, max_elapsed=0.5)


@pytest.mark.timeout(30)  # before the fix: 64 head bytes at 0.3 s each, ~20 s, then success
def test_sync_headers_that_trickle_are_cut_off_at_the_time_limit() -> None:
    # The sync default transport cuts every socket read to the time left on the call's limit;
    # each byte would restart the 2 s read timeout, so only the limit ends this head.
    with (
        trickle_server("headers", every=0.3, body=lambda target: b"{}") as server,
        open_trickle_client("sync", server.url, policy=HEAD_TRICKLE_POLICY) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.get("alice", "c1")
    assert caught.value.operation == "getSubscribedCalendar"
    assert caught.value.attempts == 1
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert server.requests == 1  # the time was up: not sent again


TOKEN_ANSWER = b'{"accessToken": "tok-0123456789abcdef", "expireIn": 7200}'
RESULT_ANSWER = b'{"result": true}'.ljust(len(TOKEN_ANSWER))


@both
@pytest.mark.timeout(60)
def test_the_token_fetch_and_the_call_share_one_time_limit(kind: str) -> None:
    # Each answer alone takes about 1 s, under the 1.5 s limit; the token fetch and the call
    # together take about 2 s. Before, each request had a limit of its own and the call succeeded.
    def answers(target: str) -> bytes:
        return TOKEN_ANSWER if target.startswith("/v1.0/oauth2/") else RESULT_ANSWER

    policy = attrs.evolve(TRICKLE_POLICY, max_elapsed=1.5)
    with (
        trickle_server("body", every=1.0 / len(TOKEN_ANSWER), body=answers) as server,
        open_trickle_client(kind, server.url, InternalAppCredentials("key", "secret"), policy) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.subscribe("alice", "c1")
    assert caught.value.operation == "subscribeCalendar"
    assert "time limit (1.5 s) reached" in str(caught.value)
    # The token's, then the call's (only the token's on a machine so busy that its answer
    # alone outlasts the limit); neither sent again.
    assert server.requests in {1, 2}


@both
@pytest.mark.timeout(60)
def test_the_resend_after_a_refused_token_shares_the_calls_time_limit(kind: str) -> None:
    # The first answer (about 1 s) refuses the token; a new one comes at once; the resend's
    # answer takes about 1 s more: past the call's 1.5 s. Each alone would be under it.
    tokens = iter(range(1, 10))
    calls = iter(range(1, 10))
    refused = json.dumps({"code": "InvalidAuthentication", "message": "token is invalid"}).encode()

    def answers(target: str) -> bytes | tuple[int, bytes]:
        if target.startswith("/v1.0/oauth2/"):
            return TOKEN_ANSWER.replace(b"0123456789", str(next(tokens)).encode() * 10)
        return (400, refused.ljust(len(TOKEN_ANSWER))) if next(calls) == 1 else RESULT_ANSWER

    def pace(target: str) -> float:
        return 0.0 if target.startswith("/v1.0/oauth2/") else 1.0 / len(TOKEN_ANSWER)

    policy = attrs.evolve(TRICKLE_POLICY, max_elapsed=1.5)
    with (
        trickle_server("body", every=pace, body=answers) as server,
        open_trickle_client(kind, server.url, InternalAppCredentials("key", "secret"), policy) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.subscribe("alice", "c1")
    assert "time limit (1.5 s) reached" in str(caught.value)
    # Token, call, new token, the call once more (fewer on a machine so busy that an answer
    # alone outlasts the limit); none sent again.
    assert server.requests in {2, 3, 4}


@contextmanager
def open_trickle_client(
    kind: str, url: str, credentials: Any = TOKEN, policy: RetryPolicy | None = TRICKLE_POLICY
) -> Iterator[Any]:
    """A client of either kind; ``policy`` None leaves the defaults (timeout included) alone."""
    options: dict[str, Any] = {"base_url": url}
    if policy is not None:
        options.update(timeout=2.0, retry_policy=policy)
    if kind == "sync":
        with CalendarClient(credentials, **options) as client:
            yield client
        return
    with asyncio.Runner() as runner:
        async_client = AsyncCalendarClient(credentials, **options)
        try:
            yield Blocking(async_client, runner)
        finally:
            runner.run(async_client.aclose())


# -- the documented promises on retries and time limits -------------------------------------

README = Path(__file__).resolve().parent.parent / "docs" / "retries.md"


def test_the_readmes_retry_policy_table_is_the_policys_defaults() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("`RetryPolicy` (frozen):") :].split("\n\n")[1]
    promised: dict[str, float | bool] = {}
    for row in table.splitlines()[2:]:
        names, defaults = (cell.strip() for cell in row.strip("|").split("|")[:2])
        for name, default in zip(names.split(", "), defaults.split(", "), strict=True):
            flag = {"True": True, "False": False}.get(default)
            promised[name.strip("`")] = flag if flag is not None else float(default.removesuffix(" s"))
    policy = RetryPolicy()
    assert promised == {name: getattr(policy, name) for name in promised}
    assert set(promised) == {f.name for f in attrs.fields(RetryPolicy)}  # every setting is in the table


@both
def test_the_default_timeouts_and_retries_are_the_readmes(kind: str) -> None:
    # "Default timeouts: 5 s to connect, 15 s to read, write or wait for a pooled connection."
    with open_trickle_client(kind, BASE_URL, policy=None) as client:
        assert client.timeout == httpx.Timeout(15.0, connect=5.0)
        assert client.retry_policy == RetryPolicy(max_retries=2)


def test_a_requests_deadline_is_the_earlier_of_its_own_and_its_calls() -> None:
    now = [0.0]
    call = Deadline(5.0, lambda: now[0])
    now[0] = 3.0
    request = Deadline(10.0, lambda: now[0], outer=call)
    short = Deadline(1.0, lambda: now[0], outer=call)
    assert short.reason("x") == "x; time limit (1 s) reached"  # its own runs out first
    assert request.left() == 2.0
    assert request.elapsed() == 8.0  # as the request's own 10 s count it: 2 s are left
    assert request.reason("reading") == "reading; time limit (5 s) reached"  # the call's ran out first
    now[0] = 5.0
    assert request.expired
    unlimited = Deadline(None, lambda: now[0])
    assert unlimited.left() is None
    assert not unlimited.expired
