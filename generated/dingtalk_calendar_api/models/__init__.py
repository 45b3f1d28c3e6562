"""Contains all the data models used in inputs/outputs.

Each model's module is imported the first time the model is asked for
(``from dingtalk_calendar_api.models import Error`` or ``models.Error``), so that one
operation does not load every model.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .access_denied_detail import AccessDeniedDetail
    from .access_token_response import AccessTokenResponse
    from .create_subscribed_calendar_request import CreateSubscribedCalendarRequest
    from .create_subscribed_calendar_response import CreateSubscribedCalendarResponse
    from .error import Error
    from .get_access_token_request import GetAccessTokenRequest
    from .get_corp_access_token_request import GetCorpAccessTokenRequest
    from .get_subscribed_calendar_response import GetSubscribedCalendarResponse
    from .get_user_access_token_request import GetUserAccessTokenRequest
    from .get_user_access_token_request_grant_type import GetUserAccessTokenRequestGrantType
    from .result_response import ResultResponse
    from .subscribe_scope import SubscribeScope
    from .update_subscribed_calendar_request import UpdateSubscribedCalendarRequest
    from .user_access_token_response import UserAccessTokenResponse

__all__ = (
    "AccessDeniedDetail",
    "AccessTokenResponse",
    "CreateSubscribedCalendarRequest",
    "CreateSubscribedCalendarResponse",
    "Error",
    "GetAccessTokenRequest",
    "GetCorpAccessTokenRequest",
    "GetSubscribedCalendarResponse",
    "GetUserAccessTokenRequest",
    "GetUserAccessTokenRequestGrantType",
    "ResultResponse",
    "SubscribeScope",
    "UpdateSubscribedCalendarRequest",
    "UserAccessTokenResponse",
)

_MODULE_OF = {
    "AccessDeniedDetail": ".access_denied_detail",
    "AccessTokenResponse": ".access_token_response",
    "CreateSubscribedCalendarRequest": ".create_subscribed_calendar_request",
    "CreateSubscribedCalendarResponse": ".create_subscribed_calendar_response",
    "Error": ".error",
    "GetAccessTokenRequest": ".get_access_token_request",
    "GetCorpAccessTokenRequest": ".get_corp_access_token_request",
    "GetSubscribedCalendarResponse": ".get_subscribed_calendar_response",
    "GetUserAccessTokenRequest": ".get_user_access_token_request",
    "GetUserAccessTokenRequestGrantType": ".get_user_access_token_request_grant_type",
    "ResultResponse": ".result_response",
    "SubscribeScope": ".subscribe_scope",
    "UpdateSubscribedCalendarRequest": ".update_subscribed_calendar_request",
    "UserAccessTokenResponse": ".user_access_token_response",
}

if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt name is still an error

    def __getattr__(name: str) -> object:
        from importlib import import_module

        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(module, __name__), name)
        globals()[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
