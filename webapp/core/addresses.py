"""Which network addresses integrations may reach: the rule, and the refusal it gives.

A webhook or Apprise URL is chosen by a user, so without this rule the server
could be made to call its own admin ports, a database on the private network
or the cloud metadata address. The rule lives in core because two layers
need it: channel validation refuses such a URL when it is saved, and the
outbound HTTP client (`alerts.outbound`) refuses it again when it connects.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# IPv6 prefixes that carry an IPv4 address in their low 32 bits (NAT64 and
# its local-use prefix): such an address is as private as the one it carries.
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def literal_ip(host: str) -> IPAddress | None:
    """`host` as an IP address when it is written as one ("10.0.0.1", "::1", "fe80::1%eth0")."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(address: str) -> bool:
    """True for an address on the public internet: not private, loopback,
    link-local, multicast, reserved or unspecified (IPv4 seen through IPv6 too)."""
    ip = literal_ip(address)
    if ip is None:
        raise ValueError(f"{address!r} is not an IP address")
    inner = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    if inner is not None and not is_public(str(inner)):
        return False
    return (ip.is_global and not ip.is_multicast and not ip.is_reserved
            and not ip.is_unspecified)


def refusal(host: str, *, resolved: bool = False) -> str:
    """The one sentence for every refused target. It never depends on the port
    or on whether anything listens there, so it cannot be used to scan ports."""
    what = "resolves to" if resolved else "is"
    return (f"refused: {host} {what} a private, loopback or link-local address "
            "(set INTEGRATIONS_ALLOW_PRIVATE_IPS=true to allow)")


def all_public(infos) -> bool:
    """Whether every address in a getaddrinfo() answer is public."""
    return all(is_public(str(info[4][0])) for info in infos)


def is_local_name(host: str) -> bool:
    """`localhost` and its subdomains, which RFC 6761 reserves for this machine."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def host_refusal(host: str, *, resolve: bool) -> str | None:
    """Why an integration may not reach `host`, or None when it may.

    `resolve`: look a name up and refuse it when any of its addresses is not
    public. A name that does not resolve (yet) passes: DNS may be down for a
    moment or the record not made yet, and delivery then fails saying the name
    does not resolve; the connection itself is checked again in any case.
    """
    ip = literal_ip(host)
    if ip is not None:
        return None if is_public(str(ip)) else refusal(host)
    if is_local_name(host):
        return refusal(host, resolved=True)
    if not resolve:
        return None
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    return None if all_public(infos) else refusal(host, resolved=True)


def url_refusal(url: str, *, resolve: bool) -> str | None:
    """`host_refusal` for the host of a URL (None when it names no host)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed IPv6 literal: validation says so elsewhere
        return None
    return host_refusal(host, resolve=resolve) if host else None
