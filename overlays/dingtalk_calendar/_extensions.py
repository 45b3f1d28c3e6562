"""The keys of ``request.extensions`` and ``response.extensions`` the SDK's layers share.

httpx carries these dictionaries from the call, through auth and transports, to the
response, so they are how a per-call setting reaches the retry transport and how the
number of attempts reaches the code that raises the error.
"""

from typing import Final

from dingtalk_calendar_api._call import OPERATION_EXTENSION

RETRY_EXTENSION: Final = "dingtalk_retry"
"""``request.extensions[RETRY_EXTENSION]``: a ``RetryPolicy`` for this call only."""

ATTEMPTS_EXTENSION: Final = "dingtalk_attempts"
"""``response.extensions[ATTEMPTS_EXTENSION]``: how many times the request was sent (an int)."""

__all__ = ["ATTEMPTS_EXTENSION", "OPERATION_EXTENSION", "RETRY_EXTENSION"]
