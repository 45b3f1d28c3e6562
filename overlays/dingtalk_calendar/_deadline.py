"""The call's time limit lives in :mod:`._transport.deadline`; this name stays for the modules that read it."""

from ._transport.deadline import Deadline, call_deadline, time_left

__all__ = ["Deadline", "call_deadline", "time_left"]
