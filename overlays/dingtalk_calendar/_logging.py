"""The SDK's stdlib logging: the ``dingtalk_calendar`` logger, its level from the environment, redaction.

Nothing in the SDK logs a token, secret, ticket, auth code or refresh token in the first
place; the filter below is a second line of defence for what a log line might quote (a
body, a URL) and masks the values of secret-looking fields.

``DINGTALK_LOG=debug`` (or info, warning, ...) sets the level and, if the application
configured no handler of its own for the logger, adds one that writes to stderr.
"""

import logging
import os
import re
from collections.abc import Mapping
from typing import Final

LOGGER_NAME: Final = "dingtalk_calendar"
LEVEL_VARIABLE: Final = "DINGTALK_LOG"

# Compiled (and cached by ``re``) on first use rather than at import: only the DINGTALK_LOG
# filter uses it, and compiling it would cost more than the rest of this module.
_SENSITIVE_FIELD_REGEX: Final = r"""(?ix)
    (x-acs-dingtalk-access-token|access_?token|refresh_?token|app_?secret|suite_?secret|client_?secret
     |suite_?ticket|auth_?code|\bcode)
    (["']?\s*[:=]\s*["']?)
    ([^"'\s,;&}]+)
    """


def redact(text: str) -> str:
    """``text`` with the values of secret-looking fields replaced by ``***``."""
    return re.sub(_SENSITIVE_FIELD_REGEX, lambda m: f"{m.group(1)}{m.group(2)}***", text)


class RedactingFilter(logging.Filter):
    """Masks secret-looking values in a record's message (arguments merged first)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``DINGTALK_LOG`` adds; marked so it is added once."""


def configure_from_env(environ: Mapping[str, str] = os.environ) -> None:
    """Apply ``DINGTALK_LOG``, once; does nothing when it is unset."""
    level_name = environ.get(LEVEL_VARIABLE, "").strip().upper()
    if not level_name:
        return
    logger = logging.getLogger(LOGGER_NAME)
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        logger.warning("%s=%r is not a logging level; ignored", LEVEL_VARIABLE, level_name)
        return
    logger.setLevel(level)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
    if not logger.handlers:
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
