"""Variants through the sandbox, in English and Russian: size and colour chosen on the card,
the chosen variant held, ordered (cash on delivery), picked and packed by its own barcode,
shipped, and exchanged for another size."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from bot.harness import RunningBot
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import hire
from tests.e2e.journeys import add_to_cart, order_code, payments, pdf_text, place_cod_order, status, stock
from tests.e2e.returns import delivered, press_line
from tests.e2e.variants import WORDS, exchange, journal_totals, ordered_lines, swap, tshirts

MEDIUM_NAVY, LARGE_NAVY = "2009004000007", "2009005000006"  # the barcodes in tshirts-products.csv


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_size_and_colour_are_chosen_and_that_variant_is_held_ordered_picked_packed_shipped_and_swapped(
    shop: RunningBot, language: str
) -> None:
    await tshirts(shop)
    words = WORDS[language]
    customer = SandboxUser(shop.server, 300, "Tess", language_code=language)
    card = (await customer.send("/start p_TEE")).last
    assert "Size: <b>S</b> · Colour: <b>White</b>\n" in (card.html or "")
    assert [b["text"] for b in card.buttons()][:6] == ["✔ S", "M", "L", "XL ✖", "✔ White", "Navy"]

    card = (await customer.press(card, "Navy")).last  # S/Navy: the size kept, the colour changed
    assert "TEE-S-NVY" in card.text
    card = (await customer.press(card, "L")).last
    assert "TEE-L-NVY" in card.text and words["13"] in card.text  # its own price
    card = (await customer.press(card, "M")).last
    assert "TEE-M-NVY" in card.text and words["12"] in card.text and "3" in card.text  # only 3 left
    assert "White" in " ".join(b["text"] for b in card.buttons())  # M/White exists: offered
    card = (await customer.press(card, words["add"])).last
    assert await stock(shop, "TEE-M-NVY") == [("LON", 3, 1)]
    assert await stock(shop, "TEE-L-NVY") == [("LON", 10, 0)]  # the sibling is untouched

    code = order_code(await place_cod_order(customer))
    assert await ordered_lines(shop, code) == [("TEE-M-NVY", "Organic cotton T-shirt (M / Navy)", 1, 1200)]

    picker = await hire(shop, 60, "Pia", "picker", "LON")
    round_ = await picker.press((await picker.send("/pick")).last, "Single order")
    assert "TEE-M-NVY" in round_.last.text and "A-05-02-2" in round_.last.text
    wrong = await picker.send(LARGE_NAVY)  # the sibling's barcode is another item
    assert "Another variant" in wrong.last.text and "Organic cotton T-shirt (M / Navy)" in wrong.last.text
    await picker.send(MEDIUM_NAVY)
    assert await status(shop, code) == "picked"

    packer = await hire(shop, 70, "Pax", "packer", "LON")
    assert "TEE-M-NVY" in (await packer.send(f"/pack {code}")).last.text
    assert "is not in order" in (await packer.send(LARGE_NAVY)).last.text  # packed by the variant's own barcode
    boxes = await packer.send(MEDIUM_NAVY)
    asked = await packer.press(boxes.last, "As proposed")
    assert "send its weight in grams" in asked.last.text
    packed = await packer.send("180")
    assert f"Order {code} is packed" in packed.last.text
    slip = (await packer.press(packed.last, "Packing slip")).last.file
    assert slip is not None and "TEE-M-NVY" in pdf_text(slip.content)
    label = (await packer.press(packed.last, "Label")).last.file
    assert label is not None and code in pdf_text(label.content)
    await packer.send(f"/ship {code} DPD 15501234567890")
    await packer.send(f"/delivered {code}")
    assert await stock(shop, "TEE-M-NVY") == [("LON", 2, 0)]  # the shipped one left the shelf

    replacement = await exchange(customer, shop, code, "TEE-M-NVY", "L / Navy", language)  # a size swap
    assert await stock(shop, "TEE-M-NVY") == [("LON", 3, 0)]  # returned and restocked
    assert await stock(shop, "TEE-L-NVY") == [("LON", 10, 1)]  # held for the replacement
    assert await ordered_lines(shop, replacement) == [("TEE-L-NVY", "Organic cotton T-shirt (L / Navy)", 1, 100)]
    # the cash collected at delivery; the £1.00 difference is charged on the replacement
    assert await payments(shop, code) == [("payment", 1570)]
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def test_a_variants_sku_or_barcode_finds_it_and_opens_its_parents_card(shop: RunningBot) -> None:
    await tshirts(shop)
    customer = SandboxUser(shop.server, 301, "Sam")
    found = await customer.send(f"/search {LARGE_NAVY}")
    assert "TEE-L-NVY" in found.last.text and "(L / Navy)" in found.last.text
    by_name = await customer.send("/search cotton T-shirt")
    assert by_name.last.text.count("Organic cotton T-shirt") == 1  # one hit per parent
    card = (await customer.send("/start p_TEE-XL-NVY")).last
    assert "TEE-XL-NVY" in card.text and "✔ XL ✖" in [b["text"] for b in card.buttons()]
    assert any("🔔" in b["text"] for b in card.buttons())  # sold out: still subscribable


async def test_a_size_swap_charges_the_difference_and_moves_stock_between_the_two_variants(shop: RunningBot) -> None:
    await tshirts(shop)
    code, replacement = await swap(shop, 310, "TEE-M-NVY", "L / Navy")  # £12.00 → £13.00
    assert await stock(shop, "TEE-M-NVY") == [("LON", 3, 0)]  # shipped one, restocked it
    assert await stock(shop, "TEE-L-NVY") == [("LON", 10, 1)]  # held for the replacement
    assert await ordered_lines(shop, replacement) == [("TEE-L-NVY", "Organic cotton T-shirt (L / Navy)", 1, 100)]
    # the cash collected at delivery, nothing owed back: the difference is charged on the replacement
    assert await payments(shop, code) == [("payment", 1570)]
    debit, credit = await journal_totals(shop)
    assert debit == credit


async def test_a_swap_to_a_cheaper_variant_owes_the_difference_back(shop: RunningBot) -> None:
    await tshirts(shop)
    code, replacement = await swap(shop, 311, "TEE-L-NVY", "M / Navy")  # £13.00 → £12.00
    assert await ordered_lines(shop, replacement) == [("TEE-M-NVY", "Organic cotton T-shirt (M / Navy)", 1, 0)]
    assert await payments(shop, code) == [("payment", 1670), ("refund_owed", 100)]  # the cash at delivery, £1 back
    assert await stock(shop, "TEE-M-NVY") == [("LON", 3, 1)]
    debit, credit = await journal_totals(shop)
    assert debit == credit


SHADES = [f"S{i:03d}" for i in range(130)]


async def rings(shop: RunningBot) -> None:
    """A silver ring in 130 shades (RING is S000, RING-S001 … RING-S129), 5 of each in LON."""
    runtime, shades = shop.runtime, SHADES
    rows = ["RING,Silver ring,Rings,20.00,GBP,,Shade=S000"] + [f"RING-{s},,,,,RING,Shade={s}" for s in shades[1:]]
    await import_products(
        runtime.uow(), runtime.clock, "sku,name,category,price,currency,parent,options\n" + "\n".join(rows)
    )
    stock = ["RING,LON,A-01-01-1,5"] + [f"RING-{s},LON,A-01-01-1,5" for s in shades[1:]]
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + "\n".join(stock))


async def test_a_card_with_more_values_than_telegram_takes_buttons_shows_those_around_the_chosen_one(
    shop: RunningBot,
) -> None:
    """A ring in 130 shades: a button for each was 130 buttons, over Telegram's 100, and the
    card was refused ("something went wrong"). The card shows the values nearest the chosen
    one, the outermost marked ◀ / ▶; pressing them walks to every value."""
    await rings(shop)
    count, shades = len(SHADES), SHADES
    customer = SandboxUser(shop.server, 310, "Rin")
    card = (await customer.send("/start p_RING")).last
    assert "Shade: <b>S000</b>" in (card.html or "")
    seen: set[str] = set()
    for _ in range(count):
        values = [t for t in card.button_texts() if "S" in t and "🛒" not in t]
        assert len(card.button_texts()) <= 100 and len(values) < count
        seen |= {re.sub(r"[^S\d]", "", t) for t in values}
        if not values[-1].endswith("▶"):
            break
        card = (await customer.press(card, values[-1])).last
    card = (await customer.press(card, "S129")).last
    assert seen == set(shades) and "Shade: <b>S129</b>" in (card.html or "")
    back = [t for t in card.button_texts() if t.startswith("◀")]
    assert len(back) == 1 and "S1" in back[0]


async def test_an_exchange_for_one_of_many_variants_pages_them_and_any_may_be_chosen(shop: RunningBot) -> None:
    """The exchange asked "for which one?" with a button per variant in stock: 129 shades were
    over Telegram's 100 buttons, and the customer was told something went wrong."""
    await rings(shop)
    code = await delivered(shop, 312, {"RING-S005": 1})
    customer = SandboxUser(shop.server, 312, "Eli")
    lines = await customer.press((await customer.send(f"/track {code}")).last, "Exchange")
    lines = await press_line(shop, customer, lines.last, code, "RING-S005")
    which = (await customer.press(lines.last, "Continue")).last
    assert "RING-S005" in which.text and "The same again" in which.button_texts()
    assert which.text.endswith("for which one?\nPage 1 of 6")  # 128 other shades, 24 a page
    while "S120" not in which.button_texts():
        assert len(which.button_texts()) <= 30
        which = (await customer.press(which, "Next ▶")).last
    assert "◀ Previous" in which.button_texts() and which.text.endswith("for which one?\nPage 5 of 6")
    reasons = await customer.press(which, "S120")
    assert "Why?" in reasons.last.text


async def test_two_variants_in_the_cart_and_in_an_order_being_changed_have_buttons_that_tell_them_apart(
    shop: RunningBot,
) -> None:
    """A button cut the name where it ran out: M / White and M / Navy both read "Organic cotton
    T-shirt (M /…" in the cart and "➖ Organic cotton T-shirt…" on the order's change screen."""
    await tshirts(shop)
    customer = SandboxUser(shop.server, 302, "Tia")
    for sku in ("TEE-M-WHT", "TEE-M-NVY"):
        await add_to_cart(customer, sku, 1)
    cart = (await customer.send("/cart")).last
    labels = [b["text"] for b in cart.buttons() if "×1" in b["text"]]
    assert len(labels) == 2 and "(M / White)" in labels[0] and "(M / Navy)" in labels[1], labels
    code = order_code(await place_cod_order(customer))
    detail = await customer.press((await customer.send(f"/track {code}")).last, "✏️ Edit")
    less = [b["text"] for b in detail.last.buttons() if b["text"].startswith("➖")]
    assert len(less) == 2 and less[0].endswith("(M / White)") and less[1].endswith("(M / Navy)"), less


async def test_changing_an_order_offers_each_size_and_colour_of_a_product_found_by_name(shop: RunningBot) -> None:
    """A name found the product's first variant only: another size could be added by its SKU alone."""
    await tshirts(shop)
    async with shop.runtime.sessions() as session, session.begin():
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-L-WHT").values(status="hidden"))
        await session.execute(update(m.ProductRow).where(m.ProductRow.sku == "TEE-S-NVY").values(status="discontinued"))
    customer = SandboxUser(shop.server, 303, "Ula")
    await add_to_cart(customer, "TEE-M-NVY", 1)
    code = order_code(await place_cod_order(customer))
    screen = await customer.press((await customer.send(f"/track {code}")).last, "✏️ Edit")
    await customer.press(screen.last, "➕ Add a product")
    offered = (await customer.send("cotton t-shirt")).last
    choices = [b["text"] for b in offered.buttons() if b["text"].startswith("➕")]
    assert choices == [
        f"➕ {sku} · Organic cotton T-shirt ({variant})"
        for sku, variant in (
            ("TEE", "S / White"),
            ("TEE-M-WHT", "M / White"),
            ("TEE-M-NVY", "M / Navy"),
            ("TEE-L-NVY", "L / Navy"),
            ("TEE-XL-NVY", "XL / Navy"),
        )
    ], choices  # not the hidden L / White nor the discontinued S / Navy
    await customer.press(offered, "TEE-L-NVY")
    assert sorted(line[0] for line in await ordered_lines(shop, code)) == ["TEE-L-NVY", "TEE-M-NVY"]
