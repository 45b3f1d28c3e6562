"""A ``Retry-After`` header read as seconds: the retry policy, the bulk job and the quota error all read it."""

import email.utils
from datetime import UTC


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta seconds or an HTTP date.

    ``now`` is the wall-clock time (``time.time()``) to measure a date against. None for
    a missing or unreadable header; a date in the past gives 0.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        # "nan" and "inf" parse as floats but are no waits.
        return max(seconds, 0.0) if seconds == seconds and seconds != float("inf") else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a date without a zone is taken as UTC
        when = when.replace(tzinfo=UTC)
    return max(when.timestamp() - now, 0.0)
