"""A product whose variants on sale are priced differently is listed "from" the lowest of them — the
category's page, the Mini App's grid — and one priced alike at its one price; a chat search's line, which names
one variant, at that variant's price."""

from __future__ import annotations

import pytest

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from sandbox import SandboxUser
from tests.e2e.journeys import down
from tests.e2e.miniapp import miniapp, tma

CUSTOMER = 1751
# The cheapest size is discontinued: not on sale, not the lowest. Socks cost the same in every size.
KNITS = (
    "sku,name,category,price,currency,parent,options,status\n"
    "JUMPER-S,Jumper,Knitwear,30.00,GBP,JUMPER,Size=S,active\n"
    "JUMPER-M,Jumper,Knitwear,25.50,GBP,JUMPER,Size=M,active\n"
    "JUMPER-L,Jumper,Knitwear,34.00,GBP,JUMPER,Size=L,active\n"
    "JUMPER-XL,Jumper,Knitwear,9.00,GBP,JUMPER,Size=XL,discontinued\n"
    "SOCKS-S,Socks,Knitwear,6.00,GBP,SOCKS,Size=S,active\n"
    "SOCKS-L,Socks,Knitwear,6.00,GBP,SOCKS,Size=L,active\n"
)


@pytest.mark.parametrize(
    ("language", "word", "prices"),
    [("en", "from", ("£30.00", "£25.50", "£6.00")), ("ru", "от", ("30,00\xa0£", "25,50\xa0£", "6,00\xa0£"))],
)
async def test_a_product_with_variants_priced_differently_is_listed_from_its_lowest_price_on_sale(
    shop: RunningBot, language: str, word: str, prices: tuple[str, str, str]
) -> None:
    own, lowest, socks = prices
    await import_products(shop.runtime.uow(), shop.runtime.clock, KNITS)
    customer = SandboxUser(shop.server, CUSTOMER, "Kit", language_code=language)
    page = await down(customer, (await customer.send("/catalog")).last, "Knitwear")
    lines = page.text.splitlines()
    assert any(line.startswith(f"• Jumper — {word} {lowest}") for line in lines), lines
    assert any(line.startswith(f"• Socks — {socks}") for line in lines), lines  # priced alike: its one price
    found = (await customer.send("/search Jumper")).last.text
    # A search's line names one variant (Jumper (S), its SKU): that variant's own price, no "from" beside it.
    assert "Jumper (S) (JUMPER-S) — " + own in found and lowest not in found, found
    card = (await customer.press(page, "Jumper")).last  # its own card: the chosen size's price, no "from"
    assert own in card.text and lowest not in card.text
    async with miniapp(shop) as client:
        headers = tma(shop, CUSTOMER, language=language)
        listed = await (await client.get("/app/api/shop/categories", headers=headers)).json()
        knitwear = next(c["id"] for c in listed if c["name"] == "Knitwear")
        grid = await (await client.get(f"/app/api/shop/products?category={knitwear}", headers=headers)).json()
    shown = {p["sku"]: (p["price"]["text"], p["lowest"] and p["lowest"]["text"]) for p in grid["products"]}
    # The grid's Jumper is its first size at its own price, "from" the lowest on sale as the chat says it.
    assert shown == {"JUMPER-S": (own, lowest), "SOCKS-S": (socks, None)}
