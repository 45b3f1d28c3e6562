"""The three kinds of DingTalk app the emulator accepts, with credentials and permissions."""

import secrets
import threading
from collections.abc import Iterable
from typing import Protocol, TypeVar

from attrs import define, field

from dingtalk_calendar_api.spec_data import OPERATIONS

ALL_PERMISSIONS: frozenset[str] = frozenset(op.permission for op in OPERATIONS.values() if op.permission)
"""Every app permission the spec's operations need (Calendar.Calendar.Read and .Write)."""


class AuthCodeIssuer(Protocol):
    """What a PersonalApp asks for an authorization code: the emulator it is registered with."""

    def issue_auth_code(self, app: "PersonalApp", union_id: str) -> str: ...


def _permissions(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _corp_ids(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


def _new_ticket() -> str:
    return "ticket-" + secrets.token_hex(8)


@define(eq=False)
class InternalApp:
    """An app of one organisation; its token comes from appKey and appSecret.

    ``corp_id`` is the organisation it belongs to (None: the directory's first one);
    it may create calendars only for that organisation's users.
    """

    app_key: str
    app_secret: str
    corp_id: str | None = None
    permissions: frozenset[str] = field(default=ALL_PERMISSIONS, converter=_permissions)

    @property
    def key(self) -> str:
        """The app's public identifier (its appKey), used for QPS quotas and statistics."""
        return self.app_key


@define(eq=False)
class EnterpriseApp:
    """A third-party enterprise app (a suite): one token per organisation that authorised it.

    ``suite_ticket`` is the ticket DingTalk last pushed; ``push_suite_ticket`` replaces it
    and makes the old one stale. ``authorised_corp_ids`` None means every organisation of
    the emulator's directory.
    """

    suite_key: str
    suite_secret: str
    suite_ticket: str = field(factory=_new_ticket)
    authorised_corp_ids: frozenset[str] | None = field(default=None, converter=_corp_ids)
    permissions: frozenset[str] = field(default=ALL_PERMISSIONS, converter=_permissions)

    @property
    def key(self) -> str:
        """The suite's public identifier (its suiteKey)."""
        return self.suite_key

    def push_suite_ticket(self, ticket: str | None = None) -> str:
        """Replace the suite ticket, as DingTalk does every few hours; the old one becomes stale."""
        self.suite_ticket = ticket or _new_ticket()
        return self.suite_ticket


@define(eq=False)
class PersonalApp:
    """A third-party personal app: user tokens from authorization codes and rotating refresh tokens."""

    client_id: str
    client_secret: str
    permissions: frozenset[str] = field(default=ALL_PERMISSIONS, converter=_permissions)
    _issuer: AuthCodeIssuer | None = field(default=None, init=False, repr=False)

    @property
    def key(self) -> str:
        """The app's public identifier (its clientId)."""
        return self.client_id

    def issue_auth_code(self, union_id: str) -> str:
        """A one-time authorization code for ``union_id``, as DingTalk's login page would hand out.

        The app must be registered with an Emulator (it is bound to the last one it was given to).
        """
        if self._issuer is None:
            raise RuntimeError("register this PersonalApp with an Emulator before issuing authorization codes")
        return self._issuer.issue_auth_code(self, union_id)

    def bind(self, issuer: AuthCodeIssuer) -> None:
        """Attach the emulator that keeps this app's authorization codes (done on registration)."""
        self._issuer = issuer


App = InternalApp | EnterpriseApp | PersonalApp
AppT = TypeVar("AppT", InternalApp, EnterpriseApp, PersonalApp)


class AppRegistry:
    """The apps an emulator knows, by their public key; safe to add to while serving."""

    def __init__(self) -> None:
        self._apps: dict[tuple[type, str], App] = {}
        self._lock = threading.Lock()

    def add(self, app: App) -> None:
        """Register ``app``; an app of the same kind and key is replaced."""
        with self._lock:
            self._apps[(type(app), app.key)] = app

    def find(self, kind: type[AppT], key: str) -> AppT | None:
        """The registered app of this kind with this public key, if any."""
        app = self._apps.get((kind, key))
        return app if isinstance(app, kind) else None

    def first(self, kind: type[AppT]) -> AppT | None:
        """The first registered app of a kind."""
        with self._lock:
            apps = list(self._apps.values())
        return next((app for app in apps if isinstance(app, kind)), None)

    def all(self) -> list[App]:
        """Every registered app, in order of registration."""
        with self._lock:
            return list(self._apps.values())
