"""Checks of settings given as numbers: the wrong kind or range is a ``ConfigurationError`` naming the setting.

Booleans are not numbers here (``True`` is an ``int`` to Python), nor is NaN in any range.
"""

import math
from collections.abc import Callable
from typing import Any, TypeGuard

from attrs import Attribute

from ._errors import ConfigurationError


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def number(
    owner: str,
    *,
    least: float = 0,
    most: float = math.inf,
    above: bool = False,
    whole: bool = False,
    none: bool = False,
) -> Callable[[object, "Attribute[Any]", object], None]:
    """An attrs validator: a number from ``least`` (``above``: more than it) to ``most``; ``none``: or None."""

    def check(_: object, attribute: "Attribute[Any]", value: object) -> None:
        if value is None and none:
            return
        if (
            not is_number(value)
            or (whole and not is_whole(value))
            or not ((value > least if above else value >= least) and value <= most)
        ):
            kind = "a whole number" if whole else "a number"
            bounds = (f"above {least:g}" if above else f"from {least:g}") + (f" to {most:g}" if most < math.inf else "")
            bounds += " or None" if none else ""
            raise ConfigurationError(f"{owner} {attribute.name} must be {kind} {bounds}, not {value!r}")

    return check
