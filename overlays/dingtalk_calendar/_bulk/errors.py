"""The errors a bulk job adds: a user's call that did nothing, a bug in one call, the job itself cut short."""

from .._errors import DingTalkError
from .result import BulkResult


class ResultFalseError(DingTalkError):
    """DingTalk answered the call with a 2xx and ``"result": false``: it did not do it."""

    raw_code = None

    def __init__(self, *, operation: str | None = None, request_id: str | None = None) -> None:
        self.operation = operation
        self.request_id = request_id
        prefix = f"{operation}: " if operation else ""
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{prefix}DingTalk answered result: false{suffix}")


class UnexpectedError(DingTalkError):
    """A call raised an exception that is not a ``DingTalkError``; it is the ``__cause__``."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f"unexpected {type(error).__name__}: {error}")


class BulkJobError(DingTalkError):
    """A bulk job ended early because the progress callback raised (the ``__cause__``).

    ``result`` accounts for every user: the calls made, and the rest not attempted.
    """

    def __init__(self, result: BulkResult) -> None:
        self.result = result
        super().__init__(f"the bulk job stopped: the progress callback raised; {result.summary()}")


class BulkJobInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sync bulk job: it stopped once the calls under way had finished; see ``result``."""

    def __init__(self, result: BulkResult) -> None:
        self.result = result
        super().__init__(f"interrupted: {result.summary()}")
