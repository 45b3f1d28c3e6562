from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.subscribe_scope import SubscribeScope


T = TypeVar("T", bound="CreateSubscribedCalendarRequest")


@_attrs_define
class CreateSubscribedCalendarRequest:
    name: str
    """ The calendar's name; not blank, at most 128 characters. """
    subscribe_scope: SubscribeScope
    """ Who may subscribe: users by unionId, groups by openConversationId and
    organisations by corpId. At least one of the three lists must name
    someone.
     """
    description: str | Unset = UNSET
    """ What the calendar is for; at most 1,024 characters. """
    managers: list[str] | Unset = UNSET
    """ unionIds of co-editors, who may read and update the calendar. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        subscribe_scope = self.subscribe_scope.to_dict()

        description = self.description

        managers: list[str] | Unset = UNSET
        if not isinstance(self.managers, Unset):
            managers = self.managers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "subscribeScope": subscribe_scope,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if managers is not UNSET:
            field_dict["managers"] = managers

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscribe_scope import SubscribeScope

        d = dict(src_dict)
        name = d.pop("name")

        subscribe_scope = SubscribeScope.from_dict(d.pop("subscribeScope"))

        description = d.pop("description", UNSET)

        managers = cast(list[str], d.pop("managers", UNSET))

        create_subscribed_calendar_request = cls(
            name=name,
            subscribe_scope=subscribe_scope,
            description=description,
            managers=managers,
        )

        create_subscribed_calendar_request.additional_properties = d
        return create_subscribed_calendar_request

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
