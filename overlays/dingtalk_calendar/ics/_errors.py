"""ics-sync's errors: each a ``DingTalkError``."""

from __future__ import annotations

from .._errors import ConfigurationError, DingTalkError


class IcsSyncError(DingTalkError):
    """ics-sync could not run."""


class StateError(IcsSyncError, ConfigurationError):
    """The state file cannot be used: unreadable, or another user's or calendar's (the CLI's exit 2)."""


class FeedRefusedError(IcsSyncError):
    """The feed would change nothing safely: it does not parse, is empty, or would delete most events.

    ``reason`` is ``"unreadable"``, ``"empty"`` or ``"mass-delete"``. Nothing was written;
    ``allow_mass_delete=True`` (``--allow-mass-delete``) applies an empty or mostly-removing
    feed anyway (an unreadable one never).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
