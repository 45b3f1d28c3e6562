from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecurrenceRange")


@_attrs_define
class RecurrenceRange:
    """How long an event repeats."""

    type_: str | Unset = UNSET
    """ noEnd, endDate (until endDate) or numbered (numberOfOccurrences times). """
    end_date: str | Unset = UNSET
    """ The last time, ISO-8601 date-time; not with numberOfOccurrences. """
    number_of_occurrences: int | Unset = UNSET
    """ How many times, 1-99; not with endDate. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        end_date = self.end_date

        number_of_occurrences = self.number_of_occurrences

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if end_date is not UNSET:
            field_dict["endDate"] = end_date
        if number_of_occurrences is not UNSET:
            field_dict["numberOfOccurrences"] = number_of_occurrences

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type", UNSET)

        end_date = d.pop("endDate", UNSET)

        number_of_occurrences = d.pop("numberOfOccurrences", UNSET)

        recurrence_range = cls(
            type_=type_,
            end_date=end_date,
            number_of_occurrences=number_of_occurrences,
        )

        recurrence_range.additional_properties = d
        return recurrence_range

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
