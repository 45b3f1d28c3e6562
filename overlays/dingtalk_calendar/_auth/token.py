"""An access token as the SDK holds it, what can be sent as one, and the key a token store files it under."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import quote

from attrs import field, frozen

from .._errors import ValidationError
from .._secret import Secret, revealed

if TYPE_CHECKING:
    from dingtalk_calendar_api import Client

# What an HTTP header value can carry of a token: visible ASCII, no space.
_SENDABLE = re.compile(r"[\x21-\x7e]+")


def token_problem(value: object) -> str | None:
    """Why ``value`` cannot be sent as DingTalk's token header, or None when it can.

    Never quotes the value: a token with a stray newline is still a token.
    """
    if not isinstance(value, str):
        return f"must be a string, not {type(value).__name__}"
    if not value:
        return "is empty"
    if "\r" in value or "\n" in value:
        return "contains a line break (read from a file? strip it)"
    if not _SENDABLE.fullmatch(value):
        return "contains a space, a control character or a non-ASCII character, which a header cannot carry"
    return None


def sendable_secret(field_name: str) -> Callable[[Any, Any, Secret], None]:
    def check(_instance: Any, _attribute: Any, value: Secret) -> None:
        if (problem := token_problem(revealed(value) if isinstance(value, Secret) else value)) is not None:
            raise ValidationError(field_name, problem)

    return check


def as_secret(value: Any) -> Any:
    # Anything else is left for the validator, which refuses it with a ValidationError.
    return Secret(value) if isinstance(value, str | Secret) else value


def _optional_secret(value: str | Secret | None) -> Secret | None:
    return None if value is None else Secret(value)


@frozen
class Token:
    """An access token and when it expires.

    The access token and the refresh token are held as :class:`~dingtalk_calendar._secret.Secret`
    (given as ``str``): a token kept in memory (the manager's, a ``MemoryTokenStore``'s) shows
    as ``********`` in any ``repr``, so in any traceback rendered with its locals.
    ``access_token`` and ``refresh_token`` read the text (for a store that writes it); the SDK's
    own paths pass :attr:`secret` along and reveal it only where the header is set.

    ``expires_at`` and ``obtained_at`` are wall-clock epoch seconds (``time.time()``), not
    monotonic time: a token kept in a shared store (Redis) is read by other processes and
    hosts, whose monotonic clocks have unrelated origins.
    """

    _access_token: Secret = field(
        alias="access_token", repr=False, converter=as_secret, validator=sendable_secret("access_token")
    )
    expires_at: float
    """When DingTalk stops accepting the token (epoch seconds); ``math.inf`` for a fixed token."""
    _refresh_token: Secret | None = field(alias="refresh_token", default=None, repr=False, converter=_optional_secret)
    """A user token's refresh token, to be sent for the next user token."""
    obtained_at: float | None = None
    """When the token was fetched (epoch seconds); None when unknown (a fixed token)."""

    @property
    def secret(self) -> Secret:
        """The access token, masked in any ``repr``."""
        return self._access_token

    @property
    def access_token(self) -> str:
        """The access token's text: read it only where it is sent or written."""
        return self._access_token.reveal()

    @property
    def refresh_token(self) -> str | None:
        """The refresh token's text, if any: read it only where it is sent or written."""
        return revealed(self._refresh_token)

    @property
    def refresh_secret(self) -> Secret | None:
        """The refresh token, masked in any ``repr``."""
        return self._refresh_token


@runtime_checkable
class TokenProvider(Protocol):
    """Credentials that can obtain an access token from DingTalk's token endpoints.

    ``client`` is an un-authenticated generated client on the API's base URL; ``now`` is the
    token manager's clock (epoch seconds) when the request starts.
    """

    @property
    def cache_key(self) -> str:
        """Identifies the credential (app, organisation, user and secret) without revealing any secret.

        Two credential sets that differ in any field have different keys: build it with
        :func:`credential_key`.
        """
        ...

    def fetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        """Ask the token endpoint for a token; ``previous`` is the last one stored (for its refresh token)."""
        ...

    async def afetch(self, client: Client, *, previous: Token | None, now: float) -> Token:
        """The async twin of :meth:`fetch`."""
        ...


def credential_key(kind: str, identity: tuple[str, ...], secrets: tuple[str, ...]) -> str:
    """A token-store key that no other credential set can share, and that reveals no secret.

    ``kind:part:part:...:digest``: each identity part is percent-encoded (``:`` and ``%``
    included), so no choice of app key, corp id or client id can make two sets of parts
    read alike; the digest is an HMAC-SHA256 of the secrets, keyed with those same parts
    (so it is no plain, unsalted hash of a secret, and one credential's digest tells nothing
    about another's). A wrong secret gets a key of its own, whose token is fetched with it
    (and refused by DingTalk).
    """
    parts = [quote(part, safe="", errors="surrogatepass") for part in (kind, *identity)]
    mac_key = _KEY_SCHEME + _length_prefixed((kind, *identity))
    digest = hmac.new(mac_key, _length_prefixed(secrets), hashlib.sha256).hexdigest()[:32]
    return ":".join((*parts, digest))


# Named in the HMAC's key, so that a later scheme never produces this one's digests.
_KEY_SCHEME = b"dingtalk-calendar token-store key v2\0"


def _length_prefixed(values: tuple[str, ...]) -> bytes:
    """An unambiguous byte encoding of ``values`` (each one's UTF-8 length, then its bytes)."""
    encoded = [value.encode("utf-8", "surrogatepass") for value in values]
    return b"".join(len(item).to_bytes(8, "big") + item for item in encoded)
