from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none, path_segment
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.result_response import ResultResponse
from ...types import Response

OPERATION_ID = "deleteSubscribedCalendar"
METHOD = "DELETE"
PATH = "/v1.0/calendar/users/{user_id}/subscribedCalendars/{calendar_id}"


def _get_kwargs(
    user_id: str,
    calendar_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": METHOD,
        "url": PATH.format(
            user_id=path_segment(user_id),
            calendar_id=path_segment(calendar_id),
        ),
    }

    return _kwargs


def _parse_json_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ResultResponse | None:
    if response.status_code == 200:
        response_200 = ResultResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    return None


def parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ResultResponse | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ResultResponse]:
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
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The arguments of ``httpx.Client.request`` for this operation, with one call's options merged."""
    return call_kwargs(
        _get_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
        ),
        OPERATION_ID,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
    )


def sync_detailed(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response[Error | ResultResponse]:
    """Delete a subscribed calendar

     Deletes a subscribed calendar. Only its creator may delete it, so
    `userId` must be the creator's unionId (a manager may not). Everyone
    who had subscribed to it is unsubscribed. Needs the app permission
    Calendar.Calendar.Write. Idempotent in effect: a second delete leaves
    the same state, though DingTalk then answers an error, as the calendar
    is gone. Source zh/delete-subscription-calendar.md.

    Args:
        user_id (str):
        calendar_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ResultResponse]
    """

    response = client.get_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
        )
    )
    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Error | ResultResponse | None:
    """Delete a subscribed calendar

     Deletes a subscribed calendar. Only its creator may delete it, so
    `userId` must be the creator's unionId (a manager may not). Everyone
    who had subscribed to it is unsubscribed. Needs the app permission
    Calendar.Calendar.Write. Idempotent in effect: a second delete leaves
    the same state, though DingTalk then answers an error, as the calendar
    is gone. Source zh/delete-subscription-calendar.md.

    Args:
        user_id (str):
        calendar_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ResultResponse
    """

    return sync_detailed(
        user_id=user_id,
        calendar_id=calendar_id,
        client=client,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response[Error | ResultResponse]:
    """Delete a subscribed calendar

     Deletes a subscribed calendar. Only its creator may delete it, so
    `userId` must be the creator's unionId (a manager may not). Everyone
    who had subscribed to it is unsubscribed. Needs the app permission
    Calendar.Calendar.Write. Idempotent in effect: a second delete leaves
    the same state, though DingTalk then answers an error, as the calendar
    is gone. Source zh/delete-subscription-calendar.md.

    Args:
        user_id (str):
        calendar_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ResultResponse]
    """

    response = await client.get_async_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
        )
    )
    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    calendar_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Error | ResultResponse | None:
    """Delete a subscribed calendar

     Deletes a subscribed calendar. Only its creator may delete it, so
    `userId` must be the creator's unionId (a manager may not). Everyone
    who had subscribed to it is unsubscribed. Needs the app permission
    Calendar.Calendar.Write. Idempotent in effect: a second delete leaves
    the same state, though DingTalk then answers an error, as the calendar
    is gone. Source zh/delete-subscription-calendar.md.

    Args:
        user_id (str):
        calendar_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ResultResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            calendar_id=calendar_id,
            client=client,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
        )
    ).parsed
