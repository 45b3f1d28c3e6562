"""What a worker process needs to carry out units: settings, one client per organisation, Redis.

A worker makes its :class:`Workbench` once (after the engine has forked it) and keeps it:
one Redis connection pool, one HTTP connection pool shared by every organisation's client,
tokens from the shared :class:`~dingtalk_calendar.RedisTokenStore` (a fleet asks DingTalk
for one corp token per organisation, not one per worker).
"""

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from attrs import field, frozen

from .._auth.credentials import EnterpriseAppCredentials
from .._auth.stores import RedisTokenStore
from .._client.client import CalendarClient
from .._errors import ConfigurationError
from .._transport import default_transport
from .._transport.shared import SharedTransport
from ._budgets import Budgets, OrgBudget
from ._ledger import Ledger


@frozen
class FleetSettings:
    """How every worker of a fleet reaches Redis and DingTalk, for one third-party suite.

    ``redis_url`` holds tokens, budgets and ledgers (it may be the broker's Redis);
    ``budget`` is every organisation's default (``Budgets.set`` gives one its own);
    ``lease_seconds`` how long a unit being called is kept from other workers (longer than
    a call may take: ``timeout`` bounds it).
    """

    redis_url: str
    suite_key: str
    suite_secret: str = field(repr=False)
    suite_ticket: str | Callable[[], str] = field(repr=False)
    base_url: str = "https://api.dingtalk.io"
    budget: OrgBudget = field(factory=OrgBudget)
    timeout: float = 10.0
    lease_seconds: float = 30.0
    prefix: str = "dingtalk:fleet"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> "FleetSettings":
        """From ``DINGTALK_FLEET_REDIS_URL``, ``DINGTALK_SUITE_KEY``, ``DINGTALK_SUITE_SECRET``,
        ``DINGTALK_SUITE_TICKET`` and (optional) ``DINGTALK_BASE_URL``; ``overrides`` win."""
        names = {
            "redis_url": "DINGTALK_FLEET_REDIS_URL",
            "suite_key": "DINGTALK_SUITE_KEY",
            "suite_secret": "DINGTALK_SUITE_SECRET",
            "suite_ticket": "DINGTALK_SUITE_TICKET",
        }
        values: dict[str, Any] = {}
        for name, variable in names.items():
            if name not in overrides:
                if not environ.get(variable):
                    raise ConfigurationError(f"{variable} is not set (a fleet worker needs it)")
                values[name] = environ[variable]
        if environ.get("DINGTALK_BASE_URL"):
            values["base_url"] = environ["DINGTALK_BASE_URL"]
        return cls(**{**values, **overrides})


class Workbench:
    """One worker process's clients and Redis handles (thread-safe: a threads pool shares it)."""

    def __init__(self, settings: FleetSettings) -> None:
        import redis

        self.settings = settings
        self.redis = redis.Redis.from_url(settings.redis_url, socket_timeout=10, socket_connect_timeout=5)
        self.ledger = Ledger(self.redis, prefix=settings.prefix)
        self.budgets = Budgets(self.redis, settings.suite_key, default=settings.budget, prefix=settings.prefix)
        self._tokens = RedisTokenStore(client=self.redis)
        # One connection pool for every organisation's client: the host is the same.
        self._transport = SharedTransport(default_transport(limits=httpx.Limits(max_connections=100), verify=True))
        self._clients: dict[str, CalendarClient] = {}
        self._lock = threading.Lock()

    def client(self, corp_id: str) -> CalendarClient:
        """The client acting for one organisation (made on first use, then kept)."""
        with self._lock:
            client = self._clients.get(corp_id)
            if client is None:
                s = self.settings
                credentials = EnterpriseAppCredentials(
                    suite_key=s.suite_key,
                    suite_secret=s.suite_secret,
                    auth_corp_id=corp_id,
                    suite_ticket=s.suite_ticket,
                )
                client = CalendarClient(
                    credentials,
                    base_url=s.base_url,
                    timeout=s.timeout,
                    token_store=self._tokens,
                    transport=self._transport.lease(),
                )
                self._clients[corp_id] = client
            return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()
        self._transport.close()
        self.ledger.close()
        self.redis.close()

    def __repr__(self) -> str:
        return f"Workbench(suite_key={self.settings.suite_key!r}, organisations={len(self._clients)})"
