"""CPU seconds used so far by another process (Linux's /proc), to show how busy the server was."""

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of ``pid``; None where /proc is not available."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; the fields after it are fixed.
    fields = stat.rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")
