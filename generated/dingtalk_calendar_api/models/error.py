from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.access_denied_detail import AccessDeniedDetail


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """DingTalk's error body. Unknown keys are kept."""

    code: str | Unset = UNSET
    """ The error code, such as invalidParameter or InvalidAuthentication. """
    message: str | Unset = UNSET
    """ The error message; for documented errors one of the operation's messages. """
    requestid: str | Unset = UNSET
    """ DingTalk's id of the request, for support tickets. """
    accessdenieddetail: AccessDeniedDetail | Unset = UNSET
    """ Sent with permission errors. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        requestid = self.requestid

        accessdenieddetail: dict[str, Any] | Unset = UNSET
        if not isinstance(self.accessdenieddetail, Unset):
            accessdenieddetail = self.accessdenieddetail.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if requestid is not UNSET:
            field_dict["requestid"] = requestid
        if accessdenieddetail is not UNSET:
            field_dict["accessdenieddetail"] = accessdenieddetail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.access_denied_detail import AccessDeniedDetail

        d = dict(src_dict)
        code = d.pop("code", UNSET)

        message = d.pop("message", UNSET)

        requestid = d.pop("requestid", UNSET)

        _accessdenieddetail = d.pop("accessdenieddetail", UNSET)
        accessdenieddetail: AccessDeniedDetail | Unset
        if isinstance(_accessdenieddetail, Unset):
            accessdenieddetail = UNSET
        else:
            accessdenieddetail = AccessDeniedDetail.from_dict(_accessdenieddetail)

        error = cls(
            code=code,
            message=message,
            requestid=requestid,
            accessdenieddetail=accessdenieddetail,
        )

        error.additional_properties = d
        return error

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
