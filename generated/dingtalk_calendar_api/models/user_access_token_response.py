from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserAccessTokenResponse")


@_attrs_define
class UserAccessTokenResponse:
    access_token: str
    """ The user access token. """
    expire_in: int
    """ Seconds until the access token expires. """
    refresh_token: str | Unset = UNSET
    """ The refresh token to use next time; it may differ from the one sent. """
    corp_id: str | Unset = UNSET
    """ corpId of the user's current organisation. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        expire_in = self.expire_in

        refresh_token = self.refresh_token

        corp_id = self.corp_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accessToken": access_token,
                "expireIn": expire_in,
            }
        )
        if refresh_token is not UNSET:
            field_dict["refreshToken"] = refresh_token
        if corp_id is not UNSET:
            field_dict["corpId"] = corp_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("accessToken")

        expire_in = d.pop("expireIn")

        refresh_token = d.pop("refreshToken", UNSET)

        corp_id = d.pop("corpId", UNSET)

        user_access_token_response = cls(
            access_token=access_token,
            expire_in=expire_in,
            refresh_token=refresh_token,
            corp_id=corp_id,
        )

        user_access_token_response.additional_properties = d
        return user_access_token_response

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
