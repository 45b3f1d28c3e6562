from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.listed_event import ListedEvent


T = TypeVar("T", bound="ListEventsResponse")


@_attrs_define
class ListEventsResponse:
    next_token: str | Unset = UNSET
    """ The token of the next page; absent on the last page. """
    events: list[ListedEvent] | Unset = UNSET
    """ The events of this page. """
    sync_token: str | Unset = UNSET
    """ On the last page, the token to list later changes with. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        next_token = self.next_token

        events: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.events, Unset):
            events = []
            for events_item_data in self.events:
                events_item = events_item_data.to_dict()
                events.append(events_item)

        sync_token = self.sync_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if next_token is not UNSET:
            field_dict["nextToken"] = next_token
        if events is not UNSET:
            field_dict["events"] = events
        if sync_token is not UNSET:
            field_dict["syncToken"] = sync_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.listed_event import ListedEvent

        d = dict(src_dict)
        next_token = d.pop("nextToken", UNSET)

        _events = d.pop("events", UNSET)
        events: list[ListedEvent] | Unset = UNSET
        if _events is not UNSET:
            events = []
            for events_item_data in _events:
                events_item = ListedEvent.from_dict(events_item_data)

                events.append(events_item)

        sync_token = d.pop("syncToken", UNSET)

        list_events_response = cls(
            next_token=next_token,
            events=events,
            sync_token=sync_token,
        )

        list_events_response.additional_properties = d
        return list_events_response

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
