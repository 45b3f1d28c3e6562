from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none, path_segment
from ...client import AuthenticatedClient, Client
from ...models.create_event_request import CreateEventRequest
from ...models.create_event_response import CreateEventResponse
from ...models.error import Error
from ...types import UNSET, Response, Unset

OPERATION_ID = "createEvent"
METHOD = "POST"
PATH = "/v1.0/calendar/users/{user_id}/calendars/{calendar_id}/events"


def _get_kwargs(
    user_id: str,
    calendar_id: str,
    *,
    body: CreateEventRequest,
    x_client_token: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_client_token, Unset):
        headers["x-client-token"] = x_client_token

    _kwargs: dict[str, Any] = {
        "method": METHOD,
        "url": PATH.format(
            user_id=path_segment(user_id),
            calendar_id=path_segment(calendar_id),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_json_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreateEventResponse | Error | None:
    if response.status_code == 200:
        response_200 = CreateEventResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    return None


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreateEventResponse | Error | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CreateEventResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_response(client=client, response=response),
    )


def build_request_kwargs(
    user_id: str,
    calendar_id: str,
    *,
    body: CreateEventRequest,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The arguments of ``httpx.Client.request`` for this operation, with one call's options merged."""
    return call_kwargs(
        _get_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            body=body,
            x_client_token=x_client_token,
        ),
        OPERATION_ID,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
        params=params,
    )


def sync_detailed(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateEventRequest,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[CreateEventResponse | Error]:
    """Create an event

     Creates an event in `calendarId` (`primary`, or a subscribed calendar) organised by
    `userId` and returns it. At most 100 events created per user per day (`flowLimit`).
    All-day events send `start.date` and `end.date` (the day after the last day), others
    `dateTime` with `timeZone` (the same zone at both ends). Not idempotent by itself: the
    `x-client-token` header makes it so for a day (the SDK sends one on every call and
    reuses it on each retry). Needs Calendar.Event.Write. Source zh/create-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        x_client_token (str | Unset):
        body (CreateEventRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateEventResponse | Error]
    """

    response = client.get_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            body=body,
            x_client_token=x_client_token,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    )
    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateEventRequest,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> CreateEventResponse | Error | None:
    """Create an event

     Creates an event in `calendarId` (`primary`, or a subscribed calendar) organised by
    `userId` and returns it. At most 100 events created per user per day (`flowLimit`).
    All-day events send `start.date` and `end.date` (the day after the last day), others
    `dateTime` with `timeZone` (the same zone at both ends). Not idempotent by itself: the
    `x-client-token` header makes it so for a day (the SDK sends one on every call and
    reuses it on each retry). Needs Calendar.Event.Write. Source zh/create-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        x_client_token (str | Unset):
        body (CreateEventRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateEventResponse | Error
    """

    return sync_detailed(
        user_id=user_id,
        calendar_id=calendar_id,
        client=client,
        body=body,
        x_client_token=x_client_token,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
        params=params,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateEventRequest,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[CreateEventResponse | Error]:
    """Create an event

     Creates an event in `calendarId` (`primary`, or a subscribed calendar) organised by
    `userId` and returns it. At most 100 events created per user per day (`flowLimit`).
    All-day events send `start.date` and `end.date` (the day after the last day), others
    `dateTime` with `timeZone` (the same zone at both ends). Not idempotent by itself: the
    `x-client-token` header makes it so for a day (the SDK sends one on every call and
    reuses it on each retry). Needs Calendar.Event.Write. Source zh/create-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        x_client_token (str | Unset):
        body (CreateEventRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateEventResponse | Error]
    """

    response = await client.get_async_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            body=body,
            x_client_token=x_client_token,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    )
    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CreateEventRequest,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> CreateEventResponse | Error | None:
    """Create an event

     Creates an event in `calendarId` (`primary`, or a subscribed calendar) organised by
    `userId` and returns it. At most 100 events created per user per day (`flowLimit`).
    All-day events send `start.date` and `end.date` (the day after the last day), others
    `dateTime` with `timeZone` (the same zone at both ends). Not idempotent by itself: the
    `x-client-token` header makes it so for a day (the SDK sends one on every call and
    reuses it on each retry). Needs Calendar.Event.Write. Source zh/create-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        x_client_token (str | Unset):
        body (CreateEventRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateEventResponse | Error
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            calendar_id=calendar_id,
            client=client,
            body=body,
            x_client_token=x_client_token,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    ).parsed
