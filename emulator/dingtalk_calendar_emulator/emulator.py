"""``Emulator``: a local DingTalk on 127.0.0.1, served by uvicorn in a background thread."""

import errno
import importlib.util
import math
import socket
import ssl
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from .apps import App, AppRegistry, EnterpriseApp, InternalApp, PersonalApp
from .calendars import CalendarService
from .clock import Clock
from .directory import Directory
from .events import DEFAULT_DAILY_CREATE_LIMIT, EventService
from .faults import Faults
from .fleet import Fleet
from .idempotency import IdempotencyKeys
from .oauth import OAuthService
from .runner import ServerThread
from .server import Backend, build_app
from .state import CalendarStore, StateSnapshot
from .stats import Stats
from .throttle import Throttle
from .tokens import Grant, TokenStore

if TYPE_CHECKING:
    from .tls import ServerTls

_AnyApp = TypeVar("_AnyApp", bound=App)
"""One app of whichever kind: ``add_app`` gives back the kind it was given."""

DEFAULT_QPS_LIMIT = 20
"""DingTalk's quota per app and API, about 20 requests per second."""
DEFAULT_TOKEN_TTL = 7200
DEFAULT_REFRESH_TOKEN_TTL = 30 * 24 * 3600
DEFAULT_AUTH_CODE_TTL = 300
DEFAULT_SUBSCRIBE_LIMIT = 100
"""How many calendars one user may subscribe to (DingTalk does not publish its figure)."""


class EmulatorError(RuntimeError):
    """The emulator cannot start or was used wrongly."""


class PortInUseError(EmulatorError):
    """The port asked for is taken by another process."""


def default_apps() -> list[App]:
    """One app of each kind, with every permission and fake, emulator-only credentials."""
    # Fake secrets that only this emulator accepts; printing and committing them is fine.
    return [
        InternalApp(app_key="emulator-app-key", app_secret="emulator-app-secret"),  # noqa: S106
        EnterpriseApp(
            suite_key="emulator-suite-key",
            suite_secret="emulator-suite-secret",  # noqa: S106
            suite_ticket="emulator-suite-ticket",
        ),
        PersonalApp(client_id="emulator-client-id", client_secret="emulator-client-secret"),  # noqa: S106
    ]


class Emulator:
    """A local DingTalk: the six calendar operations and three token endpoints over real HTTP.

    Use it as a context manager (or ``start()``/``stop()``)::

        with Emulator() as emu:
            token = emu.issue_token()
            httpx.get(f"{emu.url}/v1.0/...", headers={"x-acs-dingtalk-access-token": token})

    Parameters: ``qps_limit`` requests per app and API per second (None: no quota);
    ``qpm_limit`` the same per minute (default None: DingTalk publishes no figure);
    ``monthly_quota`` calls per organisation per (30-day) month (default None; a standard
    DingTalk organisation has 5,000); ``language`` "en" or "zh", the language of the
    messages that the China site's pages give in Chinese;
    ``token_ttl`` seconds an access token lives; ``refresh_token_ttl`` and ``auth_code_ttl``
    the same for a personal app's credentials; ``daily_create_limit`` events created per user per
    day (DingTalk's ``flowLimit``, 100; None: no limit); ``subscribe_limit`` calendars per user (None:
    no limit); ``directory`` the users, groups and organisations (default: the demo
    directory); ``apps`` the registered apps (default: one of each kind, see
    ``default_apps``); ``port`` 0 for a free one; ``tls`` serve HTTPS, with a certificate
    from a throw-away CA made at start (see ``ca_file``, ``ca_pem`` and
    ``client_ssl_context``; needs the ``trustme`` package).

    Every request goes through the same steps: it is counted in ``stats``; an injected
    fault (``faults``) may answer instead; calendar calls need a valid token (else 400
    ``InvalidAuthentication``), stay within the quotas of their app and API (else 403
    ``...QpsLimitForAppkeyAndApi``, ``...QpmLimitForAppkeyAndApi``, for a third-party
    enterprise app ``...ForSuitekeyAndOrgAndApi``, per organisation
    ``...ApiCountLimitForOrg``; token endpoints count against the app named in their body,
    per second only) and need the operation's permission (else 403
    ``...AccessTokenPermissionDenied``); then the operation runs. Asking for an internal
    app's or a user's token while one is valid returns the same token and renews it for
    ``token_ttl`` seconds; a corp token is new on every request, as DingTalk documents.
    Time is ``clock``, which tests move with ``clock.advance``.
    """

    def __init__(
        self,
        *,
        qps_limit: int | None = DEFAULT_QPS_LIMIT,
        qpm_limit: int | None = None,
        monthly_quota: int | None = None,
        language: str = "en",
        token_ttl: float = DEFAULT_TOKEN_TTL,
        refresh_token_ttl: float = DEFAULT_REFRESH_TOKEN_TTL,
        auth_code_ttl: float = DEFAULT_AUTH_CODE_TTL,
        subscribe_limit: int | None = DEFAULT_SUBSCRIBE_LIMIT,
        daily_create_limit: int | None = DEFAULT_DAILY_CREATE_LIMIT,
        directory: Directory | None = None,
        apps: Iterable[App] | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        tls: bool = False,
        fleet: Fleet | None = None,
    ) -> None:
        if tls:
            _require_trustme()  # here rather than at start: the mistake is in this line
        _check_language(language)
        _check_limit("qps_limit", qps_limit)
        _check_limit("qpm_limit", qpm_limit)
        _check_limit("monthly_quota", monthly_quota)
        _check_limit("subscribe_limit", subscribe_limit)
        _check_limit("daily_create_limit", daily_create_limit)
        _check_seconds("token_ttl", token_ttl)
        _check_seconds("refresh_token_ttl", refresh_token_ttl)
        _check_seconds("auth_code_ttl", auth_code_ttl)
        self.host = host
        self.requested_port = port
        self.tls = tls
        self.clock = Clock()
        self.directory = directory if directory is not None else Directory.default()
        self.faults = Faults()
        self.stats = Stats()
        self.tokens = TokenStore(
            self.clock, token_ttl=token_ttl, refresh_token_ttl=refresh_token_ttl, auth_code_ttl=auth_code_ttl
        )
        self.apps = AppRegistry()
        for app in default_apps() if apps is None else apps:
            self.add_app(app)
        self._store = CalendarStore()
        self.fleet = fleet
        """Per-organisation quotas and counts of a third-party suite (see ``fleet.Fleet``), if given."""
        if fleet is None:
            self._limiter = Throttle(self.clock, qps_limit, qpm_limit, monthly_quota)
            self._calendars = CalendarService(self._store, self.directory, subscribe_limit, language)
        else:
            self._limiter = fleet.throttle(self.clock, qps_limit, qpm_limit, monthly_quota)
            self._calendars = fleet.calendar_service(self._store, self.directory, subscribe_limit, language)
        self.events = EventService(self._store, self.clock, daily_create_limit=daily_create_limit)
        """The events of every calendar; ``events.events_of(calendar_id)`` shows them to tests."""
        self._idempotency = IdempotencyKeys(self.clock)
        self._oauth = OAuthService(self.apps, self.tokens, self.directory, self.stats, self._limiter, language)
        backend = Backend(
            calendars=self._calendars,
            oauth=self._oauth,
            tokens=self.tokens,
            store=self._store,
            limiter=self._limiter,
            faults=self.faults,
            stats=self.stats,
            control={
                "clock": self._control_clock,
                "reset": lambda _: self._control_reset(),
                "auth-code": self._control_auth_code,
                "fleet": lambda _: fleet.snapshot() if fleet is not None else {},
            },
            events=self.events,
            idempotency=self._idempotency,
        )
        self.asgi_app = build_app(backend)
        self._thread: ServerThread | None = None
        self._port: int | None = None
        self._server_tls: ServerTls | None = None
        """The CA and certificate files of the current (or last) run, with ``tls``."""

    # Lifecycle

    def start(self) -> Self:
        """Bind the port and serve in a background thread; returns once requests are answered."""
        if self._thread is not None:
            raise EmulatorError("this emulator is already running")
        server_tls = self._new_server_tls()
        try:
            self._thread = self._serve(server_tls)
        except BaseException:
            if server_tls is not None:
                server_tls.remove()
            raise
        return self

    def _new_server_tls(self) -> "ServerTls | None":
        # A fresh CA for every start: nothing from one run is trusted in the next.
        if not self.tls:
            return None
        from .tls import DEFAULT_SERVER_NAMES, ServerTls  # imports trustme, only needed with TLS

        self._server_tls = ServerTls((*DEFAULT_SERVER_NAMES, self.host))
        return self._server_tls

    def _serve(self, server_tls: "ServerTls | None") -> ServerThread:
        sock = _bind(self.host, self.requested_port)
        self._port = sock.getsockname()[1]
        thread = ServerThread(
            self.asgi_app,
            sock,
            ssl_keyfile=server_tls.key_file if server_tls else None,
            ssl_certfile=server_tls.cert_file if server_tls else None,
        )
        try:
            thread.start()
        except RuntimeError as exc:
            raise EmulatorError(f"the emulator did not start on {self.host}:{self._port}: {exc.__cause__}") from exc
        return thread

    def stop(self) -> None:
        """Stop serving, close open connections and wait for the thread to end (a no-op when stopped).

        With ``tls``, the temporary directory of the CA and certificate files is removed too.
        """
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.stop()
        if self._server_tls is not None:
            self._server_tls.remove()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.alive

    @property
    def port(self) -> int:
        """The port it listens on (known once started)."""
        if self._port is None:
            raise EmulatorError("the emulator has not been started")
        return self._port

    @property
    def url(self) -> str:
        """The base URL to give a client, such as ``http://127.0.0.1:54321`` (``https://`` with ``tls``)."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    # TLS: what a client needs to trust the emulator's throw-away CA

    @property
    def ca_file(self) -> Path | None:
        """The PEM file of the CA that issued the server certificate; None without ``tls``.

        The file lives in a temporary directory that exists only while the emulator runs.
        """
        if not self.tls:
            return None
        if not self.running:
            raise EmulatorError("the CA file exists only while the emulator runs; start it first")
        return self._started_tls().ca_file

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate as PEM bytes (known once started, and still after stop)."""
        return self._started_tls().ca_pem

    def client_ssl_context(self) -> ssl.SSLContext:
        """An ``ssl.SSLContext`` that trusts this emulator's CA and nothing else: ``httpx.Client(verify=...)``."""
        return self._started_tls().client_ssl_context()

    def _started_tls(self) -> "ServerTls":
        if not self.tls:
            raise EmulatorError("this emulator serves plain HTTP; Emulator(tls=True) serves HTTPS")
        if self._server_tls is None:
            raise EmulatorError("the emulator has not been started, so it has no CA yet")
        return self._server_tls

    # Apps and tokens

    def add_app(self, app: _AnyApp) -> _AnyApp:
        """Register another app (also while running); it replaces one of the same kind and key. Returns ``app``."""
        if isinstance(app, PersonalApp):
            app.bind(self)
        self.apps.add(app)
        return app

    @property
    def internal_app(self) -> InternalApp:
        """The first registered internal app (by default appKey ``emulator-app-key``)."""
        return _first(self.apps.first(InternalApp), "InternalApp")

    @property
    def enterprise_app(self) -> EnterpriseApp:
        """The first registered third-party enterprise app (by default suiteKey ``emulator-suite-key``)."""
        return _first(self.apps.first(EnterpriseApp), "EnterpriseApp")

    @property
    def personal_app(self) -> PersonalApp:
        """The first registered third-party personal app (by default clientId ``emulator-client-id``)."""
        return _first(self.apps.first(PersonalApp), "PersonalApp")

    def issue_token(self, app: App | None = None, *, corp_id: str | None = None, union_id: str | None = None) -> str:
        """An access token without HTTP (not counted in ``stats``): the same one the endpoints hand out.

        ``app`` defaults to ``internal_app``. An EnterpriseApp needs the organisation
        (``corp_id``, default: the first one it may serve); a PersonalApp the user
        (``union_id``, default: the directory's first user).
        """
        app = app if app is not None else self.internal_app
        if isinstance(app, EnterpriseApp):
            corps = sorted(self.directory.corps if app.authorised_corp_ids is None else app.authorised_corp_ids)
            corp_id = corp_id or (corps[0] if corps else None)
            if corp_id is None:
                raise EmulatorError("this enterprise app is authorised by no organisation")
            return self.tokens.token_for(Grant(app, corp_id=corp_id))
        if isinstance(app, PersonalApp):
            union_id = union_id or next(iter(self.directory.users), None)
            if union_id is None:
                raise EmulatorError("the directory has no user to issue a user token for")
            return self.tokens.token_for(Grant(app, union_id=union_id))
        return self.tokens.token_for(Grant(app))

    def issue_auth_code(self, app: PersonalApp, union_id: str) -> str:
        """A one-time authorization code of ``union_id`` for a personal app (see PersonalApp.issue_auth_code)."""
        return self.tokens.issue_auth_code(app, union_id)

    def revoke_tokens(self, app: App | None = None) -> int:
        """Invalidate the access tokens of ``app`` (all when None), as a secret reset would; returns how many."""
        return self.tokens.revoke(app)

    # Settings that tests change on the fly

    @property
    def qps_limit(self) -> int | None:
        """Requests per app and API per second; None: no quota."""
        return self._limiter.per_second.limit

    @qps_limit.setter
    def qps_limit(self, value: int | None) -> None:
        _check_limit("qps_limit", value)
        self._limiter.per_second.limit = value

    @property
    def qpm_limit(self) -> int | None:
        """Requests per app (or suite and organisation) and API per minute; None: no quota."""
        return self._limiter.per_minute.limit

    @qpm_limit.setter
    def qpm_limit(self, value: int | None) -> None:
        _check_limit("qpm_limit", value)
        self._limiter.per_minute.limit = value

    @property
    def monthly_quota(self) -> int | None:
        """Calls per organisation per emulated 30-day month; None: no quota."""
        return self._limiter.monthly.limit

    @monthly_quota.setter
    def monthly_quota(self, value: int | None) -> None:
        _check_limit("monthly_quota", value)
        self._limiter.monthly.limit = value

    @property
    def language(self) -> str:
        """ "en" or "zh": the language of messages the China site's pages give in Chinese."""
        return self._calendars.language

    @language.setter
    def language(self, value: str) -> None:
        _check_language(value)
        self._calendars.language = value
        self._oauth.language = value

    @property
    def subscribe_limit(self) -> int | None:
        """Calendars one user may subscribe to; None: no limit."""
        return self._calendars.subscribe_limit

    @subscribe_limit.setter
    def subscribe_limit(self, value: int | None) -> None:
        _check_limit("subscribe_limit", value)
        self._calendars.subscribe_limit = value

    # Inspection

    @property
    def state(self) -> StateSnapshot:
        """A snapshot of the calendars and subscriptions (it does not change afterwards)."""
        return self._store.snapshot()

    def reset(self) -> None:
        """Forget calendars, events, client tokens, subscriptions, tokens, statistics, faults and quota counts;
        keep apps and settings."""
        self._store.clear()
        self.events.clear()
        self._idempotency.clear()
        self._limiter.clear()
        self.tokens.revoke()
        self.stats.reset()
        self.faults.clear()

    def _control_clock(self, data: Any) -> dict[str, float]:
        self.clock.advance(float(data["advance"]))
        return {"offset": self.clock.offset}

    def _control_auth_code(self, data: Any) -> dict[str, Any]:
        # What DingTalk's consent page hands the app's redirect URI once the user agrees.
        union_id = str(data["userId"])
        client_id = data.get("clientId")
        app = self.personal_app if client_id is None else self.apps.find(PersonalApp, str(client_id))
        if app is None:
            raise ValueError(f"no personal app has clientId {client_id!r}")
        if union_id not in self.directory.users:
            raise ValueError(f"no user {union_id!r} in the emulator's directory")
        code = self.issue_auth_code(app, union_id)
        return {"authCode": code, "userId": union_id, "clientId": app.client_id, "expiresIn": self.tokens.auth_code_ttl}

    def _control_reset(self) -> dict[str, bool]:
        self.reset()
        return {"reset": True}


_T = TypeVar("_T")


def _first(app: _T | None, kind: str) -> _T:
    if app is None:
        raise EmulatorError(f"no {kind} is registered with this emulator")
    return app


def _check_limit(name: str, value: object) -> None:
    """A quota or limit: a whole number, 0 or more (0: none allowed), or None for no limit."""
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise EmulatorError(f"{name} must be a whole number, 0 or more, or None for no limit; not {value!r}")


def _check_seconds(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise EmulatorError(f"{name} must be a number of seconds above 0, not {value!r}")


def _check_language(language: str) -> None:
    if language not in ("en", "zh"):
        raise EmulatorError(f"language must be 'en' or 'zh', not {language!r}")


def _require_trustme() -> None:
    # find_spec only looks the package up; trustme is imported once the emulator starts.
    if importlib.util.find_spec("trustme") is None:
        raise EmulatorError(
            "Emulator(tls=True) needs the trustme package, which makes its throw-away CA: "
            "pip install 'dingtalk-calendar[emulator]' (or pip install trustme)"
        )


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted sockets only when the
    # protocol says TCP, and without it Nagle's algorithm adds ~40 ms to every answer.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is already in use; choose another one (0 picks a free port)"
            ) from None
        raise EmulatorError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock
