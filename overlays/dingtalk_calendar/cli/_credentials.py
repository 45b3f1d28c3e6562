"""Client settings from the ``DINGTALK_*`` environment, with command-line flags taking precedence.

Flags are folded into a copy of the environment and the SDK's own ``settings_from_env``
reads the result, so the CLI and the SDK accept and reject exactly the same settings.
"""

from argparse import Namespace
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from .._env import settings_from_env


@frozen
class CredentialFlag:
    flag: str
    variable: str
    kind: str
    """Which app type it belongs to; flags of one type hide the environment's other types."""
    secret: bool

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


CREDENTIAL_FLAGS = (
    CredentialFlag("--app-key", "DINGTALK_APP_KEY", "internal app", secret=False),
    CredentialFlag("--app-secret", "DINGTALK_APP_SECRET", "internal app", secret=True),
    CredentialFlag("--suite-key", "DINGTALK_SUITE_KEY", "enterprise app", secret=False),
    CredentialFlag("--suite-secret", "DINGTALK_SUITE_SECRET", "enterprise app", secret=True),
    CredentialFlag("--auth-corp-id", "DINGTALK_AUTH_CORP_ID", "enterprise app", secret=False),
    CredentialFlag("--suite-ticket", "DINGTALK_SUITE_TICKET", "enterprise app", secret=True),
    CredentialFlag("--client-id", "DINGTALK_CLIENT_ID", "personal app", secret=False),
    CredentialFlag("--client-secret", "DINGTALK_CLIENT_SECRET", "personal app", secret=True),
    CredentialFlag("--refresh-token", "DINGTALK_REFRESH_TOKEN", "personal app", secret=True),
    CredentialFlag("--auth-code", "DINGTALK_AUTH_CODE", "personal app", secret=True),
    CredentialFlag("--access-token", "DINGTALK_ACCESS_TOKEN", "fixed token", secret=True),
)


def effective_environment(args: Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with the credential flags given applied over it.

    Flags of one app type drop the environment's credentials of the other types, so that
    ``--app-key`` works on a machine whose environment holds a personal app's; the flags'
    own type still takes what the flags leave out (a secret) from the environment.
    """
    given = {f: value for f in CREDENTIAL_FLAGS if (value := getattr(args, f.dest, None)) is not None}
    merged = dict(environ)
    if given:
        kinds = {f.kind for f in given}
        for f in CREDENTIAL_FLAGS:
            if f.kind not in kinds:
                merged.pop(f.variable, None)
        merged.update({f.variable: value for f, value in given.items()})
    return merged


def client_settings(args: Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """Keyword arguments for ``CalendarClient``: credentials and the global options."""
    settings = settings_from_env(effective_environment(args, environ))
    if args.base_url is not None:
        settings["base_url"] = args.base_url
    if args.timeout is not None:
        settings["timeout"] = args.timeout
    if args.max_retries is not None:
        settings["max_retries"] = args.max_retries
    headers = [*(getattr(args, "headers", None) or ()), *(getattr(args, "headers_after_command", None) or ())]
    if headers:
        settings["default_headers"] = dict(headers)
    return settings


def secret_values(environ: Mapping[str, str]) -> frozenset[str]:
    """The secrets the environment holds, to keep out of anything the CLI prints."""
    return frozenset(v for f in CREDENTIAL_FLAGS if f.secret and (v := environ.get(f.variable)))
