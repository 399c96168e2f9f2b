"""An order of 100 lines (the intake API's most, a business customer's restock) on the chat's
screens: every keyboard within Telegram's 100 buttons, every line reachable."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.api import make_api_app
from bot.harness import RunningBot
from domain.apikeys import Scope
from domain.orders import MAX_ORDER_LINES, OrderStatus
from domain.returns import ReturnKind, ReturnMethod, ReturnReason
from domain.usecases.api_keys import create_api_key
from domain.usecases.dispatch import mark_delivered, ship_order
from domain.usecases.imports.products import import_products
from domain.usecases.imports.stock import import_stock
from domain.usecases.orders import transition_order
from domain.usecases.returns import request_return
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models
from tests.e2e.conftest import ADMIN
from tests.e2e.journeys import count
from tests.e2e.miniapp import miniapp, tma

SKUS = [f"W-{i:03d}" for i in range(MAX_ORDER_LINES)]
BEA = 777


async def restock_order(shop: RunningBot, described: str = "") -> str:
    """Bea's order of 3 of each of 100 T-shirts through the intake API; its code. She has
    opened the bot (Telegram lets a bot write only to someone who has). ``described``: added to
    every T-shirt's name."""
    runtime = shop.runtime
    await SandboxUser(shop.server, BEA, "Bea").send("/start")
    products = "".join(f"{sku},Wholesale tee {sku}{described},Tees,5.00,GBP\n" for sku in SKUS)
    await import_products(runtime.uow(), runtime.clock, "sku,name,category,price,currency\n" + products)
    stock = "".join(f"{sku},LON,A-01-01-1,50\n" for sku in SKUS)
    await import_stock(runtime.uow(), runtime.clock, "sku,warehouse,bin,quantity\n" + stock)
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="b2b", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    body = {
        "customer": {"name": "Bea", "phone": "+44 7700 900124", "telegram_id": BEA},
        "lines": [{"sku": sku, "quantity": 3} for sku in SKUS],
        "currency": "GBP",
        "payment": "paid",
        "address": "1 High Street, London",
        "latitude": 51.5,
        "longitude": -0.12,
        "reference": "B-1",
    }
    async with TestClient(TestServer(make_api_app(runtime.sessions, runtime.settings, runtime.clock))) as client:
        placed = await client.post(
            "/api/v1/orders", json=body, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "b-1"}
        )
        assert placed.status == 201, await placed.text()
        return str((await placed.json())["code"])


def lines(screen: BotMessage) -> list[str]:
    """The lines the edit screen's ➖ buttons name."""
    return [text.split("Wholesale tee ")[1] for text in screen.button_texts() if text.startswith("➖")]


async def lines_on_every_page(user: SandboxUser, screen: BotMessage) -> tuple[list[str], BotMessage]:
    """The lines named page after page (Next ▶), and the last page."""
    named: list[str] = []
    while True:
        assert len(screen.button_texts()) <= 100
        named += lines(screen)
        if "Next ▶" not in screen.button_texts():
            return named, screen
        screen = (await user.press(screen, "Next ▶")).last


async def test_a_customer_edits_an_order_of_100_lines_a_page_of_lines_at_a_time(shop: RunningBot) -> None:
    """The edit screen had ➖ ➕ 🗑 for every line, 300 buttons: "something went wrong"."""
    code = await restock_order(shop)
    bea = SandboxUser(shop.server, BEA, "Bea")
    tracked = await bea.send(f"/track {code}")  # the order's confirmation may come after it
    order = next(m for m in tracked.messages if "✏️ Edit" in m.button_texts())
    screen = (await bea.press(order, "✏️ Edit")).last
    assert "Next ▶" in screen.button_texts()
    named, last = await lines_on_every_page(bea, screen)
    assert named == SKUS
    removed = lines(last)[0]
    await bea.press_data(last, next(b["callback_data"] for b in last.buttons() if b["text"].startswith("🗑")))
    after = next(m for m in bea.messages() if m.message_id == last.message_id)
    assert "◀ Previous" in after.button_texts() and removed not in lines(after)  # still on that page


async def test_the_edit_screen_of_100_long_lines_shows_its_page_of_them_and_always_the_total(shop: RunningBot) -> None:
    """Every line was written on the screen, whatever its page: 100 names of 150 characters ran
    past a message's 4,096 characters and the total was cut off."""
    code = await restock_order(shop, " — organic cotton heavyweight garment-dyed relaxed fit" * 3)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    shown = await admin.send(f"/edit {code}")
    assert len(shown.messages) == 1  # not split: the guard splits what is over 4,096 characters
    screen = shown.last
    assert len(screen.text) <= 4096 and "Lines 1–20 of 100:" in screen.text and "Total: £1,500.00" in screen.text
    assert "W-019 " in screen.text and "W-020 " not in screen.text
    second = (await admin.press(screen, "Next ▶")).last
    assert "Lines 21–40 of 100:" in second.text and "Total: £1,500.00" in second.text
    assert "W-020 " in second.text and "W-019 " not in second.text


async def test_a_customer_opening_an_order_of_100_long_lines_sees_its_total_payment_and_timeline(
    shop: RunningBot,
) -> None:
    """The order screen listed every line and the edit in place was cut at 4,096 characters:
    the customer never saw the total, how they pay or the timeline. Its first lines are shown,
    the rest counted, and the receipt lists them all."""
    code = await restock_order(shop, " — organic cotton heavyweight garment-dyed relaxed fit" * 3)
    bea = SandboxUser(shop.server, BEA, "Bea")
    listed = next(m for m in (await bea.send("/orders")).messages if m.button_texts())
    screen = (await bea.press(listed, next(t for t in listed.button_texts() if t.startswith(code)))).last
    assert len(screen.text) <= 4096 and not screen.text.endswith("…")
    assert "W-019 " in screen.text and "W-020 " not in screen.text
    assert "… and 80 more lines: the receipt (PDF) lists every one." in screen.text
    assert "Total: £1,500.00" in screen.text and "Payment: " in screen.text and "Timeline" in screen.text
    assert "🧾 Receipt (PDF)" in screen.button_texts()


async def test_buying_again_an_order_of_100_lines_puts_them_all_in_the_cart_naming_20(shop: RunningBot) -> None:
    """A cart held 20 lines: 80 products of the order did not fit. It holds an order's 100 now;
    the message names the first 20 and counts the rest, and the cart is shown a page at a time."""
    code = await restock_order(shop, " — organic cotton heavyweight garment-dyed relaxed fit" * 3)
    bea = SandboxUser(shop.server, BEA, "Bea")
    tracked = await bea.send(f"/track {code}")
    order = next(m for m in tracked.messages if "🛒 Buy again" in m.button_texts())
    said = (await bea.press(order, "🛒 Buy again")).messages
    told = [m for m in said if code in m.text]
    assert len(told) == 1 and len(told[0].text) <= 4096
    assert "W-019 " in told[0].text and "W-020 " not in told[0].text and "… and 80 more." in told[0].text
    assert "did not fit" not in told[0].text
    assert said[-1].text.endswith("Page 1 of 10") and len(said[-1].button_texts()) <= 100
    assert await count(shop, models.CartLineRow) == 100


async def test_staff_edit_an_order_of_100_lines_a_page_of_lines_at_a_time(shop: RunningBot) -> None:
    code = await restock_order(shop)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    screen = (await admin.send(f"/edit {code}")).last
    assert (await lines_on_every_page(admin, screen))[0] == SKUS


async def delivered_restock(shop: RunningBot) -> str:
    code, runtime = await restock_order(shop), shop.runtime
    for step in (OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKED):
        await transition_order(runtime.uow(), runtime.clock, code=code, target=step, actor="staff:1")
    await ship_order(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code, carrier="DPD", tracking="TR0001")
    await mark_delivered(runtime.uow(), runtime.clock, staff_id=ADMIN, code=code)
    await runtime.notifier.drain()
    return code


async def test_a_customer_returns_items_of_an_order_of_100_lines_chosen_from_pages_of_them(shop: RunningBot) -> None:
    """The question "Which items?" had a button per line: 100, then "Continue" the 101st, and
    choosing one was answered with "something went wrong"."""
    code = await delivered_restock(shop)
    bea = SandboxUser(shop.server, BEA, "Bea")
    which = (await bea.send(f"/return {code}")).last
    assert which.text.endswith("you can choose several.\nPage 1 of 5")  # 24 lines a page
    while not any(text.startswith("Wholesale tee W-090 ") for text in which.button_texts()):
        assert len(which.button_texts()) <= 30
        which = (await bea.press(which, "Next ▶")).last
    assert which.text.endswith("\nPage 4 of 5")  # the page turned says where it is, as a catalog's does
    line = next(text for text in which.button_texts() if text.startswith("Wholesale tee W-090 "))
    asked = await bea.press(which, line)
    chosen = (await bea.send("2")).last  # of 3
    assert "✅ Wholesale tee W-090 · 2 of 3" in chosen.button_texts() and "◀ Previous" in chosen.button_texts()
    assert chosen.text.endswith("\nPage 4 of 5")
    reasons = await bea.press(chosen, "Continue ➡️")
    assert "How many of W-090 Wholesale tee W-090" in asked.last.text and "Why?" in reasons.last.text


async def test_staff_inspect_a_return_of_100_lines_a_screen_of_lines_at_a_time(shop: RunningBot) -> None:
    """A received return had ↩️ Restock and 🗑 Write off for every line: 200 buttons, and the
    manager was told something went wrong."""
    code = await delivered_restock(shop)
    bea = SandboxUser(shop.server, BEA, "Bea")
    which = (await bea.send(f"/return {code}")).last
    while True:  # every line, all 3 of each
        free = [text for text in which.button_texts() if text.startswith("Wholesale tee W-")]
        if free:
            await bea.press(which, free[0])
            which = (await bea.send("3")).last
        elif "Next ▶" in which.button_texts():
            which = (await bea.press(which, "Next ▶")).last
        else:
            break
    reasons = await bea.press(which, "Continue ➡️")
    photos = await bea.press(reasons.last, "Damaged")
    method = await bea.press(photos.last, "Skip ➡️")
    registered = (await bea.press(method.last, "🏬 I will bring it to a store")).last.text
    rma = registered.split("request ")[1].split()[0]
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    shown = (await admin.send(f"/rma {rma}")).last
    for step in ("✅ Approve", "📥 Parcel received"):
        shown = (await admin.press(shown, step)).last
    restocked = []
    while any(text.startswith("↩️ Restock") for text in shown.button_texts()):
        assert len(shown.button_texts()) <= 100
        first = next(text for text in shown.button_texts() if text.startswith("↩️ Restock"))
        restocked.append(first.split()[-1])
        shown = (await admin.press(shown, first)).last
    assert restocked == SKUS and "💸 Refund" in shown.button_texts()


async def test_receivables_aging_names_40_invoices_and_counts_the_rest(shop: RunningBot) -> None:
    """/ar listed every open invoice: a wholesaler's hundreds were several messages."""
    runtime = shop.runtime
    token, _ = await create_api_key(
        runtime.uow(), runtime.clock, name="b2b", scopes=frozenset(Scope), carriers=frozenset({"DPD"})
    )
    customer = {"name": "Corp", "phone": "+44 7700 900125", "business": True, "payment_terms_days": 30}
    # 45 invoices at once: a backlog a channel would send at its own pace under the rate limit
    settings = runtime.settings.model_copy(update={"api_rate_limit": "0"})
    async with TestClient(TestServer(make_api_app(runtime.sessions, settings, runtime.clock))) as client:
        for n in range(45):
            body = {"customer": customer, "lines": [{"sku": "85123A", "quantity": 1}], "currency": "GBP"}
            body |= {"payment": "invoice", "address": "1 High Street, London", "reference": f"C-{n}"}
            placed = await client.post(
                "/api/v1/orders", json=body, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"c-{n}"}
            )
            assert placed.status == 201, await placed.text()
    aging = await SandboxUser(shop.server, ADMIN, "Ada").send("/ar")
    assert len(aging.messages) == 1
    assert aging.last.text.count("• ") == 40 and aging.last.text.endswith("… and 5 more.")


async def test_open_returns_past_the_listed_50_are_counted_on_returns_and_the_dashboard(shop: RunningBot) -> None:
    """/returns listed the oldest 50 and said nothing of the rest, and the dashboard counted open
    returns as what a list of at most 100 held: 130 open showed as 100."""
    code, runtime = await delivered_restock(shop), shop.runtime
    async with runtime.uow() as uow:
        order = await uow.orders.get_by_code(code)
        assert order is not None
    for line in order.lines[:55] + order.lines[:75]:  # one unit a return: 130 of them
        await request_return(
            runtime.uow(),
            runtime.clock,
            customer_id=order.customer_id,
            code=code,
            kind=ReturnKind.REFUND,
            reason=ReturnReason.DAMAGED,
            method=ReturnMethod.DROP_OFF,
            quantities={line.id or 0: 1},
            window_days=30,
        )
    listed = (await SandboxUser(shop.server, ADMIN, "Ada").send("/returns")).last.text
    assert listed.count("• ") == 50 and "… and 80 more." in listed
    async with miniapp(shop) as client:
        board = await (await client.get("/app/api/dashboard", headers=tma(shop, ADMIN))).json()
    assert board["open_returns"] == 130
