"""The one place the SDK decodes JSON: answers of every status, token answers, raw results,
stored tokens and journal lines.

Whatever goes wrong (bytes that are not UTF-8, text that is not JSON, nesting past the
parser's depth, which raises ``RecursionError``) is an :class:`UnreadableJSONError` naming
what was being read; callers that can do without the value catch it, the others turn it into
the error of their layer (a ``MalformedResponseError`` for an answer).
"""

import json
from typing import Any

from ._error_base import DingTalkError


class UnreadableJSONError(DingTalkError, ValueError):
    """A body or entry that should be JSON could not be read; ``what`` names it, ``detail`` says why.

    The message never quotes the content: it may hold a token.
    """

    def __init__(self, what: str, detail: str) -> None:
        self.what = what
        self.detail = detail
        super().__init__(f"cannot read {what}: {detail}")


def decode_json(content: bytes | str, *, what: str) -> Any:
    """The JSON value of ``content`` (UTF-8 when bytes, as RFC 8259 has it on the network)."""
    try:
        text = content.decode("utf-8") if isinstance(content, bytes | bytearray) else content
    except UnicodeDecodeError:
        raise UnreadableJSONError(what, "not UTF-8") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise UnreadableJSONError(what, "nested too deeply to read") from None
    except ValueError as error:
        position = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        raise UnreadableJSONError(what, f"not JSON{position}") from None
