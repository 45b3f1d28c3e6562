"""Access tokens, authorization codes and refresh tokens, with expiry on the emulated clock."""

import secrets
import threading
from typing import Any

from attrs import define, frozen

from .apps import App, PersonalApp
from .clock import Clock


@frozen
class Grant:
    """What an access token stands for: an app, and for corp and user tokens the organisation or user.

    Equal grants of an internal app or a user share one token. A corp token (a grant with
    a ``corp_id``) is new on every grant, as its page says.
    """

    app: App
    corp_id: str | None = None
    union_id: str | None = None


@define
class _AccessToken:
    value: str
    grant: Grant
    expires_at: float


@frozen
class _UserCredential:
    """An authorization code or refresh token: one user of one personal app, until it expires."""

    app: PersonalApp
    union_id: str
    expires_at: float


class TokenStore:
    """Every credential the emulator handed out. Thread-safe.

    For an internal app and a user, asking for a token while one is valid returns the same
    token and extends its life to a full ``token_ttl`` again
    (``zh/obtain-the-access-token-of-an-internal-app.md``, ``zh/obtain-user-token.md``), so
    ``expireIn`` is always ``token_ttl``. For a third-party enterprise app's corp token,
    asking again returns a new token
    (``zh/obtain-the-access-token-of-the-authorized-enterprise-1.md``); the page does not
    say the earlier one dies, so it stays valid until its own expiry.
    """

    def __init__(self, clock: Clock, *, token_ttl: float, refresh_token_ttl: float, auth_code_ttl: float) -> None:
        self.clock = clock
        self.token_ttl = token_ttl
        self.refresh_token_ttl = refresh_token_ttl
        self.auth_code_ttl = auth_code_ttl
        self._lock = threading.Lock()
        self._tokens: dict[str, _AccessToken] = {}
        self._by_grant: dict[Grant, _AccessToken] = {}
        self._auth_codes: dict[str, _UserCredential] = {}
        self._refresh_tokens: dict[str, _UserCredential] = {}

    def token_for(self, grant: Grant) -> str:
        """The access token of ``grant``: the current one renewed, or a new one."""
        now = self.clock.now()
        with self._lock:
            token = self._by_grant.get(grant)
            if token is None or token.expires_at <= now or grant.corp_id is not None:
                if token is not None and token.expires_at <= now:
                    self._tokens.pop(token.value, None)
                token = _AccessToken(secrets.token_hex(16), grant, now + self.token_ttl)
                self._tokens[token.value] = token
                self._by_grant[grant] = token
            else:
                token.expires_at = now + self.token_ttl
            return token.value

    def authenticate(self, value: str) -> Grant | None:
        """The grant behind a valid token, or None for an unknown, revoked or expired one."""
        token = self._tokens.get(value)  # a dict read is atomic; expiry is checked against a snapshot
        if token is None or token.expires_at <= self.clock.now():
            return None
        return token.grant

    def revoke(self, app: App | None = None) -> int:
        """Invalidate the access tokens of ``app`` (all apps when None); returns how many."""
        with self._lock:
            doomed = [t for t in self._tokens.values() if app is None or t.grant.app is app]
            for token in doomed:
                del self._tokens[token.value]
                self._by_grant.pop(token.grant, None)
            return len(doomed)

    def issue_auth_code(self, app: PersonalApp, union_id: str) -> str:
        """A one-time code for ``union_id`` that lives ``auth_code_ttl`` seconds."""
        code = "code-" + secrets.token_hex(12)
        with self._lock:
            self._auth_codes[code] = _UserCredential(app, union_id, self.clock.now() + self.auth_code_ttl)
        return code

    def redeem_auth_code(self, app: PersonalApp, code: str) -> str | None:
        """The user of a valid code, which is used up; None for an unknown, used, expired or foreign code."""
        with self._lock:
            credential = self._auth_codes.get(code)
            if credential is None or credential.app is not app:
                return None
            del self._auth_codes[code]
        return credential.union_id if credential.expires_at > self.clock.now() else None

    def issue_refresh_token(self, app: PersonalApp, union_id: str) -> str:
        """A new refresh token that lives ``refresh_token_ttl`` seconds."""
        value = "refresh-" + secrets.token_hex(16)
        with self._lock:
            self._refresh_tokens[value] = _UserCredential(app, union_id, self.clock.now() + self.refresh_token_ttl)
        return value

    def rotate_refresh_token(self, app: PersonalApp, value: str) -> tuple[str, str] | None:
        """Spend a refresh token: (user, its replacement), or None when unknown, rotated, expired or foreign."""
        with self._lock:
            credential = self._refresh_tokens.get(value)
            if credential is None or credential.app is not app:
                return None
            del self._refresh_tokens[value]
        if credential.expires_at <= self.clock.now():
            return None
        return credential.union_id, self.issue_refresh_token(app, credential.union_id)

    def snapshot(self) -> dict[str, Any]:
        """Counts of live credentials, for the inspection route."""
        now = self.clock.now()
        with self._lock:
            return {
                "accessTokens": sum(1 for t in self._tokens.values() if t.expires_at > now),
                "authCodes": sum(1 for c in self._auth_codes.values() if c.expires_at > now),
                "refreshTokens": sum(1 for c in self._refresh_tokens.values() if c.expires_at > now),
            }
