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
| ``DINGTALK_LOG`` | log level of the ``dingtalk_calendar`` logger |

Exactly one kind of credentials must be set.
"""

import os
from collections.abc import Mapping
from typing import Any

from ._errors import DingTalkError
from ._token_store import RedisTokenStore
from ._tokens import EnterpriseAppCredentials, FixedToken, InternalAppCredentials, TokenProvider, UserCredentials

_KINDS = {
    "internal app": ("DINGTALK_APP_KEY", "DINGTALK_APP_SECRET"),
    "third-party enterprise app": (
        "DINGTALK_SUITE_KEY",
        "DINGTALK_SUITE_SECRET",
        "DINGTALK_AUTH_CORP_ID",
        "DINGTALK_SUITE_TICKET",
    ),
    "third-party personal app": ("DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET"),
    "fixed access token": ("DINGTALK_ACCESS_TOKEN",),
}


class ConfigurationError(DingTalkError, ValueError):
    """The environment (or the flags) do not describe one usable set of credentials."""


def credentials_from_env(environ: Mapping[str, str] = os.environ) -> TokenProvider:
    """The token provider the environment describes; names the missing variables if any."""
    present = {kind for kind, names in _KINDS.items() if any(environ.get(n) for n in names)}
    if not present:
        wanted = "; or ".join(", ".join(names) for names in _KINDS.values())
        raise ConfigurationError(f"no DingTalk credentials in the environment: set {wanted}")
    if len(present) > 1:
        raise ConfigurationError(f"credentials of several kinds are set ({', '.join(sorted(present))}): keep one")
    (kind,) = present
    missing = [n for n in _KINDS[kind] if not environ.get(n)]
    if missing:
        raise ConfigurationError(f"{kind} credentials are incomplete: set {', '.join(missing)}")
    get = environ.__getitem__
    if kind == "internal app":
        return InternalAppCredentials(get("DINGTALK_APP_KEY"), get("DINGTALK_APP_SECRET"))
    if kind == "third-party enterprise app":
        return EnterpriseAppCredentials(
            get("DINGTALK_SUITE_KEY"),
            get("DINGTALK_SUITE_SECRET"),
            get("DINGTALK_AUTH_CORP_ID"),
            get("DINGTALK_SUITE_TICKET"),
        )
    if kind == "third-party personal app":
        refresh_token, auth_code = environ.get("DINGTALK_REFRESH_TOKEN"), environ.get("DINGTALK_AUTH_CODE")
        if not refresh_token and not auth_code:
            raise ConfigurationError("a personal app needs DINGTALK_REFRESH_TOKEN or DINGTALK_AUTH_CODE")
        return UserCredentials(
            get("DINGTALK_CLIENT_ID"), get("DINGTALK_CLIENT_SECRET"), refresh_token=refresh_token, auth_code=auth_code
        )
    return FixedToken(get("DINGTALK_ACCESS_TOKEN"))


def settings_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Client keyword arguments from the environment (credentials included)."""
    settings: dict[str, Any] = {"credentials": credentials_from_env(environ)}
    if environ.get("DINGTALK_BASE_URL"):
        settings["base_url"] = environ["DINGTALK_BASE_URL"]
    for name, key, kind in (("DINGTALK_TIMEOUT", "timeout", float), ("DINGTALK_MAX_RETRIES", "max_retries", int)):
        if environ.get(name):
            try:
                settings[key] = kind(environ[name])
            except ValueError:
                raise ConfigurationError(f"{name}={environ[name]!r} is not a {kind.__name__}") from None
    if environ.get("DINGTALK_REDIS_URL"):
        settings["token_store"] = RedisTokenStore(url=environ["DINGTALK_REDIS_URL"])
    return settings
