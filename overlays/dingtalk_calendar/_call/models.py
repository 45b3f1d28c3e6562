"""The hand-written values users pass and get back, where a class adds behaviour to the wire's data.

openapi.yaml names them (``x-dingtalk-sdk-class``); every other result class is generated
(``_generated/results.py``, re-exported here for the imports that predate it). The generated
models they convert to and from are imported when first needed, not with the SDK.
"""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import httpx
from attrs import field, frozen

from .._errors import request_id_of
from .._generated.results import CreatedCalendar, Result
from .._redact import reduce_without_secrets

__all__ = ["Calendar", "CreatedCalendar", "Result", "Scope"]

if TYPE_CHECKING:
    from dingtalk_calendar_api.models import GetSubscribedCalendarResponse, SubscribeScope
    from dingtalk_calendar_api.types import Unset


def _ids(values: Iterable[str]) -> tuple[str, ...]:
    # A str is an Iterable[str] too; taking it as one id is what the caller meant.
    return (values,) if isinstance(values, str) else tuple(values)


@frozen
class Scope:
    """Who may subscribe to a calendar: users, groups and organisations.

    Build it in one go or step by step; each step returns a new scope::

        Scope(users=["u1"], organisations=["ding123"])
        Scope().with_users("u1", "u2").with_groups("cid1").with_organisations("ding123")
    """

    users: tuple[str, ...] = field(default=(), converter=_ids)
    """unionIds of users."""
    groups: tuple[str, ...] = field(default=(), converter=_ids)
    """openConversationIds of group chats whose members may subscribe."""
    organisations: tuple[str, ...] = field(default=(), converter=_ids)
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

    @classmethod
    def from_wire(cls, scope: "SubscribeScope | Unset") -> "Scope":
        import dingtalk_calendar_api.types as api_types

        if isinstance(scope, api_types.Unset):
            return cls()
        return cls(
            users=scope.union_ids or (),
            groups=scope.open_conversation_ids or (),
            organisations=scope.corp_ids or (),
        )


@frozen
class Calendar:
    """A subscribed calendar as DingTalk returns it."""

    calendar_id: str
    name: str
    description: str
    author: str
    """unionId of the creator."""
    managers: tuple[str, ...]
    """unionIds of the co-editors."""
    scope: Scope
    request_id: str | None = field(default=None, eq=False)
    """DingTalk's id of the request that read it."""
    raw_response: httpx.Response | None = field(default=None, eq=False, repr=False)
    """The HTTP answer itself: ``status_code``, ``headers``, ``http_version``, ``elapsed``."""

    def __reduce__(self) -> tuple[object, ...]:
        return reduce_without_secrets(self)

    @classmethod
    def from_answer(cls, data: Mapping[str, Any], response: httpx.Response) -> "Calendar":
        """The calendar of a successful answer whose JSON body ``data`` the spec's checker has passed."""
        from dingtalk_calendar_api.models import GetSubscribedCalendarResponse

        return cls.from_wire(GetSubscribedCalendarResponse.from_dict(data), request_id_of(response), response)

    @classmethod
    def from_wire(
        cls, data: "GetSubscribedCalendarResponse", request_id: str | None, raw_response: httpx.Response | None = None
    ) -> "Calendar":
        import dingtalk_calendar_api.types as api_types

        def text(value: "str | api_types.Unset") -> str:
            return "" if isinstance(value, api_types.Unset) else value

        return cls(
            calendar_id=text(data.calendar_id),
            name=text(data.name),
            description=text(data.description),
            author=text(data.author),
            managers=tuple(data.managers or ()),
            scope=Scope.from_wire(data.subscribe_scope),
            request_id=request_id,
            raw_response=raw_response,
        )
