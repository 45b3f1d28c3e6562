from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EventLocationWithRooms")


@_attrs_define
class EventLocationWithRooms:
    display_name: str | Unset = UNSET
    """ The place's name. """
    meeting_rooms: list[str] | Unset = UNSET
    """ Meeting rooms. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        display_name = self.display_name

        meeting_rooms: list[str] | Unset = UNSET
        if not isinstance(self.meeting_rooms, Unset):
            meeting_rooms = self.meeting_rooms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if meeting_rooms is not UNSET:
            field_dict["meetingRooms"] = meeting_rooms

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        display_name = d.pop("displayName", UNSET)

        meeting_rooms = cast(list[str], d.pop("meetingRooms", UNSET))

        event_location_with_rooms = cls(
            display_name=display_name,
            meeting_rooms=meeting_rooms,
        )

        event_location_with_rooms.additional_properties = d
        return event_location_with_rooms

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
