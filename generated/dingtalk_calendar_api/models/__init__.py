"""Contains all the data models used in inputs/outputs.

Each model's module is imported the first time the model is asked for
(``from dingtalk_calendar_api.models import Error`` or ``models.Error``), so that one
operation does not load every model.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .access_denied_detail import AccessDeniedDetail
    from .access_token_response import AccessTokenResponse
    from .calendar_entry import CalendarEntry
    from .calendar_list import CalendarList
    from .create_event_attendee import CreateEventAttendee
    from .create_event_request import CreateEventRequest
    from .create_event_request_extra import CreateEventRequestExtra
    from .create_event_response import CreateEventResponse
    from .create_subscribed_calendar_request import CreateSubscribedCalendarRequest
    from .create_subscribed_calendar_response import CreateSubscribedCalendarResponse
    from .error import Error
    from .event_attendee import EventAttendee
    from .event_category import EventCategory
    from .event_location import EventLocation
    from .event_location_with_rooms import EventLocationWithRooms
    from .event_organizer import EventOrganizer
    from .event_time import EventTime
    from .extended_properties import ExtendedProperties
    from .get_access_token_request import GetAccessTokenRequest
    from .get_corp_access_token_request import GetCorpAccessTokenRequest
    from .get_event_response import GetEventResponse
    from .get_subscribed_calendar_response import GetSubscribedCalendarResponse
    from .get_user_access_token_request import GetUserAccessTokenRequest
    from .get_user_access_token_request_grant_type import GetUserAccessTokenRequestGrantType
    from .list_attendees_response import ListAttendeesResponse
    from .list_calendars_response import ListCalendarsResponse
    from .list_events_response import ListEventsResponse
    from .listed_event import ListedEvent
    from .meeting_room import MeetingRoom
    from .online_meeting import OnlineMeeting
    from .online_meeting_basic import OnlineMeetingBasic
    from .online_meeting_extra_info import OnlineMeetingExtraInfo
    from .online_meeting_request import OnlineMeetingRequest
    from .origin_start import OriginStart
    from .patch_event_attendee import PatchEventAttendee
    from .patch_event_request import PatchEventRequest
    from .patch_event_request_extra import PatchEventRequestExtra
    from .patch_event_response import PatchEventResponse
    from .recurrence import Recurrence
    from .recurrence_pattern import RecurrencePattern
    from .recurrence_range import RecurrenceRange
    from .reminder import Reminder
    from .reminder_request import ReminderRequest
    from .result_response import ResultResponse
    from .rich_text import RichText
    from .shared_properties import SharedProperties
    from .subscribe_scope import SubscribeScope
    from .ui_config import UiConfig
    from .ui_config_required import UiConfigRequired
    from .update_subscribed_calendar_request import UpdateSubscribedCalendarRequest
    from .user_access_token_response import UserAccessTokenResponse

__all__ = (
    "AccessDeniedDetail",
    "AccessTokenResponse",
    "CalendarEntry",
    "CalendarList",
    "CreateEventAttendee",
    "CreateEventRequest",
    "CreateEventRequestExtra",
    "CreateEventResponse",
    "CreateSubscribedCalendarRequest",
    "CreateSubscribedCalendarResponse",
    "Error",
    "EventAttendee",
    "EventCategory",
    "EventLocation",
    "EventLocationWithRooms",
    "EventOrganizer",
    "EventTime",
    "ExtendedProperties",
    "GetAccessTokenRequest",
    "GetCorpAccessTokenRequest",
    "GetEventResponse",
    "GetSubscribedCalendarResponse",
    "GetUserAccessTokenRequest",
    "GetUserAccessTokenRequestGrantType",
    "ListAttendeesResponse",
    "ListCalendarsResponse",
    "ListEventsResponse",
    "ListedEvent",
    "MeetingRoom",
    "OnlineMeeting",
    "OnlineMeetingBasic",
    "OnlineMeetingExtraInfo",
    "OnlineMeetingRequest",
    "OriginStart",
    "PatchEventAttendee",
    "PatchEventRequest",
    "PatchEventRequestExtra",
    "PatchEventResponse",
    "Recurrence",
    "RecurrencePattern",
    "RecurrenceRange",
    "Reminder",
    "ReminderRequest",
    "ResultResponse",
    "RichText",
    "SharedProperties",
    "SubscribeScope",
    "UiConfig",
    "UiConfigRequired",
    "UpdateSubscribedCalendarRequest",
    "UserAccessTokenResponse",
)

_MODULE_OF = {
    "AccessDeniedDetail": ".access_denied_detail",
    "AccessTokenResponse": ".access_token_response",
    "CalendarEntry": ".calendar_entry",
    "CalendarList": ".calendar_list",
    "CreateEventAttendee": ".create_event_attendee",
    "CreateEventRequest": ".create_event_request",
    "CreateEventRequestExtra": ".create_event_request_extra",
    "CreateEventResponse": ".create_event_response",
    "CreateSubscribedCalendarRequest": ".create_subscribed_calendar_request",
    "CreateSubscribedCalendarResponse": ".create_subscribed_calendar_response",
    "Error": ".error",
    "EventAttendee": ".event_attendee",
    "EventCategory": ".event_category",
    "EventLocation": ".event_location",
    "EventLocationWithRooms": ".event_location_with_rooms",
    "EventOrganizer": ".event_organizer",
    "EventTime": ".event_time",
    "ExtendedProperties": ".extended_properties",
    "GetAccessTokenRequest": ".get_access_token_request",
    "GetCorpAccessTokenRequest": ".get_corp_access_token_request",
    "GetEventResponse": ".get_event_response",
    "GetSubscribedCalendarResponse": ".get_subscribed_calendar_response",
    "GetUserAccessTokenRequest": ".get_user_access_token_request",
    "GetUserAccessTokenRequestGrantType": ".get_user_access_token_request_grant_type",
    "ListAttendeesResponse": ".list_attendees_response",
    "ListCalendarsResponse": ".list_calendars_response",
    "ListEventsResponse": ".list_events_response",
    "ListedEvent": ".listed_event",
    "MeetingRoom": ".meeting_room",
    "OnlineMeeting": ".online_meeting",
    "OnlineMeetingBasic": ".online_meeting_basic",
    "OnlineMeetingExtraInfo": ".online_meeting_extra_info",
    "OnlineMeetingRequest": ".online_meeting_request",
    "OriginStart": ".origin_start",
    "PatchEventAttendee": ".patch_event_attendee",
    "PatchEventRequest": ".patch_event_request",
    "PatchEventRequestExtra": ".patch_event_request_extra",
    "PatchEventResponse": ".patch_event_response",
    "Recurrence": ".recurrence",
    "RecurrencePattern": ".recurrence_pattern",
    "RecurrenceRange": ".recurrence_range",
    "Reminder": ".reminder",
    "ReminderRequest": ".reminder_request",
    "ResultResponse": ".result_response",
    "RichText": ".rich_text",
    "SharedProperties": ".shared_properties",
    "SubscribeScope": ".subscribe_scope",
    "UiConfig": ".ui_config",
    "UiConfigRequired": ".ui_config_required",
    "UpdateSubscribedCalendarRequest": ".update_subscribed_calendar_request",
    "UserAccessTokenResponse": ".user_access_token_response",
}

if not TYPE_CHECKING:  # hidden from type checkers, so that a misspelt name is still an error

    def __getattr__(name: str) -> object:
        from importlib import import_module

        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(module, __name__), name)
        globals()[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
