"""The address a request comes from: behind a trusted proxy, the one its X-Forwarded-For names."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(spec: str) -> tuple[Network, ...]:
    """``TRUSTED_PROXIES`` (checked at start-up) as networks."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: web.Request, networks: tuple[Network, ...]) -> str:
    """The peer, or, where the peer is a trusted proxy, the last address in X-Forwarded-For that
    is not one: each proxy appends the address it was reached from, so what a client writes in
    the header itself is to the left of it and never chosen over it."""
    address = request.remote or ""
    if not _trusted(address, networks):
        return address
    hops = [hop.strip() for header in request.headers.getall("X-Forwarded-For", []) for hop in header.split(",")]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:  # not an address: the proxy that passed it on is as far as we can trust
            return address
        address = hop
        if not _trusted(hop, networks):
            return hop
    return address
