"""Outbound HTTP for integrations, guarded against reaching private networks.

The guard sits where urllib3 opens a connection (`_new_conn`): it resolves
the host name once, checks every address the name resolves to, and only
then connects, to one of those checked addresses itself. Nothing is ever
sent to a private, loopback or link-local address, not even a TCP SYN, so
a refused target cannot tell an open port from a closed one, and a name that
answers differently the next time (DNS rebinding) gains nothing: there is
no next time. TLS still names and verifies the host, as urllib3 does after
`_new_conn`. Each redirect is a new request through the same adapter, so
every hop is guarded alike.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from ..core.addresses import all_public, literal_ip, refusal

MAX_REDIRECTS = 3

AddrInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str, Any]


class PrivateAddressRefused(requests.ConnectionError):
    """The destination is on a private, loopback or link-local network."""


def checked_addresses(host: str, port: int) -> Sequence[AddrInfo]:
    """Every address `host` resolves to, or PrivateAddressRefused if any is not public.

    Refusing the whole name, rather than connecting only to its public
    addresses, is the safer rule: a name that publishes a private address is
    misconfigured or hostile, and skipping that address would make delivery
    depend on which of its addresses happened to answer, today and at the
    next attempt. It also agrees with the check made when the channel is saved.
    """
    infos = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
    if not all_public(infos):
        raise PrivateAddressRefused(refusal(host, resolved=literal_ip(host) is None))
    return infos


def connect_to(infos: Sequence[AddrInfo], timeout: Any, source: tuple[str, int] | None,
               options: Sequence[tuple[int, int, int | bytes]] | None) -> socket.socket:
    """A socket connected to the first of `infos` that accepts, as urllib3's
    create_connection would, but without resolving anything again."""
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        try:
            for option in options or ():
                sock.setsockopt(*option)
            if timeout is not _DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source:
                sock.bind(source)
            sock.connect(sockaddr)
            return sock
        except OSError as e:
            error = e
            sock.close()
    raise error or OSError(f"no address to connect to among {len(infos)}")


def guarded_socket(conn: HTTPConnection) -> socket.socket:
    """The connection's socket, opened only to a checked public address; urllib3's
    own exceptions for a name that does not resolve, a timeout, a refusal."""
    try:
        infos = checked_addresses(conn._dns_host, conn.port)  # brackets and final dot removed
        return connect_to(infos, conn.timeout, conn.source_address, conn.socket_options)
    except PrivateAddressRefused:
        raise
    except socket.gaierror as e:
        raise NameResolutionError(conn.host, conn, e) from e
    except TimeoutError as e:
        raise ConnectTimeoutError(
            conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})") from e
    except OSError as e:
        raise NewConnectionError(conn, f"Failed to establish a new connection: {e}") from e


class GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return guarded_socket(self)


class GuardedHTTPSConnection(HTTPSConnection):
    # urllib3's connect() wraps this socket in TLS with server_hostname=self.host,
    # so SNI and certificate checks use the name while the socket uses the checked address.
    def _new_conn(self) -> socket.socket:
        return guarded_socket(self)


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool,
                                                   "https": GuardedHTTPSPool}


def session(allow_private: bool) -> requests.Session:
    """A session that follows at most three redirects, each one guarded."""
    s = requests.Session()
    s.max_redirects = MAX_REDIRECTS
    s.trust_env = False  # a proxy from the environment would connect for us, unchecked
    if not allow_private:
        s.mount("http://", GuardedAdapter())
        s.mount("https://", GuardedAdapter())
    return s
