"""The event operations as the server's handlers: the path and query in, ``EventService`` does the rest."""

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from dingtalk_calendar_api.operation_ids import OperationId

from .calendars import Answer
from .events import EventService
from .tokens import Grant

if TYPE_CHECKING:
    from .server import Backend


def _events(backend: "Backend") -> EventService:
    assert backend.events is not None  # the Emulator always builds one
    return backend.events


def _create(backend: "Backend", grant: Grant | None, body: Any, query: Mapping[str, str], /, **path: str) -> Answer:
    return _events(backend).create(path["user_id"], path["calendar_id"], body)


def _get(backend: "Backend", grant: Grant | None, body: Any, query: Mapping[str, str], /, **path: str) -> Answer:
    return _events(backend).get(path["user_id"], path["calendar_id"], path["event_id"])


def _list(backend: "Backend", grant: Grant | None, body: Any, query: Mapping[str, str], /, **path: str) -> Answer:
    return _events(backend).list_events(path["user_id"], path["calendar_id"], query)


def _patch(backend: "Backend", grant: Grant | None, body: Any, query: Mapping[str, str], /, **path: str) -> Answer:
    return _events(backend).patch(path["user_id"], path["calendar_id"], path["event_id"], body)


def _delete(backend: "Backend", grant: Grant | None, body: Any, query: Mapping[str, str], /, **path: str) -> Answer:
    return _events(backend).delete(path["user_id"], path["calendar_id"], path["event_id"])


def _calendars(backend: "Backend", grant: Grant | None, body: Any, query: Mapping[str, str], /, **path: str) -> Answer:
    return _events(backend).list_calendars(path["user_id"])


def _attendees(backend: "Backend", grant: Grant | None, body: Any, query: Mapping[str, str], /, **path: str) -> Answer:
    return _events(backend).list_attendees(path["user_id"], path["calendar_id"], path["event_id"], query)


EVENT_OPERATIONS: Final[Mapping[str, Callable[..., Answer]]] = {
    OperationId.CREATE_EVENT: _create,
    OperationId.GET_EVENT: _get,
    OperationId.LIST_EVENTS: _list,
    OperationId.PATCH_EVENT: _patch,
    OperationId.DELETE_EVENT: _delete,
    OperationId.LIST_CALENDARS: _calendars,
    OperationId.LIST_ATTENDEES: _attendees,
}
"""The operations of the events tag (and listCalendars), by operationId."""
