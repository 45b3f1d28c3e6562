"""Secrets held in memory, in types whose ``repr`` and ``str`` never show them.

A traceback rendered with its local variables (Sentry, rich, better_exceptions,
``traceback.TracebackException(..., capture_locals=True)``) prints the ``repr`` of every
local of every frame: a secret held as a plain ``str`` anywhere on the way is printed.

- :class:`Secret` holds an app, suite or client secret, a suite ticket, a refresh token or
  an authorization code; ``reveal()`` is called only where the value is sent.
- :class:`RedactedStr` is a ``str`` for the values a library formats itself (a proxy's
  password, handed to aiohttp): the library reads it as the text it is, ``repr`` masks it.
- :class:`SecretBytes` is a request body that holds secrets (a token request): sent as the
  bytes it is, shown as its length only.
"""

import hmac
import pickle
from typing import TYPE_CHECKING, Final, NoReturn, final

if TYPE_CHECKING:
    import httpx

MASK: Final = "********"


@final
class Secret:
    """A secret string; ``repr``/``str`` show ``********``, ``reveal()`` the value."""

    __slots__ = ("_value",)

    def __init__(self, value: "str | Secret") -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError(f"a secret must be a string, not {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        """The secret itself: call only where it is sent."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(
            self._value.encode("utf-8", "surrogatepass"), other._value.encode("utf-8", "surrogatepass")
        )

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> NoReturn:
        # A pickle is bytes at rest (a queue, a cache, a file): the secret would be in it in clear.
        raise pickle.PicklingError(
            "a Secret is not pickled: it would be stored in clear; build credentials where they are"
            " used (for example from the environment) and pass their names, not the credentials"
        )

    def __copy__(self) -> "Secret":
        return self  # immutable: a copy is the same secret, not a pickle

    def __deepcopy__(self, memo: object) -> "Secret":
        return self


def revealed(value: "str | Secret | None") -> str | None:
    """The text of a secret (or of a plain string, or None)."""
    return value.reveal() if isinstance(value, Secret) else value


class RedactedStr(str):
    """A ``str`` whose ``repr`` is masked; everything else (formatting, encoding) is the text itself."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(MASK)


class SecretBytes(bytes):
    """A request body holding secrets: the bytes themselves, shown as their length only."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} bytes holding secrets>"

    def __str__(self) -> str:
        return self.__repr__()


def with_masked_password(proxy: "httpx.Proxy") -> "httpx.Proxy":
    """``proxy`` with its password held as a :class:`RedactedStr` (httpx-aiohttp hands it to aiohttp as it is)."""
    if proxy.auth is not None:
        proxy.auth = (proxy.auth[0], RedactedStr(proxy.auth[1]))
    return proxy
