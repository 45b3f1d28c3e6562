"""Tokens in Redis, shared by a fleet: :class:`RedisTokenStore`, and the JSON a token is stored as."""

from __future__ import annotations

from .async_store_io import AsyncRedisIO
from .store_bases import token_from_json as token_from_json
from .store_bases import token_to_json as token_to_json
from .store_io import RedisIO


class RedisTokenStore(RedisIO, AsyncRedisIO):
    """Tokens in Redis, shared by every process and host that uses the same Redis and prefix.

    Needs redis-py (``pip install 'dingtalk-calendar[redis]'``). Give a ``url``
    (``redis://host:6379/0``) or ready clients; async calls use ``async_client`` or, from a
    ``url``, a short-lived connection per use, so the store works from any event loop.

    ``timeout`` (2 s) bounds each Redis command of the clients made from ``url``, connecting
    included: a Redis that is down or frozen raises :class:`TokenStoreError` within it (ready
    clients keep their own ``socket_timeout``). The token manager cuts an async read sooner
    when its call has less time left (``APITimeoutError``); a sync one cannot be, since
    redis-py sets timeouts per connection, not per command. A bad ``url`` is a
    :class:`ConfigurationError` at once.

    The lock is ``SET key owner NX PX ttl`` with a random owner and a compare-and-delete
    release. It must not lapse while its holder still fetches, and a crashed holder blocks the
    others until it does: its ``ttl`` is ``lock_ttl`` (120 s), or, when the holder's call has
    longer left (a ``RetryPolicy.max_elapsed`` above 120 s), that time plus two store
    timeouts (reading again and writing the token). Without a time limit on the call
    (``max_elapsed=None``) it is ``lock_ttl``. A waiter that gets no lock within
    ``lock_timeout`` raises :class:`TokenStoreError` (and the token manager fetches an app's
    token itself); one whose call runs out of time first raises ``APITimeoutError``. Entries
    expire after ``entry_ttl`` (31 days, past a user refresh token's life) only to collect
    garbage: freshness is decided from the token's own expiry.

    Keys are ``prefix + "v2/token/" + cache_key`` for tokens and ``prefix + "v2/lock/" +
    cache_key`` for locks; a cache key encodes every field of its credential set and an HMAC
    of its secrets (see :func:`~dingtalk_calendar._auth.token.credential_key`), never a secret.
    Entries written by SDK versions before this scheme are ignored (never served): each
    credential's token is fetched once more and the old entries expire after ``entry_ttl``.

    Tokens (and user refresh tokens) are stored in clear: protect the Redis server as you
    protect the app secret.
    """
