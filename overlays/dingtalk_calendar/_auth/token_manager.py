"""One credential's access token: cached, refreshed ahead of expiry, fetched by one caller at a time.

Single flight, from the inside out:

* a fresh token in this manager's memory is returned with no lock and no I/O;
* otherwise sync callers queue on one ``threading.Lock``; async callers first on an
  ``asyncio.Lock`` of their event loop (so that 1,000 tasks do not poll), then on the same
  ``threading.Lock`` (so that other threads and event loops are excluded too);
* the holder reads the store, and only when it has no fresh token either, takes the
  store's lock (cross-process for Redis), reads once more, fetches, and writes.

Every waiter re-reads after the holder is done, so a cold start of any number of threads,
tasks or processes causes one token request.

No wait outlasts the waiter's time limit (its client call's, else ``max_elapsed``): a
caller whose time is up raises ``APITimeoutError`` rather than fetch a token too late.
"""

from __future__ import annotations

from .async_token_access import AsyncTokenAccess
from .token_access import TokenAccess


class TokenManager(TokenAccess, AsyncTokenAccess):
    """Keeps one credential's access token fresh. Thread-safe and usable from any event loop.

    ``provider``: the credential (``InternalAppCredentials``, ``EnterpriseAppCredentials``,
    ``UserCredentials``, ``FixedToken``).

    ``store``: where tokens are kept; ``MemoryTokenStore()`` by default, a
    ``RedisTokenStore`` to share them (and user refresh tokens) across processes and hosts.

    ``base_url``, ``transport``, ``async_transport``, ``timeout``: how the token endpoints are
    reached (they need no token). Pass the transports your API client uses (a retrying one,
    a mock) to treat token requests the same way; they are not closed here. ``headers``: what
    every token request carries (the SDK's User-Agent by default; a client passes its own headers).

    ``refresh_margin``: a token is replaced this many seconds before it expires (300), or at
    half its life when that comes later, so a short-lived token is not fetched on every call.

    ``min_ttl``: whatever ``expireIn`` DingTalk answers (0, 1, ...), a token is used for at
    least this many seconds (60) before it is fetched again; the token endpoints are rate
    limited, and a tiny lifetime must not turn every call into a token request.

    ``min_fetch_interval``: when DingTalk rejects the current token, a new one is fetched at
    once; but when it rejects that one too within this many seconds (5), no other is fetched
    before they have passed, and the call fails instead. A server that refuses every token
    (a tiny ``expireIn``, a misconfigured app) then costs one token request per interval,
    not one per call.

    ``max_elapsed``: no wait for a token (for another caller's fetch, for the store's lock)
    outlasts a client call's time limit; ``get_token()`` and ``invalidate()`` made outside a
    call get this one (None: no limit; a client passes its ``RetryPolicy.max_elapsed``). A
    caller out of time raises ``APITimeoutError`` and fetches nothing.

    ``clock``: wall-clock seconds since the epoch (``time.time``); tokens in a shared store
    carry wall-clock times, which every process and host can compare.
    """
