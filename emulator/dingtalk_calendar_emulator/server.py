"""The HTTP face of the emulator: a Starlette app serving openapi.yaml's paths in DingTalk's wire format.

Every operation of the spec is routed (paths and path parameters from ``spec_data``), each
as a small ASGI endpoint (no per-request Request/Response objects, for speed) that runs
the same pipeline: count, fault injection, token, QPS quota, app permission, the spec's
field rules (the generated checker), then the operation itself; an operation that
``MODELLED`` does not name answers 501 ``NotImplemented`` instead. Every answer carries
``x-acs-request-id``; error bodies repeat it as ``requestid``.
"""

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple, Protocol
from urllib.parse import parse_qsl, quote, unquote

from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from dingtalk_calendar_api.checks import (
    Violation,
    check_path_parameters,
    check_query_parameters,
    check_request_body,
)
from dingtalk_calendar_api.error_codes import ErrorCode
from dingtalk_calendar_api.models import AccessDeniedDetail, Error
from dingtalk_calendar_api.operation_ids import OperationId
from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER, OPERATIONS, Operation

from .calendars import Answer, CalendarService, calendar_refusal
from .errors import ApiError, NotFoundError, global_error
from .event_handlers import EVENT_OPERATIONS
from .events import EventService, event_refusal
from .faults import ERROR_STATUSES, GLOBAL_ERROR_KINDS, Fault, Faults, parse_kind
from .idempotency import IdempotencyKeys, Served
from .oauth import OAuthService, token_refusal
from .state import CalendarStore
from .stats import Stats
from .throttle import Throttle, per_second_error
from .tokens import Grant, TokenStore

REQUEST_ID_HEADER = "x-acs-request-id"
_RAW_SEND = "dingtalk_emulator.raw_send"
_ENCODED_PATH = "dingtalk_emulator.encoded_path"
_TOKEN_HEADER = ACCESS_TOKEN_HEADER.encode("latin-1")
_JSON = (b"content-type", b"application/json;charset=utf-8")
_HTML = (b"content-type", b"text/html;charset=utf-8")
_MAX_BODY = 1024 * 1024  # DingTalk's bodies are small; refuse to buffer anything huge

logger = logging.getLogger("dingtalk_calendar_emulator")


class _PathSegment(Convertor[str]):
    """A path parameter that may be empty, so that a blank id reaches the operation's own check."""

    regex = "[^/]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("dingtalk_segment", _PathSegment())


class Backend:
    """Everything the endpoints consult; the Emulator owns one."""

    def __init__(
        self,
        *,
        calendars: CalendarService,
        oauth: OAuthService,
        tokens: TokenStore,
        store: CalendarStore,
        limiter: Throttle,
        faults: Faults,
        stats: Stats,
        control: Mapping[str, Callable[[Any], Any]] | None = None,
        events: EventService | None = None,
        idempotency: IdempotencyKeys | None = None,
    ) -> None:
        self.events = events
        self.idempotency = idempotency
        self.calendars = calendars
        self.oauth = oauth
        self.tokens = tokens
        self.store = store
        self.limiter = limiter
        self.faults = faults
        self.stats = stats
        self.control = control or {}


PathParams = Mapping[str, str]
Query = Mapping[str, str]
"""The request's query parameters (the last value of each name)."""


class Handler(Protocol):
    """An operation: the backend, the caller's grant (None without a token), the body, the query
    parameters, and the path parameters by their Python names (``user_id``, as the spec's snake_case gives them) in;
    Answer out (or ApiError raised)."""

    def __call__(self, backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer: ...


Refusal = Callable[[str, Violation], ApiError]
"""How an operation answers a broken field rule that the spec documents no error row for."""


class Modelled(NamedTuple):
    """What the emulator does for one operation: its handler, and its answer to an undocumented broken rule."""

    handler: Handler
    refuse: Refusal


def _create(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.calendars.create(_required(grant), body=body, **path)


def _get(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.calendars.get(_required(grant), **path)


def _update(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.calendars.update(_required(grant), body=body, **path)


def _subscribe(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.calendars.subscribe(_required(grant), **path)


def _unsubscribe(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.calendars.unsubscribe(_required(grant), **path)


def _delete(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.calendars.delete(_required(grant), **path)


def _app_token(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.oauth.app_token(body)


def _corp_token(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.oauth.corp_token(body)


def _user_token(backend: Backend, grant: Grant | None, body: Any, query: Query, /, **path: str) -> Answer:
    return backend.oauth.user_token(body)


MODELLED: Final[Mapping[str, Modelled]] = {
    OperationId.CREATE_SUBSCRIBED_CALENDAR: Modelled(_create, calendar_refusal),
    OperationId.GET_SUBSCRIBED_CALENDAR: Modelled(_get, calendar_refusal),
    OperationId.UPDATE_SUBSCRIBED_CALENDAR: Modelled(_update, calendar_refusal),
    OperationId.SUBSCRIBE_CALENDAR: Modelled(_subscribe, calendar_refusal),
    OperationId.UNSUBSCRIBE_CALENDAR: Modelled(_unsubscribe, calendar_refusal),
    OperationId.DELETE_SUBSCRIBED_CALENDAR: Modelled(_delete, calendar_refusal),
    OperationId.GET_ACCESS_TOKEN: Modelled(_app_token, token_refusal),
    OperationId.GET_CORP_ACCESS_TOKEN: Modelled(_corp_token, token_refusal),
    OperationId.GET_USER_ACCESS_TOKEN: Modelled(_user_token, token_refusal),
    **{operation_id: Modelled(handler, event_refusal) for operation_id, handler in EVENT_OPERATIONS.items()},
}
"""The operations the emulator models; any other operation of the spec answers 501 ``NotImplemented``."""


def unmodelled_operations() -> list[str]:
    """operationIds of the spec that the emulator answers with 501 ``NotImplemented``."""
    return sorted(set(OPERATIONS) - set(MODELLED))


def _required(grant: Grant | None) -> Grant:
    assert grant is not None  # operations that need a token are only reached with one
    return grant


class OperationEndpoint:
    """One operation of the spec, as a raw ASGI endpoint."""

    def __init__(self, operation: Operation, modelled: Modelled | None, backend: Backend) -> None:
        self.operation = operation
        self.operation_id = operation.operation_id
        self.modelled = modelled
        """None for an operation of the spec that the emulator does not model yet."""
        self.backend = backend
        self.permission_error = (
            global_error(
                ErrorCode.FORBIDDEN_ACCESS_DENIED_ACCESS_TOKEN_PERMISSION_DENIED,
                f"the app lacks the permission {operation.permission} that this API needs",
                Error(accessdenieddetail=AccessDeniedDetail(required_scopes=[operation.permission])).to_dict(),
            )
            if operation.permission
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        backend = self.backend
        request_id = new_request_id()
        backend.stats.record_request(self.operation_id)
        raw = await _read_body(receive)
        key = self._client_token_key(scope)
        served: Served | None = None
        try:
            if key is not None and backend.idempotency is not None:
                try:
                    replay = backend.idempotency.begin(key)  # a success within the window
                except ApiError as error:  # the same request still running
                    key = None  # not ours to finish
                    served = error.status, _ErrorBody(error)
                else:
                    if replay is not None:
                        key = None  # the earlier answer stays as it is
                        served = self._serve(scope, raw, replay)  # checked, then answered again
            if served is None:
                fault = backend.faults.draw(self.operation_id)
                if fault is not None:
                    if fault.latency:
                        await asyncio.sleep(fault.latency)
                    if fault.kind is not None and fault.kind != "drop_after":
                        await self._inject(fault, scope, send, request_id)
                        return
                served = self._serve(scope, raw)
                if fault is not None and fault.kind == "drop_after":
                    await drop_connection(scope)
                    return
        finally:
            if key is not None and backend.idempotency is not None:
                backend.idempotency.finish(key, served)
        status, body = served
        backend.stats.record_status(self.operation_id, status)
        await send_json(send, status, body, request_id)

    def _client_token_key(self, scope: Scope) -> tuple[str, ...] | None:
        """The idempotency key of a request with an ``x-client-token``, for operations the spec marks."""
        header = self.operation.client_token
        token = _header(scope, header.encode("latin-1")) if header else None
        return (self.operation_id, str(scope.get("path", "")), token) if token else None

    def _serve(self, scope: Scope, raw: bytes | None, replay: Served | None = None) -> Served:
        """Run the pipeline; (status, body) of the answer, body None for an empty one.

        With ``replay`` (an earlier answer to the same x-client-token) the request is still
        authorised and checked, and a valid one gets the earlier answer instead of running again.
        """
        try:
            grant = self._authorise(scope) if self.operation.requires_token else None
            if self.modelled is None:
                raise ApiError(501, "NotImplemented", f"the emulator does not model {self.operation_id} yet")
            body = self._parse(raw) if self.operation.body_schema else None
            path_params = scope["path_params"]
            if scope.get(_ENCODED_PATH):
                path_params = {name: unquote(value) for name, value in path_params.items()}
            query = _query(scope)
            self._check(path_params, query, body)
            if replay is not None:
                return replay
            by_python_name = {rule.python_name: path_params[rule.name] for rule in self.operation.path_parameters}
            answer = self.modelled.handler(self.backend, grant, body, query, **by_python_name)
        except ApiError as error:
            return error.status, _ErrorBody(error)
        return 200, answer.body

    def _authorise(self, scope: Scope) -> Grant:
        token = _header(scope, _TOKEN_HEADER)
        if not token:
            raise global_error(ErrorCode.INVALID_AUTHENTICATION, f"the {ACCESS_TOKEN_HEADER} header is missing")
        grant = self.backend.tokens.authenticate(token)
        if grant is None:
            raise global_error(ErrorCode.INVALID_AUTHENTICATION, "the access token is invalid or expired")
        throttled = self.backend.limiter.check(grant, self.operation_id)
        if throttled is not None:
            raise throttled
        if self.permission_error is not None and self.operation.permission not in grant.app.permissions:
            raise self.permission_error
        return grant

    def _check(self, path_params: PathParams, query: Mapping[str, str], body: Any) -> None:
        """The spec's field rules: a broken one answers its documented row, else the operation's own refusal."""
        violation = check_path_parameters(self.operation_id, path_params)
        if violation is None:
            violation = check_query_parameters(self.operation_id, query, as_text=True)
        if violation is None and self.operation.body_schema is not None:
            violation = check_request_body(self.operation_id, body)
        if violation is None:
            return
        row = violation.documented(self.operation_id)
        if row is not None:
            raise ApiError(row.status, row.code, row.message or violation.reason)
        assert self.modelled is not None
        raise self.modelled.refuse(self.operation_id, violation)

    def _parse(self, raw: bytes | None) -> Any:
        if raw is None:
            raise ApiError(400, ErrorCode.INVALID_PARAMETER.value, f"the request body is larger than {_MAX_BODY} bytes")
        if not raw.strip():
            raise ApiError(400, ErrorCode.INVALID_PARAMETER.value, "the request body is missing")
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise ApiError(400, ErrorCode.INVALID_PARAMETER.value, "the request body is not valid JSON") from None

    async def _inject(self, fault: Fault, scope: Scope, send: Send, request_id: str) -> None:
        kind = fault.kind
        if kind == "drop":
            await drop_connection(scope)
            return
        if kind in ERROR_STATUSES:
            status = ERROR_STATUSES[kind]
            self.backend.stats.record_status(self.operation_id, status)
            await send_json(send, status, _ErrorBody(_SERVER_ERRORS[status]), request_id)
            return
        if kind == "throttle":
            error = per_second_error()
        elif kind == "idempotency_processing":
            error = ApiError(400, ErrorCode.IDEMPOTENCY_PROCESSING.value, "Idempotency processing")
        elif kind in GLOBAL_ERROR_KINDS:
            error = global_error(GLOBAL_ERROR_KINDS[kind])
        elif kind == "ip_ban":
            self.backend.stats.record_status(self.operation_id, 403)
            await _send(send, 403, [_HTML, (REQUEST_ID_HEADER.encode(), request_id.encode())], _IP_BAN_PAGE)
            return
        else:
            status, headers, body = _BROKEN_BODIES[kind]
            self.backend.stats.record_status(self.operation_id, status)
            await _send(send, status, [headers, (REQUEST_ID_HEADER.encode(), request_id.encode())], body)
            return
        self.backend.stats.record_status(self.operation_id, error.status)
        await send_json(send, error.status, _ErrorBody(error), request_id)


def _query(scope: Scope) -> dict[str, str]:
    """The query string's parameters (the first of a repeated one)."""
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return dict(reversed(pairs))


class _ErrorBody(dict[str, Any]):
    """An error's body, written again with the request id when sent."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.body(""))
        self.error = error


# zh/how-to-process-api-throttling-on-the-dingtalk-server.md: an egress IP over 10,000
# calls in 20 seconds is banned for five minutes and answered with an HTML page, not an
# error code; the page shows its gist. It names no HTTP status: the emulator sends 403.
_IP_BAN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Access denied</title></head><body>"
    b'<script>var punish = {"status":1111,"wait":5,"source":"x5","punish":"deny","uuid":"emulator"};</script>'
    b"<p>Too many requests from your IP address; try again in 5 minutes.</p></body></html>"
)


_SERVER_ERRORS = {
    500: ApiError(500, "InternalError", "The request processing has failed due to some unknown error."),
    502: ApiError(502, "BadGateway", "The upstream service answered badly."),
    503: ApiError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    504: ApiError(504, "GatewayTimeout", "The upstream service did not answer in time."),
}

_GATEWAY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
    b"<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"
)
_LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>DingTalk</title></head><body><p>Please sign in.</p></body></html>"
_BROKEN_BODIES: dict[str | None, tuple[int, tuple[bytes, bytes], bytes]] = {
    "502_html": (502, _HTML, _GATEWAY_PAGE),
    "html": (200, _HTML, _LOGIN_PAGE),
    "malformed": (200, _JSON, b'{"result": tr'),
}


def new_request_id() -> str:
    """An id shaped like DingTalk's (an upper-case UUID)."""
    return str(uuid.uuid4()).upper()


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> bytes | None:
    """The request body; None when it is larger than DingTalk would ever need (it is read, not kept)."""
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b""  # the client went away
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= _MAX_BODY:
            chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks) if size <= _MAX_BODY else None


async def send_json(send: Send, status: int, body: Mapping[str, Any] | None, request_id: str) -> None:
    """Send a JSON answer (an empty one when ``body`` is None) with the request id."""
    if isinstance(body, _ErrorBody):
        body = body.error.body(request_id)
    payload = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    await _send(send, status, [_JSON, (REQUEST_ID_HEADER.encode(), request_id.encode())], payload)


async def _send(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def drop_connection(scope: Scope) -> None:
    """Close the client's connection without an answer.

    ASGI has no message for this, so it reaches the transport of uvicorn's request cycle
    (the ``send`` uvicorn gave the app), then waits until uvicorn has noticed the
    disconnect, so that uvicorn neither logs nor answers for the app. It aborts rather
    than closes: over TLS, close() first waits for the client's own close_notify, which a
    client may send late or never; and a dropped connection sends nothing, not even that.
    """
    raw_send = scope.get(_RAW_SEND)
    cycle = getattr(raw_send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if cycle is None or transport is None:
        raise RuntimeError("dropping a connection needs the emulator to run under uvicorn")
    transport.abort()
    for _ in range(100):
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)


def _starlette_path(operation: Operation) -> str:
    path = operation.path
    for parameter in operation.path_parameters:
        path = path.replace("{" + parameter.name + "}", "{" + parameter.name + ":dingtalk_segment}")
    return path


def build_app(backend: Backend) -> ASGIApp:
    """The ASGI app: DingTalk's paths from the spec, plus /_emulator/ inspection routes.

    Every operation of the spec is routed; one the emulator does not model yet answers 501
    ``NotImplemented`` (after the token and field checks every operation gets).
    """
    modelled = MODELLED
    routes: list[BaseRoute] = [
        Route(
            _starlette_path(op),
            OperationEndpoint(op, modelled.get(op.operation_id), backend),
            methods=[op.method],
            name=op.operation_id,
        )
        for op in OPERATIONS.values()
    ]
    routes += _inspection_routes(backend)
    app = Starlette(
        routes=routes,
        exception_handlers={
            HTTPException: _not_found,
            Exception: _internal_error,
        },
    )
    app.router.redirect_slashes = False  # DingTalk does not redirect; a blank id must reach its check
    return _Outermost(app)


def _inspection_routes(backend: Backend) -> list[BaseRoute]:
    """Routes outside DingTalk's paths, for other processes (a demo, a benchmark) to read and steer."""

    async def stats(request: Request) -> Response:
        return _answer(backend.stats.snapshot())

    async def state(request: Request) -> Response:
        return _answer({**backend.store.snapshot().to_dict(), "tokens": backend.tokens.snapshot()})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            backend.faults.clear()
            return _answer({"pending": 0})
        try:
            data = await request.json()
            parse_kind(str(data["kind"]))
            backend.faults.next(str(data["kind"]), int(data.get("count", 1)), data.get("operation"))
        except (ValueError, KeyError, TypeError) as exc:
            return _answer({"error": f"expected {{kind, count?, operation?}}: {exc}"}, status_code=400)
        return _answer({"pending": backend.faults.pending})

    async def control(request: Request) -> Response:
        action = request.path_params["action"]
        handler = backend.control.get(action)
        if handler is None:
            return _answer({"error": f"unknown action {action!r}"}, status_code=404)
        try:
            result = handler(await request.json() if await request.body() else {})
        except (ValueError, KeyError, TypeError) as exc:
            return _answer({"error": str(exc)}, status_code=400)
        return _answer(result)

    return [
        Route("/_emulator/stats", stats, methods=["GET"]),
        Route("/_emulator/state", state, methods=["GET"]),
        Route("/_emulator/faults", faults, methods=["POST", "DELETE"]),
        Route("/_emulator/{action}", control, methods=["POST"]),
    ]


def _answer(data: Any, status_code: int = 200) -> Response:
    """A JSON answer of an inspection route, with a request id like every other answer."""
    return JSONResponse(data, status_code=status_code, headers={REQUEST_ID_HEADER: new_request_id()})


async def _not_found(request: Request, exc: Exception) -> Response:
    request_id = new_request_id()
    error = NotFoundError()
    return JSONResponse(error.body(request_id), status_code=error.status, headers={REQUEST_ID_HEADER: request_id})


async def _internal_error(request: Request, exc: Exception) -> Response:
    # A bug of the emulator: say so in DingTalk's shape rather than with a bare 500 page.
    request_id = new_request_id()
    logger.error("emulator bug while serving %s %s", request.method, request.url.path, exc_info=exc)
    body = ApiError(500, "EmulatorError", f"the emulator failed: {type(exc).__name__}: {exc}").body(request_id)
    return JSONResponse(body, status_code=500, headers={REQUEST_ID_HEADER: request_id})


class _Outermost:
    """Runs before Starlette: keeps uvicorn's own ``send`` (for ``drop_connection``) and
    routes on the path as sent, so that an encoded "/" stays inside its path parameter."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[_RAW_SEND] = send
        raw_path = scope.get("raw_path")
        if raw_path and b"%" in raw_path:
            # uvicorn decodes %2F to "/" in scope["path"], which would move a user id of
            # "a/b" (or "../../x") out of its segment; route on re-encoded segments instead
            # and decode the parameters in the endpoint.
            segments = raw_path.decode("latin-1").split("/")
            scope["path"] = "/".join(quote(unquote(segment), safe="") for segment in segments)
            scope[_ENCODED_PATH] = True
        try:
            await self.app(scope, receive, send)
        except asyncio.CancelledError:
            # A stopping emulator cancels answers still under way (an injected latency);
            # end them as a dropped connection instead of in uvicorn's error log.
            if scope["type"] != "http":
                raise
            await drop_connection(scope)
