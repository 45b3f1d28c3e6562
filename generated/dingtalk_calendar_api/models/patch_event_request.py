from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_location import EventLocation
    from ..models.event_time import EventTime
    from ..models.online_meeting_request import OnlineMeetingRequest
    from ..models.patch_event_attendee import PatchEventAttendee
    from ..models.patch_event_request_extra import PatchEventRequestExtra
    from ..models.recurrence import Recurrence
    from ..models.reminder_request import ReminderRequest
    from ..models.rich_text import RichText
    from ..models.ui_config_required import UiConfigRequired


T = TypeVar("T", bound="PatchEventRequest")


@_attrs_define
class PatchEventRequest:
    """Only the fields present are changed."""

    id: str
    """ The event's id (the same as in the path). """
    summary: str | Unset = UNSET
    """ The new title. """
    description: str | Unset = UNSET
    """ The new description. """
    start: EventTime | Unset = UNSET
    """ When an event starts or ends. An all-day event gives `date` only (its end is the day
    after its last day); any other gives `dateTime` and `timeZone` (the same zone at both
    ends).
     """
    end: EventTime | Unset = UNSET
    """ When an event starts or ends. An all-day event gives `date` only (its end is the day
    after its last day); any other gives `dateTime` and `timeZone` (the same zone at both
    ends).
     """
    is_all_day: bool | Unset = UNSET
    """ Whether the event lasts whole days. """
    recurrence: Recurrence | Unset = UNSET
    """ The rule of a recurring event. """
    attendees: list[PatchEventAttendee] | Unset = UNSET
    """ The new attendees. """
    location: EventLocation | Unset = UNSET
    extra: PatchEventRequestExtra | Unset = UNSET
    """ Switches: noPushNotification and noChatNotification ("true" or "false"). """
    reminders: list[ReminderRequest] | Unset = UNSET
    """ The new reminders; an empty list is none. """
    online_meeting_info: OnlineMeetingRequest | Unset = UNSET
    rich_text_description: RichText | Unset = UNSET
    ui_configs: list[UiConfigRequired] | Unset = UNSET
    """ Which parts of the event page show. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        summary = self.summary

        description = self.description

        start: dict[str, Any] | Unset = UNSET
        if not isinstance(self.start, Unset):
            start = self.start.to_dict()

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

        extra: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extra, Unset):
            extra = self.extra.to_dict()

        reminders: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.reminders, Unset):
            reminders = []
            for reminders_item_data in self.reminders:
                reminders_item = reminders_item_data.to_dict()
                reminders.append(reminders_item)

        online_meeting_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.online_meeting_info, Unset):
            online_meeting_info = self.online_meeting_info.to_dict()

        rich_text_description: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rich_text_description, Unset):
            rich_text_description = self.rich_text_description.to_dict()

        ui_configs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.ui_configs, Unset):
            ui_configs = []
            for ui_configs_item_data in self.ui_configs:
                ui_configs_item = ui_configs_item_data.to_dict()
                ui_configs.append(ui_configs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if summary is not UNSET:
            field_dict["summary"] = summary
        if description is not UNSET:
            field_dict["description"] = description
        if start is not UNSET:
            field_dict["start"] = start
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
        if extra is not UNSET:
            field_dict["extra"] = extra
        if reminders is not UNSET:
            field_dict["reminders"] = reminders
        if online_meeting_info is not UNSET:
            field_dict["onlineMeetingInfo"] = online_meeting_info
        if rich_text_description is not UNSET:
            field_dict["richTextDescription"] = rich_text_description
        if ui_configs is not UNSET:
            field_dict["uiConfigs"] = ui_configs

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_location import EventLocation
        from ..models.event_time import EventTime
        from ..models.online_meeting_request import OnlineMeetingRequest
        from ..models.patch_event_attendee import PatchEventAttendee
        from ..models.patch_event_request_extra import PatchEventRequestExtra
        from ..models.recurrence import Recurrence
        from ..models.reminder_request import ReminderRequest
        from ..models.rich_text import RichText
        from ..models.ui_config_required import UiConfigRequired

        d = dict(src_dict)
        id = d.pop("id")

        summary = d.pop("summary", UNSET)

        description = d.pop("description", UNSET)

        _start = d.pop("start", UNSET)
        start: EventTime | Unset
        if isinstance(_start, Unset):
            start = UNSET
        else:
            start = EventTime.from_dict(_start)

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
        attendees: list[PatchEventAttendee] | Unset = UNSET
        if _attendees is not UNSET:
            attendees = []
            for attendees_item_data in _attendees:
                attendees_item = PatchEventAttendee.from_dict(attendees_item_data)

                attendees.append(attendees_item)

        _location = d.pop("location", UNSET)
        location: EventLocation | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = EventLocation.from_dict(_location)

        _extra = d.pop("extra", UNSET)
        extra: PatchEventRequestExtra | Unset
        if isinstance(_extra, Unset):
            extra = UNSET
        else:
            extra = PatchEventRequestExtra.from_dict(_extra)

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

        _rich_text_description = d.pop("richTextDescription", UNSET)
        rich_text_description: RichText | Unset
        if isinstance(_rich_text_description, Unset):
            rich_text_description = UNSET
        else:
            rich_text_description = RichText.from_dict(_rich_text_description)

        _ui_configs = d.pop("uiConfigs", UNSET)
        ui_configs: list[UiConfigRequired] | Unset = UNSET
        if _ui_configs is not UNSET:
            ui_configs = []
            for ui_configs_item_data in _ui_configs:
                ui_configs_item = UiConfigRequired.from_dict(ui_configs_item_data)

                ui_configs.append(ui_configs_item)

        patch_event_request = cls(
            id=id,
            summary=summary,
            description=description,
            start=start,
            end=end,
            is_all_day=is_all_day,
            recurrence=recurrence,
            attendees=attendees,
            location=location,
            extra=extra,
            reminders=reminders,
            online_meeting_info=online_meeting_info,
            rich_text_description=rich_text_description,
            ui_configs=ui_configs,
        )

        patch_event_request.additional_properties = d
        return patch_event_request

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
