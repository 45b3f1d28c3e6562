"""TLS for the emulator: a throw-away CA and a server certificate, as files uvicorn can load.

DingTalk answers over HTTPS only, so a client that opens a new connection per call pays a
TLS handshake each time; an emulator serving HTTPS lets tests and benchmarks show that
cost. Nothing here is a real secret: the CA is made fresh for one run of one emulator,
trusted by nobody else, and its files are removed when the emulator stops.

This module imports ``trustme``; the emulator imports it only when TLS is asked for.
"""

import ssl
import tempfile
from collections.abc import Iterable
from pathlib import Path

import trustme

DEFAULT_SERVER_NAMES = ("127.0.0.1", "localhost")
"""The names the server certificate is valid for, whatever else the emulator listens on."""


class ServerTls:
    """A fresh CA and a server certificate it issued, written to a new temporary directory.

    ``ca_file`` is what a client trusts; ``key_file`` and ``cert_file`` are what the server
    presents. ``remove()`` deletes the directory (the CA stays usable in memory).
    """

    def __init__(self, server_names: Iterable[str] = DEFAULT_SERVER_NAMES) -> None:
        ca = trustme.CA(organization_name="DingTalk emulator (throw-away test CA)")
        server = ca.issue_cert(*dict.fromkeys(server_names))  # dict: no name twice, order kept
        self._directory = tempfile.TemporaryDirectory(prefix="dingtalk-emulator-tls-")
        self.directory = Path(self._directory.name)
        self.ca_file = self.directory / "ca.pem"
        self.key_file = self.directory / "server.key"
        self.cert_file = self.directory / "server.pem"
        self.ca_pem = ca.cert_pem.bytes()
        ca.cert_pem.write_to_path(self.ca_file)
        server.private_key_pem.write_to_path(self.key_file)
        self.cert_file.write_bytes(b"".join(blob.bytes() for blob in server.cert_chain_pems))  # leaf first

    def client_ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts this CA and nothing else (host names are checked, as by any client).

        Built from the PEM in memory, not from ``ca_file``, so it keeps working after the
        emulator has stopped and removed its files; and without the system's CA bundle,
        which would only cost time to load.
        """
        return ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))

    def remove(self) -> None:
        """Delete the temporary directory and the files in it (a no-op the second time)."""
        self._directory.cleanup()
