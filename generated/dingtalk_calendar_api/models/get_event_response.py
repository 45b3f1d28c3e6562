from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.event_attendee import EventAttendee
    from ..models.event_category import EventCategory
    from ..models.event_location import EventLocation
    from ..models.event_organizer import EventOrganizer
    from ..models.event_time import EventTime
    from ..models.extended_properties import ExtendedProperties
    from ..models.meeting_room import MeetingRoom
    from ..models.online_meeting import OnlineMeeting
    from ..models.origin_start import OriginStart
    from ..models.recurrence import Recurrence
    from ..models.reminder import Reminder
    from ..models.rich_text import RichText


T = TypeVar("T", bound="GetEventResponse")


@_attrs_define
class GetEventResponse:
    id: str | Unset = UNSET
    """ The event's id. """
    summary: str | Unset = UNSET
    """ The title. """
    description: str | Unset = UNSET
    """ The description. """
    status: str | Unset = UNSET
    """ confirmed or cancelled. """
    start: EventTime | Unset = UNSET
    """ When an event starts or ends. An all-day event gives `date` only (its end is the day
    after its last day); any other gives `dateTime` and `timeZone` (the same zone at both
    ends).
     """
    origin_start: OriginStart | Unset = UNSET
    """ Where an instance of a recurring event first started; absent for a single event. """
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
    location: EventLocation | Unset = UNSET
    series_master_id: str | Unset = UNSET
    """ The recurring event this is an instance of. """
    create_time: str | Unset = UNSET
    """ When the event was created. """
    update_time: str | Unset = UNSET
    """ When the event last changed. """
    reminders: list[Reminder] | Unset = UNSET
    """ The reminders. """
    online_meeting_info: OnlineMeeting | Unset = UNSET
    extended_properties: ExtendedProperties | Unset = UNSET
    meeting_rooms: list[MeetingRoom] | Unset = UNSET
    """ Meeting rooms. """
    categories: list[EventCategory] | Unset = UNSET
    """ Categories. """
    rich_text_description: RichText | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        summary = self.summary

        description = self.description

        status = self.status

        start: dict[str, Any] | Unset = UNSET
        if not isinstance(self.start, Unset):
            start = self.start.to_dict()

        origin_start: dict[str, Any] | Unset = UNSET
        if not isinstance(self.origin_start, Unset):
            origin_start = self.origin_start.to_dict()

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

        series_master_id = self.series_master_id

        create_time = self.create_time

        update_time = self.update_time

        reminders: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.reminders, Unset):
            reminders = []
            for reminders_item_data in self.reminders:
                reminders_item = reminders_item_data.to_dict()
                reminders.append(reminders_item)

        online_meeting_info: dict[str, Any] | Unset = UNSET
        if not isinstance(self.online_meeting_info, Unset):
            online_meeting_info = self.online_meeting_info.to_dict()

        extended_properties: dict[str, Any] | Unset = UNSET
        if not isinstance(self.extended_properties, Unset):
            extended_properties = self.extended_properties.to_dict()

        meeting_rooms: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.meeting_rooms, Unset):
            meeting_rooms = []
            for meeting_rooms_item_data in self.meeting_rooms:
                meeting_rooms_item = meeting_rooms_item_data.to_dict()
                meeting_rooms.append(meeting_rooms_item)

        categories: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.categories, Unset):
            categories = []
            for categories_item_data in self.categories:
                categories_item = categories_item_data.to_dict()
                categories.append(categories_item)

        rich_text_description: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rich_text_description, Unset):
            rich_text_description = self.rich_text_description.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if summary is not UNSET:
            field_dict["summary"] = summary
        if description is not UNSET:
            field_dict["description"] = description
        if status is not UNSET:
            field_dict["status"] = status
        if start is not UNSET:
            field_dict["start"] = start
        if origin_start is not UNSET:
            field_dict["originStart"] = origin_start
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
        if series_master_id is not UNSET:
            field_dict["seriesMasterId"] = series_master_id
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if update_time is not UNSET:
            field_dict["updateTime"] = update_time
        if reminders is not UNSET:
            field_dict["reminders"] = reminders
        if online_meeting_info is not UNSET:
            field_dict["onlineMeetingInfo"] = online_meeting_info
        if extended_properties is not UNSET:
            field_dict["extendedProperties"] = extended_properties
        if meeting_rooms is not UNSET:
            field_dict["meetingRooms"] = meeting_rooms
        if categories is not UNSET:
            field_dict["categories"] = categories
        if rich_text_description is not UNSET:
            field_dict["richTextDescription"] = rich_text_description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_attendee import EventAttendee
        from ..models.event_category import EventCategory
        from ..models.event_location import EventLocation
        from ..models.event_organizer import EventOrganizer
        from ..models.event_time import EventTime
        from ..models.extended_properties import ExtendedProperties
        from ..models.meeting_room import MeetingRoom
        from ..models.online_meeting import OnlineMeeting
        from ..models.origin_start import OriginStart
        from ..models.recurrence import Recurrence
        from ..models.reminder import Reminder
        from ..models.rich_text import RichText

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        summary = d.pop("summary", UNSET)

        description = d.pop("description", UNSET)

        status = d.pop("status", UNSET)

        _start = d.pop("start", UNSET)
        start: EventTime | Unset
        if isinstance(_start, Unset):
            start = UNSET
        else:
            start = EventTime.from_dict(_start)

        _origin_start = d.pop("originStart", UNSET)
        origin_start: OriginStart | Unset
        if isinstance(_origin_start, Unset):
            origin_start = UNSET
        else:
            origin_start = OriginStart.from_dict(_origin_start)

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
        location: EventLocation | Unset
        if isinstance(_location, Unset):
            location = UNSET
        else:
            location = EventLocation.from_dict(_location)

        series_master_id = d.pop("seriesMasterId", UNSET)

        create_time = d.pop("createTime", UNSET)

        update_time = d.pop("updateTime", UNSET)

        _reminders = d.pop("reminders", UNSET)
        reminders: list[Reminder] | Unset = UNSET
        if _reminders is not UNSET:
            reminders = []
            for reminders_item_data in _reminders:
                reminders_item = Reminder.from_dict(reminders_item_data)

                reminders.append(reminders_item)

        _online_meeting_info = d.pop("onlineMeetingInfo", UNSET)
        online_meeting_info: OnlineMeeting | Unset
        if isinstance(_online_meeting_info, Unset):
            online_meeting_info = UNSET
        else:
            online_meeting_info = OnlineMeeting.from_dict(_online_meeting_info)

        _extended_properties = d.pop("extendedProperties", UNSET)
        extended_properties: ExtendedProperties | Unset
        if isinstance(_extended_properties, Unset):
            extended_properties = UNSET
        else:
            extended_properties = ExtendedProperties.from_dict(_extended_properties)

        _meeting_rooms = d.pop("meetingRooms", UNSET)
        meeting_rooms: list[MeetingRoom] | Unset = UNSET
        if _meeting_rooms is not UNSET:
            meeting_rooms = []
            for meeting_rooms_item_data in _meeting_rooms:
                meeting_rooms_item = MeetingRoom.from_dict(meeting_rooms_item_data)

                meeting_rooms.append(meeting_rooms_item)

        _categories = d.pop("categories", UNSET)
        categories: list[EventCategory] | Unset = UNSET
        if _categories is not UNSET:
            categories = []
            for categories_item_data in _categories:
                categories_item = EventCategory.from_dict(categories_item_data)

                categories.append(categories_item)

        _rich_text_description = d.pop("richTextDescription", UNSET)
        rich_text_description: RichText | Unset
        if isinstance(_rich_text_description, Unset):
            rich_text_description = UNSET
        else:
            rich_text_description = RichText.from_dict(_rich_text_description)

        get_event_response = cls(
            id=id,
            summary=summary,
            description=description,
            status=status,
            start=start,
            origin_start=origin_start,
            end=end,
            is_all_day=is_all_day,
            recurrence=recurrence,
            attendees=attendees,
            organizer=organizer,
            location=location,
            series_master_id=series_master_id,
            create_time=create_time,
            update_time=update_time,
            reminders=reminders,
            online_meeting_info=online_meeting_info,
            extended_properties=extended_properties,
            meeting_rooms=meeting_rooms,
            categories=categories,
            rich_text_description=rich_text_description,
        )

        get_event_response.additional_properties = d
        return get_event_response

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
