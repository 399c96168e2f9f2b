"""The stock feed's tokens: a ``FeedPoint`` as an opaque, signed string a channel sends back as it came."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re

from domain.stock import StockMark
from domain.usecases.intake_stock import FeedPoint

# f2 names the database the token's marks are in. An f1 token (none did) is refused as a
# malformed one is, saying to read every product again: the stock feed came out with f2 (f1
# was never in a release), and a channel holding one loses one whole read, never a change.
_VERSION = "f2"
_NUMBER = r"\d{1,19}"
_MARK = rf"({_NUMBER})((?:-{_NUMBER})*)"
_ORIGIN = r"([0-9a-z.]{0,96})"
_PAYLOAD = re.compile(rf"{_VERSION}:{_ORIGIN}:{_MARK}:(?:{_MARK})?:({_NUMBER})")
_MAX = 2_000  # characters: a mark lists at most MAX_RUNNING running transactions


def _key(secret: str) -> bytes:
    # Signed with the shop's own secret: a token of another shop (or one edited) is refused, not
    # read as a point in this shop's numbering, where it would skip changes or repeat them all.
    return hashlib.sha256(f"ordergram stock feed\0{secret}".encode()).digest()


def _mark(mark: StockMark) -> str:
    return "".join([str(mark.next), *(f"-{xid}" for xid in mark.running)])


def _signature(payload: bytes, secret: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(_key(secret), payload, "sha256").digest()[:16]).decode().rstrip("=")


def feed_token(point: FeedPoint, secret: str) -> str:
    upto = _mark(point.upto) if point.upto is not None else ""
    payload = f"{_VERSION}:{point.origin}:{_mark(point.since)}:{upto}:{point.after}".encode()
    return f"{base64.urlsafe_b64encode(payload).decode().rstrip('=')}.{_signature(payload, secret)}"


def feed_point(token: str, secret: str) -> FeedPoint | None:
    """The point a token of this shop names; None: malformed, edited or another shop's."""
    if len(token) > _MAX or not token.isascii():
        return None
    body, _, signature = token.partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(signature, _signature(payload, secret)):
        return None
    found = _PAYLOAD.fullmatch(payload.decode("ascii", "replace"))
    if found is None:
        return None
    origin, since_next, since_running, upto_next, upto_running, after = found.groups()
    upto = StockMark(int(upto_next), _running(upto_running)) if upto_next is not None else None
    return FeedPoint(StockMark(int(since_next), _running(since_running)), upto, int(after), origin)


def _running(listed: str | None) -> tuple[int, ...]:
    return tuple(int(xid) for xid in (listed or "").split("-") if xid)
