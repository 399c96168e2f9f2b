"""Returns and exchanges through the sandbox: a full return with restock, write-off and
refund; a partial return; an exchange whose replacement is queued first; a rejected return;
outside the window; more than delivered; someone else's order. Stock and money checked."""

from __future__ import annotations

import re

from bot.harness import RunningBot
from handlers.output.barcodes import barcode_png
from sandbox import SandboxUser
from tests.e2e.conftest import hire
from tests.e2e.journeys import order, payments, stock
from tests.e2e.returns import ask_return, delivered, rma_of
from tests.fakes import FakeClock


async def test_a_full_return_is_restocked_written_off_and_refunded(shop: RunningBot) -> None:
    code = await delivered(shop, 400, {"85123A": 2, "22197": 1})
    on_hand = {w: h for w, h, _ in await stock(shop, "85123A")}
    customer = SandboxUser(shop.server, 400, "Rita")
    detail = await customer.send(f"/track {code}")
    lines = await customer.press(detail.last, "Return")
    assert lines.last.text == "Which items? Tap each one to return; you can choose several."
    ask = await customer.press(lines.last, "White Hanging Heart")
    assert ask.last.text == "How many of 85123A White Hanging Heart T-Light Holder? Send a number from 1 to 2."
    assert (await customer.send("3")).last.text == "Quantity must be a whole number from 1 to 2."
    lines = await customer.send("2")
    lines = await customer.press(lines.last, "Popcorn Holder")
    assert set(lines.last.button_texts()[:2]) == {
        "✅ White Hanging Heart T-Light… · 2 of 2",
        "✅ Popcorn Holder · 1 of 1",
    }
    reasons = await customer.press(lines.last, "Continue")
    photos = await customer.press(reasons.last, "Damaged")
    photo = await customer.send_photo(barcode_png("85123A"))
    assert photo.last.text == "Photo 1 received."
    method = await customer.press(photo.last, "Done")
    done = await customer.press(method.last, "bring it to a store")
    rma = rma_of(done.last.text)
    assert done.last.text.startswith(f"Your request {rma} is registered.")
    assert any(f"New return {rma}" in t.text for t in shop.server.chat_messages(-100500))
    assert photos.last.text.startswith("Photos help us decide quickly")

    sue = await hire(shop, 90, "Sue", "support")
    shown = await sue.send(f"/rma {rma}")
    assert any(msg.kind == "photo" for msg in shown.new)
    assert f"Return {rma}" in shown.last.text and "damaged" in shown.last.text
    approved = await sue.press(shown.last, "Approve")
    told = shop.server.chat_messages(400)[-1].text
    assert "approved" in told and "Manchester store" in told
    received = await sue.press(approved.last, "Parcel received")
    after_restock = await sue.press(received.last, "Restock 85123A")
    after_writeoff = await sue.press(after_restock.last, "Write off 22197")
    refunded = await sue.press(after_writeoff.last, "Refund")
    assert "Refund owed: £10.45" in refunded.last.text  # 2 × £2.95 + £0.85 + £3.70 shipping (shop's fault)
    # Support has no "Refund paid back" button: told who marks it, rather than left looking for one.
    assert "A manager marks it paid back" in refunded.last.text
    assert "We will refund £10.45." in shop.server.chat_messages(400)[-1].text
    assert await payments(shop, code) == [("payment", 1045), ("write_off", 85), ("refund_owed", 1045)]
    manager = await hire(shop, 96, "Mo", "manager")
    paid = await manager.press((await manager.send(f"/rma {rma}")).last, "Refund paid back")
    assert "Refund paid back: £10.45" in paid.last.text and "Refund paid back" not in " ".join(paid.last.button_texts())
    assert "A manager marks it" not in (await manager.send(f"/rma {rma}")).last.text
    assert "We have paid back £10.45." in shop.server.chat_messages(400)[-1].text
    assert await payments(shop, code) == [
        ("payment", 1045),
        ("write_off", 85),
        ("refund_owed", 1045),
        ("refunded", 1045),
    ]
    assert {w: h for w, h, _ in await stock(shop, "85123A")}["LON"] == on_hand["LON"] + 2
    assert (await sue.send("/returns")).last.text == "No open returns."


async def test_a_partial_return_leaves_the_rest_returnable_and_more_is_refused(shop: RunningBot) -> None:
    code = await delivered(shop, 410, {"85123A": 2})
    customer = SandboxUser(shop.server, 410, "Pat")
    lines = await customer.send(f"/return {code}")
    await customer.press(lines.last, "White Hanging Heart")
    lines = await customer.send("1")
    reasons = await customer.press(lines.last, "Continue")
    photos = await customer.press(reasons.last, "Changed my mind")
    method = await customer.press(photos.last, "Skip")
    done = await customer.press(method.last, "courier")
    first = rma_of(done.last.text)
    again = await customer.send(f"/return {code}")
    assert again.last.button_texts()[0] == "White Hanging Heart T-Light… · up to 1"

    sue = await hire(shop, 91, "Sam", "support")
    shown = await sue.send(f"/rma {first}")
    shown = await sue.press(shown.last, "Approve")
    assert "A courier will collect the parcel" in shop.server.chat_messages(410)[-1].text
    shown = await sue.press(shown.last, "Parcel received")
    shown = await sue.press(shown.last, "Restock 85123A")
    shown = await sue.press(shown.last, "Refund")
    assert "Refund owed: £2.95" in shown.last.text  # changed mind: no shipping refund
    assert "Refund owed: £2.95\nA manager marks it paid back once the money is sent." in shown.last.text
    olga = await hire(shop, 92, "Ольга", "support", language="ru")
    shown_ru = (await olga.send(f"/rma {first}")).last.text
    assert "К возврату: 2,95\xa0£\nОтметку о выплате ставит менеджер" in shown_ru
    manager = await hire(shop, 93, "Mo", "manager")
    shown = await manager.send(f"/rma {first}")  # a manager has the button, and needs no such line
    assert "✅ Refund paid back" in shown.last.button_texts() and "A manager marks it" not in shown.last.text
    assert await payments(shop, code) == [("payment", 960), ("refund_owed", 295)]  # the cash collected at the door


async def test_an_exchange_makes_a_free_replacement_that_is_queued_first(shop: RunningBot) -> None:
    code = await delivered(shop, 420, {"85123A": 1})
    await order(shop, 421, {"22197": 1})  # an ordinary order already waiting
    customer = SandboxUser(shop.server, 420, "Eli")
    detail = await customer.send(f"/track {code}")
    lines = await customer.press(detail.last, "Exchange")
    lines = await customer.press(lines.last, "White Hanging Heart")
    reasons = await customer.press(lines.last, "Continue")
    photos = await customer.press(reasons.last, "Wrong item")
    method = await customer.press(photos.last, "Skip")
    rma = rma_of((await customer.press(method.last, "store")).last.text)
    manager = await hire(shop, 92, "Meg", "manager")
    shown = await manager.send(f"/rma {rma}")
    for button in ("Approve", "Parcel received", "Restock 85123A", "Send the replacement"):
        shown = await manager.press(shown.last, button)
    told = shop.server.chat_messages(420)[-1].text
    replacement = re.search(r"replacement is order (\w+)", told).group(1)  # type: ignore[union-attr]
    queue = (await manager.send("/queue LON")).last.text.splitlines()
    assert queue[1].startswith(f"1. ⭐ {replacement}") and queue[1].endswith(" — replacement")
    full = (await manager.send(f"/order {replacement}")).last.text
    assert "Total: £0.00" in full and f"replacement for {code}" in full


async def test_a_rejected_return_changes_nothing(shop: RunningBot) -> None:
    code = await delivered(shop, 430, {"85123A": 1})
    before = await stock(shop, "85123A")
    customer = SandboxUser(shop.server, 430, "Ray")
    lines = await customer.send(f"/return {code}")
    lines = await customer.press(lines.last, "White Hanging Heart")
    reasons = await customer.press(lines.last, "Continue")
    other = await customer.press(reasons.last, "Other")
    assert other.last.text == "Tell us in a few words what is wrong."
    photos = await customer.send("it is <b>too</b> bright")
    method = await customer.press(photos.last, "Skip")
    rma = rma_of((await customer.press(method.last, "store")).last.text)
    sue = await hire(shop, 93, "Sia", "support")
    shown = await sue.send(f"/rma {rma}")
    assert "“it is <b>too</b> bright”" in shown.last.text
    ask = await sue.press(shown.last, "Reject")
    assert ask.last.text.startswith("Why is it rejected? The customer will read your answer.\n\nReturn ")
    await sue.send("Used item & no packaging")
    rejected = shop.server.chat_messages(430)[-1]
    told = rejected.text
    assert "rejected" in told and "Reason: Used item & no packaging" in told
    assert rejected.button_texts() == ["💬 Contact us"]  # a person to talk to about it
    assert await stock(shop, "85123A") == before and await payments(shop, code) == [("payment", 665)]
    again = await customer.send(f"/return {code}")  # a rejected return gives nothing back: it may be asked again
    assert again.last.button_texts()[0] == "White Hanging Heart T-Light… · up to 1"


async def test_returns_are_refused_outside_the_window_before_delivery_and_for_others(
    shop: RunningBot, clock: FakeClock
) -> None:
    code = await delivered(shop, 440, {"85123A": 1})
    pending = await order(shop, 441, {"85123A": 1})
    owner = SandboxUser(shop.server, 440, "Ola")
    stranger = SandboxUser(shop.server, 442, "Eve")
    assert (await stranger.send(f"/return {code}")).last.text == "Nothing was found."
    assert (await SandboxUser(shop.server, 441, "Ned").send(f"/return {pending}")).last.text == (
        f"Order {pending} cannot be returned: only delivered orders can, within 14 days of delivery."
    )
    clock.advance(days=14, minutes=1)
    detail = await owner.send(f"/track {code}")
    assert "↩️ Return" not in detail.last.button_texts()
    assert (await owner.send(f"/return {code}")).last.text == (
        f"Order {code} cannot be returned: only delivered orders can, within 14 days of delivery."
    )


async def test_a_vip_customer_s_orders_are_flagged_first_and_found_by_their_special_codes(shop: RunningBot) -> None:
    plain = await order(shop, 450, {"85123A": 1})
    theirs = await order(shop, 451, {"22197": 1})
    manager = await hire(shop, 94, "Moe", "manager", "LON")
    marked = await manager.send("/vip 451 on")
    assert marked.last.text == "C451 is now a VIP customer. Open orders changed: 1."
    queue = (await manager.send("/queue")).last.text.splitlines()
    assert queue[1].startswith(f"1. ⭐ {theirs} (VIP-{theirs})") and queue[2].startswith(f"2. {plain}")
    assert f"Order {theirs}" in (await manager.send(f"/order VIP-{theirs}")).last.text
    later = await order(shop, 451, {"85123A": 1})  # new orders are flagged at checkout
    assert f"VIP-{later}" in (await manager.send(f"/order {later}")).last.text
    assert (await manager.send("/vip 451 off")).last.text == (
        "C451 is no longer a VIP customer. Open orders changed: 2."
    )
    assert (await manager.send("/vip nobody on")).last.text == "Nothing was found."
    assert (await manager.send("/vip 451 maybe")).last.text.startswith("Usage: /vip")


async def test_staff_find_an_order_by_the_rma_code_of_its_return(shop: RunningBot) -> None:
    code = await delivered(shop, 460, {"85123A": 1})
    rma = await ask_return(shop, SandboxUser(shop.server, 460, "Ann"), code, "85123A", "Damaged")
    sue = await hire(shop, 95, "Sol", "support")
    assert f"Order {code}" in (await sue.send(f"/order {rma}")).last.text


async def test_the_daily_report_counts_the_day_s_return_requests(shop: RunningBot, clock: FakeClock) -> None:
    from domain.usecases.jobs import daily_digest

    code = await delivered(shop, 470, {"85123A": 2})
    await ask_return(shop, SandboxUser(shop.server, 470, "Una"), code, "85123A", "Changed my mind")
    clock.advance(days=1)
    digest = await daily_digest(shop.runtime.uow(), shop.runtime.clock, staff_chat_id=-100500, timezone="UTC", hour=8)
    assert digest is not None and digest.returns == 1


async def test_a_restocked_return_of_a_sold_out_product_tells_those_waiting_for_it_in_their_language(
    shop: RunningBot,
) -> None:
    """The last unit sold, a customer asked to hear when it is back; the unit came back and was
    restocked, and they were never told (receipts and counts tell them)."""
    from domain.usecases.imports.stock import import_stock

    await import_stock(shop.runtime.uow(), shop.runtime.clock, "sku,warehouse,bin,quantity\n85099B,LON,A-01-01-1,1\n")
    code = await delivered(shop, 410, {"85099B": 1})
    assert {w: h for w, h, _ in await stock(shop, "85099B")}.get("LON", 0) == 0
    waiting = {}
    for user_id, language in ((411, "en"), (412, "ru")):
        customer = SandboxUser(shop.server, user_id, "Alex", language_code=language)
        await customer.press(
            (await customer.send("/start p_85099B")).last, "Notify me" if language == "en" else "Сообщить"
        )
        waiting[language] = (customer, len(customer.messages()))
    rma = await ask_return(shop, SandboxUser(shop.server, 410, "Rita"), code, "85099B", "Changed my mind")
    sue = await hire(shop, 91, "Sue", "support")
    approved = await sue.press((await sue.send(f"/rma {rma}")).last, "Approve")
    received = await sue.press(approved.last, "Parcel received")
    await sue.press(received.last, "Restock 85099B")
    await shop.runtime.notifier.drain()
    for language, (customer, before) in waiting.items():
        (told,) = customer.messages()[before:]
        assert ("is back in stock" if language == "en" else "снова в наличии") in told.text, told.text
