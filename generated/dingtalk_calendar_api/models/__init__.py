"""Contains all the data models used in inputs/outputs"""

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
