from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UiConfigRequired")


@_attrs_define
class UiConfigRequired:
    ui_name: str
    """ The part of the event page: updateEventButton, deleteEventButton, transferEventButton, attendee or comment.
    """
    ui_status: str
    """ hide, disable or enable (the default). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ui_name = self.ui_name

        ui_status = self.ui_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "uiName": ui_name,
                "uiStatus": ui_status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ui_name = d.pop("uiName")

        ui_status = d.pop("uiStatus")

        ui_config_required = cls(
            ui_name=ui_name,
            ui_status=ui_status,
        )

        ui_config_required.additional_properties = d
        return ui_config_required

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
