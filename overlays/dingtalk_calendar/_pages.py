"""Every page of a listing, for the operations the spec marks ``x-dingtalk-pagination``.

``Pages`` follows the answer's next-page token (``nextToken`` for listEvents) until the
last page, yielding the items (``events``) one by one, and keeps the last page's sync token
(``syncToken``): list again later with ``syncToken=pages.sync_token`` to get only what
changed. The names come from the spec (``spec_data.OPERATIONS[...].pagination``), the calls
go through the client's own ``request`` (token, retries, errors, overlays).

One class serves both clients (no generated twin): iterate it with ``for`` over a
``CalendarClient`` and with ``async for`` over an ``AsyncCalendarClient``::

    pages = Pages(client, "listEvents", user_id="alice", calendar_id="primary")
    for event in pages:
        ...
    later = Pages(client, "listEvents", user_id="alice", calendar_id="primary",
                  params={"syncToken": pages.sync_token})
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from dingtalk_calendar_api._call import path_segment
from dingtalk_calendar_api.spec_data import OPERATIONS

from ._errors import ConfigurationError

if TYPE_CHECKING:
    from ._async_client import AsyncCalendarClient
    from ._client import CalendarClient
    from ._raw import RawResult


class Pages:
    """The items of every page of one listing; ``sync_token`` once the last page is read."""

    def __init__(
        self,
        client: CalendarClient | AsyncCalendarClient,
        operation_id: str,
        *,
        params: Mapping[str, str] | None = None,
        **path: str,
    ) -> None:
        operation = OPERATIONS.get(operation_id)
        if operation is None or operation.pagination is None:
            raise ConfigurationError(f"{operation_id!r} is not an operation the spec pages (x-dingtalk-pagination)")
        self._client = client
        self._method = operation.method
        self._names = operation.pagination
        rules = {rule.python_name: rule.name for rule in operation.path_parameters}
        if set(path) != set(rules):
            raise ConfigurationError(f"{operation_id} needs the path parameters {', '.join(sorted(rules))}")
        # The spec's path template names its parameters by wire name ({userId}); the SDK by Python name.
        url = operation.path
        for python_name, wire_name in rules.items():
            url = url.replace("{" + wire_name + "}", path_segment(path[python_name]))
        self._path = url
        self._params = dict(params or {})
        self.sync_token: str | None = None
        """The last page's sync token (None until the last page is read, or when the answer gives none)."""
        self.pages = 0
        """Pages read so far."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        params = dict(self._params)
        while True:
            result = self._client.request(self._method, self._path, params=params)
            assert not hasattr(result, "__await__"), "iterate an AsyncCalendarClient's pages with async for"
            items, next_token = self._read(result)
            yield from items
            if next_token is None:
                return
            params = {**self._params, self._names["next"]: next_token}

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        params = dict(self._params)
        while True:
            result = await self._client.request(self._method, self._path, params=params)  # type: ignore[misc]
            items, next_token = self._read(result)
            for item in items:
                yield item
            if next_token is None:
                return
            params = {**self._params, self._names["next"]: next_token}

    def _read(self, result: RawResult) -> tuple[list[dict[str, Any]], str | None]:
        self.pages += 1
        body = result.body if isinstance(result.body, dict) else {}
        items = body.get(self._names["items"]) or []
        next_token = body.get(self._names["next"]) or None
        if next_token is None and "sync" in self._names:
            self.sync_token = body.get(self._names["sync"]) or None
        return [item for item in items if isinstance(item, dict)], next_token
