"""The exit codes scripts can rely on, and which exception leads to which."""

from enum import IntEnum
from typing import Final

from .._errors import APIConnectionError, APIStatusError, ConfigurationError, TokenStoreError, ValidationError
from ._errors import UsageError
from ._journal import JournalWriteError


class ExitCode(IntEnum):
    OK = 0
    API_ERROR = 1
    USAGE = 2
    CONNECTION = 3
    BULK_INCOMPLETE = 4
    JOURNAL_UNWRITABLE = 5
    FEED_REFUSED = 6
    DAILY_LIMIT = 7
    INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


EXIT_CODES_HELP: Final = """\
exit codes:
  0    success
  1    DingTalk answered with an error (the message says which, with its request id)
  2    usage or validation error: bad arguments, credentials missing or incomplete,
       a value DingTalk would reject (nothing was sent), an unreadable file
  3    no answer from DingTalk: connection failed or timed out (after the retries),
       or the token store (DINGTALK_REDIS_URL) could not be reached for a user token
  4    a bulk job finished, but some users failed or were not attempted
  5    a bulk job stopped because its --journal could not be written (a full disk):
       the summary says how far it got; --resume with the journal completes it later
  6    ics-sync changed nothing: the feed does not parse, is empty, or would delete
       more than half of the events (--allow-mass-delete to apply it anyway)
  7    ics-sync stopped at DingTalk's 100 events created per organiser per day; its
       state keeps what was done: run it again tomorrow
  130  interrupted (Ctrl-C); a bulk job's --journal lets you --resume it
"""


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code of a command that raised ``error``."""
    if isinstance(error, JournalWriteError):
        return ExitCode.JOURNAL_UNWRITABLE
    # ConfigurationError is a DingTalkError but no answer from DingTalk: check it first.
    if isinstance(error, UsageError | ValidationError | ConfigurationError | OSError):
        return ExitCode.USAGE
    if isinstance(error, APIConnectionError | TokenStoreError):
        return ExitCode.CONNECTION
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(error, APIStatusError):
        return ExitCode.API_ERROR
    # Anything else (a bug, an unexpected answer) is still a failure, reported in one line.
    return ExitCode.API_ERROR
