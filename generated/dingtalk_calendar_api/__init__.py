"""A client library for accessing DingTalk subscribed calendars"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)


def __getattr__(name: str) -> Any:
    # The client classes are made on first use (PEP 562): importing a submodule of this
    # package (its spec data, its error codes) does not pay for building them.
    if name in __all__:
        from . import client

        value = getattr(client, name)
        globals()[name] = value  # found directly from now on
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
