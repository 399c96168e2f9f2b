"""Documentation domains (RFC 2606's example.com, .org, .net): an address on one is a copied example, never a shop's."""

from __future__ import annotations

from urllib.parse import urlsplit

EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")


def is_example_address(url: str | None) -> bool:
    """Whether ``url``'s host is a documentation domain or a name under one (shop.example.com)."""
    host = (urlsplit(url or "").hostname or "").rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in EXAMPLE_DOMAINS)
