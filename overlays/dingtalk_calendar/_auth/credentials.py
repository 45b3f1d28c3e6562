"""Access tokens and the credentials that obtain them, one class per app type DingTalk names.

Each provider asks its token endpoint through the generated layer, sync or async, and
answers a :class:`Token`. Providers do no caching: :class:`~dingtalk_calendar.TokenManager`
caches, refreshes and makes sure concurrent callers cause one request.

No secret (app secret, suite secret or ticket, client secret, auth code, refresh token,
access token) ever appears in a ``repr``, a ``str`` or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable
from urllib.parse import quote

import httpx
from attrs import field, frozen

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.spec_data import SCHEMAS

from .._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    MalformedResponseError,
    RefreshTokenInvalidError,
    ValidationError,
    error_from_response,
    request_id_of,
)
from .._extensions import ATTEMPTS_EXTENSION, OPERATION_EXTENSION
from .._json import UnreadableJSONError, decode_json
from .._redact import detached, request_of, scrub_headers, secrets_of_request
from .._secret import Secret, SecretBytes, revealed

# The generated token endpoints and their models are imported by the first fetch, not with
# the SDK: a client given a fixed token never loads them.
if TYPE_CHECKING:
    from dingtalk_calendar_api import Client
    from dingtalk_calendar_api.models.access_token_response import AccessTokenResponse
    from dingtalk_calendar_api.models.user_access_token_response import UserAccessTokenResponse

_Parsed = TypeVar("_Parsed", "AccessTokenResponse", "UserAccessTokenResponse")

# DingTalk's explicit refusals of a user's refresh token or authorization code: only these spend it.
_GRANT_REFUSALS = frozenset({ErrorCode.INVALID_REFRESH_TOKEN, ErrorCode.INVALID_AUTH_CODE})

# What an HTTP header value can carry of a token: visible ASCII, no space.
_SENDABLE = re.compile(r"[\x21-\x7e]+")


def token_problem(value: object) -> str | None:
    """Why ``value`` cannot be sent as DingTalk's token header, or None when it can.

    Never quotes the value: a token with a stray newline is still a token.
    """
    if not isinstance(value, str):
        return f"must be a string, not {type(value).__name__}"
    if not value:
        return "is empty"
    if "\r" in value or "\n" in value:
        return "contains a line break (read from a file? strip it)"
    if not _SENDABLE.fullmatch(value):
        return "contains a space, a control character or a non-ASCII character, which a header cannot carry"
    return None


def _sendable_secret(field_name: str) -> Callable[[Any, Any, Secret], None]:
    def check(_instance: Any, _attribute: Any, value: Secret) -> None:
        if (problem := token_problem(revealed(value) if isinstance(value, Secret) else value)) is not None:
            raise ValidationError(field_name, problem)

    return check


def _as_secret(value: Any) -> Any:
    # Anything else is left for the validator, which refuses it with a ValidationError.
    return Secret(value) if isinstance(value, str | Secret) else value


def _optional_secret(value: str | Secret | None) -> Secret | None:
    return None if value is None else Secret(value)


@frozen
class Token:
    """An access token and when it expires.

    The access token and the refresh token are held as :class:`~dingtalk_calendar._secret.Secret`
    (given as ``str``): a token kept in memory (the manager's, a ``MemoryTokenStore``'s) shows
    as ``********`` in any ``repr``, so in any traceback rendered with its locals.
    ``access_token`` and ``refresh_token`` read the text (for a store that writes it); the SDK's
    own paths pass :attr:`secret` along and reveal it only where the header is set.

    ``expires_at`` and ``obtained_at`` are wall-clock epoch seconds (``time.time()``), not
    monotonic time: a token kept in a shared store (Redis) is read by other processes and
    hosts, whose monotonic clocks have unrelated origins.
    """

    _access_token: Secret = field(
        alias="access_token", repr=False, converter=_as_secret, validator=_sendable_secret("access_token")
    )
    expires_at: float
    """When DingTalk stops accepting the token (epoch seconds); ``math.inf`` for a fixed token."""
    _refresh_token: Secret | None = field(alias="refresh_token", default=None, repr=False, converter=_optional_secret)
    """A user token's refresh token, to be sent for the next user token."""
    obtained_at: float | None = None
    """When the token was fetched (epoch seconds); None when unknown (a fixed token)."""

    @property
    def secret(self) -> Secret:
        """The access token, masked in any ``repr``."""
        return self._access_token

    @property
    def access_token(self) -> str:
        """The access token's text: read it only where it is sent or written."""
        return self._access_token.reveal()

    @property
    def refresh_token(self) -> str | None:
        """The refresh token's text, if any: read it only where it is sent or written."""
        return revealed(self._refresh_token)

    @property
    def refresh_secret(self) -> Secret | None:
        """The refresh token, masked in any ``repr``."""
        return self._refresh_token


@runtime_checkable
class TokenProvider(Protocol):
    """Credentials that can obtain an access token from DingTalk's token endpoints.

    ``client`` is an un-authenticated generated client on the API's base URL; ``now`` is the
    token manager's clock (epoch seconds) when the request starts.
    """

    @property
    def cache_key(self) -> str:
        """Identifies the credential (app, organisation, user and secret) without revealing any secret.

        Two credential sets that differ in any field have different keys: build it with
        :func:`credential_key`.
        """
        ...

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        """Ask the token endpoint for a token; ``previous`` is the last one stored (for its refresh token)."""
        ...

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        """The async twin of :meth:`fetch`."""
        ...


def credential_key(kind: str, identity: tuple[str, ...], secrets: tuple[str, ...]) -> str:
    """A token-store key that no other credential set can share, and that reveals no secret.

    ``kind:part:part:...:digest``: each identity part is percent-encoded (``:`` and ``%``
    included), so no choice of app key, corp id or client id can make two sets of parts
    read alike; the digest is an HMAC-SHA256 of the secrets, keyed with those same parts
    (so it is no plain, unsalted hash of a secret, and one credential's digest tells nothing
    about another's). A wrong secret gets a key of its own, whose token is fetched with it
    (and refused by DingTalk).
    """
    parts = [quote(part, safe="", errors="surrogatepass") for part in (kind, *identity)]
    mac_key = _KEY_SCHEME + _length_prefixed((kind, *identity))
    digest = hmac.new(mac_key, _length_prefixed(secrets), hashlib.sha256).hexdigest()[:32]
    return ":".join((*parts, digest))


# Named in the HMAC's key, so that a later scheme never produces this one's digests.
_KEY_SCHEME = b"dingtalk-calendar token-store key v2\0"


def _length_prefixed(values: tuple[str, ...]) -> bytes:
    """An unambiguous byte encoding of ``values`` (each one's UTF-8 length, then its bytes)."""
    encoded = [value.encode("utf-8", "surrogatepass") for value in values]
    return b"".join(len(item).to_bytes(8, "big") + item for item in encoded)


def _sealed(request_kwargs: dict[str, Any]) -> dict[str, Any]:
    """A token request's arguments with its JSON body as :class:`SecretBytes`.

    Every frame from here to the socket then holds the body only in a form whose ``repr``
    hides it (a traceback rendered with its locals shows its length, not the secret).
    """
    body = request_kwargs.pop("json")
    request_kwargs["content"] = SecretBytes(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    return request_kwargs


def _send(client: Client, request_kwargs: dict[str, Any]) -> httpx.Response:
    try:
        return client.get_httpx_client().request(**request_kwargs)
    except httpx.TransportError as error:
        raise _connection_error(error, request_kwargs) from detached(error)


async def _asend(client: Client, request_kwargs: dict[str, Any]) -> httpx.Response:
    try:
        return await client.get_async_httpx_client().request(**request_kwargs)
    except httpx.TransportError as error:
        raise _connection_error(error, request_kwargs) from detached(error)


def _connection_error(error: httpx.TransportError, request_kwargs: dict[str, Any]) -> APIConnectionError:
    # Without the retry transport (which raises these itself), httpx's own errors would escape
    # the SDK's hierarchy. Their text names the failure, never the request body.
    operation = request_kwargs["extensions"][OPERATION_EXTENSION]
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    return cls(f"{type(error).__name__}: {error}", operation=operation)


def _parsed_or_raise(response: httpx.Response, parsed: object, expected: type[_Parsed], operation: str) -> _Parsed:
    """The token endpoint's answer, or the SDK's error for it.

    The generated ``build_request_kwargs``/``parse_response`` are used rather than
    ``sync_detailed`` so that the raw ``httpx.Response`` reaches ``error_from_response``: it
    reads the attempt count the retry transport recorded, and the request's secrets, which it
    scrubs from anything it keeps.
    """
    if response.status_code == 200 and isinstance(parsed, expected):
        _check_answer(response, parsed, operation)
        return parsed
    if response.status_code == 200 and (missing := _missing_fields(response, expected.__name__)):
        raise _malformed_answer(response, operation, f"{', '.join(missing)} missing")
    raise error_from_response(response, operation=operation)


def _missing_fields(response: httpx.Response, schema: str) -> list[str]:
    """The fields the spec requires of the answer's schema that a JSON object answer lacks."""
    try:
        body = decode_json(response.content, what="a token answer")
    except UnreadableJSONError:
        return []
    if not isinstance(body, dict):
        return []
    return [rule.name for rule in SCHEMAS[schema].fields if rule.required and rule.name not in body]


def _check_answer(
    response: httpx.Response, parsed: AccessTokenResponse | UserAccessTokenResponse, operation: str
) -> None:
    """Refuse a 200 whose token could not be sent or whose lifetime makes no sense, before anything keeps it."""
    problem = token_problem(parsed.access_token)
    if problem is not None:
        raise _malformed_answer(response, operation, f"accessToken {problem}")
    expire_in: object = parsed.expire_in
    if isinstance(expire_in, bool) or not isinstance(expire_in, int | float) or not 0 < expire_in < math.inf:
        shown = type(expire_in).__name__ if not isinstance(expire_in, int | float) else repr(expire_in)
        raise _malformed_answer(response, operation, f"expireIn must be a positive number of seconds, not {shown}")


def _malformed_answer(response: httpx.Response, operation: str, detail: str) -> MalformedResponseError:
    # The body holds (or may hold) a token: it is neither kept nor previewed.
    attempts = response.extensions.get(ATTEMPTS_EXTENSION)
    return MalformedResponseError(
        status_code=response.status_code,
        operation=operation,
        attempts=attempts if isinstance(attempts, int) else 1,
        request_id=request_id_of(response),
        headers=scrub_headers(response.headers, secrets_of_request(request_of(response))),
        detail=f"a token answer DingTalk does not send: {detail}",
    )


def _app_token(parsed: AccessTokenResponse, now: float) -> Token:
    return Token(access_token=parsed.access_token, expires_at=now + parsed.expire_in, obtained_at=now)


@frozen
class FixedToken:
    """A token you already have (from your own token service, say); it is never refreshed."""

    token: Secret = field(repr=False, converter=_as_secret, validator=_sendable_secret("token"))
    """Held as a :class:`~dingtalk_calendar._secret.Secret` (give a ``str``); refused at once, with a
    ``ValidationError`` that does not quote it, when a header cannot carry it."""

    @property
    def cache_key(self) -> str:
        return credential_key("fixed", (), (self.token.reveal(),))

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return Token(access_token=self.token, expires_at=math.inf)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self.fetch(client, previous=previous, now=now)


@frozen
class InternalAppCredentials:
    """An internal app (企业内部应用): its AppKey and AppSecret."""

    app_key: str
    app_secret: Secret = field(repr=False, converter=Secret)
    """Held as a :class:`~dingtalk_calendar._secret.Secret` (give a ``str``); revealed only to be sent."""

    @property
    def cache_key(self) -> str:
        return credential_key("internal", (self.app_key,), (self.app_secret.reveal(),))

    def _request(self) -> dict[str, Any]:
        from dingtalk_calendar_api.api.oauth2 import get_access_token
        from dingtalk_calendar_api.models.get_access_token_request import GetAccessTokenRequest

        body = GetAccessTokenRequest(app_key=self.app_key, app_secret=self.app_secret.reveal())
        return _sealed(get_access_token.build_request_kwargs(body=body))

    def _token(self, client: Client, response: httpx.Response, now: float) -> Token:
        from dingtalk_calendar_api.api.oauth2 import get_access_token
        from dingtalk_calendar_api.models.access_token_response import AccessTokenResponse

        parsed = get_access_token.parse_response(client=client, response=response)
        return _app_token(_parsed_or_raise(response, parsed, AccessTokenResponse, get_access_token.OPERATION_ID), now)

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, _send(client, self._request()), now)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, await _asend(client, self._request()), now)


def _ticket(value: str | Secret | Callable[[], str]) -> Secret | Callable[[], str]:
    return value if callable(value) and not isinstance(value, Secret) else Secret(value)


@frozen
class EnterpriseAppCredentials:
    """A third-party enterprise app (第三方企业应用) acting for one organisation that authorised it.

    ``suite_ticket`` is the latest ticket DingTalk pushed to your callback. DingTalk pushes new
    ones, so you may pass a zero-argument callable that returns the current one; it is called
    at each fetch. One suite serving two organisations needs two credentials, and gets two tokens.
    """

    suite_key: str
    suite_secret: Secret = field(repr=False, converter=Secret)
    auth_corp_id: str
    suite_ticket: Secret | Callable[[], str] = field(repr=False, converter=_ticket)

    @property
    def cache_key(self) -> str:
        return credential_key("corp", (self.suite_key, self.auth_corp_id), (self.suite_secret.reveal(),))

    def _request(self) -> dict[str, Any]:
        from dingtalk_calendar_api.api.oauth2 import get_corp_access_token
        from dingtalk_calendar_api.models.get_corp_access_token_request import GetCorpAccessTokenRequest

        ticket = self.suite_ticket() if callable(self.suite_ticket) else self.suite_ticket.reveal()
        body = GetCorpAccessTokenRequest(
            suite_key=self.suite_key,
            suite_secret=self.suite_secret.reveal(),
            auth_corp_id=self.auth_corp_id,
            suite_ticket=ticket,
        )
        return _sealed(get_corp_access_token.build_request_kwargs(body=body))

    def _token(self, client: Client, response: httpx.Response, now: float) -> Token:
        from dingtalk_calendar_api.api.oauth2 import get_corp_access_token
        from dingtalk_calendar_api.models.access_token_response import AccessTokenResponse

        parsed = get_corp_access_token.parse_response(client=client, response=response)
        operation = get_corp_access_token.OPERATION_ID
        return _app_token(_parsed_or_raise(response, parsed, AccessTokenResponse, operation), now)

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, _send(client, self._request()), now)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, await _asend(client, self._request()), now)


class UserCredentials:
    """A third-party personal app (第三方个人应用) acting for one user: a user access token.

    Give the user's ``refresh_token`` (kept from an earlier authorisation) or the one-time
    ``auth_code`` of a new one. DingTalk may rotate the refresh token on each use: the newest
    one travels with the stored token, so the token store (Redis for a fleet) keeps it and the
    next fetch, in this process or another, sends it. The given code or refresh token is sent
    until DingTalk takes it or refuses it; after that only the stored refresh token is. A 5xx
    or a lost answer does not use it up.

    When DingTalk rejects the refresh token (rotated, unknown or past its ~30 days), or none is
    left (the store lost it), :class:`RefreshTokenInvalidError` is raised: the user must
    authorise the app again.
    """

    __slots__ = ("_auth_code", "_initial_refresh_token", "_initial_spent", "client_id", "client_secret")

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str | None = None,
        auth_code: str | None = None,
    ) -> None:
        if not refresh_token and not auth_code:
            raise ConfigurationError("UserCredentials needs a refresh_token or an auth_code")
        self.client_id = client_id
        self.client_secret = Secret(client_secret)
        self._initial_refresh_token = Secret(refresh_token) if refresh_token else None
        self._auth_code = Secret(auth_code) if auth_code else None
        # Set once the given refresh token or code has reached DingTalk: a code works once and a
        # refresh token may have been rotated, so neither is a fallback afterwards.
        self._initial_spent = False

    def __repr__(self) -> str:
        return f"UserCredentials(client_id={self.client_id!r}, cache_key={self.cache_key!r})"

    @property
    def cache_key(self) -> str:
        # The initial grant, digested with the secret, tells two users of one app apart.
        initial = revealed(self._initial_refresh_token or self._auth_code) or ""
        return credential_key("user", (self.client_id,), (self.client_secret.reveal(), initial))

    def _grant(self, previous: Token | None) -> tuple[dict[str, Any], Secret | None, bool]:
        """(The sealed request, the refresh token it sends if any, whether it spends the initial grant)."""
        from dingtalk_calendar_api.api.oauth2 import get_user_access_token
        from dingtalk_calendar_api.models.get_user_access_token_request import GetUserAccessTokenRequest

        sent: Secret | None
        if previous is not None and previous.refresh_secret:
            sent, spends_initial = previous.refresh_secret, False
        elif self._initial_spent:
            raise RefreshTokenInvalidError(
                f"no refresh token left for {self.cache_key}: the one given was already used and the "
                "token store holds none (lost or flushed?); the user must authorise the app again"
            )
        else:
            sent, spends_initial = self._initial_refresh_token, True
        if sent is not None:
            body = GetUserAccessTokenRequest(
                client_id=self.client_id,
                client_secret=self.client_secret.reveal(),
                grant_type="refresh_token",
                refresh_token=sent.reveal(),
            )
        else:
            assert self._auth_code is not None  # __init__ checked that one of the two is given
            body = GetUserAccessTokenRequest(
                client_id=self.client_id,
                client_secret=self.client_secret.reveal(),
                grant_type="authorization_code",
                code=self._auth_code.reveal(),
            )
        return _sealed(get_user_access_token.build_request_kwargs(body=body)), sent, spends_initial

    def _token(self, client: Client, response: httpx.Response, sent: Secret | None, now: float) -> Token:
        from dingtalk_calendar_api.api.oauth2 import get_user_access_token
        from dingtalk_calendar_api.models.user_access_token_response import UserAccessTokenResponse

        parsed = _parsed_or_raise(
            response,
            get_user_access_token.parse_response(client=client, response=response),
            UserAccessTokenResponse,
            get_user_access_token.OPERATION_ID,
        )
        # Keep the refresh token that was sent when DingTalk does not hand out a new one.
        rotated = parsed.refresh_token if isinstance(parsed.refresh_token, str) and parsed.refresh_token else None
        return Token(
            access_token=parsed.access_token,
            expires_at=now + parsed.expire_in,
            refresh_token=rotated or sent,
            obtained_at=now,
        )

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        request_kwargs, sent, spends_initial = self._grant(previous)
        response = _send(client, request_kwargs)
        return self._answered(client, response, sent, now, spends_initial=spends_initial)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        request_kwargs, sent, spends_initial = self._grant(previous)
        response = await _asend(client, request_kwargs)
        return self._answered(client, response, sent, now, spends_initial=spends_initial)

    def _answered(
        self,
        client: Client,
        response: httpx.Response,
        sent: Secret | None,
        now: float,
        *,
        spends_initial: bool,
    ) -> Token:
        """The token DingTalk answered; the initial grant counts as spent once DingTalk took or refused it.

        A 5xx, a proxy's page or a lost connection says nothing about the grant: it is sent
        again next time (at worst DingTalk then refuses it as already used).
        """
        try:
            token = self._token(client, response, sent, now)
        except APIStatusError as error:
            if error.code in _GRANT_REFUSALS:
                self._initial_spent = self._initial_spent or spends_initial
            raise
        self._initial_spent = self._initial_spent or spends_initial
        return token
