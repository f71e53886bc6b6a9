"""Which network addresses a feed may be fetched from: public ones only, by default.

A feed address that reaches the machine itself, its local network or a cloud metadata
service (``127.0.0.1``, ``10.0.0.0/8``, ``169.254.169.254``, ``::1``…) would let anyone who
controls a feed, or a redirect, read internal services through the ingestion and publish
what they answer (SSRF). Such an address is refused after DNS resolution, on every hop,
unless the feed opts in with ``allow_private: true`` in ``feeds.yml`` (an intranet feed,
a test server). Pure functions, apart from :func:`resolve`.
"""

from __future__ import annotations

import socket
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

IPAddress = IPv4Address | IPv6Address

OPT_IN = "allow_private: true"
"""The ``feeds.yml`` key and value that let a feed reach non-public addresses."""

_NAT64 = IPv6Network("64:ff9b::/96")
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def _embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped ``::ffff:a.b.c.d``, NAT64)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def public_address(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address of the Internet. Pure.

    Loopback, private ranges, link-local (``169.254.169.254`` included), shared
    (``100.64.0.0/10``), unspecified, multicast, reserved and documentation ranges are not,
    nor their IPv6 equivalents (``::1``, ``fc00::/7``, ``fe80::/10``, site-local); an
    IPv4-mapped or NAT64 IPv6 address is judged by the IPv4 address it carries, a 6to4
    one by both.
    """
    if isinstance(address, IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return public_address(embedded)
        if address.is_site_local:
            return False
        if address.sixtofour is not None and not public_address(address.sixtofour):
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells without DNS (``127.0.0.1``, ``[::1]``, ``127.1``,
    ``2130706433``, ``0x7f.0.0.1``…), else ``None``. Pure."""
    host = host.strip().strip("[]")
    try:
        return ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if not host or not all(c in "0123456789abcdefxABCDEFX." for c in host):
        return None
    try:
        # The forms the system resolver reads as IPv4 without asking DNS.
        return IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def refused_host(url: str) -> str:
    """Why ``url`` may not be fetched without ``allow_private``, judged from the address
    alone (no DNS); an empty string when nothing there is refused. Pure.

    A literal non-public address and ``localhost`` are refused; a name is checked again,
    once resolved, at every fetch.
    """
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    name = host.rstrip(".").lower()
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return f"« {host} » désigne cette machine"
    address = literal_address(host)
    if address is not None and not public_address(address):
        return f"« {host} » n'est pas une adresse publique"
    return ""


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the system resolver, in its order, each once."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))
