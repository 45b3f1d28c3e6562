"""One call's ``httpx.Request``, the very request ``httpx.Client.build_request`` would make, built in one pass.

``build_request`` merges the client's headers, cookies and query parameters into new
objects, then ``Request`` parses the merged headers again and adds its own (Host,
Content-Length) in a second ``Headers`` object: ~60 µs a call, most of the SDK's own share of
a request. The generated operations hand over a method, an encoded path, maybe a JSON body,
headers and extensions; those are laid out here once, in httpx's order, with httpx's JSON
encoding. Anything else (``content=``, ``params=``, cookies, ...) goes through
``build_request`` as before. ``tests/test_requests.py`` compares both for every operation.
"""

import json
from typing import Any, Final

import httpx

from ._transports import NoCookies, call_url

_FAST_KEYS: Final = frozenset({"method", "url", "json", "headers", "extensions", "timeout"})
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})


def build_request(client: httpx.Client | httpx.AsyncClient, base: httpx.URL, kwargs: dict[str, Any]) -> httpx.Request:
    """The request for a generated operation's ``kwargs`` on ``client`` (whose parsed base URL is ``base``)."""
    url = call_url(base, kwargs["url"])
    extra: dict[str, str] = kwargs.get("headers") or {}
    if (
        not _FAST_KEYS.issuperset(kwargs)
        or not isinstance(client.cookies, NoCookies)  # the SDK's clients keep none: no jar to walk
        or client.params
        or (extra and not all(key.isascii() and value.isascii() for key, value in extra.items()))
    ):
        return client.build_request(**{**kwargs, "url": url})
    method: str = kwargs["method"].upper()
    raw = client.headers.raw
    if not extra and "json" not in kwargs:  # get, subscribe, unsubscribe: the same headers every call
        headers: httpx.Headers | list[tuple[bytes, bytes]] = _bodiless_headers(raw, url, method)
        body = b""
    else:
        headers, body = _headers_and_body(raw, url, method, extra, kwargs)
    timeout = kwargs.get("timeout", httpx.USE_CLIENT_DEFAULT)
    extensions = dict(kwargs.get("extensions") or {})
    if "timeout" not in extensions:
        chosen = client.timeout if timeout is httpx.USE_CLIENT_DEFAULT else httpx.Timeout(timeout)
        extensions["timeout"] = chosen.as_dict()
    request = httpx.Request(method, url, headers=headers, stream=httpx.ByteStream(body), extensions=extensions)
    # What request.read() would leave (as Request does with a body it encoded itself), without
    # walking the stream for bytes already at hand.
    request._content = body
    return request


_PREPARED: dict[tuple[object, ...], httpx.Headers] = {}
_PREPARED_KEPT: Final = 64


def _bodiless_headers(raw: list[tuple[bytes, bytes]], url: httpx.URL, method: str) -> httpx.Headers:
    """The headers of a request without a body, parsed once per client headers, host and method kind."""
    key = (tuple(raw), url.netloc, method in _BODY_METHODS)
    headers = _PREPARED.get(key)
    if headers is None:
        if len(_PREPARED) >= _PREPARED_KEPT:
            _PREPARED.clear()
        headers = _PREPARED[key] = httpx.Headers(_auto_headers(raw, url, method) + raw)
    return headers  # Request copies it: the token the auth layer adds goes on the copy


def _headers_and_body(
    raw: list[tuple[bytes, bytes]], url: httpx.URL, method: str, extra: dict[str, str], kwargs: dict[str, Any]
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers laid out as httpx lays them out (the call's merged in, then the body's), and the body."""
    if extra:  # Headers.update: every header of a name given is replaced by the given ones, at the end
        given = [(key.encode(), value.encode()) for key, value in extra.items()]
        replaced = {key.lower() for key, _ in given}
        raw = [header for header in raw if header[0].lower() not in replaced] + given
    if "json" in kwargs:
        # httpx's own encoding (httpx._content.encode_json), so the bytes are the same.
        body = json.dumps(kwargs["json"], ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        _set_default(raw, b"Content-Length", str(len(body)).encode())
        _set_default(raw, b"Content-Type", b"application/json")
    else:
        body = b""
    return _auto_headers(raw, url, method) + raw, body


def _auto_headers(raw: list[tuple[bytes, bytes]], url: httpx.URL, method: str) -> list[tuple[bytes, bytes]]:
    """What Request._prepare puts first: the Host, and a zero length for a POST without a body."""
    names = {key.lower() for key, _ in raw}
    auto: list[tuple[bytes, bytes]] = []
    if b"host" not in names and url.host:
        auto.append((b"Host", url.netloc))
    if method in _BODY_METHODS and b"content-length" not in names and b"transfer-encoding" not in names:
        auto.append((b"Content-Length", b"0"))
    return auto


def _set_default(raw: list[tuple[bytes, bytes]], key: bytes, value: bytes) -> None:
    lowered = key.lower()
    if all(name.lower() != lowered for name, _ in raw):
        raw.append((key, value))
