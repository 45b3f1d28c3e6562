"""DingTalk's errors as the emulator raises them, with status and code taken from the spec.

Documented errors are looked up in ``spec_data`` by operation and message, so a message
or status that the spec changes changes here too; a lookup of something the spec does
not document fails loudly instead of inventing a second error table.
"""

import re
from collections.abc import Mapping
from typing import Any

from dingtalk_calendar_api.error_codes import ErrorCode, ErrorReason
from dingtalk_calendar_api.models import Error
from dingtalk_calendar_api.spec_data import GLOBAL_ERRORS, OPERATIONS, DocumentedError


class ApiError(Exception):
    """An error answer: HTTP status plus DingTalk's ``{code, message}`` (``requestid`` added on the way out)."""

    def __init__(self, status: int, code: str, message: str, extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra: Mapping[str, Any] = extra or {}

    def body(self, request_id: str) -> dict[str, Any]:
        """The JSON body DingTalk sends: code, message, requestid and any extra keys."""
        return {**Error(code=self.code, message=self.message, requestid=request_id).to_dict(), **self.extra}


def _find(errors: tuple[DocumentedError, ...], code: str, message: str | None) -> DocumentedError | None:
    for error in errors:
        if error.code == code and (message is None or error.message == message):
            return error
    return None


def documented(operation_id: str, reason: ErrorReason, language: str = "en") -> ApiError:
    """The error the spec documents for ``operation_id`` with message ``reason`` (its status and code).

    With ``language="zh"`` the message is the China site's Chinese one where the spec has one.
    """
    for error in OPERATIONS[operation_id].errors:
        if error.message == reason.value:
            message = error.message_zh if language == "zh" and error.message_zh else reason.value
            return ApiError(error.status, error.code, message)
    raise LookupError(f"openapi.yaml documents no error {reason.value!r} for {operation_id}")


def invalid_parameter(operation_id: str, detail: str) -> ApiError:
    """``invalidParameter`` with DingTalk's own detail: the spec's "forwardErrorMessage" row.

    The spec documents that row's message as the placeholder ``forwardErrorMessage``,
    meaning "DingTalk forwards the detail"; the emulator sends the detail itself.
    """
    error = _find(OPERATIONS[operation_id].errors, ErrorCode.INVALID_PARAMETER, ErrorReason.FORWARDERRORMESSAGE)
    if error is None:
        raise LookupError(f"openapi.yaml documents no forwarded invalidParameter for {operation_id}")
    return ApiError(error.status, error.code, detail)


def global_error(code: ErrorCode, message: str | None = None, extra: Mapping[str, Any] | None = None) -> ApiError:
    """One of the spec's ``x-dingtalk-global-errors``; ``message`` None takes the spec's own (Chinese if only that)."""
    error = _find(GLOBAL_ERRORS, code.value, None)
    if error is None:
        raise LookupError(f"openapi.yaml lists no global error {code.value!r}")
    if message is None:
        # The page's message; where it gives none, the first words of the spec's description.
        message = error.message or error.message_zh or re.split(r"[;(.]", error.description)[0].strip()
    return ApiError(error.status, error.code, message, extra)


def credentials_error(operation_id: str, code: ErrorCode, message: str, language: str = "en") -> ApiError:
    """A documented error of a token endpoint; with ``language="zh"`` its page's Chinese message, if any."""
    error = _find(OPERATIONS[operation_id].errors, code.value, None)
    if error is None:
        raise LookupError(f"openapi.yaml documents no {code.value!r} for {operation_id}")
    if language == "zh" and error.message_zh:
        message = error.message_zh
    return ApiError(error.status, error.code, message)


class NotFoundError(ApiError):
    """A path or method DingTalk does not serve; the answer of DingTalk's API gateway."""

    def __init__(self) -> None:
        super().__init__(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")


def throttled() -> ApiError:
    """DingTalk's answer to an app over its per-API QPS quota."""
    return global_error(
        ErrorCode.FORBIDDEN_ACCESS_DENIED_QPS_LIMIT_FOR_APPKEY_AND_API,
        "the app is over its QPS quota for this API; wait about a second and retry",
    )
