from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MeetingRoom")


@_attrs_define
class MeetingRoom:
    room_id: str | Unset = UNSET
    """ The room's id. """
    response_status: str | Unset = UNSET
    """ accepted, tentative (awaiting approval) or declined. """
    display_name: str | Unset = UNSET
    """ The room's name. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        room_id = self.room_id

        response_status = self.response_status

        display_name = self.display_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if room_id is not UNSET:
            field_dict["roomId"] = room_id
        if response_status is not UNSET:
            field_dict["responseStatus"] = response_status
        if display_name is not UNSET:
            field_dict["displayName"] = display_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        room_id = d.pop("roomId", UNSET)

        response_status = d.pop("responseStatus", UNSET)

        display_name = d.pop("displayName", UNSET)

        meeting_room = cls(
            room_id=room_id,
            response_status=response_status,
            display_name=display_name,
        )

        meeting_room.additional_properties = d
        return meeting_room

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
