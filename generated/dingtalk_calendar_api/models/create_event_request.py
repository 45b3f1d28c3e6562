from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_event_attendee import CreateEventAttendee
    from ..models.create_event_request_extra import CreateEventRequestExtra
    from ..models.event_location import EventLocation
    from ..models.event_time import EventTime
    from ..models.online_meeting_request import OnlineMeetingRequest
    from ..models.recurrence import Recurrence
    from ..models.reminder_request import ReminderRequest
    from ..models.rich_text import RichText
    from ..models.ui_config import UiConfig


T = TypeVar("T", bound="CreateEventRequest")


@_attrs_define
class CreateEventRequest:
    summary: str
    """ The title; not blank, at most 2,048 characters. """
    start: EventTime
    """ When an event starts or ends. An all-day event gives `date` only (its end is the day
    after its last day); any other gives `dateTime` and `timeZone` (the same zone at both
    ends).
     """
    description: str | Unset = UNSET
    """ The description; at most 5,000 characters. """
    end: EventTime | Unset = UNSET
    """ When an event starts or ends. An all-day event gives `date` only (its end is the day
    after its last day); any other gives `dateTime` and `timeZone` (the same zone at both
    ends).
     """
    is_all_day: bool | Unset = UNSET
    """ Whether the event lasts whole days. """
    recurrence: Recurrence | Unset = UNSET
    """ The rule of a recurring event. """
    attendees: list[CreateEventAttendee] | Unset = UNSET
    """ Attendees, at most 500. """
    location: EventLocation | Unset = UNSET
    reminders: list[ReminderRequest] | Unset = UNSET
    """ Reminders; none given is one 15 minutes before, an empty list is none. """
    online_meeting_info: OnlineMeetingRequest | Unset = UNSET
    extra: CreateEventRequestExtra | Unset = UNSET
    """ Switches: noPushNotification and noChatNotification ("true" or "false"). """
    ui_configs: list[UiConfig] | Unset = UNSET
    """ Which parts of the event page show. """
    rich_text_description: RichText | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        summary = self.summary

        start = self.start.to_dict()

        description = self.description

        end: dict[str, Any] | Unset = UNSET
        if not isinstance(self.end, Unset):
            end = self.end.to_dict()

        is_all_day = self.is_all_day

        recurrence: dict[str, Any] | Unset = UNSET
        if not isinstance(self.recurrence, Unset):
            recurrence = self.recurrence.to_dict()

        attendees: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.attendees, Unset):
            attendees = []
            for attendees_item_data in self.attendees:
                attendees_item = attendees_item_data.to_dict()
                attendees.append(attendees_item)

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        reminders: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.reminders, Unset):
            reminders = []
            for reminders_item_data in self.reminders:
                reminders_item = reminders_item_data.to_dict()
                reminders.append(reminders_item)

        online_meeting_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.online_meeting_info, Unset):
            online_meeting_info = self.online_meeting_info.to_dict()

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()

        ui_configs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.ui_configs, Unset):
            ui_configs = []
            for ui_configs_item_data in self.ui_configs:
                ui_configs_item = ui_configs_item_data.to_dict()
                ui_configs.append(ui_configs_item)

        rich_text_description: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rich_text_description, Unset):
            rich_text_description = self.rich_text_description.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "summary": summary,
                "start": start,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if end is not UNSET:
            field_dict["end"] = end
        if is_all_day is not UNSET:
            field_dict["isAllDay"] = is_all_day
        if recurrence is not UNSET:
            field_dict["recurrence"] = recurrence
        if attendees is not UNSET:
            field_dict["attendees"] = attendees
        if location is not UNSET:
            field_dict["location"] = location
        if reminders is not UNSET:
            field_dict["reminders"] = reminders
        if online_meeting_info is not UNSET:
            field_dict["onlineMeetingInfo"] = online_meeting_info
        if extra is not UNSET:
            field_dict["extra"] = extra
        if ui_configs is not UNSET:
            field_dict["uiConfigs"] = ui_configs
        if rich_text_description is not UNSET:
            field_dict["richTextDescription"] = rich_text_description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_event_attendee import CreateEventAttendee
        from ..models.create_event_request_extra import CreateEventRequestExtra
        from ..models.event_location import EventLocation
        from ..models.event_time import EventTime
        from ..models.online_meeting_request import OnlineMeetingRequest
        from ..models.recurrence import Recurrence
        from ..models.reminder_request import ReminderRequest
        from ..models.rich_text import RichText
        from ..models.ui_config import UiConfig

        d = dict(src_dict)
        summary = d.pop("summary")

        start = EventTime.from_dict(d.pop("start"))

        description = d.pop("description", UNSET)

        _end = d.pop("end", UNSET)
        end: EventTime | Unset
        if isinstance(_end, Unset):
            end = UNSET
        else:
            end = EventTime.from_dict(_end)

        is_all_day = d.pop("isAllDay", UNSET)

        _recurrence = d.pop("recurrence", UNSET)
        recurrence: Recurrence | Unset
        if isinstance(_recurrence, Unset):
            recurrence = UNSET
        else:
            recurrence = Recurrence.from_dict(_recurrence)

        _attendees = d.pop("attendees", UNSET)
        attendees: list[CreateEventAttendee] | Unset = UNSET
        if _attendees is not UNSET:
            attendees = []
            for attendees_item_data in _attendees:
                attendees_item = CreateEventAttendee.from_dict(attendees_item_data)

                attendees.append(attendees_item)

        _location = d.pop("location", UNSET)
        location: EventLocation | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = EventLocation.from_dict(_location)

        _reminders = d.pop("reminders", UNSET)
        reminders: list[ReminderRequest] | Unset = UNSET
        if _reminders is not UNSET:
            reminders = []
            for reminders_item_data in _reminders:
                reminders_item = ReminderRequest.from_dict(reminders_item_data)

                reminders.append(reminders_item)

        _online_meeting_info = d.pop("onlineMeetingInfo", UNSET)
        online_meeting_info: OnlineMeetingRequest | Unset
        if isinstance(_online_meeting_info, Unset):
            online_meeting_info = UNSET
        else:
            online_meeting_info = OnlineMeetingRequest.from_dict(_online_meeting_info)

        _extra = d.pop("extra", UNSET)
        extra: CreateEventRequestExtra | Unset
        if isinstance(_extra, Unset):
            extra = UNSET
        else:
            extra = CreateEventRequestExtra.from_dict(_extra)

        _ui_configs = d.pop("uiConfigs", UNSET)
        ui_configs: list[UiConfig] | Unset = UNSET
        if _ui_configs is not UNSET:
            ui_configs = []
            for ui_configs_item_data in _ui_configs:
                ui_configs_item = UiConfig.from_dict(ui_configs_item_data)

                ui_configs.append(ui_configs_item)

        _rich_text_description = d.pop("richTextDescription", UNSET)
        rich_text_description: RichText | Unset
        if isinstance(_rich_text_description, Unset):
            rich_text_description = UNSET
        else:
            rich_text_description = RichText.from_dict(_rich_text_description)

        create_event_request = cls(
            summary=summary,
            start=start,
            description=description,
            end=end,
            is_all_day=is_all_day,
            recurrence=recurrence,
            attendees=attendees,
            location=location,
            reminders=reminders,
            online_meeting_info=online_meeting_info,
            extra=extra,
            ui_configs=ui_configs,
            rich_text_description=rich_text_description,
        )

        create_event_request.additional_properties = d
        return create_event_request

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
