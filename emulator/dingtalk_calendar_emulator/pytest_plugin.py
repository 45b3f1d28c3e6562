"""pytest plugin: fixtures that start a local DingTalk emulator for a test.

Installed with the SDK (the ``pytest11`` entry point), so a user's own suite can write::

    def test_my_code(dingtalk_emulator):
        client = MyClient(base_url=dingtalk_emulator.url,
                          app_key=dingtalk_emulator.internal_app.app_key,
                          app_secret=dingtalk_emulator.internal_app.app_secret)
        ...

    def test_with_a_tight_quota(dingtalk_emulator_factory):
        emu = dingtalk_emulator_factory(qps_limit=2)

    def test_over_https(dingtalk_emulator_factory):
        emu = dingtalk_emulator_factory(tls=True)
        client = httpx.Client(base_url=emu.url, verify=emu.client_ssl_context())

The emulator is imported only when a fixture is used, so the plugin costs nothing in
suites that do not use it and works without the ``emulator`` extra until then; a fixture
used without it fails saying which extra to install.
"""

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .emulator import Emulator


def _emulator_class() -> type["Emulator"]:
    from . import MissingExtraError

    try:
        from . import Emulator
    except MissingExtraError as exc:
        pytest.fail(str(exc), pytrace=False)
    return Emulator


@pytest.fixture
def dingtalk_emulator() -> Iterator["Emulator"]:
    """A fresh, running Emulator with default settings, stopped after the test."""
    with _emulator_class()() as emulator:
        yield emulator


@pytest.fixture
def dingtalk_emulator_factory() -> Iterator[Callable[..., "Emulator"]]:
    """A function that starts an Emulator with the given keyword arguments; all are stopped after the test.

    The arguments are Emulator's: ``qps_limit=2``, ``tls=True`` (HTTPS) and so on.
    """
    emulator_class = _emulator_class()
    started: list[Emulator] = []

    def start(**kwargs: Any) -> "Emulator":
        emulator = emulator_class(**kwargs).start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in reversed(started):
        emulator.stop()
