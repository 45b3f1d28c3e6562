r"""A ready Celery app for fleet workers, configured by environment variables.

On every host::

    export DINGTALK_FLEET_REDIS_URL=redis://redis.internal:6379/0   # tokens, budgets, ledgers
    export DINGTALK_FLEET_BROKER_URL=redis://redis.internal:6379/1  # optional: the broker (default: the same)
    export DINGTALK_SUITE_KEY=... DINGTALK_SUITE_SECRET=... DINGTALK_SUITE_TICKET=...
    celery -A dingtalk_calendar.fleet.worker_app worker --pool threads --concurrency 16 \
        -Q dingtalk-fleet,dingtalk-fleet-later

``DINGTALK_FLEET_VISIBILITY_TIMEOUT`` (seconds, default 300): how long the Redis broker
waits before handing a dead worker's unacknowledged messages to another worker. A message
redelivered while its first worker still holds it (a countdown longer than this) is
harmless: the ledger and the leases keep each user to one call; it only costs a message.
``DINGTALK_FLEET_TIMEOUT`` (10 s) bounds each call, ``DINGTALK_FLEET_LEASE`` (twice that and
5 s) how long a unit being called is kept from other workers, ``DINGTALK_FLEET_BATCH_SIZE``
(10) how many users of one organisation a task carries, ``DINGTALK_FLEET_ANSWERED_DEFERRALS``
(20) how often DingTalk may turn a unit away (throttled, a server error) before it fails.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import worker_ready

from ._workbench import FleetSettings
from .celery import DEFAULT_QUEUE, RECOMMENDED_CONFIG, FleetTasks

_broker = os.environ.get("DINGTALK_FLEET_BROKER_URL") or os.environ.get("DINGTALK_FLEET_REDIS_URL")

app = Celery("dingtalk_calendar_fleet", broker=_broker)
app.conf.update(
    RECOMMENDED_CONFIG,
    task_default_queue=DEFAULT_QUEUE,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": float(os.environ.get("DINGTALK_FLEET_VISIBILITY_TIMEOUT", "300")),
        # Look for a dead worker's messages every second, not every 100.
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    },
)


def _settings() -> FleetSettings:
    timeout = float(os.environ.get("DINGTALK_FLEET_TIMEOUT", "10"))
    lease = float(os.environ.get("DINGTALK_FLEET_LEASE", str(timeout * 2 + 5)))
    return FleetSettings.from_env(timeout=timeout, lease_seconds=lease)


fleet = FleetTasks(
    app,
    _settings,
    batch_size=int(os.environ.get("DINGTALK_FLEET_BATCH_SIZE", "10")),
    answered_deferrals=int(os.environ.get("DINGTALK_FLEET_ANSWERED_DEFERRALS", "20")),
)


def _warm_up(**_: Any) -> None:
    """Make the workbench (Redis, the HTTP pool, the SDK's imports) before the first task, not in it."""
    fleet.bench()


worker_ready.connect(_warm_up, weak=False)
