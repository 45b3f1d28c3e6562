"""What a client is configured with, and how one call's options are turned into request arguments."""

from typing import Any

import httpx
from attrs import evolve, frozen

from ._defaults import DEFAULT_BASE_URL, DEFAULT_LIMITS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._extensions import RETRY_EXTENSION
from ._retry_policy import RetryPolicy

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_LIMITS", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "CallDefaults"]


def as_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)


@frozen
class CallDefaults:
    """A client's per-call defaults, which ``with_options`` and each call may override."""

    timeout: httpx.Timeout
    retry: RetryPolicy

    def with_overrides(self, timeout: float | httpx.Timeout | None, max_retries: int | None) -> "CallDefaults":
        return CallDefaults(
            timeout=self.timeout if timeout is None else as_timeout(timeout),
            retry=self.retry if max_retries is None else evolve(self.retry, max_retries=max_retries),
        )

    def options(self, timeout: float | httpx.Timeout | None, max_retries: int | None) -> dict[str, Any]:
        """The per-call arguments of a generated ``build_request_kwargs``.

        Nothing is passed when the call overrides nothing, so the hot path does no work.
        """
        if timeout is None and max_retries is None:
            return {}
        chosen = self.with_overrides(timeout, max_retries)
        return {"timeout": chosen.timeout, "extensions": {RETRY_EXTENSION: chosen.retry}}
