"""Client settings from the ``DINGTALK_*`` environment, with command-line flags taking precedence.

The credential flags are made from the SDK's own table (``_client.env.CREDENTIALS``): flags are
folded into a copy of the environment and ``settings_from_env`` reads the result, so the CLI
and the SDK accept and reject exactly the same settings.
"""

from argparse import Namespace
from collections.abc import Mapping
from typing import Any

from .._client.env import CREDENTIALS, check_base_url, secret_values, settings_from_env

__all__ = ["CREDENTIALS", "client_settings", "effective_environment", "secret_values"]


def effective_environment(args: Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with the credential flags given applied over it.

    Flags of one app type drop the environment's credentials of the other types, so that
    ``--app-key`` works on a machine whose environment holds a personal app's; the flags'
    own type still takes what the flags leave out (a secret) from the environment.
    """
    given = {c: value for c in CREDENTIALS if (value := getattr(args, c.dest, None)) is not None}
    merged = dict(environ)
    if given:
        kinds = {c.kind for c in given}
        for c in CREDENTIALS:
            if c.kind not in kinds:
                merged.pop(c.variable, None)
        merged.update({c.variable: value for c, value in given.items()})
    return merged


def client_settings(args: Namespace, environ: Mapping[str, str]) -> dict[str, Any]:
    """Keyword arguments for ``CalendarClient``: credentials and the global options."""
    settings = settings_from_env(effective_environment(args, environ))
    if args.base_url is not None:
        settings["base_url"] = check_base_url(args.base_url, "--base-url")
    if args.timeout is not None:
        settings["timeout"] = args.timeout
    if args.max_retries is not None:
        settings["max_retries"] = args.max_retries
    headers = [*(getattr(args, "headers", None) or ()), *(getattr(args, "headers_after_command", None) or ())]
    if headers:
        settings["default_headers"] = dict(headers)
    return settings
