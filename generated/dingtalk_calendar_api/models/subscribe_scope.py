from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SubscribeScope")


@_attrs_define
class SubscribeScope:
    """Who may subscribe: users by unionId, groups by openConversationId and
    organisations by corpId. At least one of the three lists must name
    someone.

    """

    union_ids: list[str] | Unset = UNSET
    """ unionIds of users who may subscribe. """
    open_conversation_ids: list[str] | Unset = UNSET
    """ openConversationIds of groups whose members may subscribe. """
    corp_ids: list[str] | Unset = UNSET
    """ corpIds of organisations whose members may subscribe. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        union_ids: list[str] | Unset = UNSET
        if not isinstance(self.union_ids, Unset):
            union_ids = self.union_ids

        open_conversation_ids: list[str] | Unset = UNSET
        if not isinstance(self.open_conversation_ids, Unset):
            open_conversation_ids = self.open_conversation_ids

        corp_ids: list[str] | Unset = UNSET
        if not isinstance(self.corp_ids, Unset):
            corp_ids = self.corp_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if union_ids is not UNSET:
            field_dict["unionIds"] = union_ids
        if open_conversation_ids is not UNSET:
            field_dict["openConversationIds"] = open_conversation_ids
        if corp_ids is not UNSET:
            field_dict["corpIds"] = corp_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        union_ids = cast(list[str], d.pop("unionIds", UNSET))

        open_conversation_ids = cast(list[str], d.pop("openConversationIds", UNSET))

        corp_ids = cast(list[str], d.pop("corpIds", UNSET))

        subscribe_scope = cls(
            union_ids=union_ids,
            open_conversation_ids=open_conversation_ids,
            corp_ids=corp_ids,
        )

        subscribe_scope.additional_properties = d
        return subscribe_scope

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
