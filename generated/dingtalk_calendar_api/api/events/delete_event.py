from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none, path_segment
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import UNSET, Response, Unset

OPERATION_ID = "deleteEvent"
METHOD = "DELETE"
PATH = "/v1.0/calendar/users/{user_id}/calendars/{calendar_id}/events/{event_id}"


def _get_kwargs(
    user_id: str,
    calendar_id: str,
    event_id: str,
    *,
    push_notification: bool | Unset = UNSET,
    x_client_token: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_client_token, Unset):
        headers["x-client-token"] = x_client_token

    params: dict[str, Any] = {}

    params["pushNotification"] = push_notification

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

    _kwargs["headers"] = headers
    return _kwargs


def _parse_json_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
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


def parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error]:
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
    push_notification: bool | Unset = UNSET,
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
            event_id=event_id,
            push_notification=push_notification,
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
    event_id: str,
    *,
    client: AuthenticatedClient | Client,
    push_notification: bool | Unset = UNSET,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Any | Error]:
    """Delete an event

     Deleted by its organiser, the event goes from every attendee's calendar; deleted by
    an attendee, only from that attendee's. DingTalk answers an empty 200. Idempotent in
    effect: a second delete finds no event (itemNotFound). Needs Calendar.Event.Write.
    Source zh/delete-event.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        push_notification (bool | Unset):
        x_client_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    response = client.get_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            event_id=event_id,
            push_notification=push_notification,
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
    event_id: str,
    *,
    client: AuthenticatedClient | Client,
    push_notification: bool | Unset = UNSET,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Any | Error | None:
    """Delete an event

     Deleted by its organiser, the event goes from every attendee's calendar; deleted by
    an attendee, only from that attendee's. DingTalk answers an empty 200. Idempotent in
    effect: a second delete finds no event (itemNotFound). Needs Calendar.Event.Write.
    Source zh/delete-event.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        push_notification (bool | Unset):
        x_client_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        user_id=user_id,
        calendar_id=calendar_id,
        event_id=event_id,
        client=client,
        push_notification=push_notification,
        x_client_token=x_client_token,
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
    push_notification: bool | Unset = UNSET,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Response[Any | Error]:
    """Delete an event

     Deleted by its organiser, the event goes from every attendee's calendar; deleted by
    an attendee, only from that attendee's. DingTalk answers an empty 200. Idempotent in
    effect: a second delete finds no event (itemNotFound). Needs Calendar.Event.Write.
    Source zh/delete-event.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        push_notification (bool | Unset):
        x_client_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    response = await client.get_async_httpx_client().request(
        **build_request_kwargs(
            user_id=user_id,
            calendar_id=calendar_id,
            event_id=event_id,
            push_notification=push_notification,
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
    event_id: str,
    *,
    client: AuthenticatedClient | Client,
    push_notification: bool | Unset = UNSET,
    x_client_token: str | Unset = UNSET,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
    params: Mapping[str, str] | None = None,
) -> Any | Error | None:
    """Delete an event

     Deleted by its organiser, the event goes from every attendee's calendar; deleted by
    an attendee, only from that attendee's. DingTalk answers an empty 200. Idempotent in
    effect: a second delete finds no event (itemNotFound). Needs Calendar.Event.Write.
    Source zh/delete-event.md.

    Args:
        user_id (str):
        calendar_id (str):
        event_id (str):
        push_notification (bool | Unset):
        x_client_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            calendar_id=calendar_id,
            event_id=event_id,
            client=client,
            push_notification=push_notification,
            x_client_token=x_client_token,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
            params=params,
        )
    ).parsed
