"""The three token endpoints: credentials in, access tokens out, DingTalk's error codes on refusal."""

import hmac
from typing import Any

from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.models.get_user_access_token_request_grant_type import (
    GET_USER_ACCESS_TOKEN_REQUEST_GRANT_TYPE_VALUES,
)
from dingtalk_calendar_api.spec_data import OPERATIONS, SCHEMAS

from .apps import AppRegistry, EnterpriseApp, InternalApp, PersonalApp
from .calendars import Answer
from .directory import Directory
from .errors import ApiError, credentials_error
from .stats import Stats
from .tokens import Grant, TokenStore

INTERNAL_OPERATION = "getAccessToken"
CORP_OPERATION = "getCorpAccessToken"
USER_OPERATION = "getUserAccessToken"


class OAuthService:
    """getAccessToken, getCorpAccessToken and getUserAccessToken."""

    def __init__(
        self, apps: AppRegistry, tokens: TokenStore, directory: Directory, stats: Stats, language: str = "en"
    ) -> None:
        self.apps = apps
        self.tokens = tokens
        self.directory = directory
        self.stats = stats
        self.language = language
        """"zh": the Chinese messages of the token pages, where they give one."""

    def app_token(self, body: Any) -> Answer:
        """An internal app's token for appKey + appSecret."""
        fields = _check_body(INTERNAL_OPERATION, body)
        self.stats.record_token_app(fields["appKey"])
        app = self.apps.find(InternalApp, fields["appKey"])
        if app is None or not _same(app.app_secret, fields["appSecret"]):
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
        fields = _check_body(CORP_OPERATION, body)
        self.stats.record_token_app(fields["suiteKey"])
        app = self.apps.find(EnterpriseApp, fields["suiteKey"])
        if app is None or not _same(app.suite_secret, fields["suiteSecret"]):
            raise credentials_error(
                CORP_OPERATION, ErrorCode.INVALID_SUITE_KEY, "suiteKey or suiteSecret is invalid", self.language
            )
        if not _same(app.suite_ticket, fields["suiteTicket"]):
            raise credentials_error(
                CORP_OPERATION, ErrorCode.INVALID_SUITE_TICKET, "suiteTicket is invalid or stale", self.language
            )
        corp_id = fields["authCorpId"]
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
        fields = _check_body(USER_OPERATION, body)
        self.stats.record_token_app(fields["clientId"])
        app = self.apps.find(PersonalApp, fields["clientId"])
        if app is None or not _same(app.client_secret, fields["clientSecret"]):
            raise credentials_error(
                USER_OPERATION, ErrorCode.INVALID_CLIENT_ID_OR_SECRET, "clientId or clientSecret is invalid"
            )
        grant_type = fields["grantType"]
        if grant_type not in GET_USER_ACCESS_TOKEN_REQUEST_GRANT_TYPE_VALUES:
            allowed = sorted(GET_USER_ACCESS_TOKEN_REQUEST_GRANT_TYPE_VALUES)
            raise _invalid(f"grantType must be one of {allowed}")
        if grant_type == "authorization_code":
            union_id = self.tokens.redeem_auth_code(app, fields.get("code") or "")
            if union_id is None:
                raise credentials_error(
                    USER_OPERATION, ErrorCode.INVALID_AUTH_CODE, "the authorization code is invalid, used or expired"
                )
            refresh_token = self.tokens.issue_refresh_token(app, union_id)
        else:
            rotated = self.tokens.rotate_refresh_token(app, fields.get("refreshToken") or "")
            if rotated is None:
                raise credentials_error(
                    USER_OPERATION, ErrorCode.INVALID_REFRESH_TOKEN, "the refresh token is invalid, rotated or expired"
                )
            union_id, refresh_token = rotated
        answer = dict(self._token_answer(Grant(app, union_id=union_id)).body or {})
        answer["refreshToken"] = refresh_token
        corp_ids = sorted(self.directory.corps_of(union_id))
        if corp_ids:
            answer["corpId"] = corp_ids[0]
        return Answer(answer)

    def _token_answer(self, grant: Grant) -> Answer:
        return Answer({"accessToken": self.tokens.token_for(grant), "expireIn": int(self.tokens.token_ttl)})


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def _check_body(operation_id: str, body: Any) -> dict[str, str]:
    """The request's string fields, each required one present and not empty (rules from the spec)."""
    if not isinstance(body, dict):
        raise _invalid("the request body must be a JSON object")
    schema_name = OPERATIONS[operation_id].body_schema
    assert schema_name is not None  # every token endpoint takes a body
    fields: dict[str, str] = {}
    for rule in SCHEMAS[schema_name].fields:
        value = body.get(rule.name)
        if value is None:
            if rule.required:
                raise _missing(rule.name)
            continue
        if not isinstance(value, str):
            raise _invalid(f"{rule.name} must be a string")
        if rule.min_length is not None and len(value) < rule.min_length:
            raise _missing(rule.name)
        fields[rule.name] = value
    return fields


def _missing(name: str) -> ApiError:
    # The spec documents no code for a missing field of a token request; DingTalk's API
    # gateway answers those with "Missing<field>" codes, as Alibaba Cloud's gateways do.
    return ApiError(400, f"Missing{name}", f"{name} is mandatory for this action.")


def _invalid(message: str) -> ApiError:
    return ApiError(400, ErrorCode.INVALID_PARAMETER.value, message)
