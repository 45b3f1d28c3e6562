"""A client library for accessing DingTalk subscribed calendars"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
