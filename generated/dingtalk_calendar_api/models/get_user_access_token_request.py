from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.get_user_access_token_request_grant_type import (
    GetUserAccessTokenRequestGrantType,
    check_get_user_access_token_request_grant_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="GetUserAccessTokenRequest")


@_attrs_define
class GetUserAccessTokenRequest:
    client_id: str
    """ The personal app's client id (its AppKey). """
    client_secret: str
    """ The personal app's client secret. """
    grant_type: GetUserAccessTokenRequestGrantType
    """ Which of code and refreshToken is sent. """
    code: str | Unset = UNSET
    """ The user's one-time authorization code; with grantType authorization_code. """
    refresh_token: str | Unset = UNSET
    """ The user's refresh token; with grantType refresh_token. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        client_secret = self.client_secret

        grant_type: str = self.grant_type

        code = self.code

        refresh_token = self.refresh_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clientId": client_id,
                "clientSecret": client_secret,
                "grantType": grant_type,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if refresh_token is not UNSET:
            field_dict["refreshToken"] = refresh_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = d.pop("clientId")

        client_secret = d.pop("clientSecret")

        grant_type = check_get_user_access_token_request_grant_type(d.pop("grantType"))

        code = d.pop("code", UNSET)

        refresh_token = d.pop("refreshToken", UNSET)

        get_user_access_token_request = cls(
            client_id=client_id,
            client_secret=client_secret,
            grant_type=grant_type,
            code=code,
            refresh_token=refresh_token,
        )

        get_user_access_token_request.additional_properties = d
        return get_user_access_token_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
