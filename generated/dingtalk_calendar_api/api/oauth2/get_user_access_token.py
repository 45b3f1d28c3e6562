from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ..._call import call_kwargs, parse_or_none
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.get_user_access_token_request import GetUserAccessTokenRequest
from ...models.user_access_token_response import UserAccessTokenResponse
from ...types import Response

OPERATION_ID = "getUserAccessToken"
METHOD = "POST"
PATH = "/v1.0/oauth2/userAccessToken"


def _get_kwargs(
    *,
    body: GetUserAccessTokenRequest,
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
) -> Error | UserAccessTokenResponse | None:
    if response.status_code == 200:
        response_200 = UserAccessTokenResponse.from_dict(response.json())

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
) -> Error | UserAccessTokenResponse | None:
    """The parsed answer; None for an empty, non-JSON or wrongly shaped body (the raw bytes stay on ``response``)."""
    return parse_or_none(_parse_json_response, client=client, response=response)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | UserAccessTokenResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parse_response(client=client, response=response),
    )


def build_request_kwargs(
    *,
    body: GetUserAccessTokenRequest,
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
    body: GetUserAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response[Error | UserAccessTokenResponse]:
    """User access token of a third-party personal app

     Exchanges an authorization code (grantType `authorization_code`) or a
    refresh token (grantType `refresh_token`) for a user access token and
    a refresh token. Asking again while the access token is valid
    returns the same token and renews it. The refresh token lasts 30 days
    and may be replaced by a new one on use: keep the one returned. The
    page lists no error codes (the codes below are unverified).
    Source zh/obtain-user-token.md.

    Args:
        body (GetUserAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UserAccessTokenResponse]
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
    body: GetUserAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Error | UserAccessTokenResponse | None:
    """User access token of a third-party personal app

     Exchanges an authorization code (grantType `authorization_code`) or a
    refresh token (grantType `refresh_token`) for a user access token and
    a refresh token. Asking again while the access token is valid
    returns the same token and renews it. The refresh token lasts 30 days
    and may be replaced by a new one on use: keep the one returned. The
    page lists no error codes (the codes below are unverified).
    Source zh/obtain-user-token.md.

    Args:
        body (GetUserAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UserAccessTokenResponse
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
    body: GetUserAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response[Error | UserAccessTokenResponse]:
    """User access token of a third-party personal app

     Exchanges an authorization code (grantType `authorization_code`) or a
    refresh token (grantType `refresh_token`) for a user access token and
    a refresh token. Asking again while the access token is valid
    returns the same token and renews it. The refresh token lasts 30 days
    and may be replaced by a new one on use: keep the one returned. The
    page lists no error codes (the codes below are unverified).
    Source zh/obtain-user-token.md.

    Args:
        body (GetUserAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | UserAccessTokenResponse]
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
    body: GetUserAccessTokenRequest,
    timeout: httpx.Timeout | float | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Error | UserAccessTokenResponse | None:
    """User access token of a third-party personal app

     Exchanges an authorization code (grantType `authorization_code`) or a
    refresh token (grantType `refresh_token`) for a user access token and
    a refresh token. Asking again while the access token is valid
    returns the same token and renews it. The refresh token lasts 30 days
    and may be replaced by a new one on use: keep the one returned. The
    page lists no error codes (the codes below are unverified).
    Source zh/obtain-user-token.md.

    Args:
        body (GetUserAccessTokenRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | UserAccessTokenResponse
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
