"""What a bulk job tells: each user's progress as it is settled, and the result of the whole job."""

from typing import Literal

from attrs import field, frozen

from .._errors import DingTalkError

Outcome = Literal["done", "already_done", "failed", "not_attempted"]


@frozen
class Failure:
    """One user whose call failed."""

    user_id: str
    error: DingTalkError = field(eq=False)

    @property
    def code(self) -> str | None:
        """DingTalk's error code, or None when there was no answer (a connection error)."""
        return getattr(self.error, "raw_code", None)

    @property
    def message(self) -> str:
        return str(self.error)


@frozen
class Progress:
    """Told to the progress callback each time a user is settled."""

    user_id: str
    outcome: Outcome
    settled: int
    """Users settled so far, this one included."""
    total: int
    error: DingTalkError | None = field(default=None, eq=False)


@frozen
class BulkResult:
    """What happened to each user of a bulk job (see the module's documentation)."""

    calendar_id: str
    done: tuple[str, ...]
    already_done: tuple[str, ...]
    failed: tuple[Failure, ...]
    not_attempted: tuple[str, ...]
    stopped_by: DingTalkError | None = field(default=None, eq=False)
    duplicates: tuple[str, ...] = ()
    """Ids given more than once, each repeat once; the first occurrence is in one of the lists."""
    cancelled: bool = False
    """True when the ``stop`` signal ended the job early."""
    throttled: int = 0
    """Throttling answers met (each one's user was sent again, at a slower pace)."""

    @property
    def ok(self) -> bool:
        """True when every user is done or already done."""
        return not self.failed and not self.not_attempted

    @property
    def remaining(self) -> tuple[str, ...]:
        """The users to try again: failed, then not attempted."""
        return tuple(f.user_id for f in self.failed) + self.not_attempted

    def summary(self) -> str:
        line = (
            f"{len(self.done)} done, {len(self.already_done)} already done, "
            f"{len(self.failed)} failed, {len(self.not_attempted)} not attempted"
        )
        if self.duplicates:
            line += f" ({len(self.duplicates)} repeated ids skipped)"
        if self.stopped_by:
            return line + f"; stopped by: {self.stopped_by}"
        return line + ("; cancelled" if self.cancelled else "")
