"""Each operation once: validate, build the request, and turn the answer into a result.

The sync and async clients differ only in how they send; everything else about a call
lives here, so the two surfaces cannot drift apart.
"""

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import httpx
from attrs import frozen

from dingtalk_calendar_api import Client
from dingtalk_calendar_api.api.calendar import (
    create_subscribed_calendar,
    get_subscribed_calendar,
    subscribe_calendar,
    unsubscribe_calendar,
    update_subscribed_calendar,
)
from dingtalk_calendar_api.models import (
    CreateSubscribedCalendarRequest,
    CreateSubscribedCalendarResponse,
    GetSubscribedCalendarResponse,
    ResultResponse,
    UpdateSubscribedCalendarRequest,
)
from dingtalk_calendar_api.types import UNSET

from ._errors import MalformedResponseError, ValidationError, request_id_of
from ._models import Calendar, CreatedCalendar, Result, Scope
from ._validation import check_body, check_path

T = TypeVar("T")

# Error messages name fields as the caller wrote them, not as the wire does.
_FIELD_NAMES = {
    "subscribeScope": "scope",
    "subscribeScope.unionIds": "scope.users",
    "subscribeScope.openConversationIds": "scope.groups",
    "subscribeScope.corpIds": "scope.organisations",
}


@frozen
class Call(Generic[T]):
    """One prepared call: what to send, and how to read a successful answer."""

    operation: str
    request_kwargs: dict[str, Any]
    finish: Callable[[httpx.Response, Client], T]


def _parsed(module: Any, expected: type[Any], operation: str, response: httpx.Response, client: Client) -> Any:
    parsed = module.parse_response(client=client, response=response)
    if not isinstance(parsed, expected):
        raise MalformedResponseError(
            status_code=response.status_code,
            operation=operation,
            request_id=request_id_of(response),
            headers=response.headers,
            detail=f"a 2xx answer whose body is not a {expected.__name__}",
        )
    return parsed


def create(
    user_id: str,
    *,
    name: str,
    scope: Scope,
    description: str | None,
    managers: Sequence[str] | None,
    options: dict[str, Any],
) -> Call[CreatedCalendar]:
    operation = create_subscribed_calendar.OPERATION_ID
    check_path(operation, user_id=user_id)
    body = CreateSubscribedCalendarRequest(
        name=name,
        subscribe_scope=scope.to_wire(),
        description=UNSET if description is None else description,
        managers=UNSET if managers is None else list(managers),
    )
    kwargs = create_subscribed_calendar.build_request_kwargs(user_id, body=body, **options)
    check_body(operation, kwargs["json"], _FIELD_NAMES)  # the very JSON that would be sent

    def finish(response: httpx.Response, client: Client) -> CreatedCalendar:
        parsed = _parsed(create_subscribed_calendar, CreateSubscribedCalendarResponse, operation, response, client)
        if not isinstance(parsed.calendar_id, str):
            raise MalformedResponseError(
                status_code=response.status_code,
                operation=operation,
                request_id=request_id_of(response),
                headers=response.headers,
                detail="a 2xx answer without a calendarId",
            )
        return CreatedCalendar(parsed.calendar_id, request_id=request_id_of(response), raw_response=response)

    return Call(operation, kwargs, finish)


def get(user_id: str, calendar_id: str, *, options: dict[str, Any]) -> Call[Calendar]:
    operation = get_subscribed_calendar.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)

    def finish(response: httpx.Response, client: Client) -> Calendar:
        parsed = _parsed(get_subscribed_calendar, GetSubscribedCalendarResponse, operation, response, client)
        return Calendar.from_wire(parsed, request_id_of(response), response)

    kwargs = get_subscribed_calendar.build_request_kwargs(user_id, calendar_id, **options)
    return Call(operation, kwargs, finish)


def update(
    user_id: str,
    calendar_id: str,
    *,
    name: str | None,
    description: str | None,
    managers: Sequence[str] | None,
    scope: Scope | None,
    options: dict[str, Any],
) -> Call[Result]:
    operation = update_subscribed_calendar.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)
    if name is None and description is None and managers is None and scope is None:
        # An empty update would still be a request, and a token fetch, for nothing.
        raise ValidationError("name, description, managers, scope", "give at least one to change", operation=operation)
    # Only the fields given are sent, so DingTalk leaves the others as they are.
    body = UpdateSubscribedCalendarRequest(
        name=UNSET if name is None else name,
        description=UNSET if description is None else description,
        managers=UNSET if managers is None else list(managers),
        subscribe_scope=UNSET if scope is None else scope.to_wire(),
    )
    kwargs = update_subscribed_calendar.build_request_kwargs(user_id, calendar_id, body=body, **options)
    check_body(operation, kwargs["json"], _FIELD_NAMES)
    return Call(operation, kwargs, _result_finisher(update_subscribed_calendar, operation, empty_is_success=False))


def subscribe(user_id: str, calendar_id: str, *, options: dict[str, Any]) -> Call[Result]:
    operation = subscribe_calendar.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)
    kwargs = subscribe_calendar.build_request_kwargs(user_id, calendar_id, **options)
    # DingTalk may answer a subscribe with a 200 and no body at all: that is success.
    return Call(operation, kwargs, _result_finisher(subscribe_calendar, operation, empty_is_success=True))


def unsubscribe(user_id: str, calendar_id: str, *, options: dict[str, Any]) -> Call[Result]:
    operation = unsubscribe_calendar.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)
    kwargs = unsubscribe_calendar.build_request_kwargs(user_id, calendar_id, **options)
    return Call(operation, kwargs, _result_finisher(unsubscribe_calendar, operation, empty_is_success=True))


def _result_finisher(
    module: Any, operation: str, *, empty_is_success: bool
) -> Callable[[httpx.Response, Client], Result]:
    def finish(response: httpx.Response, client: Client) -> Result:
        if empty_is_success and not response.content:
            return Result(True, request_id=request_id_of(response), raw_response=response)
        parsed = _parsed(module, ResultResponse, operation, response, client)
        # A 2xx that leaves "result" out still succeeded.
        result = parsed.result if isinstance(parsed.result, bool) else True
        return Result(result, request_id=request_id_of(response), raw_response=response)

    return finish
