"""One TLS context for the process: loading the trusted certificates costs tens of ms and most of a megabyte."""

import ssl
import threading

import httpx

_default_context: ssl.SSLContext | None = None
_default_context_lock = threading.Lock()


def tls_context(verify: ssl.SSLContext | bool) -> ssl.SSLContext:
    """The SSL context for ``verify``; ``True`` gives the process's one default context."""
    global _default_context
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is not True:
        return httpx.create_ssl_context(verify=verify)
    with _default_context_lock:
        if _default_context is None:
            _default_context = httpx.create_ssl_context(verify=True)
        return _default_context
