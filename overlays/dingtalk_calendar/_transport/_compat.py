"""The only private internals of a dependency the SDK uses: two hooks of aiohttp's connection pool.

aiohttp has no public way to refuse a pooled connection that should not be reused, nor to cap
its idle connections, so ``TCPConnector`` is subclassed with two private methods overridden:

- ``BaseConnector._get`` (the reuse guard): aiohttp hands bytes that arrived on an idle
  connection to the next request as its answer; a connection with anything buffered or an
  error pending (``protocol.should_close``) is closed instead of reused.
- ``BaseConnector._release``: past ``limits.max_keepalive_connections`` idle connections,
  the oldest is closed.

``tests/test_transport_compat.py`` pins both, naming the aiohttp version when either changes.
"""

import inspect
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any, cast

import aiohttp


class GuardedConnector(aiohttp.TCPConnector):
    """aiohttp's pool, never reusing a connection that spoke out of turn, keeping at most ``max_idle`` idle."""

    def __init__(self, *, max_idle: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._dingtalk_max_idle = max_idle
        self._dingtalk_idle: OrderedDict[Any, None] = OrderedDict()  # protocols released, oldest first

    def _get(self, key: Any, *args: Any, **kwargs: Any) -> Any:
        # A coroutine giving a Connection since aiohttp 3.10.x, a protocol before: both served.
        got = super()._get(key, *args, **kwargs)
        if inspect.isawaitable(got):
            return self._reusable_later(got, key, args, kwargs)
        while got is not None and not self._reusable(got):
            got = super()._get(key, *args, **kwargs)
        return got

    async def _reusable_later(self, got: Awaitable[Any], key: Any, args: Any, kwargs: Any) -> Any:
        connection = await got
        while connection is not None and not self._reusable(connection):
            connection = await cast(Awaitable[Any], super()._get(key, *args, **kwargs))  # typed sync in 3.10.0
        return connection

    def _reusable(self, got: Any) -> bool:
        """Whether a pooled connection (or protocol) may carry a request; one that may not is closed."""
        protocol = getattr(got, "protocol", got)
        self._dingtalk_idle.pop(protocol, None)
        if protocol is not None and not protocol.should_close:
            return True
        got.close()
        return False

    def _release(self, key: Any, protocol: Any, *args: Any, **kwargs: Any) -> None:
        super()._release(key, protocol, *args, **kwargs)
        limit = self._dingtalk_max_idle
        if limit is None or not protocol.is_connected():
            return
        idle = self._dingtalk_idle
        idle[protocol] = None
        for known in [known for known in idle if not known.is_connected()]:
            del idle[known]
        while len(idle) > limit:
            oldest, _ = idle.popitem(last=False)
            oldest.close()  # aiohttp's _get skips a closed connection
