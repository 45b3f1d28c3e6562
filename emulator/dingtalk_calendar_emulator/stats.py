"""Request counts, for tests and benchmarks that check how often the SDK called DingTalk."""

import threading
from collections import Counter
from typing import Any

from dingtalk_calendar_api.spec_data import OPERATIONS

TOKEN_OPERATIONS = frozenset(op.operation_id for op in OPERATIONS.values() if op.tag == "oauth2")


class Stats:
    """Counts of requests received, per operation and status. Thread-safe.

    Every request that reached an operation counts, whatever the answer (errors,
    throttling and injected faults included): it is what DingTalk would have billed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._statuses: Counter[tuple[str, int]] = Counter()
        self._token_requests_by_app: Counter[str] = Counter()

    def record_request(self, operation_id: str) -> None:
        """Count one request to ``operation_id`` (called by the server)."""
        with self._lock:
            self._requests[operation_id] += 1

    def record_status(self, operation_id: str, status: int) -> None:
        """Count one answer of ``status`` (called by the server; dropped connections have none)."""
        with self._lock:
            self._statuses[(operation_id, status)] += 1

    def record_token_app(self, app_key: str) -> None:
        """Count one token request naming ``app_key`` (appKey, suiteKey or clientId)."""
        with self._lock:
            self._token_requests_by_app[app_key] += 1

    def requests(self, operation_id: str | None = None) -> int:
        """Requests received for ``operation_id`` (an operationId of openapi.yaml), or in total when None."""
        if operation_id is not None and operation_id not in OPERATIONS:
            raise ValueError(f"unknown operation {operation_id!r}; known: {', '.join(sorted(OPERATIONS))}")
        with self._lock:
            return self._requests.total() if operation_id is None else self._requests[operation_id]

    @property
    def token_requests(self) -> int:
        """Requests received by the three token endpoints together."""
        with self._lock:
            return sum(self._requests[op] for op in TOKEN_OPERATIONS)

    def token_requests_for(self, app_key: str) -> int:
        """Token requests that named ``app_key`` (an appKey, suiteKey or clientId)."""
        with self._lock:
            return self._token_requests_by_app[app_key]

    def statuses(self, operation_id: str) -> dict[int, int]:
        """How many answers of each HTTP status ``operation_id`` got."""
        with self._lock:
            return {status: n for (op, status), n in self._statuses.items() if op == operation_id}

    def reset(self) -> None:
        """Start counting from zero."""
        with self._lock:
            self._requests.clear()
            self._statuses.clear()
            self._token_requests_by_app.clear()

    def snapshot(self) -> dict[str, Any]:
        """Everything, as JSON-ready data (the body of GET /_emulator/stats)."""
        with self._lock:
            return {
                "total": self._requests.total(),
                "tokenRequests": sum(self._requests[op] for op in TOKEN_OPERATIONS),
                "tokenRequestsByApp": dict(self._token_requests_by_app),
                "requests": dict(self._requests),
                "statuses": {
                    op: {str(status): n for (o, status), n in self._statuses.items() if o == op}
                    for op in sorted({o for o, _ in self._statuses})
                },
            }
