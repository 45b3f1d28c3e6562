"""``dingtalk-calendar``: the SDK's command line (``python -m dingtalk_calendar.cli`` too).

One command per operation of the spec, and bulk subscribe/unsubscribe from a file with a progress bar, a
journal and resume. Credentials from the ``DINGTALK_*`` environment or flags, never
printed. Human output by default, ``--json`` for scripts; exit codes in ``--help``.
"""

from ._main import main

__all__ = ["main"]
