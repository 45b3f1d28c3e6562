"""Retries with exponential backoff and jitter, as an httpx transport (docs/retries.md says more).

``RetryTransport`` (sync) and ``AsyncRetryTransport`` wrap the transport that does the
I/O and send a request again when that is both useful and safe (the async one is written
in ``_retry/async_transport.py``; the sync one is generated from it)::

    transport = RetryTransport(httpx.HTTPTransport(), policy=RetryPolicy(max_retries=3))
    client = dingtalk_calendar_api.Client(base_url=..., httpx_args={"transport": transport})

Per call, ``extensions={"dingtalk_retry": RetryPolicy(...)}`` replaces the transport's
policy. The token layer is an ``httpx.Auth``, above the transport: it answers
``InvalidAuthentication`` with a fresh token. What is retried, per operation (the spec's
``x-dingtalk-idempotent``), is the table ``retry_table()`` asks of ``decide``, written into
docs/retries.md by ``make generate`` with what each column means and why: a connect failure
(the request never left) and a throttling answer (DingTalk refused to act) are always safe to
repeat; after a 5xx or a lost answer DingTalk may have acted, so a create or a user-token
request (whose refresh token rotates) is not sent twice. 501 is final.
"""

from dingtalk_calendar_api.spec_data import OPERATIONS

from .async_transport import AsyncRetryTransport
from .policy import AttemptFailure, RetryPolicy, decide
from .transport import RetryTransport

__all__ = ["AsyncRetryTransport", "RetryTransport", "retry_table"]


def retry_table() -> str:
    """The per-operation table of what is retried, asked of ``decide`` and the spec."""
    columns = {
        "connect failed": AttemptFailure.NOT_SENT,
        "throttled": AttemptFailure.THROTTLED,
        "5xx": AttemptFailure.SERVER_ERROR,
        "no answer after sending": AttemptFailure.TIMED_OUT,
        "other errors": AttemptFailure.FINAL,
    }
    lines = [f"| operation | idempotent | {' | '.join(columns)} |", "|" + "---|" * (len(columns) + 2)]
    for operation in OPERATIONS.values():
        # The SDK sends an x-client-token on every request of an operation the spec marks: idempotent then.
        idempotent_as_sent = operation.idempotent or operation.client_token is not None
        cells = [_table_cell(failure, idempotent_as_sent) for failure in columns.values()]
        idempotent = (
            "yes" if operation.idempotent else f"with `{operation.client_token}`" if idempotent_as_sent else "no"
        )
        lines.append(f"| `{operation.operation_id}` | {idempotent} | {' | '.join(cells)} |")
    return "\n".join(lines)


def _table_cell(failure: AttemptFailure, idempotent: bool) -> str:
    first_retry = decide(RetryPolicy(max_elapsed=None), failure, idempotent=idempotent, attempts=1, elapsed=0.0)
    if first_retry.retry:
        return "retried"
    # Bold where only idempotency stops the retry: the cases the README must explain.
    return "**not retried**" if failure.retryable else "not retried"
