"""Access tokens and the credentials that obtain them, one class per app type DingTalk names.

Each provider asks its token endpoint through the generated layer, sync or async, and
answers a :class:`Token`. Providers do no caching: :class:`~dingtalk_calendar.TokenManager`
caches, refreshes and makes sure concurrent callers cause one request.

No secret (app secret, suite secret or ticket, client secret, auth code, refresh token,
access token) ever appears in a ``repr``, a ``str`` or a log line.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from attrs import Attribute, field, frozen

from dingtalk_calendar_api.error_codes import ErrorCode

from .._errors import APIStatusError, ConfigurationError, RefreshTokenInvalidError
from .._secret import Secret, revealed
from .token import Token, as_secret, credential_key, sendable_secret
from .token_request import app_token, asend, parsed_or_raise, sealed, send

if TYPE_CHECKING:
    import httpx

    from dingtalk_calendar_api import Client

# DingTalk's explicit refusals of a user's refresh token or authorization code: only these spend it.
_GRANT_REFUSALS = frozenset({ErrorCode.INVALID_REFRESH_TOKEN, ErrorCode.INVALID_AUTH_CODE})


def _check_given(owner: str, name: str, value: object) -> None:
    """A ``ConfigurationError`` unless ``value`` (or the ``Secret`` holding it) is a non-blank string; never quoted."""
    text = value.reveal() if isinstance(value, Secret) else value
    if not isinstance(text, str) or not text.strip():
        got = "a blank string" if isinstance(text, str) else type(text).__name__
        raise ConfigurationError(f"{owner} {name} must be a non-blank string, not {got}")


def _given(owner: str) -> Callable[[object, Attribute[Any], object], None]:
    return lambda _, attribute, value: _check_given(owner, attribute.name, value)


@frozen
class FixedToken:
    """A token you already have (from your own token service, say); it is never refreshed."""

    token: Secret = field(repr=False, converter=as_secret, validator=sendable_secret("token"))
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

    app_key: str = field(validator=_given("InternalAppCredentials"))
    app_secret: Secret = field(repr=False, converter=as_secret, validator=_given("InternalAppCredentials"))
    """Held as a :class:`~dingtalk_calendar._secret.Secret` (give a ``str``); revealed only to be sent."""

    @property
    def cache_key(self) -> str:
        return credential_key("internal", (self.app_key,), (self.app_secret.reveal(),))

    def _request(self) -> dict[str, Any]:
        from dingtalk_calendar_api.api.oauth2 import get_access_token
        from dingtalk_calendar_api.models.get_access_token_request import GetAccessTokenRequest

        body = GetAccessTokenRequest(app_key=self.app_key, app_secret=self.app_secret.reveal())
        return sealed(get_access_token.build_request_kwargs(body=body))

    def _token(self, client: Client, response: httpx.Response, now: float) -> Token:
        from dingtalk_calendar_api.api.oauth2 import get_access_token
        from dingtalk_calendar_api.models.access_token_response import AccessTokenResponse

        parsed = get_access_token.parse_response(client=client, response=response)
        return app_token(parsed_or_raise(response, parsed, AccessTokenResponse, get_access_token.OPERATION_ID), now)

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, send(client, self._request()), now)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, await asend(client, self._request()), now)


def _ticket(value: str | Secret | Callable[[], str]) -> Secret | Callable[[], str]:
    return value if callable(value) and not isinstance(value, Secret) else as_secret(value)


def _ticket_given(_: object, attribute: Attribute[Any], value: object) -> None:
    if not (callable(value) and not isinstance(value, Secret)):
        _check_given("EnterpriseAppCredentials", attribute.name, value)


@frozen
class EnterpriseAppCredentials:
    """A third-party enterprise app (第三方企业应用) acting for one organisation that authorised it.

    ``suite_ticket`` is the latest ticket DingTalk pushed to your callback. DingTalk pushes new
    ones, so you may pass a zero-argument callable that returns the current one; it is called
    at each fetch. One suite serving two organisations needs two credentials, and gets two tokens.
    """

    suite_key: str = field(validator=_given("EnterpriseAppCredentials"))
    suite_secret: Secret = field(repr=False, converter=as_secret, validator=_given("EnterpriseAppCredentials"))
    auth_corp_id: str = field(validator=_given("EnterpriseAppCredentials"))
    suite_ticket: Secret | Callable[[], str] = field(repr=False, converter=_ticket, validator=_ticket_given)

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
        return sealed(get_corp_access_token.build_request_kwargs(body=body))

    def _token(self, client: Client, response: httpx.Response, now: float) -> Token:
        from dingtalk_calendar_api.api.oauth2 import get_corp_access_token
        from dingtalk_calendar_api.models.access_token_response import AccessTokenResponse

        parsed = get_corp_access_token.parse_response(client=client, response=response)
        operation = get_corp_access_token.OPERATION_ID
        return app_token(parsed_or_raise(response, parsed, AccessTokenResponse, operation), now)

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, send(client, self._request()), now)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        return self._token(client, await asend(client, self._request()), now)


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
        _check_given("UserCredentials", "client_id", client_id)
        _check_given("UserCredentials", "client_secret", client_secret)
        for name, value in (("refresh_token", refresh_token), ("auth_code", auth_code)):
            if value is not None:
                _check_given("UserCredentials", name, value)
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
        return sealed(get_user_access_token.build_request_kwargs(body=body)), sent, spends_initial

    def _token(self, client: Client, response: httpx.Response, sent: Secret | None, now: float) -> Token:
        from dingtalk_calendar_api.api.oauth2 import get_user_access_token
        from dingtalk_calendar_api.models.user_access_token_response import UserAccessTokenResponse

        parsed = parsed_or_raise(
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
        response = send(client, request_kwargs)
        return self._answered(client, response, sent, now, spends_initial=spends_initial)

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        request_kwargs, sent, spends_initial = self._grant(previous)
        response = await asend(client, request_kwargs)
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
