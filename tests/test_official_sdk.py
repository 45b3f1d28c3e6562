"""The official alibabacloud-dingtalk SDK, used as a client, finds the emulator to be DingTalk.

Needs the official SDK's own virtualenv (``bench/.venv-official``, made by ``make bench`` or
``python -m bench.official_conformance``); skipped without it, as in a fresh clone.
"""

import pytest

from bench.official_conformance import run
from bench.official_env import OFFICIAL_REQUIREMENT, installed_version
from bench.paths import OFFICIAL_PYTHON

pytestmark = pytest.mark.skipif(
    installed_version(OFFICIAL_PYTHON) != OFFICIAL_REQUIREMENT.split("==")[1],
    reason="no bench/.venv-official with the official SDK: run python -m bench.official_conformance once",
)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_six_operations_and_the_documented_errors_through_the_official_sdk(language: str) -> None:
    passed, total = run(language)
    assert total >= 20
    assert passed == total
