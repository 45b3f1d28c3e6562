from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GetCorpAccessTokenRequest")


@_attrs_define
class GetCorpAccessTokenRequest:
    suite_key: str
    """ The third-party suite's SuiteKey. """
    suite_secret: str
    """ The third-party suite's SuiteSecret. """
    auth_corp_id: str
    """ corpId of the organisation that authorised the suite. """
    suite_ticket: str
    """ The latest suite ticket DingTalk pushed to the suite. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        suite_key = self.suite_key

        suite_secret = self.suite_secret

        auth_corp_id = self.auth_corp_id

        suite_ticket = self.suite_ticket

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "suiteKey": suite_key,
                "suiteSecret": suite_secret,
                "authCorpId": auth_corp_id,
                "suiteTicket": suite_ticket,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        suite_key = d.pop("suiteKey")

        suite_secret = d.pop("suiteSecret")

        auth_corp_id = d.pop("authCorpId")

        suite_ticket = d.pop("suiteTicket")

        get_corp_access_token_request = cls(
            suite_key=suite_key,
            suite_secret=suite_secret,
            auth_corp_id=auth_corp_id,
            suite_ticket=suite_ticket,
        )

        get_corp_access_token_request.additional_properties = d
        return get_corp_access_token_request

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
