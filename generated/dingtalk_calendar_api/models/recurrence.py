from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.recurrence_pattern import RecurrencePattern
    from ..models.recurrence_range import RecurrenceRange


T = TypeVar("T", bound="Recurrence")


@_attrs_define
class Recurrence:
    """The rule of a recurring event."""

    pattern: RecurrencePattern | Unset = UNSET
    """ How an event repeats. """
    range_: RecurrenceRange | Unset = UNSET
    """ How long an event repeats. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pattern: dict[str, Any] | Unset = UNSET
        if not isinstance(self.pattern, Unset):
            pattern = self.pattern.to_dict()

        range_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.range_, Unset):
            range_ = self.range_.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if pattern is not UNSET:
            field_dict["pattern"] = pattern
        if range_ is not UNSET:
            field_dict["range"] = range_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recurrence_pattern import RecurrencePattern
        from ..models.recurrence_range import RecurrenceRange

        d = dict(src_dict)
        _pattern = d.pop("pattern", UNSET)
        pattern: RecurrencePattern | Unset
        if isinstance(_pattern, Unset):
            pattern = UNSET
        else:
            pattern = RecurrencePattern.from_dict(_pattern)

        _range_ = d.pop("range", UNSET)
        range_: RecurrenceRange | Unset
        if isinstance(_range_, Unset):
            range_ = UNSET
        else:
            range_ = RecurrenceRange.from_dict(_range_)

        recurrence = cls(
            pattern=pattern,
            range_=range_,
        )

        recurrence.additional_properties = d
        return recurrence

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
