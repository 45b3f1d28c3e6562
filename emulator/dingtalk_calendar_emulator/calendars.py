"""What the six calendar operations do: DingTalk's checks and answers, errors as documented.

The spec's field rules are checked before an operation runs, by the generated checker (see
``server``): a broken rule answers the error row the spec tags with that field and rule,
else ``calendar_refusal``'s forwarded detail. Bodies are read, and answers written, through
the generated models, so wire names live only in the spec. Messages are in English or,
where the China site's pages give them in Chinese, in Chinese (``language="zh"``).

Who may create (or re-scope) a calendar: the create page
(``zh/create-subscription-calendar.md``, notes on ``openConversationIds`` and ``corpIds``)
says the creator must be in one of the scope's groups or organisations, so a creator
named only in ``subscribeScope.unionIds`` is refused with "current user must in range".
The same page says a third-party personal app need not send groups: its user, who may
belong to no organisation, may stand in the scope by unionId alone.
"""

from collections.abc import Mapping
from typing import Any

import attrs
from attrs import frozen

from dingtalk_calendar_api.checks import Violation
from dingtalk_calendar_api.error_codes import ErrorReason
from dingtalk_calendar_api.models import (
    CreateSubscribedCalendarRequest,
    CreateSubscribedCalendarResponse,
    ResultResponse,
    SubscribeScope,
    UpdateSubscribedCalendarRequest,
)
from dingtalk_calendar_api.operation_ids import OperationId
from dingtalk_calendar_api.types import Unset

from .apps import EnterpriseApp, PersonalApp
from .directory import Directory
from .errors import ApiError, documented, invalid_parameter
from .state import PRIMARY_CALENDAR_ID, Calendar, CalendarStore, Scope
from .tokens import Grant

CREATE = OperationId.CREATE_SUBSCRIBED_CALENDAR
GET = OperationId.GET_SUBSCRIBED_CALENDAR
UPDATE = OperationId.UPDATE_SUBSCRIBED_CALENDAR
SUBSCRIBE = OperationId.SUBSCRIBE_CALENDAR
UNSUBSCRIBE = OperationId.UNSUBSCRIBE_CALENDAR
DELETE = OperationId.DELETE_SUBSCRIBED_CALENDAR


@frozen
class Answer:
    """A successful answer: JSON body, or None for an empty body."""

    body: Mapping[str, Any] | None


RESULT_TRUE = Answer(ResultResponse(result=True).to_dict())


class CalendarService:
    """The six operations over one CalendarStore and Directory.

    ``language`` is the language of the messages the China site's pages give in Chinese
    ("en" or "zh"); the docs do not say which one DingTalk sends.
    """

    def __init__(
        self, store: CalendarStore, directory: Directory, subscribe_limit: int | None, language: str = "en"
    ) -> None:
        self.store = store
        self.directory = directory
        self.subscribe_limit = subscribe_limit
        self.language = language

    def create(self, grant: Grant, user_id: str, body: Any) -> Answer:
        """createSubscribedCalendar."""
        request = CreateSubscribedCalendarRequest.from_dict(without_nulls(body))
        if not self._may_act_for(grant, user_id):
            raise documented(CREATE, ErrorReason.PERMISSION_DENIED)
        scope = _scope(request.subscribe_scope)
        if not self._creator_in_range(grant, user_id, scope):
            raise documented(CREATE, ErrorReason.CURRENT_USER_MUST_IN_RANGE)
        calendar = Calendar(
            calendar_id=self.store.new_calendar_id(),
            name=request.name,
            description=None if isinstance(request.description, Unset) else request.description,
            author=user_id,
            managers=tuple(_given(request.managers, [])),
            scope=scope,
            app_key=grant.app.key,
        )
        self.store.put(calendar)
        return Answer(CreateSubscribedCalendarResponse(calendar_id=calendar.calendar_id).to_dict())

    def get(self, grant: Grant, user_id: str, calendar_id: str) -> Answer:
        """getSubscribedCalendar: the author or a manager reads the calendar."""
        calendar = self._editable(GET, user_id, calendar_id)
        return Answer(calendar.to_wire())

    def update(self, grant: Grant, user_id: str, calendar_id: str, body: Any) -> Answer:
        """updateSubscribedCalendar: change only the fields sent."""
        request = UpdateSubscribedCalendarRequest.from_dict(without_nulls(body))
        with self.store.locked():
            calendar = self._editable(UPDATE, user_id, calendar_id)
            scope = None if isinstance(request.subscribe_scope, Unset) else _scope(request.subscribe_scope)
            if scope is not None and not self._creator_in_range(grant, user_id, scope):
                raise documented(UPDATE, ErrorReason.CURRENT_USER_MUST_IN_RANGE)
            changes: dict[str, Any] = {}
            if not isinstance(request.name, Unset):
                changes["name"] = request.name
            if not isinstance(request.description, Unset):
                changes["description"] = request.description
            if not isinstance(request.managers, Unset):
                changes["managers"] = tuple(request.managers)
            if scope is not None:
                changes["scope"] = scope
            self.store.put(attrs.evolve(calendar, **changes))
        return RESULT_TRUE

    def subscribe(self, grant: Grant, user_id: str, calendar_id: str) -> Answer:
        """subscribeCalendar: answers an empty body, as DingTalk may (the spec allows it)."""
        with self.store.locked():
            calendar = self._subscribable(SUBSCRIBE, user_id, calendar_id)
            if not self._in_scope(user_id, calendar.scope):
                raise documented(SUBSCRIBE, ErrorReason.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE, self.language)
            subscribed = self.store.subscriptions_of(user_id)
            if calendar_id not in subscribed:
                limit = self.subscribe_limit
                if limit is not None and len(subscribed) >= limit:
                    raise documented(SUBSCRIBE, ErrorReason.EXCEED_SUBSCRIBE_LIMIT)
                self.store.subscribe(user_id, calendar_id)
        return Answer(None)

    def unsubscribe(self, grant: Grant, user_id: str, calendar_id: str) -> Answer:
        """unsubscribeCalendar: harmless when not subscribed, refused to users outside the scope.

        A subscriber whom a later update took out of the scope may still unsubscribe.
        """
        with self.store.locked():
            calendar = self._subscribable(UNSUBSCRIBE, user_id, calendar_id)
            subscribed = calendar_id in self.store.subscriptions_of(user_id)
            if not subscribed and not self._in_scope(user_id, calendar.scope):
                raise documented(UNSUBSCRIBE, ErrorReason.THE_USER_IS_NOT_WITHIN_THE_SUBSCRIPTION_SCOPE, self.language)
            self.store.unsubscribe(user_id, calendar_id)
        return RESULT_TRUE

    def delete(self, grant: Grant, user_id: str, calendar_id: str) -> Answer:
        """deleteSubscribedCalendar: only the creator (not a manager); every subscription goes with it.

        A second delete finds no calendar and gets the forwarded invalidParameter that
        every operation answers for an unknown id (``zh/delete-subscription-calendar.md``
        documents no code of its own for it).
        """
        with self.store.locked():
            calendar = self.store.get(calendar_id)
            if calendar is None:
                raise _unknown_calendar(DELETE, calendar_id)
            if user_id != calendar.author:
                raise documented(DELETE, ErrorReason.PERMISSION_DENIED)
            self.store.delete(calendar_id)
        return RESULT_TRUE

    def _editable(self, operation_id: str, user_id: str, calendar_id: str) -> Calendar:
        """The calendar, if ``user_id`` is its author or a manager."""
        calendar = self.store.get(calendar_id)
        if calendar is None:
            raise _unknown_calendar(operation_id, calendar_id)
        if user_id != calendar.author and user_id not in calendar.managers:
            raise documented(operation_id, ErrorReason.PERMISSION_DENIED)
        return calendar

    def _subscribable(self, operation_id: str, user_id: str, calendar_id: str) -> Calendar:
        if calendar_id == PRIMARY_CALENDAR_ID:
            raise documented(operation_id, ErrorReason.CALENDAR_TYPE_INVALID)
        calendar = self.store.get(calendar_id)
        if calendar is None:
            raise _unknown_calendar(operation_id, calendar_id)
        return calendar

    def _in_scope(self, user_id: str, scope: Scope) -> bool:
        return self.directory.in_scope(user_id, scope.union_ids, scope.open_conversation_ids, scope.corp_ids)

    def _creator_in_range(self, grant: Grant, user_id: str, scope: Scope) -> bool:
        """Whether the creator belongs to a group or organisation of ``scope`` (see the module docstring)."""
        if isinstance(grant.app, PersonalApp):
            return self._in_scope(user_id, scope)
        return self.directory.in_scope(user_id, (), scope.open_conversation_ids, scope.corp_ids)

    def _may_act_for(self, grant: Grant, user_id: str) -> bool:
        """Whether the token may create calendars for ``user_id``.

        A personal app's user token acts only for its own user; a corp token for users of
        that organisation; an internal app for users of its own organisation (its
        ``corp_id``, else the directory's first one; with no organisation at all, for any
        user of the directory).
        """
        app = grant.app
        if isinstance(app, PersonalApp):
            return grant.union_id == user_id
        if isinstance(app, EnterpriseApp):
            return grant.corp_id in self.directory.corps_of(user_id)
        corp_id = app.corp_id or next(iter(self.directory.corps), None)
        if corp_id is None:
            return user_id in self.directory.users
        return corp_id in self.directory.corps_of(user_id)


def _unknown_calendar(operation_id: str, calendar_id: str) -> ApiError:
    # DingTalk documents no code for an id that names no calendar; its generic
    # invalidParameter with a forwarded detail is the plausible answer. The non-subscribed
    # "primary" calendar is refused the same way by get and update, which document no
    # "calendar type invalid".
    if calendar_id == PRIMARY_CALENDAR_ID:
        return invalid_parameter(operation_id, f"calendar {calendar_id} is not a subscribed calendar")
    return invalid_parameter(operation_id, f"calendar not found: {calendar_id}")


def calendar_refusal(operation_id: str, violation: Violation) -> ApiError:
    """A broken field rule the spec documents no row for: DingTalk's forwarded detail."""
    if not violation.path:
        return invalid_parameter(operation_id, "the request body must be a JSON object")
    if violation.rule in ("required", "minLength", "pattern"):
        return invalid_parameter(operation_id, f"{violation.path} cannot be blank")
    if violation.rule == "maxLength":
        return invalid_parameter(operation_id, f"{violation.path} length must less than {violation.limit}")
    if violation.rule == "type":
        return invalid_parameter(operation_id, f"{violation.path} must be {violation.expected}")
    return invalid_parameter(operation_id, f"{violation.path} {violation.reason}")


def without_nulls(body: Mapping[str, Any]) -> dict[str, Any]:
    # DingTalk takes a JSON null as a field left out (the checker did too).
    return {
        key: without_nulls(value) if isinstance(value, dict) else value
        for key, value in body.items()
        if value is not None
    }


def _given(value: "list[str] | Unset", default: list[str]) -> list[str]:
    return default if isinstance(value, Unset) else value


def _scope(scope: "SubscribeScope | Unset") -> Scope:
    """The checked scope; DingTalk keeps each list as a set (order kept here, for readability)."""
    assert not isinstance(scope, Unset)  # required, or checked as given
    return Scope(
        union_ids=tuple(dict.fromkeys(_given(scope.union_ids, []))),
        open_conversation_ids=tuple(dict.fromkeys(_given(scope.open_conversation_ids, []))),
        corp_ids=tuple(dict.fromkeys(_given(scope.corp_ids, []))),
    )
