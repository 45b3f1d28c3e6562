"""Another team's overlay, written only against the SDK's public API (no edit of this repo).

It adds a trace header to every request, counts calls per operation, turns DingTalk's
"not within the subscription scope" into the team's own exception, and attaches a helper
that creates calendars the way the team always does.
"""

from collections import Counter

import httpx

from dingtalk_calendar import (
    AsyncCalendarClient,
    CalendarClient,
    CreatedCalendar,
    DingTalkError,
    ErrorReason,
    Overlay,
    PermissionDeniedError,
    Scope,
)

TRACE_HEADER = "x-team-trace"


class NotInAudience(Exception):
    """The team's own error for a user outside a calendar's scope."""

    def __init__(self, user_hint: str) -> None:
        super().__init__(f"not in the calendar's audience ({user_hint})")


class TeamOverlay(Overlay):
    def __init__(self, trace_id: str, home_corp: str) -> None:
        self.trace_id = trace_id
        self.home_corp = home_corp
        self.calls: Counter[str] = Counter()
        self.traced: list[str] = []

    # -- hooks --------------------------------------------------------------------------

    def on_request(self, request: httpx.Request) -> None:
        request.headers[TRACE_HEADER] = self.trace_id
        self.calls[request.extensions["dingtalk_operation"]] += 1

    def on_response(self, response: httpx.Response) -> None:
        self.traced.append(response.request.headers[TRACE_HEADER])

    def on_error(self, error: DingTalkError) -> None:
        if (
            isinstance(error, PermissionDeniedError)
            and error.reason is ErrorReason.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE
        ):
            raise NotInAudience(error.request_id or "no request id") from error

    # -- helpers ------------------------------------------------------------------------

    def create_team_calendar(self, owner: str, name: str) -> CreatedCalendar:
        assert isinstance(self.client, CalendarClient)
        return self.client.create(owner, name=name, scope=Scope(organisations=[self.home_corp]), managers=[owner])

    async def acreate_team_calendar(self, owner: str, name: str) -> CreatedCalendar:
        assert isinstance(self.client, AsyncCalendarClient)
        return await self.client.create(owner, name=name, scope=Scope(organisations=[self.home_corp]), managers=[owner])


class AsyncAuditOverlay(Overlay):
    """Async hooks work on the async client (an audit log that awaits its sink)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_request(self, request: httpx.Request) -> None:
        self.seen.append(request.extensions["dingtalk_operation"])
