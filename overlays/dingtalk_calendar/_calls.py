"""Each operation once: validate, build the request, and turn the answer into a result.

The sync and async clients differ only in how they send; everything else about a call
lives here, so the two surfaces cannot drift apart.

The generated endpoint modules, and with them the models, are imported by the first call
of each operation rather than with the SDK: an application pays only for the operations
it uses, and importing ``dingtalk_calendar`` stays cheap. Later calls find the modules
already loaded and pay well under a microsecond for each import statement (``import a.b
as c`` is the cheapest form; ``from a.b import c`` costs twice as much when ``a.b`` is not
a package).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._errors import MalformedResponseError, ValidationError, request_id_of
from ._validation import answer_data, check_body, check_path

if TYPE_CHECKING:
    from dingtalk_calendar_api import Client

    from ._models import Calendar, CreatedCalendar, Result, Scope

T = TypeVar("T")


class Call(Generic[T]):
    """One prepared call: what to send, and how to read a successful answer."""

    # A plain class: one is made per call, and it costs nothing to define at import.
    __slots__ = ("finish", "operation", "request_kwargs")

    def __init__(
        self, operation: str, request_kwargs: dict[str, Any], finish: Callable[[httpx.Response, Client], T]
    ) -> None:
        self.operation = operation
        self.request_kwargs = request_kwargs
        self.finish = finish


def create(
    user_id: str,
    *,
    name: str,
    scope: Scope,
    description: str | None,
    managers: Sequence[str] | None,
    options: dict[str, Any],
) -> Call[CreatedCalendar]:
    import dingtalk_calendar_api.api.calendar.create_subscribed_calendar as endpoint
    import dingtalk_calendar_api.types as api_types
    from dingtalk_calendar_api.models import CreateSubscribedCalendarRequest, CreateSubscribedCalendarResponse

    operation = endpoint.OPERATION_ID
    check_path(operation, user_id=user_id)
    body = CreateSubscribedCalendarRequest(
        name=name,
        subscribe_scope=scope.to_wire(),
        description=api_types.UNSET if description is None else description,
        managers=api_types.UNSET if managers is None else list(managers),
    )
    kwargs = endpoint.build_request_kwargs(user_id, body=body, **options)
    check_body(operation, kwargs["json"])  # the very JSON that would be sent

    def finish(response: httpx.Response, client: Client) -> CreatedCalendar:
        from ._models import CreatedCalendar

        parsed = CreateSubscribedCalendarResponse.from_dict(answer_data(operation, response))
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
    import dingtalk_calendar_api.api.calendar.get_subscribed_calendar as endpoint
    from dingtalk_calendar_api.models import GetSubscribedCalendarResponse

    operation = endpoint.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)

    def finish(response: httpx.Response, client: Client) -> Calendar:
        from ._models import Calendar

        parsed = GetSubscribedCalendarResponse.from_dict(answer_data(operation, response))
        return Calendar.from_wire(parsed, request_id_of(response), response)

    kwargs = endpoint.build_request_kwargs(user_id, calendar_id, **options)
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
    import dingtalk_calendar_api.api.calendar.update_subscribed_calendar as endpoint
    import dingtalk_calendar_api.types as api_types
    from dingtalk_calendar_api.models import UpdateSubscribedCalendarRequest

    operation = endpoint.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)
    if name is None and description is None and managers is None and scope is None:
        # An empty update would still be a request, and a token fetch, for nothing.
        raise ValidationError("name, description, managers, scope", "give at least one to change", operation=operation)
    # Only the fields given are sent, so DingTalk leaves the others as they are.
    body = UpdateSubscribedCalendarRequest(
        name=api_types.UNSET if name is None else name,
        description=api_types.UNSET if description is None else description,
        managers=api_types.UNSET if managers is None else list(managers),
        subscribe_scope=api_types.UNSET if scope is None else scope.to_wire(),
    )
    kwargs = endpoint.build_request_kwargs(user_id, calendar_id, body=body, **options)
    check_body(operation, kwargs["json"])
    return Call(operation, kwargs, _result_finisher(operation, empty_is_success=False))


def subscribe(user_id: str, calendar_id: str, *, options: dict[str, Any]) -> Call[Result]:
    import dingtalk_calendar_api.api.calendar.subscribe_calendar as endpoint

    operation = endpoint.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)
    kwargs = endpoint.build_request_kwargs(user_id, calendar_id, **options)
    # DingTalk may answer a subscribe with a 200 and no body at all: that is success.
    return Call(operation, kwargs, _result_finisher(operation, empty_is_success=True))


def unsubscribe(user_id: str, calendar_id: str, *, options: dict[str, Any]) -> Call[Result]:
    import dingtalk_calendar_api.api.calendar.unsubscribe_calendar as endpoint

    operation = endpoint.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)
    kwargs = endpoint.build_request_kwargs(user_id, calendar_id, **options)
    return Call(operation, kwargs, _result_finisher(operation, empty_is_success=True))


def delete(user_id: str, calendar_id: str, *, options: dict[str, Any]) -> Call[Result]:
    import dingtalk_calendar_api.api.calendar.delete_subscribed_calendar as endpoint

    operation = endpoint.OPERATION_ID
    check_path(operation, user_id=user_id, calendar_id=calendar_id)
    kwargs = endpoint.build_request_kwargs(user_id, calendar_id, **options)
    return Call(operation, kwargs, _result_finisher(operation, empty_is_success=True))


def _result_finisher(operation: str, *, empty_is_success: bool) -> Callable[[httpx.Response, Client], Result]:
    """How a ``{"result": ...}`` answer of ``operation`` is read; made once per operation, not per call."""
    key = (operation, empty_is_success)
    finish = _RESULT_FINISHERS.get(key)
    if finish is None:
        finish = _RESULT_FINISHERS[key] = _make_result_finisher(operation, empty_is_success=empty_is_success)
    return finish


def _make_result_finisher(operation: str, *, empty_is_success: bool) -> Callable[[httpx.Response, Client], Result]:
    from dingtalk_calendar_api.models import ResultResponse

    from ._models import Result

    def finish(response: httpx.Response, client: Client) -> Result:
        if empty_is_success and not response.content:
            return Result(True, request_id=request_id_of(response), raw_response=response)
        parsed = ResultResponse.from_dict(answer_data(operation, response))
        # A 2xx that leaves "result" out still succeeded; a present one is a bool (checked).
        result = parsed.result if isinstance(parsed.result, bool) else True
        return Result(result, request_id=request_id_of(response), raw_response=response)

    return finish


_RESULT_FINISHERS: dict[tuple[str, bool], Callable[[httpx.Response, Client], Result]] = {}
