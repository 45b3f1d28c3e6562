from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none, path_segment
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.list_calendars_response import ListCalendarsResponse
from ...types import Response

OPERATION_ID = "listCalendars"
METHOD = "GET"
PATH = "/v1.0/calendar/users/{user_id}/calendars"


def _get_kwargs(
    user_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": METHOD,
        "url": PATH.format(
            user_id=path_segment(user_id),
        ),
    }

    return _kwargs


def _parse_json_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ListCalendarsResponse | None:
    if response.status_code == 200:
        response_200 = ListCalendarsResponse.from_dict(response.json())

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


def parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ListCalendarsResponse | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ListCalendarsResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_response(client=client, response=response),
    )


def build_request_kwargs(
    user_id: str,
    *,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The arguments of ``httpx.Client.request`` for this operation, with one call's options merged."""
    return call_kwargs(
        _get_kwargs(
            user_id=user_id,
        ),
        OPERATION_ID,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
        params=params,
    )


def sync_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Error | ListCalendarsResponse]:
    """List a user's calendars

     The calendars `userId` sees: the primary calendar and the subscribed calendars the
    user created, manages or subscribed to, each with its `type` and the user's
    `privilege`. Needs Calendar.Event.Read. Source zh/query-a-calendar.md.

    Args:
        user_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListCalendarsResponse]
    """

    response = client.get_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    )
    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Error | ListCalendarsResponse | None:
    """List a user's calendars

     The calendars `userId` sees: the primary calendar and the subscribed calendars the
    user created, manages or subscribed to, each with its `type` and the user's
    `privilege`. Needs Calendar.Event.Read. Source zh/query-a-calendar.md.

    Args:
        user_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListCalendarsResponse
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
        params=params,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Error | ListCalendarsResponse]:
    """List a user's calendars

     The calendars `userId` sees: the primary calendar and the subscribed calendars the
    user created, manages or subscribed to, each with its `type` and the user's
    `privilege`. Needs Calendar.Event.Read. Source zh/query-a-calendar.md.

    Args:
        user_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListCalendarsResponse]
    """

    response = await client.get_async_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    )
    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Error | ListCalendarsResponse | None:
    """List a user's calendars

     The calendars `userId` sees: the primary calendar and the subscribed calendars the
    user created, manages or subscribed to, each with its `type` and the user's
    `privilege`. Needs Calendar.Event.Read. Source zh/query-a-calendar.md.

    Args:
        user_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListCalendarsResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    ).parsed
