"""Outbound HTTP for integrations, guarded against reaching private networks.

A webhook URL is chosen by a user, so without a guard it could make the
server call its own admin ports or the cloud metadata address. The check is
made on the address the socket actually connected to, not on a DNS answer
looked up beforehand, so a name that resolves differently the second time
(DNS rebinding) gains nothing.
"""

from __future__ import annotations

import ipaddress

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

MAX_REDIRECTS = 3


class PrivateAddressRefused(requests.ConnectionError):
    """The destination is on a private, loopback or link-local network."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _checked(conn):
    sock = conn.sock
    peer = sock.getpeername()[0]
    if not is_public(peer):
        sock.close()
        raise PrivateAddressRefused(
            f"refused to connect to {peer}: private, loopback and link-local addresses are "
            "off limits (set INTEGRATIONS_ALLOW_PRIVATE_IPS=true to allow them)")


class GuardedHTTPConnection(HTTPConnection):
    def connect(self):
        super().connect()
        _checked(self)


class GuardedHTTPSConnection(HTTPSConnection):
    def connect(self):
        super().connect()
        _checked(self)


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
    s.trust_env = False  # a proxy from the environment would hide the real peer
    if not allow_private:
        s.mount("http://", GuardedAdapter())
        s.mount("https://", GuardedAdapter())
    return s
