from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.subscribe_scope import SubscribeScope


T = TypeVar("T", bound="GetSubscribedCalendarResponse")


@_attrs_define
class GetSubscribedCalendarResponse:
    """A subscribed calendar as DingTalk returns it."""

    calendar_id: str | Unset = ""
    """ The calendar's id. """
    name: str | Unset = ""
    """ The calendar's name. """
    description: str | Unset = ""
    """ The calendar's description. """
    author: str | Unset = ""
    """ unionId of the user who created the calendar. """
    managers: list[str] | Unset = UNSET
    """ unionIds of users who may edit the calendar. """
    subscribe_scope: SubscribeScope | Unset = UNSET
    """ Who may subscribe: users by unionId, groups by openConversationId and
    organisations by corpId. At least one of the three lists must name
    someone.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        calendar_id = self.calendar_id

        name = self.name

        description = self.description

        author = self.author

        managers: list[str] | Unset = UNSET
        if not isinstance(self.managers, Unset):
            managers = self.managers

        subscribe_scope: dict[str, Any] | Unset = UNSET
        if not isinstance(self.subscribe_scope, Unset):
            subscribe_scope = self.subscribe_scope.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if calendar_id is not UNSET:
            field_dict["calendarId"] = calendar_id
        if name is not UNSET:
            field_dict["name"] = name
        if description is not UNSET:
            field_dict["description"] = description
        if author is not UNSET:
            field_dict["author"] = author
        if managers is not UNSET:
            field_dict["managers"] = managers
        if subscribe_scope is not UNSET:
            field_dict["subscribeScope"] = subscribe_scope

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.subscribe_scope import SubscribeScope

        d = dict(src_dict)
        calendar_id = d.pop("calendarId", UNSET)

        name = d.pop("name", UNSET)

        description = d.pop("description", UNSET)

        author = d.pop("author", UNSET)

        managers = cast(list[str], d.pop("managers", UNSET))

        _subscribe_scope = d.pop("subscribeScope", UNSET)
        subscribe_scope: SubscribeScope | Unset
        if isinstance(_subscribe_scope, Unset):
            subscribe_scope = UNSET
        else:
            subscribe_scope = SubscribeScope.from_dict(_subscribe_scope)

        get_subscribed_calendar_response = cls(
            calendar_id=calendar_id,
            name=name,
            description=description,
            author=author,
            managers=managers,
            subscribe_scope=subscribe_scope,
        )

        get_subscribed_calendar_response.additional_properties = d
        return get_subscribed_calendar_response

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
