"""Retries with exponential backoff and jitter, as an httpx transport.

``RetryTransport`` (sync) and ``AsyncRetryTransport`` wrap the transport that does the
I/O and send a request again when that is both useful and safe (the async one is written
in ``_retry/async_transport.py``; the sync one is generated from it)::

    transport = RetryTransport(httpx.HTTPTransport(), policy=RetryPolicy(max_retries=3))
    client = dingtalk_calendar_api.Client(base_url=..., httpx_args={"transport": transport})

Per call, ``extensions={"dingtalk_retry": RetryPolicy(...)}`` replaces the transport's
policy. The token layer is an ``httpx.Auth``, above the transport: an
``InvalidAuthentication`` answer is not retried here but reaches it, and it sends the
call once more with a fresh token.

What is retried, per operation (the spec's ``x-dingtalk-idempotent``), is the table that
``retry_table()`` prints; ``make generate`` writes it into docs/retries.md. Its
columns:

- connect failed: ``httpx.ConnectError``, ``ConnectTimeout``, ``PoolTimeout``, ``ProxyError``:
  the request never left.
- throttled: HTTP 403 with a per-second code (``Forbidden.AccessDenied.QpsLimitForAppkeyAndApi``,
  ``QpsLimitForApi``, ``QpsLimitForSuitekeyAndOrgAndApi``), or HTTP 429 (``system.busy``,
  ``systemBusy``): DingTalk refused to act; retried after about a second. A per-minute
  code (``QpmLimitForAppkeyAndApi``, ``QpmLimitForSuitekeyAndOrgAndApi``) waits a minute
  (``per_minute_wait``), so within the default ``max_elapsed`` it is not retried. Never
  retried: the monthly quota (``ApiCountLimitForOrg``), the IP allowlist
  (``IpNotInWhiteList``) and the HTML page of a per-IP ban of minutes.
- 5xx: any HTTP 500-599 answer, JSON or not, but 501 Not Implemented, which is final (the
  server does not do the operation at all: the emulator's answer to one it does not model).
- no answer after sending: ``ReadTimeout``, ``WriteTimeout``, ``RemoteProtocolError``,
  ``ReadError``, ``WriteError`` (the connection dropped or the server went silent).
- other errors: any other 4xx, ``InvalidAuthentication`` included, and errors in the
  request itself (``UnsupportedProtocol``, ``LocalProtocolError``).

Why: a connect failure means DingTalk never saw the request, and a throttling answer
means it refused to act, so repeating either is always safe. After a 5xx, a timeout
while waiting for the answer, or a connection lost after sending, DingTalk may have
acted: repeating a create could make a second calendar, and repeating a user-token
request could spend the rotating refresh token twice, so for those two operations the
first such failure is final (a ``ServerError``, or an ``APIConnectionError`` whose text
says ``not retried``). A request of no known operation goes by its HTTP method.

The attempts made reach the caller: ``response.extensions["dingtalk_attempts"]`` on the
final answer, and ``.attempts`` on the ``APIConnectionError``/``APITimeoutError`` raised,
``from`` the httpx exception, when no answer came. Each retry is logged on the
``dingtalk_calendar.retry`` logger at INFO (operation, attempt, cause, wait), and each
decision to stop at DEBUG; never a header or a body.
"""

from dingtalk_calendar_api.spec_data import OPERATIONS

from .async_transport import AsyncRetryTransport
from .policy import AttemptFailure, RetryPolicy, decide
from .transport import RetryTransport

__all__ = ["AsyncRetryTransport", "RetryTransport", "retry_table"]


def retry_table() -> str:
    """The per-operation table of the module docstring, asked of ``decide`` and the spec."""
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
