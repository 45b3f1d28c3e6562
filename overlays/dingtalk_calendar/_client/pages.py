"""Every page of a listing: what the generated method of an ``x-dingtalk-pagination`` operation returns.

``client.events.list(...)`` checks its arguments at once and returns ``Pages``; iterating it
sends the first page's request, then one per ``nextToken``, and yields the items (``events``)
one by one. Once the last page is read, ``sync_token`` holds its ``syncToken``: list again
later with ``sync_token=pages.sync_token`` to get only what changed. The field names come
from the spec and are read by the generated ``read`` function; the per-call options are part
of every page's prepared call. ``AsyncPages`` is the same for ``async for``. Iterating again
lists again from the first page: ``pages``, ``last_page`` and ``sync_token`` then describe
that listing alone. An answer whose ``nextToken`` is one already followed is a
``MalformedResponseError``: followed, it would list forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from .._call.prepared import Call

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")
RunT = TypeVar("RunT")  # what ``run`` gives for a page's call: the page, or an awaitable of it


class _Listing(Generic[PageT, ItemT, RunT]):
    """What both kinds share: ``run`` sends a page's call; ``read`` gives its (items, next-page token, sync token)."""

    def __init__(
        self,
        run: Callable[[Call[PageT]], RunT],
        first: Call[PageT],
        follow: Callable[[str], Call[PageT]],
        read: Callable[[PageT], tuple[Iterable[ItemT], str | None, str | None]],
    ) -> None:
        self._run = run
        self._first = first
        self._follow = follow
        self._read = read
        self.sync_token: str | None = None
        """The last page's sync token: None until the last page is read, or when the answer gives none."""
        self.last_page: PageT | None = None
        """The last page read (its ``request_id`` and ``raw_response`` too)."""
        self.pages = 0
        """Pages read so far."""

    def _start(self) -> Call[PageT]:
        self.pages, self.last_page, self.sync_token = 0, None, None
        self._followed: set[str] = set()
        return self._first

    def _take(self, page: PageT) -> tuple[Iterable[ItemT], Call[PageT] | None]:
        self.pages += 1
        self.last_page = page
        items, next_token, sync_token = self._read(page)
        if not next_token:
            self.sync_token = sync_token or None
            return items, None
        if next_token in self._followed:
            raise self._endless(page)
        self._followed.add(next_token)
        return items, self._follow(next_token)

    def _endless(self, page: PageT) -> Exception:
        from .._call.validation import malformed_answer

        response = getattr(page, "raw_response", None)
        assert response is not None, "a page is a generated result, which keeps its answer"
        detail = "a 2xx answer whose nextToken is one already followed: the listing would never end"
        return malformed_answer(self._first.operation, response, detail)


class Pages(_Listing[PageT, ItemT, PageT]):
    """The items of every page of one listing (``for``); ``sync_token`` once the last page is read."""

    def __iter__(self) -> Iterator[ItemT]:
        call: Call[PageT] | None = self._start()
        while call is not None:
            items, call = self._take(self._run(call))
            yield from items


class AsyncPages(_Listing[PageT, ItemT, Awaitable[PageT]]):
    """The items of every page of one listing (``async for``); ``sync_token`` once the last page is read."""

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        call: Call[PageT] | None = self._start()
        while call is not None:
            items, call = self._take(await self._run(call))
            for item in items:
                yield item
