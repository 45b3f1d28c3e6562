"""Fleet work: many organisations of one third-party suite, spread over the workers of a job engine.

The contract is engine-independent (:class:`WorkUnit`, :func:`carry_out`, its outcomes);
tokens, each organisation's budgets (:class:`Budgets`) and each job's :class:`Ledger` live in
Redis. :mod:`dingtalk_calendar.fleet.celery` runs it on Celery (the ``celery`` extra). See
docs/fleet.md.
"""

from ._budgets import Budgets, OrgBudget
from ._ledger import JobExistsError, Ledger, UnknownJobError
from ._work import AlreadyDone, Deferred, Done, Failed, Outcome, WorkUnit, carry_out
from ._workbench import FleetSettings, Workbench

__all__ = [
    "AlreadyDone",
    "Budgets",
    "Deferred",
    "Done",
    "Failed",
    "FleetSettings",
    "JobExistsError",
    "Ledger",
    "OrgBudget",
    "Outcome",
    "UnknownJobError",
    "WorkUnit",
    "Workbench",
    "carry_out",
]
