from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none
from ...client import AuthenticatedClient, Client
from ...models.access_token_response import AccessTokenResponse
from ...models.error import Error
from ...models.get_access_token_request import GetAccessTokenRequest
from ...types import Response

OPERATION_ID = "getAccessToken"
METHOD = "POST"
PATH = "/v1.0/oauth2/accessToken"


def _get_kwargs(
    *,
    body: GetAccessTokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": METHOD,
        "url": PATH,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_json_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AccessTokenResponse | Error | None:
    if response.status_code == 200:
        response_200 = AccessTokenResponse.from_dict(response.json())

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
) -> AccessTokenResponse | Error | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccessTokenResponse | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_response(client=client, response=response),
    )


def build_request_kwargs(
    *,
    body: GetAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The arguments of ``httpx.Client.request`` for this operation, with one call's options merged."""
    return call_kwargs(
        _get_kwargs(
            body=body,
        ),
        OPERATION_ID,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: GetAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response[AccessTokenResponse | Error]:
    """Access token of an internal app

     Exchanges an internal app's key and secret for an access token that
    lives `expireIn` seconds (7,200). Asking again within that time
    returns the same token and renews it. Rate limited: cache the token.
    Source zh/obtain-the-access-token-of-an-internal-app.md.

    Args:
        body (GetAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessTokenResponse | Error]
    """

    response = client.get_httpx_client().request(
        **build_request_kwargs(
            body=body,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
        )
    )
    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: GetAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> AccessTokenResponse | Error | None:
    """Access token of an internal app

     Exchanges an internal app's key and secret for an access token that
    lives `expireIn` seconds (7,200). Asking again within that time
    returns the same token and renews it. Rate limited: cache the token.
    Source zh/obtain-the-access-token-of-an-internal-app.md.

    Args:
        body (GetAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessTokenResponse | Error
    """

    return sync_detailed(
        client=client,
        body=body,
        timeout=timeout,
        headers=headers,
        extensions=extensions,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: GetAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response[AccessTokenResponse | Error]:
    """Access token of an internal app

     Exchanges an internal app's key and secret for an access token that
    lives `expireIn` seconds (7,200). Asking again within that time
    returns the same token and renews it. Rate limited: cache the token.
    Source zh/obtain-the-access-token-of-an-internal-app.md.

    Args:
        body (GetAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessTokenResponse | Error]
    """

    response = await client.get_async_httpx_client().request(
        **build_request_kwargs(
            body=body,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
        )
    )
    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: GetAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> AccessTokenResponse | Error | None:
    """Access token of an internal app

     Exchanges an internal app's key and secret for an access token that
    lives `expireIn` seconds (7,200). Asking again within that time
    returns the same token and renews it. Rate limited: cache the token.
    Source zh/obtain-the-access-token-of-an-internal-app.md.

    Args:
        body (GetAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessTokenResponse | Error
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            timeout=timeout,
            headers=headers,
            extensions=extensions,
        )
    ).parsed
