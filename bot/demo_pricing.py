"""The demo's price-list scene: a wholesale list set in chat and imported, a business buyer
seeing it on the card and in the cart, refused under the minimum, and buying again."""

from __future__ import annotations

from collections.abc import Callable

from sandbox.driver import SandboxUser
from sandbox.server import SandboxServer

PRICES_CSV = """group,target,currency,price,percent,from,min_order,pack
wholesale,85123A,GBP,2.50,,,,
wholesale,22197,GBP,,5,10,,
wholesale,22197,GBP,,12,50,,
wholesale,product:22197,,,,,10,5
wholesale,category:Lighting,GBP,,8,,,
"""


async def price_lists(
    server: SandboxServer, ada: SandboxUser, transcript: list[str], scene: Callable[[str], None]
) -> None:
    """Acme (customer 1006, a business since the scene before) has one order of Popcorn Holders."""
    scene("The admin sets a wholesale price list: in chat (/pricelist) or as a CSV (/import prices)")
    await ada.send("/pricelist add wholesale GBP 85123A 2.60")
    await ada.send("/pricelist add wholesale GBP 85123A 120%")  # refused: a percent off is under 100
    await ada.send_document(PRICES_CSV.encode(), "prices.csv", caption="/import prices")
    await ada.send("/pricelist wholesale")
    scene("Acme is put on the wholesale list; its card and cart show the price that applies, and why")
    acme = SandboxUser(server, 1006, "Acme Ltd", language_code="en", transcript=transcript)
    await ada.send("/customer 1006 group wholesale")
    await acme.send("/start p_85123A")
    await acme.send("/start p_22197")
    scene("Under the minimum or outside whole packs, /add is refused with the rule")
    await acme.send("/add 22197 12")
    scene("Acme buys his last order again: one tap, today's prices and stock, the cart shown")
    reply = await acme.send("/orders")
    reply = await acme.press(reply.last, reply.last.button_texts()[0])
    reply = await acme.press(reply.last, "Buy again")
    await acme.press(reply.last, "➕ Popcorn Hol…")
