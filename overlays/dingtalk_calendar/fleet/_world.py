"""A fleet on one machine, for the tests and ``make fleet-demo``: organisations in the emulator, Celery workers.

Not for production: it starts worker processes of :mod:`dingtalk_calendar.fleet.worker_app`
with the environment they need, and makes one subscribed calendar per organisation.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from .._auth.credentials import EnterpriseAppCredentials
from .._auth.stores import RedisTokenStore
from .._call.models import Scope
from .._client.client import CalendarClient
from .celery import DEFAULT_QUEUE


def user_ids(corp_id: str, size: int) -> list[str]:
    """The made-up users of one organisation."""
    return [f"{corp_id}-u{n:05d}" for n in range(size)]


def admin_id(corp_id: str) -> str:
    """The made-up administrator of one organisation, who makes its calendar (and is in no job)."""
    return f"{corp_id}-admin"


def directory_data(sizes: Mapping[str, int]) -> dict[str, Any]:
    """An emulator directory (``Directory.from_dict``) of organisations of these sizes, and their administrators."""
    return {
        "corps": [{"corpId": corp_id} for corp_id in sizes],
        "users": [
            {"unionId": user_id, "corpIds": [corp_id]}
            for corp_id, size in sizes.items()
            for user_id in [admin_id(corp_id), *user_ids(corp_id, size)]
        ],
    }


def worker_environment(
    *, redis_url: str, base_url: str, suite_key: str, suite_secret: str, suite_ticket: str, **extra: str
) -> dict[str, str]:
    """The environment of a fleet worker (and of the submitter, which reads the same settings)."""
    environment = dict(os.environ)
    environment.update(
        DINGTALK_FLEET_REDIS_URL=redis_url,
        DINGTALK_BASE_URL=base_url,
        DINGTALK_SUITE_KEY=suite_key,
        DINGTALK_SUITE_SECRET=suite_secret,
        DINGTALK_SUITE_TICKET=suite_ticket,
        **extra,
    )
    return environment


class Worker:
    """``celery worker`` of the fleet app in a child process, its output in ``log``."""

    def __init__(self, environment: Mapping[str, str], name: str, log: Path, *, concurrency: int = 8) -> None:
        self.name = name
        self.log = log
        self._output: IO[bytes] = log.open("wb")
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dingtalk_calendar.fleet.worker_app",
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            str(concurrency),
            "--queues",
            f"{DEFAULT_QUEUE},{DEFAULT_QUEUE}-later",
            "--hostname",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own module, with arguments we built
            command, env=dict(environment), stdout=self._output, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        """SIGKILL: no chance to finish, acknowledge or hand anything back."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._output.close()


def make_calendars(
    base_url: str,
    redis_url: str,
    credentials: Mapping[str, str],
    sizes: Mapping[str, int],
    creators: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """One subscribed calendar per organisation, made by ``creators[corp]`` (else its administrator);
    corpId -> calendarId.

    The organisations' corp tokens land in the shared Redis token store, where the workers find them.
    """
    store = RedisTokenStore(url=redis_url)
    calendars: dict[str, str] = {}
    for corp_id in sizes:
        corp_credentials = EnterpriseAppCredentials(
            suite_key=credentials["suite_key"],
            suite_secret=credentials["suite_secret"],
            auth_corp_id=corp_id,
            suite_ticket=credentials["suite_ticket"],
        )
        with CalendarClient(corp_credentials, base_url=base_url, token_store=store) as client:
            creator = creators[corp_id] if creators else admin_id(corp_id)
            created = client.create(creator, name=f"{corp_id} news", scope=Scope(organisations=[corp_id]))
            calendars[corp_id] = created.calendar_id
    return calendars
