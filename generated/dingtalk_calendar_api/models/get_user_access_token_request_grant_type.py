from typing import Literal

GetUserAccessTokenRequestGrantType = Literal["authorization_code", "refresh_token"]

GET_USER_ACCESS_TOKEN_REQUEST_GRANT_TYPE_VALUES: set[GetUserAccessTokenRequestGrantType] = {
    "authorization_code",
    "refresh_token",
}


def check_get_user_access_token_request_grant_type(value: str) -> GetUserAccessTokenRequestGrantType:
    if value in GET_USER_ACCESS_TOKEN_REQUEST_GRANT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_USER_ACCESS_TOKEN_REQUEST_GRANT_TYPE_VALUES!r}")
