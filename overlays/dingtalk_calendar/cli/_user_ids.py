"""The user ids of a bulk job: one a line, from a file or stdin."""

import sys
from collections.abc import Iterable
from pathlib import Path

from ._errors import UsageError

STDIN = "-"


def parse_user_ids(lines: Iterable[str]) -> list[str]:
    """Ids in order; surrounding whitespace, blank lines and ``#`` comment lines are dropped."""
    ids = []
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            ids.append(text)
    return ids


def read_user_ids(source: str) -> list[str]:
    """The ids in ``source``, a path or ``-`` for stdin."""
    if source == STDIN:
        return parse_user_ids(sys.stdin)
    try:
        # utf-8-sig: a file saved by a Windows editor starts with a byte-order mark.
        text = Path(source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise UsageError(f"cannot read user ids from {source}: {reason}") from None
    return parse_user_ids(text.splitlines())
