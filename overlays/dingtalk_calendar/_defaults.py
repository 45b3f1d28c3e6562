"""The SDK's defaults: base URL, timeout, retries, connection limits.

Plain values, in a module of their own: the clients' signatures name them, so importing
the SDK loads them, and nothing here needs attrs (see ``tests/test_import_cost.py``).
"""

import sys
from typing import Final

import httpx

from dingtalk_calendar_api.spec_data import DEFAULT_BASE_URL

from ._version import __version__

DEFAULT_TIMEOUT: Final = httpx.Timeout(15.0, connect=5.0)
"""5 s to connect, 15 s for each read, write and pool wait."""
DEFAULT_MAX_RETRIES: Final = 2
# As many idle connections kept as may be open: a burst of concurrent calls (bulk jobs, gather)
# then reuses its connections instead of closing most of them and opening new ones next time.
DEFAULT_LIMITS: Final = httpx.Limits(max_connections=100, max_keepalive_connections=100)
DEFAULT_MAX_RESPONSE_BYTES: Final = 4 * 1024 * 1024
"""4 MiB, raw and decoded: a thousand times DingTalk's largest answer (see ``_transport.body``)."""

_PYTHON: Final = f"{sys.version_info.major}.{sys.version_info.minor}"
USER_AGENT: Final = f"dingtalk-calendar/{__version__} python/{_PYTHON} httpx/{httpx.__version__}"
"""What the clients' API calls say they are (``default_headers={"User-Agent": ...}`` replaces it)."""

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
]
