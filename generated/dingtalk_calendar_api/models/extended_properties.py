from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.shared_properties import SharedProperties


T = TypeVar("T", bound="ExtendedProperties")


@_attrs_define
class ExtendedProperties:
    shared_properties: SharedProperties | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        shared_properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.shared_properties, Unset):
            shared_properties = self.shared_properties.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if shared_properties is not UNSET:
            field_dict["sharedProperties"] = shared_properties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.shared_properties import SharedProperties

        d = dict(src_dict)
        _shared_properties = d.pop("sharedProperties", UNSET)
        shared_properties: SharedProperties | Unset
        if isinstance(_shared_properties, Unset):
            shared_properties = UNSET
        else:
            shared_properties = SharedProperties.from_dict(_shared_properties)

        extended_properties = cls(
            shared_properties=shared_properties,
        )

        extended_properties.additional_properties = d
        return extended_properties

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
