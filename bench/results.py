"""Everything one run measured, in one value that becomes results.json and the tables."""

from dataclasses import dataclass, field

from .bulk import BulkOutcome
from .client_cpu import ClientCpu
from .fleet import FleetOutcome
from .import_time import ImportTime
from .installed_size import InstalledSize
from .machine import Machine
from .per_call import PerCallResult
from .server_ceiling import CeilingPoint
from .tenants import TenantCost
from .throughput import ThroughputPoint


@dataclass(frozen=True)
class Target:
    name: str
    target: str
    measured: str
    met: bool | None
    """None when this run did not measure it."""


@dataclass
class BenchResults:
    machine: Machine
    settings: dict[str, object]
    per_call: PerCallResult | None = None
    throughput: list[ThroughputPoint] = field(default_factory=list)
    import_ours: ImportTime | None = None
    import_official: ImportTime | None = None
    import_httpx: ImportTime | None = None
    """httpx alone in our clean venv: the floor our import cannot go below."""
    size_ours: InstalledSize | None = None
    size_official: InstalledSize | None = None
    bulk: BulkOutcome | None = None
    fleet: FleetOutcome | None = None
    client_cpu: ClientCpu | None = None
    tenants: list[TenantCost] = field(default_factory=list)
    ceiling: list[CeilingPoint] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total_seconds: float = 0.0
