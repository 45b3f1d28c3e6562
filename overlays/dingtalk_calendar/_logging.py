"""The SDK's stdlib logging: its loggers' level from the environment, and redaction.

Nothing in the SDK logs a token, secret, ticket, auth code or refresh token in the first
place; the filter below is a second line of defence for what a log line might quote (a
body, a URL, the headers httpcore logs at DEBUG) and masks the values of the fields the
spec marks secret, and of DingTalk's token header.

``DINGTALK_LOG=debug`` (or info, warning, ...) sets the level of the ``dingtalk_calendar``
logger and of the HTTP libraries' loggers (``httpx``, ``httpcore``, ``aiohttp``), puts the
redacting filter on them, and, if the application configured no handler that their records
reach, adds one that writes to stderr. It is read once, when the first client is built.
"""

import functools
import logging
import os
import re
import threading
from collections.abc import Mapping
from typing import Final

from dingtalk_calendar_api.spec_data import ACCESS_TOKEN_HEADER

from ._redact import SECRET_FIELD_NAMES

LOGGER_NAME: Final = "dingtalk_calendar"
LEVEL_VARIABLE: Final = "DINGTALK_LOG"
LIBRARY_LOGGERS: Final = ("httpx", "httpcore", "aiohttp")
"""The loggers of the HTTP libraries under the SDK, which ``DINGTALK_LOG`` covers too."""


def _spelling(wire_name: str) -> str:
    """``accessToken`` also as ``access_token``, ``access-token``, ``ACCESS_TOKEN``."""
    words = re.split(r"(?<=[a-z0-9])(?=[A-Z])", wire_name)
    return r"[_-]?".join(re.escape(word) for word in words)


@functools.cache
def _sensitive_field() -> re.Pattern[str]:
    # Built on first use, not at import: only the DINGTALK_LOG filter needs it.
    names = sorted((_spelling(name) for name in SECRET_FIELD_NAMES), key=len, reverse=True)
    return re.compile(
        # Not inside a longer word: "getAccessToken: attempt 1" names an operation, not a token.
        rf"(?<![A-Za-z0-9])({re.escape(ACCESS_TOKEN_HEADER)}|{'|'.join(names)})"
        # name: value, name=value, "name": "value", and httpcore's (b'name', b'value').
        r"""(["']?\s*[:=]\s*b?["']?|["'],\s*b?["'])"""
        r"""([^"'\s,;&}\])]+)""",
        re.IGNORECASE,
    )


def redact(text: str) -> str:
    """``text`` with the values of secret fields (and of the token header) replaced by ``***``."""
    return _sensitive_field().sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)


class RedactingFilter(logging.Filter):
    """Masks secret values in a record's message (arguments merged first).

    Put it on your own handlers too: a logger's filter sees only that logger's records,
    not those of its children.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``DINGTALK_LOG`` adds; marked so it is added once."""


def configure_from_env(environ: Mapping[str, str] = os.environ) -> None:
    """Apply ``DINGTALK_LOG``; does nothing when it is unset. Calling it again adds nothing twice."""
    level_name = environ.get(LEVEL_VARIABLE, "").strip().upper()
    if not level_name:
        return
    ours = logging.getLogger(LOGGER_NAME)
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        ours.warning("%s=%r is not a logging level; ignored", LEVEL_VARIABLE, level_name)
        return
    for root in (LOGGER_NAME, *LIBRARY_LOGGERS):
        logger = logging.getLogger(root)
        logger.setLevel(level)
        for each in (logger, *_children(root)):
            if not any(isinstance(f, RedactingFilter) for f in each.filters):
                each.addFilter(RedactingFilter())
        if not logger.hasHandlers():
            handler = _EnvHandler()
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            handler.addFilter(RedactingFilter())
            logger.addHandler(handler)


_configured = threading.Lock()


@functools.cache
def configure_once() -> None:
    """:func:`configure_from_env` on the first call in this process only (each client calls it)."""
    with _configured:  # two clients built at once by two threads must not add two handlers
        configure_from_env()


def _children(root: str) -> list[logging.Logger]:
    """The loggers below ``root`` that exist now (a library creates its loggers when imported)."""
    prefix = root + "."
    return [
        logger
        for name, logger in list(logging.Logger.manager.loggerDict.items())
        if name.startswith(prefix) and isinstance(logger, logging.Logger)
    ]
