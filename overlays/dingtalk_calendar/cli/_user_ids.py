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
    """The ids in ``source``, a path or ``-`` for stdin.

    A byte that is not UTF-8 is kept as Python's surrogate escape: that id fails on its own
    (DingTalk ids are UTF-8) and the job goes on with the others.
    """
    try:
        data = _stdin_bytes() if source == STDIN else Path(source).read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read user ids from {source}: {error.strerror or error}") from None
    # utf-8-sig: a file saved by a Windows editor starts with a byte-order mark.
    return parse_user_ids(data.decode("utf-8-sig", errors="surrogateescape").splitlines())


def _stdin_bytes() -> bytes:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return bytes(buffer.read())
    return sys.stdin.read().encode("utf-8", "surrogateescape")  # a text-only stdin (a test's StringIO)
