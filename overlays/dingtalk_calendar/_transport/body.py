"""Reading an answer's body whole, decoded, and never past a size cap (``max_response_bytes``).

The raw bytes and every decoding step are counted as they come (zlib's ``max_length``: no step
makes more than the cap allows), so a gzip-in-gzip bomb or an endless body raises
:class:`BodyTooLarge` with memory near the cap. The SDK asks for ``gzip, deflate`` only.
"""

import zlib
from datetime import timedelta

import httpx

from .._defaults import DEFAULT_MAX_RESPONSE_BYTES

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "BodyReader", "ask_for_decodable", "decoded_response"]

ACCEPT_ENCODING = "gzip, deflate"
"""What the reader decodes (httpx would add ``br`` and ``zstd`` when their packages are installed)."""


def ask_for_decodable(request: httpx.Request) -> None:
    """Ask only for encodings :class:`BodyReader` decodes (or for none at all)."""
    if request.headers.get("accept-encoding") not in (ACCEPT_ENCODING, "identity"):
        request.headers["Accept-Encoding"] = ACCEPT_ENCODING


class BodyError(Exception):
    """An answer's body the SDK will not take."""


class BodyTooLarge(BodyError):
    """The answer's body, raw or decoded, passed the cap."""


class BodyUndecodable(BodyError):
    """The answer's content encoding is not one the SDK decodes, or its bytes do not decode."""


class _Inflater:
    """One content-encoding step (gzip or deflate), making at most ``room`` bytes a feed."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        try:
            out = self._zlib.decompress(data, room + 1)
        except zlib.error:
            if self._gzip or self._started:
                raise
            # "deflate" answers come with or without the zlib wrapper; httpx accepts both.
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, room + 1)
        self._started = True
        if len(out) > room or self._zlib.unconsumed_tail:
            raise BodyTooLarge
        return out

    def flush(self, room: int) -> bytes:
        out = self._zlib.flush()
        if len(out) > room:
            raise BodyTooLarge
        return out


class BodyReader:
    """Feed it an answer's raw chunks; ``decoded()`` is the body, at most ``cap`` bytes at every step."""

    def __init__(self, headers: httpx.Headers, cap: int) -> None:
        self.cap = cap
        encodings = [e.strip().lower() for e in headers.get_list("content-encoding", split_commas=True)]
        encodings = [e for e in encodings if e and e != "identity"]
        for encoding in encodings:
            if encoding not in ("gzip", "x-gzip", "deflate"):
                raise BodyUndecodable(f"the answer is encoded as {encoding!r}, which the SDK did not ask for")
        self._steps = [_Inflater(e) for e in reversed(encodings)]  # the last one applied is undone first
        self._made = [0] * (len(self._steps) + 1)  # bytes each stage has made so far: raw, then each step's
        self._parts: list[bytes] = []

    def feed(self, chunk: bytes) -> None:
        self._push(0, chunk)

    def _push(self, stage: int, data: bytes) -> None:
        self._made[stage] += len(data)
        if self._made[stage] > self.cap:
            raise BodyTooLarge
        if stage == len(self._steps):
            self._parts.append(data)
        elif data:
            try:
                out = self._steps[stage].feed(data, self.cap - self._made[stage + 1])
            except zlib.error as error:
                raise BodyUndecodable(f"the answer's body does not decode: {error}") from error
            self._push(stage + 1, out)

    def decoded(self) -> bytes:
        for stage, step in enumerate(self._steps):
            try:
                self._push(stage + 1, step.flush(self.cap - self._made[stage + 1]))
            except zlib.error as error:
                raise BodyUndecodable(f"the answer's body does not decode: {error}") from error
        return b"".join(self._parts)


def decoded_response(
    response: httpx.Response, body: bytes, request: httpx.Request, elapsed: timedelta
) -> httpx.Response:
    """``response`` with its decoded ``body`` in it: read, closed, no content encoding left to undo."""
    if "content-encoding" in response.headers:
        del response.headers["content-encoding"]
        response.headers["content-length"] = str(len(body))
    response.stream = httpx.ByteStream(body)
    response.read()  # httpx's one way to set .content, here from memory: the caller read the stream
    response.request, response.elapsed = request, elapsed
    return response
