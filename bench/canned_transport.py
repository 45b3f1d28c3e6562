"""An in-process transport that answers like the emulator without a network, to time client code alone."""

import json
from typing import Final

import httpx

from . import scenario as s

CALENDAR_ID: Final = "MUBzdWJzY3JpYmVkLmNhbGVuZGFyLmVtdWxhdG9y"
_CALENDAR: Final = {
    "calendarId": CALENDAR_ID,
    "name": s.CREATED_NAME,
    "author": s.AUTHOR,
    "managers": [],
    "subscribeScope": {"unionIds": [], "openConversationIds": [], "corpIds": [s.CORP]},
}
_HEADERS: Final = {"content-type": "application/json;charset=utf-8", "x-acs-request-id": "0A1B2C3D-BENCH"}


def _body(request: httpx.Request) -> bytes:
    path = request.url.path
    if path.endswith("/accessToken"):
        return json.dumps({"accessToken": "canned-token", "expireIn": 7200}).encode()
    if path.endswith("/subscribe"):
        return b""  # as DingTalk and the emulator may answer
    if request.method == "GET":
        return json.dumps(_CALENDAR).encode()
    if request.method == "POST" and path.endswith("/subscribedCalendars"):
        return json.dumps({"calendarId": CALENDAR_ID}).encode()
    return b'{"result":true}'


class CannedTransport(httpx.BaseTransport):
    """Every request succeeds at once with the body the emulator would send."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(200, headers=_HEADERS, content=_body(request))
