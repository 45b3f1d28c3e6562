"""The three token endpoints: credentials in, access tokens out, DingTalk's error codes on refusal.

The spec's field rules are checked before these run (see ``server``); bodies are read, and
answers written, through the generated models.
"""

import hmac
from typing import Any

from dingtalk_calendar_api.checks import Violation
from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.models import (
    AccessTokenResponse,
    GetAccessTokenRequest,
    GetCorpAccessTokenRequest,
    GetUserAccessTokenRequest,
    UserAccessTokenResponse,
)
from dingtalk_calendar_api.operation_ids import OperationId
from dingtalk_calendar_api.types import UNSET, Unset

from .apps import AppRegistry, EnterpriseApp, InternalApp, PersonalApp
from .calendars import Answer, without_nulls
from .directory import Directory
from .errors import ApiError, credentials_error
from .stats import Stats
from .throttle import Throttle, per_second_error
from .tokens import Grant, TokenStore

INTERNAL_OPERATION = OperationId.GET_ACCESS_TOKEN
CORP_OPERATION = OperationId.GET_CORP_ACCESS_TOKEN
USER_OPERATION = OperationId.GET_USER_ACCESS_TOKEN


class OAuthService:
    """getAccessToken, getCorpAccessToken and getUserAccessToken."""

    def __init__(
        self,
        apps: AppRegistry,
        tokens: TokenStore,
        directory: Directory,
        stats: Stats,
        limiter: Throttle,
        language: str = "en",
    ) -> None:
        self.apps = apps
        self.limiter = limiter
        self.tokens = tokens
        self.directory = directory
        self.stats = stats
        self.language = language
        """"zh": the Chinese messages of the token pages, where they give one."""

    def app_token(self, body: Any) -> Answer:
        """An internal app's token for appKey + appSecret."""
        request = GetAccessTokenRequest.from_dict(without_nulls(body))
        self._throttle(request.app_key, INTERNAL_OPERATION)
        self.stats.record_token_app(request.app_key)
        app = self.apps.find(InternalApp, request.app_key)
        if app is None or not _same(app.app_secret, request.app_secret):
            raise credentials_error(
                INTERNAL_OPERATION,
                ErrorCode.INVALID_CLIENT_ID_OR_SECRET,
                "appKey or appSecret is invalid",
                self.language,
            )
        return self._token_answer(Grant(app))

    def corp_token(self, body: Any) -> Answer:
        """The token of one organisation that authorised a third-party enterprise app: a new one every time.

        Codes as ``zh/obtain-the-access-token-of-the-authorized-enterprise-1.md`` lists them:
        ``invalidSuiteKey`` (its page names no code for a wrong suite secret; this one is
        the nearest), ``invalidSuiteTicket``, ``invalidAuthInfo``.
        """
        request = GetCorpAccessTokenRequest.from_dict(without_nulls(body))
        self._throttle(request.suite_key, CORP_OPERATION)
        self.stats.record_token_app(request.suite_key)
        app = self.apps.find(EnterpriseApp, request.suite_key)
        if app is None or not _same(app.suite_secret, request.suite_secret):
            raise credentials_error(
                CORP_OPERATION, ErrorCode.INVALID_SUITE_KEY, "suiteKey or suiteSecret is invalid", self.language
            )
        if not _same(app.suite_ticket, request.suite_ticket):
            raise credentials_error(
                CORP_OPERATION, ErrorCode.INVALID_SUITE_TICKET, "suiteTicket is invalid or stale", self.language
            )
        corp_id = request.auth_corp_id
        authorised = self.directory.corps.keys() if app.authorised_corp_ids is None else app.authorised_corp_ids
        if corp_id not in authorised:
            raise credentials_error(
                CORP_OPERATION,
                ErrorCode.INVALID_AUTH_INFO,
                f"the corp {corp_id} has not enabled this app",
                self.language,
            )
        return self._token_answer(Grant(app, corp_id=corp_id))

    def user_token(self, body: Any) -> Answer:
        """A personal app's user token, from an authorization code or a refresh token (which rotates)."""
        request = GetUserAccessTokenRequest.from_dict(without_nulls(body))
        self._throttle(request.client_id, USER_OPERATION)
        self.stats.record_token_app(request.client_id)
        app = self.apps.find(PersonalApp, request.client_id)
        if app is None or not _same(app.client_secret, request.client_secret):
            raise credentials_error(
                USER_OPERATION, ErrorCode.INVALID_CLIENT_ID_OR_SECRET, "clientId or clientSecret is invalid"
            )
        grant_type = request.grant_type
        if grant_type == "authorization_code":
            union_id = self.tokens.redeem_auth_code(app, _text(request.code))
            if union_id is None:
                raise credentials_error(
                    USER_OPERATION, ErrorCode.INVALID_AUTH_CODE, "the authorization code is invalid, used or expired"
                )
            refresh_token = self.tokens.issue_refresh_token(app, union_id)
        else:
            rotated = self.tokens.rotate_refresh_token(app, _text(request.refresh_token))
            if rotated is None:
                raise credentials_error(
                    USER_OPERATION, ErrorCode.INVALID_REFRESH_TOKEN, "the refresh token is invalid, rotated or expired"
                )
            union_id, refresh_token = rotated
        grant = Grant(app, union_id=union_id)
        corp_ids = sorted(self.directory.corps_of(union_id))
        answer = UserAccessTokenResponse(
            access_token=self.tokens.token_for(grant),
            expire_in=int(self.tokens.token_ttl),
            refresh_token=refresh_token,
            corp_id=corp_ids[0] if corp_ids else UNSET,
        )
        return Answer(answer.to_dict())

    def _throttle(self, app_key: str, operation_id: str) -> None:
        # Token requests are throttled per app too; their app is named in the body.
        if not self.limiter.per_second.allow(app_key, operation_id):
            raise per_second_error()

    def _token_answer(self, grant: Grant) -> Answer:
        answer = AccessTokenResponse(access_token=self.tokens.token_for(grant), expire_in=int(self.tokens.token_ttl))
        return Answer(answer.to_dict())


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def token_refusal(operation_id: str, violation: Violation) -> ApiError:
    """A broken field rule of a token request (the spec documents none of them)."""
    if not violation.path:
        return _invalid("the request body must be a JSON object")
    if violation.rule in ("required", "minLength"):
        return _missing(violation.path)
    if violation.rule == "type":
        return _invalid(f"{violation.path} must be {violation.expected}")
    return _invalid(f"{violation.path} {violation.reason}")


def _text(value: "str | Unset") -> str:
    return "" if isinstance(value, Unset) else value


def _missing(name: str) -> ApiError:
    # The spec documents no code for a missing field of a token request; DingTalk's API
    # gateway answers those with "Missing<field>" codes, as Alibaba Cloud's gateways do.
    return ApiError(400, f"Missing{name}", f"{name} is mandatory for this action.")


def _invalid(message: str) -> ApiError:
    return ApiError(400, ErrorCode.INVALID_PARAMETER.value, message)
