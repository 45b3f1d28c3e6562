"""A prepared call, and how a successful answer becomes a result.

The per-operation functions that build calls are generated from the spec
(``_generated/calls.py``); the sync and async clients differ only in how they send.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import httpx

from .validation import answer_data

if TYPE_CHECKING:
    from dingtalk_calendar_api import Client

T = TypeVar("T")
R = TypeVar("R", covariant=True)


class Call(Generic[T]):
    """One prepared call: what to send, and how to read a successful answer."""

    # A plain class: one is made per call, and it costs nothing to define at import.
    __slots__ = ("finish", "operation", "request_kwargs")

    def __init__(
        self, operation: str, request_kwargs: dict[str, Any], finish: Callable[[httpx.Response, Client], T]
    ) -> None:
        self.operation = operation
        self.request_kwargs = request_kwargs
        self.finish = finish


class ResultClass(Protocol[R]):
    """A result class: generated (``_generated/results.py``) or hand-written (``_call.models.Calendar``)."""

    def from_answer(self, data: Mapping[str, Any], response: httpx.Response) -> R: ...


def finisher(
    operation: str, result: ResultClass[T], *, empty_is_success: bool
) -> Callable[[httpx.Response, Client], T]:
    """How a successful answer of ``operation`` is read; made once per operation, not per call."""
    finish: Callable[[httpx.Response, Client], T] | None = _FINISHERS.get(operation)
    if finish is None:
        finish = _FINISHERS[operation] = _make_finisher(operation, result, empty_is_success=empty_is_success)
    return finish


def _make_finisher(
    operation: str, result: ResultClass[T], *, empty_is_success: bool
) -> Callable[[httpx.Response, Client], T]:
    def finish(response: httpx.Response, client: Client) -> T:
        if empty_is_success and not response.content:
            return result.from_answer({}, response)  # the spec's defaults say what an empty answer means
        # Checked against the spec's response schema: no value of the wrong type reaches the result.
        return result.from_answer(answer_data(operation, response), response)

    return finish


_FINISHERS: dict[str, Callable[[httpx.Response, Any], Any]] = {}
