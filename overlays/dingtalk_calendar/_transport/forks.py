"""Which process a pool was made in: a pool used after ``os.fork()`` starts afresh in the child.

A forked child shares its parent's sockets; if both read one, an answer reaches the wrong
request. As redis-py and urllib3 do, a pool remembers the process it was made in, and the
transports make a new one (leaving the parent's sockets untouched) when that has changed.
"""

import os

_generation = 0


def _forked() -> None:
    global _generation
    _generation += 1


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_forked)


def generation() -> int:
    """A number that changes in a child process after each fork (cheaper than ``os.getpid()``)."""
    return _generation
