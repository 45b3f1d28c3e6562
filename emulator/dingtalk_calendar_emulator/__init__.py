"""A local DingTalk that serves what openapi.yaml describes, for tests and demos.

    from dingtalk_calendar_emulator import Emulator

    with Emulator() as emu:
        print(emu.url, emu.internal_app.app_key, emu.internal_app.app_secret)

Names are imported lazily, so that loading the pytest plugin (registered for every
installation of the SDK) costs nothing and needs neither starlette nor uvicorn until an
emulator is used.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .apps import ALL_PERMISSIONS, EnterpriseApp, InternalApp, PersonalApp
    from .clock import Clock
    from .directory import DEFAULT_DIRECTORY, Directory, DirectoryError
    from .emulator import Emulator, EmulatorError, PortInUseError, default_apps
    from .faults import Faults
    from .process import EmulatorProcess
    from .state import Calendar, Scope, StateSnapshot
    from .stats import Stats

_EXPORTS = {
    "ALL_PERMISSIONS": "apps",
    "EnterpriseApp": "apps",
    "InternalApp": "apps",
    "PersonalApp": "apps",
    "Clock": "clock",
    "DEFAULT_DIRECTORY": "directory",
    "Directory": "directory",
    "DirectoryError": "directory",
    "Emulator": "emulator",
    "EmulatorError": "emulator",
    "PortInUseError": "emulator",
    "default_apps": "emulator",
    "Faults": "faults",
    "EmulatorProcess": "process",
    "Calendar": "state",
    "Scope": "state",
    "StateSnapshot": "state",
    "Stats": "stats",
}

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_DIRECTORY",
    "EXTRA_PACKAGES",
    "Calendar",
    "Clock",
    "Directory",
    "DirectoryError",
    "Emulator",
    "EmulatorError",
    "EmulatorProcess",
    "EnterpriseApp",
    "Faults",
    "InternalApp",
    "MissingExtraError",
    "PersonalApp",
    "PortInUseError",
    "Scope",
    "StateSnapshot",
    "Stats",
    "default_apps",
]


EXTRA_PACKAGES = frozenset({"starlette", "uvicorn", "trustme"})
"""What the ``emulator`` extra installs beyond the SDK's own dependencies."""


class MissingExtraError(ModuleNotFoundError):
    """The ``emulator`` extra is not installed: the message says how to install it."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        loaded = import_module(f".{module}", __name__)
    except ModuleNotFoundError as exc:
        if exc.name not in EXTRA_PACKAGES:
            raise
        raise MissingExtraError(
            f"the DingTalk emulator needs the 'emulator' extra ({exc.name} is not installed): "
            "pip install 'dingtalk-calendar[emulator]'",
            name=exc.name,
        ) from exc
    value = getattr(loaded, name)
    globals()[name] = value
    return value
