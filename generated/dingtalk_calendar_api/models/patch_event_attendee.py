from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchEventAttendee")


@_attrs_define
class PatchEventAttendee:
    id: str | Unset = UNSET
    """ The attendee's unionId. """
    email: str | Unset = UNSET
    """ The attendee's e-mail address. """
    is_optional: bool | Unset = UNSET
    """ Whether attendance is optional. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        is_optional = self.is_optional

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if email is not UNSET:
            field_dict["email"] = email
        if is_optional is not UNSET:
            field_dict["isOptional"] = is_optional

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        email = d.pop("email", UNSET)

        is_optional = d.pop("isOptional", UNSET)

        patch_event_attendee = cls(
            id=id,
            email=email,
            is_optional=is_optional,
        )

        patch_event_attendee.additional_properties = d
        return patch_event_attendee

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
