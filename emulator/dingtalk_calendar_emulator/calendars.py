"""What the six calendar operations do: checks in DingTalk's order, errors as documented.

Field rules (required fields, lengths, "at least one of") come from the spec's
``spec_data.SCHEMAS``; messages from its documented errors, in English or, where the
China site's pages give them in Chinese, in Chinese (``language="zh"``).

Who may create (or re-scope) a calendar: the create page
(``zh/create-subscription-calendar.md``, notes on ``openConversationIds`` and ``corpIds``)
says the creator must be in one of the scope's groups or organisations, so a creator
named only in ``subscribeScope.unionIds`` is refused with "current user must in range".
The same page says a third-party personal app need not send groups: its user, who may
belong to no organisation, may stand in the scope by unionId alone.
"""

import re
from collections.abc import Mapping
from typing import Any

import attrs
from attrs import frozen

from dingtalk_calendar_api.error_codes import ErrorReason
from dingtalk_calendar_api.spec_data import OPERATIONS, SCHEMAS, FieldRule

from .apps import EnterpriseApp, PersonalApp
from .directory import Directory
from .errors import ApiError, documented, invalid_parameter
from .state import PRIMARY_CALENDAR_ID, Calendar, CalendarStore, Scope
from .tokens import Grant

CREATE = "createSubscribedCalendar"
GET = "getSubscribedCalendar"
UPDATE = "updateSubscribedCalendar"
SUBSCRIBE = "subscribeCalendar"
UNSUBSCRIBE = "unsubscribeCalendar"
DELETE = "deleteSubscribedCalendar"

_SCOPE_RULES = SCHEMAS["SubscribeScope"]
# Which documented message a broken field gets; other fields get a forwarded detail.
_BLANK = {"name": ErrorReason.CALENDAR_NAME_CANNOT_BE_BLANK}
_TOO_LONG = {"name": ErrorReason.CALENDAR_NAME_LENGTH_MUST_LESS_THAN_128}
# The documented "calendar id is blank" message differs from operation to operation.
_BLANK_CALENDAR_ID = {
    GET: ErrorReason.CALENDAR_ID_CANNOT_BE_NULL,
    UPDATE: ErrorReason.CALENDAR_ID_CANNOT_BE_BLANK,
    SUBSCRIBE: ErrorReason.CALENDARID_CANNOT_BE_BLANK,
    UNSUBSCRIBE: ErrorReason.CALENDARID_CANNOT_BE_BLANK,
    DELETE: ErrorReason.CALENDARID_CANNOT_BE_BLANK,
}


@frozen
class Answer:
    """A successful answer: JSON body, or None for an empty body."""

    body: Mapping[str, Any] | None


RESULT_TRUE = Answer({"result": True})


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
        _check_user_id(CREATE, user_id)
        fields = _check_body(CREATE, body)
        if not self._may_act_for(grant, user_id):
            raise documented(CREATE, ErrorReason.PERMISSION_DENIED)
        scope = fields["subscribeScope"]
        if not self._creator_in_range(grant, user_id, scope):
            raise documented(CREATE, ErrorReason.CURRENT_USER_MUST_IN_RANGE)
        calendar = Calendar(
            calendar_id=self.store.new_calendar_id(),
            name=fields["name"],
            description=fields.get("description"),
            author=user_id,
            managers=tuple(fields.get("managers", ())),
            scope=scope,
            app_key=grant.app.key,
        )
        self.store.put(calendar)
        return Answer({"calendarId": calendar.calendar_id})

    def get(self, grant: Grant, user_id: str, calendar_id: str) -> Answer:
        """getSubscribedCalendar: the author or a manager reads the calendar."""
        calendar = self._editable(GET, user_id, calendar_id)
        return Answer(calendar.to_wire())

    def update(self, grant: Grant, user_id: str, calendar_id: str, body: Any) -> Answer:
        """updateSubscribedCalendar: change only the fields sent."""
        _check_user_id(UPDATE, user_id)
        _check_calendar_id(UPDATE, calendar_id)
        fields = _check_body(UPDATE, body)
        with self.store.locked():
            calendar = self._editable(UPDATE, user_id, calendar_id)
            scope = fields.get("subscribeScope")
            if scope is not None and not self._creator_in_range(grant, user_id, scope):
                raise documented(UPDATE, ErrorReason.CURRENT_USER_MUST_IN_RANGE)
            changes: dict[str, Any] = {}
            if "name" in fields:
                changes["name"] = fields["name"]
            if "description" in fields:
                changes["description"] = fields["description"]
            if "managers" in fields:
                changes["managers"] = tuple(fields["managers"])
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
        _check_user_id(DELETE, user_id)
        _check_calendar_id(DELETE, calendar_id)
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
        _check_user_id(operation_id, user_id)
        _check_calendar_id(operation_id, calendar_id)
        calendar = self.store.get(calendar_id)
        if calendar is None:
            raise _unknown_calendar(operation_id, calendar_id)
        if user_id != calendar.author and user_id not in calendar.managers:
            raise documented(operation_id, ErrorReason.PERMISSION_DENIED)
        return calendar

    def _subscribable(self, operation_id: str, user_id: str, calendar_id: str) -> Calendar:
        _check_user_id(operation_id, user_id)
        _check_calendar_id(operation_id, calendar_id)
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


def _check_user_id(operation_id: str, user_id: str) -> None:
    if not user_id.strip():
        raise invalid_parameter(operation_id, "userId cannot be blank")


def _check_calendar_id(operation_id: str, calendar_id: str) -> None:
    if not calendar_id.strip():
        raise documented(operation_id, _BLANK_CALENDAR_ID[operation_id])


def _check_body(operation_id: str, body: Any) -> dict[str, Any]:
    """The body's fields, checked against the spec's rules; subscribeScope becomes a Scope."""
    if not isinstance(body, dict):
        raise invalid_parameter(operation_id, "the request body must be a JSON object")
    schema_name = OPERATIONS[operation_id].body_schema
    assert schema_name is not None  # only create and update take a body
    schema = SCHEMAS[schema_name]
    fields: dict[str, Any] = {}
    for rule in schema.fields:
        value = body.get(rule.name)
        if rule.name == "subscribeScope":
            if rule.name in body:
                fields[rule.name] = _check_scope(operation_id, value)
            elif rule.required:
                raise documented(operation_id, ErrorReason.SUBSCRIBE_RANGE_CANNOT_BE_NULL)
            continue
        if value is None:
            if rule.required or (rule.name in body and rule.name in _BLANK):
                _raise_blank(operation_id, rule)
            continue  # an optional field left out, or sent as null: not changed
        _check_type(operation_id, rule, value)
        if isinstance(value, str):
            _check_text(operation_id, rule, value)
        fields[rule.name] = value
    return fields


def _check_type(operation_id: str, rule: FieldRule, value: Any) -> None:
    if rule.type == "string":
        ok = isinstance(value, str)
    elif rule.type == "array":  # every array of these schemas holds unionIds or other ids
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    else:
        ok = isinstance(value, dict)
    if not ok:
        expected = "a list of strings" if rule.type == "array" else f"a {rule.type}"
        raise invalid_parameter(operation_id, f"{rule.name} must be {expected}")


def _check_text(operation_id: str, rule: FieldRule, value: str) -> None:
    if (rule.min_length is not None and len(value) < rule.min_length) or (
        rule.pattern is not None and re.search(rule.pattern, value) is None
    ):
        _raise_blank(operation_id, rule)
    if rule.max_length is not None and len(value) > rule.max_length:
        reason = _TOO_LONG.get(rule.name)
        if reason is not None:
            raise documented(operation_id, reason)
        raise invalid_parameter(operation_id, f"{rule.name} length must less than {rule.max_length}")


def _raise_blank(operation_id: str, rule: FieldRule) -> None:
    reason = _BLANK.get(rule.name)
    if reason is not None:
        raise documented(operation_id, reason)
    raise invalid_parameter(operation_id, f"{rule.name} cannot be blank")


def _check_scope(operation_id: str, value: Any) -> Scope:
    if value is None:
        raise documented(operation_id, ErrorReason.SUBSCRIBE_RANGE_CANNOT_BE_NULL)
    if not isinstance(value, dict):
        raise invalid_parameter(operation_id, "subscribeScope must be an object")
    lists: dict[str, tuple[str, ...]] = {}
    for rule in _SCOPE_RULES.fields:
        items = value.get(rule.name)
        if items is None:
            lists[rule.name] = ()
            continue
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise invalid_parameter(operation_id, f"subscribeScope.{rule.name} must be a list of strings")
        lists[rule.name] = tuple(dict.fromkeys(items))  # DingTalk keeps a set; order kept for readability
    if not any(lists[name] for name in _SCOPE_RULES.at_least_one_of):
        raise documented(operation_id, ErrorReason.SUBSCRIBE_RANGE_CANNOT_BE_NULL)
    return Scope(
        union_ids=lists["unionIds"],
        open_conversation_ids=lists["openConversationIds"],
        corp_ids=lists["corpIds"],
    )
