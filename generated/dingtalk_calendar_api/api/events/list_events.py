from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none, path_segment
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.list_events_response import ListEventsResponse
from ...types import UNSET, Response, Unset

OPERATION_ID = "listEvents"
METHOD = "GET"
PATH = "/v1.0/calendar/users/{user_id}/calendars/{calendar_id}/events"


def _get_kwargs(
    user_id: str,
    calendar_id: str,
    *,
    time_min: str | Unset = UNSET,
    time_max: str | Unset = UNSET,
    show_deleted: bool | Unset = UNSET,
    max_results: int | Unset = UNSET,
    max_attendees: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    sync_token: str | Unset = UNSET,
    series_master_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["timeMin"] = time_min

    params["timeMax"] = time_max

    params["showDeleted"] = show_deleted

    params["maxResults"] = max_results

    params["maxAttendees"] = max_attendees

    params["nextToken"] = next_token

    params["syncToken"] = sync_token

    params["seriesMasterId"] = series_master_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": METHOD,
        "url": PATH.format(
            user_id=path_segment(user_id),
            calendar_id=path_segment(calendar_id),
        ),
        "params": params,
    }

    return _kwargs


def _parse_json_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ListEventsResponse | None:
    if response.status_code == 200:
        response_200 = ListEventsResponse.from_dict(response.json())

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
) -> Error | ListEventsResponse | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ListEventsResponse]:
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
    time_min: str | Unset = UNSET,
    time_max: str | Unset = UNSET,
    show_deleted: bool | Unset = UNSET,
    max_results: int | Unset = UNSET,
    max_attendees: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    sync_token: str | Unset = UNSET,
    series_master_id: str | Unset = UNSET,
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
            time_min=time_min,
            time_max=time_max,
            show_deleted=show_deleted,
            max_results=max_results,
            max_attendees=max_attendees,
            next_token=next_token,
            sync_token=sync_token,
            series_master_id=series_master_id,
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
    time_min: str | Unset = UNSET,
    time_max: str | Unset = UNSET,
    show_deleted: bool | Unset = UNSET,
    max_results: int | Unset = UNSET,
    max_attendees: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    sync_token: str | Unset = UNSET,
    series_master_id: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Error | ListEventsResponse]:
    """List events

     A page of the events of `calendarId` (at most `maxResults`, 100). Follow `nextToken`
    until it is absent; the last page gives a `syncToken` (not when `timeMax` is sent),
    which, sent later instead of the other filters, lists what changed since (deleted
    events with `status` cancelled). `timeMin` and `timeMax` are at most a year apart.
    Needs Calendar.Event.Read. Source zh/query-an-event-list.md.

    Args:
        user_id (str):
        calendar_id (str):
        time_min (str | Unset):
        time_max (str | Unset):
        show_deleted (bool | Unset):
        max_results (int | Unset):
        max_attendees (int | Unset):
        next_token (str | Unset):
        sync_token (str | Unset):
        series_master_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListEventsResponse]
    """

    response = client.get_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            time_min=time_min,
            time_max=time_max,
            show_deleted=show_deleted,
            max_results=max_results,
            max_attendees=max_attendees,
            next_token=next_token,
            sync_token=sync_token,
            series_master_id=series_master_id,
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
    time_min: str | Unset = UNSET,
    time_max: str | Unset = UNSET,
    show_deleted: bool | Unset = UNSET,
    max_results: int | Unset = UNSET,
    max_attendees: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    sync_token: str | Unset = UNSET,
    series_master_id: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Error | ListEventsResponse | None:
    """List events

     A page of the events of `calendarId` (at most `maxResults`, 100). Follow `nextToken`
    until it is absent; the last page gives a `syncToken` (not when `timeMax` is sent),
    which, sent later instead of the other filters, lists what changed since (deleted
    events with `status` cancelled). `timeMin` and `timeMax` are at most a year apart.
    Needs Calendar.Event.Read. Source zh/query-an-event-list.md.

    Args:
        user_id (str):
        calendar_id (str):
        time_min (str | Unset):
        time_max (str | Unset):
        show_deleted (bool | Unset):
        max_results (int | Unset):
        max_attendees (int | Unset):
        next_token (str | Unset):
        sync_token (str | Unset):
        series_master_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListEventsResponse
    """

    return sync_detailed(
        user_id=user_id,
        calendar_id=calendar_id,
        client=client,
        time_min=time_min,
        time_max=time_max,
        show_deleted=show_deleted,
        max_results=max_results,
        max_attendees=max_attendees,
        next_token=next_token,
        sync_token=sync_token,
        series_master_id=series_master_id,
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
    time_min: str | Unset = UNSET,
    time_max: str | Unset = UNSET,
    show_deleted: bool | Unset = UNSET,
    max_results: int | Unset = UNSET,
    max_attendees: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    sync_token: str | Unset = UNSET,
    series_master_id: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Error | ListEventsResponse]:
    """List events

     A page of the events of `calendarId` (at most `maxResults`, 100). Follow `nextToken`
    until it is absent; the last page gives a `syncToken` (not when `timeMax` is sent),
    which, sent later instead of the other filters, lists what changed since (deleted
    events with `status` cancelled). `timeMin` and `timeMax` are at most a year apart.
    Needs Calendar.Event.Read. Source zh/query-an-event-list.md.

    Args:
        user_id (str):
        calendar_id (str):
        time_min (str | Unset):
        time_max (str | Unset):
        show_deleted (bool | Unset):
        max_results (int | Unset):
        max_attendees (int | Unset):
        next_token (str | Unset):
        sync_token (str | Unset):
        series_master_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListEventsResponse]
    """

    response = await client.get_async_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            time_min=time_min,
            time_max=time_max,
            show_deleted=show_deleted,
            max_results=max_results,
            max_attendees=max_attendees,
            next_token=next_token,
            sync_token=sync_token,
            series_master_id=series_master_id,
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
    time_min: str | Unset = UNSET,
    time_max: str | Unset = UNSET,
    show_deleted: bool | Unset = UNSET,
    max_results: int | Unset = UNSET,
    max_attendees: int | Unset = UNSET,
    next_token: str | Unset = UNSET,
    sync_token: str | Unset = UNSET,
    series_master_id: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Error | ListEventsResponse | None:
    """List events

     A page of the events of `calendarId` (at most `maxResults`, 100). Follow `nextToken`
    until it is absent; the last page gives a `syncToken` (not when `timeMax` is sent),
    which, sent later instead of the other filters, lists what changed since (deleted
    events with `status` cancelled). `timeMin` and `timeMax` are at most a year apart.
    Needs Calendar.Event.Read. Source zh/query-an-event-list.md.

    Args:
        user_id (str):
        calendar_id (str):
        time_min (str | Unset):
        time_max (str | Unset):
        show_deleted (bool | Unset):
        max_results (int | Unset):
        max_attendees (int | Unset):
        next_token (str | Unset):
        sync_token (str | Unset):
        series_master_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListEventsResponse
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            calendar_id=calendar_id,
            client=client,
            time_min=time_min,
            time_max=time_max,
            show_deleted=show_deleted,
            max_results=max_results,
            max_attendees=max_attendees,
            next_token=next_token,
            sync_token=sync_token,
            series_master_id=series_master_id,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    ).parsed
