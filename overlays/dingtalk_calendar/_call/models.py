"""The hand-written values users pass and get back, where a class adds behaviour to the wire's data.

openapi.yaml names them (``x-dingtalk-sdk-class``); the results that hold them are generated
(``_generated/results.py``). The generated model a value converts to is imported when first
needed, not with the SDK.
"""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from attrs import field, frozen

from .._errors import ValidationError

__all__ = ["Scope"]

if TYPE_CHECKING:
    from dingtalk_calendar_api.models import SubscribeScope


def _ids(values: Iterable[str], name: str) -> tuple[str, ...]:
    # A str is an Iterable[str] too; taking it as one id is what the caller meant.
    if isinstance(values, str):
        return (values,)
    if isinstance(values, bytes | Mapping) or not isinstance(values, Iterable):
        raise ValidationError(f"scope.{name}", f"must be a list of ids, not {type(values).__name__}")
    return tuple(values)


def _users(values: Iterable[str]) -> tuple[str, ...]:
    return _ids(values, "users")


def _groups(values: Iterable[str]) -> tuple[str, ...]:
    return _ids(values, "groups")


def _organisations(values: Iterable[str]) -> tuple[str, ...]:
    return _ids(values, "organisations")


@frozen
class Scope:
    """Who may subscribe to a calendar: users, groups and organisations.

    Build it in one go or step by step; each step returns a new scope::

        Scope(users=["u1"], organisations=["ding123"])
        Scope().with_users("u1", "u2").with_groups("cid1").with_organisations("ding123")
    """

    users: tuple[str, ...] = field(default=(), converter=_users)
    """unionIds of users."""
    groups: tuple[str, ...] = field(default=(), converter=_groups)
    """openConversationIds of group chats whose members may subscribe."""
    organisations: tuple[str, ...] = field(default=(), converter=_organisations)
    """corpIds of organisations whose members may subscribe."""

    def with_users(self, *union_ids: str) -> "Scope":
        return Scope(self.users + union_ids, self.groups, self.organisations)

    def with_groups(self, *open_conversation_ids: str) -> "Scope":
        return Scope(self.users, self.groups + open_conversation_ids, self.organisations)

    def with_organisations(self, *corp_ids: str) -> "Scope":
        return Scope(self.users, self.groups, self.organisations + corp_ids)

    @property
    def is_empty(self) -> bool:
        return not (self.users or self.groups or self.organisations)

    def to_wire(self) -> "SubscribeScope":
        import dingtalk_calendar_api.types as api_types
        from dingtalk_calendar_api.models import SubscribeScope

        # Empty lists are left out, as DingTalk's own examples do.
        return SubscribeScope(
            union_ids=list(self.users) if self.users else api_types.UNSET,
            open_conversation_ids=list(self.groups) if self.groups else api_types.UNSET,
            corp_ids=list(self.organisations) if self.organisations else api_types.UNSET,
        )
