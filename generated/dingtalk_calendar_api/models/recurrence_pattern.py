from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RecurrencePattern")


@_attrs_define
class RecurrencePattern:
    """How an event repeats."""

    type_: str | Unset = UNSET
    """ daily, weekly (on daysOfWeek), absoluteMonthly (on dayOfMonth), relativeMonthly (the index-th daysOfWeek) or
    absoluteYearly; every interval days, weeks, months or years. """
    day_of_month: int | Unset = UNSET
    """ The day of the month, for absoluteMonthly. """
    days_of_week: str | Unset = UNSET
    """ Lower-case English weekdays, comma-separated (monday,wednesday). """
    index: str | Unset = UNSET
    """ For relativeMonthly: first, second, third, fourth or last. """
    interval: int | Unset = UNSET
    """ Repeat every interval units of type; 1-365. """
    first_day_of_week: str | Unset = UNSET
    """ The first day of the week (sunday by default). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        day_of_month = self.day_of_month

        days_of_week = self.days_of_week

        index = self.index

        interval = self.interval

        first_day_of_week = self.first_day_of_week

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if day_of_month is not UNSET:
            field_dict["dayOfMonth"] = day_of_month
        if days_of_week is not UNSET:
            field_dict["daysOfWeek"] = days_of_week
        if index is not UNSET:
            field_dict["index"] = index
        if interval is not UNSET:
            field_dict["interval"] = interval
        if first_day_of_week is not UNSET:
            field_dict["firstDayOfWeek"] = first_day_of_week

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type", UNSET)

        day_of_month = d.pop("dayOfMonth", UNSET)

        days_of_week = d.pop("daysOfWeek", UNSET)

        index = d.pop("index", UNSET)

        interval = d.pop("interval", UNSET)

        first_day_of_week = d.pop("firstDayOfWeek", UNSET)

        recurrence_pattern = cls(
            type_=type_,
            day_of_month=day_of_month,
            days_of_week=days_of_week,
            index=index,
            interval=interval,
            first_day_of_week=first_day_of_week,
        )

        recurrence_pattern.additional_properties = d
        return recurrence_pattern

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
