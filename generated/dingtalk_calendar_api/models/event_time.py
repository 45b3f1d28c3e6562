from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EventTime")


@_attrs_define
class EventTime:
    """When an event starts or ends. An all-day event gives `date` only (its end is the day
    after its last day); any other gives `dateTime` and `timeZone` (the same zone at both
    ends).

    """

    date: str | Unset = UNSET
    """ The day, yyyy-MM-dd; all-day events only. """
    date_time: str | Unset = UNSET
    """ The time, ISO-8601 date-time; not for all-day events. """
    time_zone: str | Unset = UNSET
    """ The zone of dateTime, a TZ database name (Asia/Shanghai); not for all-day events. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        date = self.date

        date_time = self.date_time

        time_zone = self.time_zone

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if date is not UNSET:
            field_dict["date"] = date
        if date_time is not UNSET:
            field_dict["dateTime"] = date_time
        if time_zone is not UNSET:
            field_dict["timeZone"] = time_zone

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        date = d.pop("date", UNSET)

        date_time = d.pop("dateTime", UNSET)

        time_zone = d.pop("timeZone", UNSET)

        event_time = cls(
            date=date,
            date_time=date_time,
            time_zone=time_zone,
        )

        event_time.additional_properties = d
        return event_time

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
