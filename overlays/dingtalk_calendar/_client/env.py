"""Client settings from environment variables, for twelve-factor apps and the CLI.

| variable | meaning |
|---|---|
| ``DINGTALK_BASE_URL`` | API base URL (default ``https://api.dingtalk.io``; China: ``https://api.dingtalk.com``) |
| ``DINGTALK_APP_KEY``, ``DINGTALK_APP_SECRET`` | an internal app |
| ``DINGTALK_SUITE_KEY``, ``DINGTALK_SUITE_SECRET``, | a third-party enterprise app, |
| ``DINGTALK_AUTH_CORP_ID``, ``DINGTALK_SUITE_TICKET`` | for one organisation |
| ``DINGTALK_CLIENT_ID``, ``DINGTALK_CLIENT_SECRET``, | a third-party personal app, |
| ``DINGTALK_REFRESH_TOKEN`` or ``DINGTALK_AUTH_CODE`` | for one user |
| ``DINGTALK_ACCESS_TOKEN`` | a fixed access token you refresh yourself |
| ``DINGTALK_TIMEOUT``, ``DINGTALK_MAX_RETRIES`` | default timeout (seconds) and retries |
| ``DINGTALK_REDIS_URL`` | share tokens through Redis (``redis://host:6379/0``) |
| ``DINGTALK_LOG`` | log level of the SDK's and its HTTP libraries' loggers |

Exactly one kind of credentials must be set. ``CREDENTIALS`` is the one table of the
credential variables: ``from_env`` reads it, and the CLI makes its flags from it.
"""

import math
import os
from collections.abc import Mapping
from typing import Any, Final

from attrs import frozen

from .._auth.credentials import (
    EnterpriseAppCredentials,
    FixedToken,
    InternalAppCredentials,
    UserCredentials,
)
from .._auth.token import TokenProvider
from .._errors import ConfigurationError
from .._redact import SECRET_FIELD_NAMES
from .settings import check_base_url

__all__ = [
    "CREDENTIALS",
    "ConfigurationError",
    "CredentialVariable",
    "check_base_url",
    "credentials_from_env",
    "secret_values",
    "settings_from_env",
]

INTERNAL_APP: Final = "internal app"
ENTERPRISE_APP: Final = "third-party enterprise app"
PERSONAL_APP: Final = "third-party personal app"
FIXED_TOKEN: Final = "fixed access token"  # noqa: S105 - a label, not a token


@frozen
class CredentialVariable:
    """One credential setting: its variable, the app type it belongs to, the token-request field it fills."""

    variable: str
    kind: str
    field: str
    """The wire name in the spec (``appSecret``); the spec says whether it is secret."""
    required: bool = True
    """False for the personal app's two grants, of which one is needed."""

    @property
    def secret(self) -> bool:
        return self.field in SECRET_FIELD_NAMES

    @property
    def flag(self) -> str:
        """The CLI's flag for it: ``DINGTALK_APP_SECRET`` is ``--app-secret``."""
        return "--" + self.variable.removeprefix("DINGTALK_").lower().replace("_", "-")

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


CREDENTIALS: Final = (
    CredentialVariable("DINGTALK_APP_KEY", INTERNAL_APP, "appKey"),
    CredentialVariable("DINGTALK_APP_SECRET", INTERNAL_APP, "appSecret"),
    CredentialVariable("DINGTALK_SUITE_KEY", ENTERPRISE_APP, "suiteKey"),
    CredentialVariable("DINGTALK_SUITE_SECRET", ENTERPRISE_APP, "suiteSecret"),
    CredentialVariable("DINGTALK_AUTH_CORP_ID", ENTERPRISE_APP, "authCorpId"),
    CredentialVariable("DINGTALK_SUITE_TICKET", ENTERPRISE_APP, "suiteTicket"),
    CredentialVariable("DINGTALK_CLIENT_ID", PERSONAL_APP, "clientId"),
    CredentialVariable("DINGTALK_CLIENT_SECRET", PERSONAL_APP, "clientSecret"),
    CredentialVariable("DINGTALK_REFRESH_TOKEN", PERSONAL_APP, "refreshToken", required=False),
    CredentialVariable("DINGTALK_AUTH_CODE", PERSONAL_APP, "code", required=False),
    CredentialVariable("DINGTALK_ACCESS_TOKEN", FIXED_TOKEN, "accessToken"),
)


def secret_values(environ: Mapping[str, str]) -> frozenset[str]:
    """The secrets the environment holds, to keep out of anything printed."""
    return frozenset(value for c in CREDENTIALS if c.secret and (value := environ.get(c.variable)))


def credentials_from_env(environ: Mapping[str, str] = os.environ) -> TokenProvider:
    """The token provider the environment describes; names the missing variables if any."""
    kinds = list(dict.fromkeys(c.kind for c in CREDENTIALS))
    present = [kind for kind in kinds if any(environ.get(c.variable) for c in CREDENTIALS if c.kind == kind)]
    if not present:
        wanted = "; or ".join(
            ", ".join(c.variable for c in CREDENTIALS if c.kind == kind and c.required) for kind in kinds
        )
        raise ConfigurationError(f"no DingTalk credentials in the environment: set {wanted}")
    if len(present) > 1:
        raise ConfigurationError(f"credentials of several kinds are set ({', '.join(sorted(present))}): keep one")
    (kind,) = present
    missing = [c.variable for c in CREDENTIALS if c.kind == kind and c.required and not environ.get(c.variable)]
    if missing:
        raise ConfigurationError(f"{kind} credentials are incomplete: set {', '.join(missing)}")
    get = environ.__getitem__
    if kind == INTERNAL_APP:
        return InternalAppCredentials(get("DINGTALK_APP_KEY"), get("DINGTALK_APP_SECRET"))
    if kind == ENTERPRISE_APP:
        return EnterpriseAppCredentials(
            get("DINGTALK_SUITE_KEY"),
            get("DINGTALK_SUITE_SECRET"),
            get("DINGTALK_AUTH_CORP_ID"),
            get("DINGTALK_SUITE_TICKET"),
        )
    if kind == PERSONAL_APP:
        refresh_token, auth_code = environ.get("DINGTALK_REFRESH_TOKEN"), environ.get("DINGTALK_AUTH_CODE")
        if not refresh_token and not auth_code:
            raise ConfigurationError("a personal app needs DINGTALK_REFRESH_TOKEN or DINGTALK_AUTH_CODE")
        return UserCredentials(
            get("DINGTALK_CLIENT_ID"), get("DINGTALK_CLIENT_SECRET"), refresh_token=refresh_token, auth_code=auth_code
        )
    return FixedToken(get("DINGTALK_ACCESS_TOKEN"))


def _number(environ: Mapping[str, str], name: str, kind: type[float] | type[int], least: float) -> float | int | None:
    text = environ.get(name)
    if not text:
        return None
    try:
        value = kind(text)
    except ValueError:
        raise ConfigurationError(f"{name}={text!r} is not a {'number' if kind is float else 'whole number'}") from None
    if not least <= value < math.inf or (kind is float and value == 0):
        bound = "more than 0" if kind is float else "0 or more"
        raise ConfigurationError(f"{name}={text!r}: must be {bound}")
    return value


def settings_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Client keyword arguments from the environment (credentials included); bad values are ``ConfigurationError``s."""
    settings: dict[str, Any] = {"credentials": credentials_from_env(environ)}
    if environ.get("DINGTALK_BASE_URL"):
        settings["base_url"] = check_base_url(environ["DINGTALK_BASE_URL"], "DINGTALK_BASE_URL")
    if (timeout := _number(environ, "DINGTALK_TIMEOUT", float, 0)) is not None:
        settings["timeout"] = timeout
    if (max_retries := _number(environ, "DINGTALK_MAX_RETRIES", int, 0)) is not None:
        settings["max_retries"] = max_retries
    if environ.get("DINGTALK_REDIS_URL"):
        from .._auth.redis_store import RedisTokenStore

        try:
            settings["token_store"] = RedisTokenStore(url=environ["DINGTALK_REDIS_URL"])
        except ConfigurationError as error:
            raise ConfigurationError(f"DINGTALK_REDIS_URL: {error}") from None
    return settings
