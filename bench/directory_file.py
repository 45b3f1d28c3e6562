"""A directory file for the emulator with many users in one organisation: the bulk job's audience."""

import json
from pathlib import Path
from typing import Final

BULK_CORP: Final = "ding-bench"


def bulk_user_ids(count: int) -> list[str]:
    return [f"bench-user-{i:05d}" for i in range(count)]


def write_directory(path: Path, user_ids: list[str]) -> None:
    """Every user in ``BULK_CORP``, the emulator's first (so the internal app's own) organisation."""
    data = {
        "corps": [{"corpId": BULK_CORP, "name": "Bench Corporation"}],
        "users": [{"unionId": user_id, "corpIds": [BULK_CORP]} for user_id in user_ids],
        "groups": [],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
