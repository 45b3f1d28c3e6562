from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CalendarEntry")


@_attrs_define
class CalendarEntry:
    id: str | Unset = UNSET
    """ The calendar's id. """
    summary: str | Unset = UNSET
    """ The calendar's title. """
    description: str | Unset = UNSET
    """ The calendar's description. """
    time_zone: str | Unset = UNSET
    """ The calendar's zone (IANA name). """
    e_tag: str | Unset = UNSET
    """ Changes whenever the calendar or its events change. """
    type_: str | Unset = UNSET
    """ unknown, primary, subscribed (created by a user or an app, without participants) or shared. """
    privilege: str | Unset = UNSET
    """ The user's rights: free_busy_reader, title_reader, reader, writer or owner. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        summary = self.summary

        description = self.description

        time_zone = self.time_zone

        e_tag = self.e_tag

        type_ = self.type_

        privilege = self.privilege

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if summary is not UNSET:
            field_dict["summary"] = summary
        if description is not UNSET:
            field_dict["description"] = description
        if time_zone is not UNSET:
            field_dict["timeZone"] = time_zone
        if e_tag is not UNSET:
            field_dict["eTag"] = e_tag
        if type_ is not UNSET:
            field_dict["type"] = type_
        if privilege is not UNSET:
            field_dict["privilege"] = privilege

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        summary = d.pop("summary", UNSET)

        description = d.pop("description", UNSET)

        time_zone = d.pop("timeZone", UNSET)

        e_tag = d.pop("eTag", UNSET)

        type_ = d.pop("type", UNSET)

        privilege = d.pop("privilege", UNSET)

        calendar_entry = cls(
            id=id,
            summary=summary,
            description=description,
            time_zone=time_zone,
            e_tag=e_tag,
            type_=type_,
            privilege=privilege,
        )

        calendar_entry.additional_properties = d
        return calendar_entry

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
