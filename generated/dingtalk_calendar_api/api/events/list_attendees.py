from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none, path_segment
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.list_attendees_response import ListAttendeesResponse
from ...types import UNSET, Response, Unset

OPERATION_ID = "listAttendees"
METHOD = "GET"
PATH = "/v1.0/calendar/users/{user_id}/calendars/{calendar_id}/events/{event_id}/attendees"


def _get_kwargs(
    user_id: str,
    calendar_id: str,
    event_id: str,
    *,
    max_results: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["maxResults"] = max_results

    params["nextToken"] = next_token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": METHOD,
        "url": PATH.format(
            user_id=path_segment(user_id),
            calendar_id=path_segment(calendar_id),
            event_id=path_segment(event_id),
        ),
        "params": params,
    }

    return _kwargs


def _parse_json_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ListAttendeesResponse | None:
    if response.status_code == 200:
        response_200 = ListAttendeesResponse.from_dict(response.json())

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
) -> Error | ListAttendeesResponse | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ListAttendeesResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_response(client=client, response=response),
    )


def build_request_kwargs(
    user_id: str,
    calendar_id: str,
    event_id: str,
    *,
    max_results: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
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
            event_id=event_id,
            max_results=max_results,
            next_token=next_token,
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
    event_id: str,
    *,
    client: AuthenticatedClient | Client,
    max_results: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Error | ListAttendeesResponse]:
    """List an event's attendees

     A page of the event's attendees (at most `maxResults`, 500); follow `nextToken`.
    A subscribed calendar has no participants: its events are refused with
    `invalidParameter.subscribed.invalid`. Needs Calendar.Event.Read.
    Source zh/get-the-participants-of-a-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        max_results (int | Unset):
        next_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListAttendeesResponse]
    """

    response = client.get_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            event_id=event_id,
            max_results=max_results,
            next_token=next_token,
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
    event_id: str,
    *,
    client: AuthenticatedClient | Client,
    max_results: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Error | ListAttendeesResponse | None:
    """List an event's attendees

     A page of the event's attendees (at most `maxResults`, 500); follow `nextToken`.
    A subscribed calendar has no participants: its events are refused with
    `invalidParameter.subscribed.invalid`. Needs Calendar.Event.Read.
    Source zh/get-the-participants-of-a-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        max_results (int | Unset):
        next_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListAttendeesResponse
    """

    return sync_detailed(
        user_id=user_id,
        calendar_id=calendar_id,
        event_id=event_id,
        client=client,
        max_results=max_results,
        next_token=next_token,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
        params=params,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    calendar_id: str,
    event_id: str,
    *,
    client: AuthenticatedClient | Client,
    max_results: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Error | ListAttendeesResponse]:
    """List an event's attendees

     A page of the event's attendees (at most `maxResults`, 500); follow `nextToken`.
    A subscribed calendar has no participants: its events are refused with
    `invalidParameter.subscribed.invalid`. Needs Calendar.Event.Read.
    Source zh/get-the-participants-of-a-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        max_results (int | Unset):
        next_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListAttendeesResponse]
    """

    response = await client.get_async_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            event_id=event_id,
            max_results=max_results,
            next_token=next_token,
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
    event_id: str,
    *,
    client: AuthenticatedClient | Client,
    max_results: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Error | ListAttendeesResponse | None:
    """List an event's attendees

     A page of the event's attendees (at most `maxResults`, 500); follow `nextToken`.
    A subscribed calendar has no participants: its events are refused with
    `invalidParameter.subscribed.invalid`. Needs Calendar.Event.Read.
    Source zh/get-the-participants-of-a-schedule.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        max_results (int | Unset):
        next_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListAttendeesResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            calendar_id=calendar_id,
            event_id=event_id,
            client=client,
            max_results=max_results,
            next_token=next_token,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    ).parsed
