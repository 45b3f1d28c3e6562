from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EventOrganizer")


@_attrs_define
class EventOrganizer:
    id: str | Unset = UNSET
    """ The organiser's unionId. """
    display_name: str | Unset = UNSET
    """ The organiser's name. """
    response_status: str | Unset = UNSET
    """ The organiser's answer. """
    self_: bool | Unset = UNSET
    """ Whether this is the user of the call. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        display_name = self.display_name

        response_status = self.response_status

        self_ = self.self_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if response_status is not UNSET:
            field_dict["responseStatus"] = response_status
        if self_ is not UNSET:
            field_dict["self"] = self_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        display_name = d.pop("displayName", UNSET)

        response_status = d.pop("responseStatus", UNSET)

        self_ = d.pop("self", UNSET)

        event_organizer = cls(
            id=id,
            display_name=display_name,
            response_status=response_status,
            self_=self_,
        )

        event_organizer.additional_properties = d
        return event_organizer

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
