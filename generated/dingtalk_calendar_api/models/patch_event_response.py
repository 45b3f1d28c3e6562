from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_attendee import EventAttendee
    from ..models.event_location_with_rooms import EventLocationWithRooms
    from ..models.event_organizer import EventOrganizer
    from ..models.event_time import EventTime
    from ..models.online_meeting_basic import OnlineMeetingBasic
    from ..models.recurrence import Recurrence
    from ..models.reminder import Reminder
    from ..models.rich_text import RichText
    from ..models.ui_config import UiConfig


T = TypeVar("T", bound="PatchEventResponse")


@_attrs_define
class PatchEventResponse:
    id: str | Unset = UNSET
    """ The event's id. """
    summary: str | Unset = UNSET
    """ The title. """
    description: str | Unset = UNSET
    """ The description. """
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
    attendees: list[EventAttendee] | Unset = UNSET
    """ The attendees. """
    organizer: EventOrganizer | Unset = UNSET
    location: EventLocationWithRooms | Unset = UNSET
    reminders: list[Reminder] | Unset = UNSET
    """ The reminders. """
    create_time: str | Unset = UNSET
    """ When the event was created. """
    update_time: str | Unset = UNSET
    """ When the event last changed. """
    online_meeting_info: OnlineMeetingBasic | Unset = UNSET
    rich_text_description: RichText | Unset = UNSET
    ui_configs: list[UiConfig] | Unset = UNSET
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

        organizer: dict[str, Any] | Unset = UNSET
        if not isinstance(self.organizer, Unset):
            organizer = self.organizer.to_dict()

        location: dict[str, Any] | Unset = UNSET
        if not isinstance(self.location, Unset):
            location = self.location.to_dict()

        reminders: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.reminders, Unset):
            reminders = []
            for reminders_item_data in self.reminders:
                reminders_item = reminders_item_data.to_dict()
                reminders.append(reminders_item)

        create_time = self.create_time

        update_time = self.update_time

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
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
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
        if organizer is not UNSET:
            field_dict["organizer"] = organizer
        if location is not UNSET:
            field_dict["location"] = location
        if reminders is not UNSET:
            field_dict["reminders"] = reminders
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if update_time is not UNSET:
            field_dict["updateTime"] = update_time
        if online_meeting_info is not UNSET:
            field_dict["onlineMeetingInfo"] = online_meeting_info
        if rich_text_description is not UNSET:
            field_dict["richTextDescription"] = rich_text_description
        if ui_configs is not UNSET:
            field_dict["uiConfigs"] = ui_configs

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_attendee import EventAttendee
        from ..models.event_location_with_rooms import EventLocationWithRooms
        from ..models.event_organizer import EventOrganizer
        from ..models.event_time import EventTime
        from ..models.online_meeting_basic import OnlineMeetingBasic
        from ..models.recurrence import Recurrence
        from ..models.reminder import Reminder
        from ..models.rich_text import RichText
        from ..models.ui_config import UiConfig

        d = dict(src_dict)
        id = d.pop("id", UNSET)

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
        attendees: list[EventAttendee] | Unset = UNSET
        if _attendees is not UNSET:
            attendees = []
            for attendees_item_data in _attendees:
                attendees_item = EventAttendee.from_dict(attendees_item_data)

                attendees.append(attendees_item)

        _organizer = d.pop("organizer", UNSET)
        organizer: EventOrganizer | Unset
        if isinstance(_organizer, Unset):
            organizer = UNSET
        else:
            organizer = EventOrganizer.from_dict(_organizer)

        _location = d.pop("location", UNSET)
        location: EventLocationWithRooms | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = EventLocationWithRooms.from_dict(_location)

        _reminders = d.pop("reminders", UNSET)
        reminders: list[Reminder] | Unset = UNSET
        if _reminders is not UNSET:
            reminders = []
            for reminders_item_data in _reminders:
                reminders_item = Reminder.from_dict(reminders_item_data)

                reminders.append(reminders_item)

        create_time = d.pop("createTime", UNSET)

        update_time = d.pop("updateTime", UNSET)

        _online_meeting_info = d.pop("onlineMeetingInfo", UNSET)
        online_meeting_info: OnlineMeetingBasic | Unset
        if isinstance(_online_meeting_info, Unset):
            online_meeting_info = UNSET
        else:
            online_meeting_info = OnlineMeetingBasic.from_dict(_online_meeting_info)

        _rich_text_description = d.pop("richTextDescription", UNSET)
        rich_text_description: RichText | Unset
        if isinstance(_rich_text_description, Unset):
            rich_text_description = UNSET
        else:
            rich_text_description = RichText.from_dict(_rich_text_description)

        _ui_configs = d.pop("uiConfigs", UNSET)
        ui_configs: list[UiConfig] | Unset = UNSET
        if _ui_configs is not UNSET:
            ui_configs = []
            for ui_configs_item_data in _ui_configs:
                ui_configs_item = UiConfig.from_dict(ui_configs_item_data)

                ui_configs.append(ui_configs_item)

        patch_event_response = cls(
            id=id,
            summary=summary,
            description=description,
            start=start,
            end=end,
            is_all_day=is_all_day,
            recurrence=recurrence,
            attendees=attendees,
            organizer=organizer,
            location=location,
            reminders=reminders,
            create_time=create_time,
            update_time=update_time,
            online_meeting_info=online_meeting_info,
            rich_text_description=rich_text_description,
            ui_configs=ui_configs,
        )

        patch_event_response.additional_properties = d
        return patch_event_response

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
