"""The base of every exception the SDK raises, on its own so that any module can use it."""

from typing import Any, ClassVar


class DingTalkError(Exception):
    """Base of every exception the SDK raises."""

    ends_bulk_job: ClassVar[bool] = False
    """True where retrying, or going on with the next item of a bulk job, is pointless for everyone."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat Exception's default pickling; rebuild from state
        # so errors can cross process boundaries (multiprocessing, task queues).
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[DingTalkError], args: tuple[Any, ...], state: dict[str, Any]) -> DingTalkError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error
