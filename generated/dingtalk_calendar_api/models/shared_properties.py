from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SharedProperties")


@_attrs_define
class SharedProperties:
    source_open_cid: str | Unset = UNSET
    """ The group the event was started from, if any. """
    belong_corp_id: str | Unset = UNSET
    """ corpId of the organisation the event belongs to. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source_open_cid = self.source_open_cid

        belong_corp_id = self.belong_corp_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if source_open_cid is not UNSET:
            field_dict["sourceOpenCid"] = source_open_cid
        if belong_corp_id is not UNSET:
            field_dict["belongCorpId"] = belong_corp_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        source_open_cid = d.pop("sourceOpenCid", UNSET)

        belong_corp_id = d.pop("belongCorpId", UNSET)

        shared_properties = cls(
            source_open_cid=source_open_cid,
            belong_corp_id=belong_corp_id,
        )

        shared_properties.additional_properties = d
        return shared_properties

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
