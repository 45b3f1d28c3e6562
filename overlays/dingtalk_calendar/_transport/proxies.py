"""Which proxy a request goes through, read from the environment as httpx reads it (``trust_env=True``).

httpx does this only for a client built without a transport, and the SDK's clients always have
one, so the default transports apply the rules themselves: ``HTTP_PROXY``, ``HTTPS_PROXY``,
``ALL_PROXY`` (either case) per scheme; ``NO_PROXY`` hosts reached directly (``*``, a domain
and its subdomains, ``.domain``, an IP address, ``scheme://host[:port]``). The most specific wins.
"""

import ipaddress
import re
from typing import Final
from urllib.request import getproxies

import httpx

from .._secret import with_masked_password

_ANY_HOST: Final = ""


class _Rule:
    """One ``scheme://host:port`` pattern and the proxy (None: none) for the URLs it matches."""

    __slots__ = ("host", "host_pattern", "port", "proxy", "scheme")

    def __init__(self, pattern: str, proxy: httpx.Proxy | None) -> None:
        scheme, _, rest = pattern.partition("://")
        url = httpx.URL(f"http://{rest}") if rest else None
        self.scheme = "" if scheme == "all" else scheme
        self.host = url.host if url is not None and url.host != "*" else _ANY_HOST
        self.port = url.port if url is not None else None
        self.proxy = proxy
        self.host_pattern = _host_pattern(self.host)

    @property
    def specificity(self) -> tuple[int, int, int]:
        """Rules with a port first, then longer hosts, then a named scheme."""
        return (0 if self.port is not None else 1, -len(self.host), -len(self.scheme))

    def matches(self, url: httpx.URL) -> bool:
        if self.scheme and self.scheme != url.scheme:
            return False
        if self.host_pattern is not None and not self.host_pattern.match(url.host):
            return False
        return self.port is None or self.port == url.port


def _host_pattern(host: str) -> re.Pattern[str] | None:
    if not host:
        return None
    if host.startswith("*."):  # the subdomains only
        return re.compile(rf"^.+\.{re.escape(host[2:])}$")
    if host.startswith("*"):  # the domain and its subdomains
        return re.compile(rf"^(.+\.)?{re.escape(host[1:])}$")
    return re.compile(rf"^{re.escape(host)}$")


class ProxyRoutes:
    """The proxy for each URL; ``None`` when every request goes directly."""

    def __init__(self, rules: list[_Rule]) -> None:
        self._rules = sorted(rules, key=lambda rule: rule.specificity)
        self.proxies = tuple(dict.fromkeys(rule.proxy for rule in self._rules if rule.proxy is not None))

    def proxy_for(self, url: httpx.URL) -> httpx.Proxy | None:
        return next((rule.proxy for rule in self._rules if rule.matches(url)), None)


def environment_routes() -> ProxyRoutes | None:
    """The routes the process's proxy variables ask for, or None."""
    info = getproxies()
    rules: list[_Rule] = []
    for scheme in ("http", "https", "all"):
        if info.get(scheme):
            address = info[scheme]
            proxy = httpx.Proxy(address if "://" in address else f"http://{address}")
            rules.append(_Rule(f"{scheme}://", with_masked_password(proxy)))  # its repr in any traceback: masked
    for host in (entry.strip() for entry in info.get("no", "").split(",")):
        if host == "*":
            return None
        if host:
            rules.append(_Rule(_direct_pattern(host), None))
    return ProxyRoutes(rules) if any(rule.proxy is not None for rule in rules) else None


def _direct_pattern(host: str) -> str:
    if "://" in host:
        return host
    if _is_ip(host, 4) or host.lower() == "localhost":
        return f"all://{host}"
    if _is_ip(host, 6):
        return f"all://[{host}]"
    return f"all://*{host}"


def _is_ip(host: str, version: int) -> bool:
    try:
        address = ipaddress.ip_address(host.split("/")[0])
    except ValueError:
        return False
    return address.version == version
