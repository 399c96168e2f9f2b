"""Promotions and promo codes through the sandbox: a manager creates them in chat, the customer
sees the discount in the cart, the review and the receipt, and the journal books it.

Demo data: 85123A "White Hanging Heart T-Light Holder" £2.95, 806 in LON."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.config import ConfigError, load_settings
from bot.harness import RunningBot
from sandbox import SandboxUser
from storage import models as m
from tests.e2e.conftest import ADMIN, hire, staff_shop
from tests.e2e.journeys import add_to_cart, checkout_to_payment, count, order_code, order_row, scalar
from tests.fakes import FakeClock

PROMO_GUESSES = 5  # unknown codes a customer may type in ten minutes (PROMO_GUESS_LIMIT by default)


async def test_a_promo_code_typed_in_lower_case_with_spaces_discounts_the_order_and_the_books(
    shop: RunningBot, clock: FakeClock
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send("/promocode new SAVE10 percent=10 min=5.00 uses=5 per_customer=1 until=2026-12-31")
    assert "SAVE10" in made.last.text and "used 0 of 5" in made.last.text
    made = await admin.send('/promotion new "Hearts week" off=0.10 products=85123A until=2026-12-31')
    assert "Hearts week" in made.last.text

    bea = SandboxUser(shop.server, 701, "Bea")
    await add_to_cart(bea, "85123A", 2)  # £5.90, −£0.20 (10p off each)
    cart = await bea.send("/cart")
    assert "Hearts week: −£0.20" in cart.last.text and "After discounts: £5.70" in cart.last.text

    reply = await checkout_to_payment(bea, pickup=True)
    review = await bea.press(reply.last, "💵")
    assert "Hearts week: −£0.20" in review.last.text and "Total: £5.70" in review.last.text
    refused = await bea.send("/promo NOPE")
    assert "There is no promo code NOPE." in refused.new[0].text
    applied = await bea.send("/promo  save 10 ")
    assert "Promo code SAVE10 applied: −£0.57." in applied.new[0].text
    assert "Promo code SAVE10: −£0.57" in applied.last.text and "Total: £5.13" in applied.last.text
    placed = await bea.press(applied.last, "Confirm order")
    code = order_code(placed)
    assert "Total: £5.13" in placed.last.text and "SAVE10: −£0.57" in placed.last.text

    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    assert (order.total_minor, order.discount_minor, order.subtotal_minor, order.promo_code) == (513, 77, 590, "SAVE10")
    lines = await scalar(shop, select(m.OrderLineRow.discount_minor).where(m.OrderLineRow.order_id == order.id))
    assert lines == 77
    assert await scalar(shop, select(m.PromoCodeRow.uses)) == 1
    detail = await bea.send(f"/track {code}")
    assert "Hearts week: −£0.20" in detail.last.text and "Promo code SAVE10: −£0.57" in detail.last.text
    staff_view = await admin.send(f"/order {code}")
    assert "Promo code SAVE10: −£0.57" in staff_view.last.text and "Total: £5.13" in staff_view.last.text

    # Once per customer: her next checkout is told exactly why, and nothing changes.
    await add_to_cart(bea, "85123A", 2)
    reply = await checkout_to_payment(bea, pickup=True)
    review = await bea.press(reply.last, "💵")
    again = await bea.send("/promo SAVE10")
    assert "You have already used promo code SAVE10 as many times as it allows (1)." in again.new[0].text
    assert await scalar(shop, select(m.PromoCodeRow.uses)) == 1


@pytest.mark.parametrize(
    ("language", "remove", "removed", "step"),
    [
        ("en", "✖️ Remove promo code", "Promo code removed.", "Step 5 of 5. Confirm, or /cancel."),
        ("ru", "✖️ Убрать промокод", "Промокод убран.", "Шаг 5 из 5. Подтвердите или /cancel."),
    ],
)
async def test_remove_promo_code_pressed_on_a_review_over_48_hours_old_shows_the_review_without_it_anew(
    shop: RunningBot, language: str, remove: str, removed: str, step: str
) -> None:
    """Telegram hands such a message over as inaccessible: the code went and no review was left to confirm."""
    await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new OLD10 percent=10 until=2026-12-31")
    dee = SandboxUser(shop.server, 704, "Dee", language_code=language)
    await add_to_cart(dee, "85123A", 2)
    await dee.press((await checkout_to_payment(dee, pickup=True)).last, "💵")
    review = (await dee.send("/promo OLD10")).last
    assert "OLD10" in review.text and remove in review.button_texts()
    dropped = await dee.press(review, remove, too_old=True)
    assert dropped.callback_answer is not None and dropped.callback_answer.get("text") == removed
    assert dropped.edited == [] and len(dropped.new) == 1, dropped.messages
    assert dropped.new[0].text.endswith(step) and "OLD10" not in dropped.new[0].text
    code = order_code(await dee.press(dropped.new[0], "✅"))
    assert (await order_row(shop, code)).promo_code == ""


AT_REVIEW = {
    "en": {"enter": "🏷 Enter a promo code", "type": "Type your promo code", "confirm": "✅ Confirm order"},
    "ru": {"enter": "🏷 Ввести промокод", "type": "Введите промокод", "confirm": "✅ Подтвердить заказ"},
}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_enter_a_promo_code_and_a_refused_codes_confirm_pressed_on_a_review_over_48_hours_old_go_on_anew(
    shop: RunningBot, clock: FakeClock, language: str
) -> None:
    """Telegram hands such a message over as inaccessible: 🏷 waited for a code it never asked for, and ✅ with a code
    expired since said why in an alert and left no review to confirm without it."""
    words = AT_REVIEW[language]
    await SandboxUser(shop.server, ADMIN, "Ada").send("/promocode new LASTDAY off=1.00 until=2026-11-25")
    eve = SandboxUser(shop.server, 705, "Eve", language_code=language)
    await add_to_cart(eve, "85123A", 2)
    review = await eve.press((await checkout_to_payment(eve, pickup=True)).last, "💵")
    asked = await eve.press(review.last, words["enter"], too_old=True)
    assert asked.edited == [] and asked.new[-1].text.startswith(words["type"]), asked.messages
    applied = (await eve.send("lastday")).last
    assert "LASTDAY" in applied.text
    clock.advance(days=1)  # the code expires while the review waits
    pressed = await eve.press(applied, words["confirm"], too_old=True)
    assert pressed.callback_answer is not None and "LASTDAY" in str(pressed.callback_answer["text"])
    assert len(pressed.new) == 1 and "LASTDAY" not in pressed.new[0].text and await count(shop, m.OrderRow) == 0
    code = order_code(await eve.press(pressed.new[0], words["confirm"]))
    assert (await order_row(shop, code)).promo_code == ""


async def test_bad_promotions_are_refused_with_the_reason_and_nothing_is_made(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    assert "at most 100" in (await admin.send("/promotion new Mad percent=150 over=10 until=2026-12-31")).last.text
    text = (await admin.send("/promotion new Big off=20.00 over=10.00 until=2026-12-31")).last.text
    assert "more than the order it applies to" in text
    assert "Sale" in (await admin.send("/promotion new Sale percent=10 products=85123A until=2026-12-31")).last.text
    text = (await admin.send("/promotion new Other percent=5 products=85123A until=2026-12-20")).last.text
    assert "“Sale” already discounts these items from 2026-11-25 to 2026-12-31;" in text  # its last day, as typed
    assert await scalar(shop, select(m.PromotionRow.name)) == "Sale"
    manager = await hire(shop, 720, "Max", "manager")
    assert "SUMMER" in (await manager.send("/promocode new summer percent=5 until=2026-12-31")).last.text
    picker = await hire(shop, 721, "Pip", "picker", "LON")
    assert (await picker.send("/promocode")).last.text == "Your role (picker) does not allow this."


async def test_an_expired_code_at_confirmation_is_dropped_and_the_order_confirms_without_it(
    shop: RunningBot, clock: FakeClock
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/promocode new LASTDAY off=1.00 until=2026-11-25")
    cy = SandboxUser(shop.server, 702, "Cy")
    await add_to_cart(cy, "85123A", 2)
    reply = await checkout_to_payment(cy, pickup=True)
    review = await cy.press(reply.last, "💵")
    asked = await cy.press(review.last, "Enter a promo code")
    assert "Type your promo code" in asked.last.text
    applied = await cy.send("lastday")
    assert "Total: £4.90" in applied.last.text
    clock.advance(days=1)  # the code expires while the review waits
    pressed = await cy.press(applied.last, "Confirm order")
    assert pressed.callback_answer is not None
    assert pressed.callback_answer["text"] == "Promo code LASTDAY expired on 25 Nov 2026."
    assert "Total: £5.90" in pressed.last.text and await scalar(shop, select(m.OrderRow.id)) is None
    placed = await cy.press(pressed.last, "Confirm order")
    code = order_code(placed)
    order = await scalar(shop, select(m.OrderRow).where(m.OrderRow.code == code))
    assert (order.total_minor, order.discount_minor, order.promo_code) == (590, 0, "")
    stale = await cy.press(review.last, "Enter a promo code")  # the first review, long gone
    assert stale.callback_answer is not None
    assert stale.callback_answer["text"] == "This checkout has expired. Start again with /checkout."
    assert await scalar(shop, select(m.PromoCodeRow.uses)) == 0


async def test_a_code_for_the_wholesale_group_is_refused_to_retail_and_applies_once_the_customer_is_moved(
    shop: RunningBot,
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send("/promocode new TRADE percent=10 groups=Wholesale until=2026-12-31")
    assert "TRADE" in made.last.text
    assert await scalar(shop, select(m.PromoCodeRow.groups)) == "wholesale"
    corp = SandboxUser(shop.server, 702, "Corp", username="corp")
    await add_to_cart(corp, "85123A", 2)
    reply = await checkout_to_payment(corp, pickup=True)
    review = await corp.press(reply.last, "💵")
    refused = await corp.send("/promo trade")
    assert "Promo code TRADE is for wholesale customers only." in refused.new[0].text
    assert "Total: £5.90" in review.last.text
    await admin.send("/customer @corp group wholesale")
    applied = await corp.send("/promo TRADE")
    assert "Promo code TRADE applied: −£0.59." in applied.new[0].text
    placed = await corp.press(applied.last, "Confirm order")
    assert "TRADE: −£0.59" in placed.last.text
    assert await scalar(shop, select(m.PromoCodeRow.uses)) == 1


async def test_a_promotion_for_product_code_discounts_every_size_and_a_sku_only_its_own(shop: RunningBot) -> None:
    """TEE's first variant (S/White) is coded TEE too: ``products=TEE`` is that variant alone,
    ``products=product:TEE`` every variant of the product, one added after the promotion too."""
    from domain.usecases.imports.products import import_products
    from domain.usecases.imports.stock import import_stock
    from tests.e2e.variants import tshirts

    await tshirts(shop)
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    made = await admin.send('/promotion new "Tee week" off=2.00 products=product:tee until=2026-12-31')
    assert "Tee week" in made.last.text and "product:TEE" in made.last.text
    tess = SandboxUser(shop.server, 702, "Tess")
    await add_to_cart(tess, "TEE", 1)  # S/White, £12.00
    await add_to_cart(tess, "TEE-M-NVY", 1)  # M/Navy, £12.00
    cart = await tess.send("/cart")
    assert "Tee week: −£4.00" in cart.last.text and "After discounts: £20.00" in cart.last.text
    uow, clock = shop.runtime.uow, shop.runtime.clock  # a new size after the promotion began: discounted too
    await import_products(
        uow(),
        clock,
        "sku,name,category,price,currency,parent,options\nTEE-XS-WHT,Organic cotton T-shirt,Clothing,"
        "12.00,GBP,TEE,Size=XS;Colour=White\n",
    )
    await import_stock(uow(), clock, "sku,warehouse,bin,quantity\nTEE-XS-WHT,LON,A-05-03-2,5\n")
    await add_to_cart(tess, "TEE-XS-WHT", 1)
    assert "Tee week: −£6.00" in (await tess.send("/cart")).last.text
    # A promo code for the product takes from each size too; for a SKU, from that variant alone.
    made = await admin.send("/promocode new TEES percent=50 products=product:TEE until=2026-12-31")
    assert "TEES" in made.last.text
    assert (
        "TEE-ONLY" in (await admin.send("/promocode new TEE-ONLY percent=50 products=TEE until=2026-12-31")).last.text
    )

    ended = await admin.send("/promotion end 1")
    assert "Tee week" in ended.last.text
    made = await admin.send('/promotion new "S white" off=2.00 products=TEE until=2026-12-31')
    assert "S white" in made.last.text
    cart = await tess.send("/cart")
    assert "S white: −£2.00" in cart.last.text and "After discounts: £34.00" in cart.last.text
    reply = await checkout_to_payment(tess, pickup=True)
    await tess.press(reply.last, "💵")
    applied = await tess.send("/promo TEES")  # half of what each size still costs: (10 + 12 + 12) / 2
    assert "Promo code TEES applied: −£17.00." in applied.new[0].text
    applied = await tess.send("/promo TEE-ONLY")  # half of S/White's £10.00 after the promotion
    assert "Promo code TEE-ONLY applied: −£5.00." in applied.new[0].text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            ("products=SKU,product:CODE", "product:CODE is every size and colour of the product", "no product NOSUCH"),
        ),
        ("ru", ("products=SKU,product:КОД", "product:КОД — все размеры и цвета товара", "NOSUCH")),
    ],
)
async def test_the_usage_says_what_product_code_covers(shop: RunningBot, language: str, words: tuple[str, ...]) -> None:
    manager = await hire(shop, 722, "Max", "manager", language=language)
    for command in ("/promotion frobnicate", "/promocode frobnicate"):
        text = (await manager.send(command)).last.text
        assert words[0] in text and words[1] in text, (command, text)
    refused = await manager.send("/promotion new X off=1.00 products=product:NOSUCH until=2026-12-31")
    assert words[2] in refused.last.text
    assert await scalar(shop, select(m.PromotionRow.name)) is None


async def test_an_overlapping_promotion_is_refused_in_russian_naming_the_last_day_the_other_runs(
    shop: RunningBot,
) -> None:
    olga = await hire(shop, 722, "Olga", "manager", language="ru")
    await olga.send("/promotion new Sale percent=10 products=85123A until=2026-12-31")
    text = (
        await olga.send("/promotion new Other percent=5 products=85123A from=2027-01-01 until=2027-01-10")
    ).last.text
    assert "Other" in text and "#2" in text  # from the day after its last day: no overlap
    refused = (await olga.send("/promotion new Third percent=5 products=85123A until=2026-12-20")).last.text
    # "по" reads inclusive: the day named is the last day "Sale" discounts, not the day after it
    assert refused == (
        "На эти товары уже действует «Sale» с 2026-11-25 по 2026-12-31; сначала завершите её или выберите другие даты."
    )


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "{option} cannot be negative: {value}."),
        ("ru", "{option} не может быть отрицательным: {value}."),
    ],
)
async def test_a_negative_minimum_or_threshold_is_refused_in_the_managers_language_and_nothing_is_made(
    shop: RunningBot, language: str, refusal: str
) -> None:
    manager = await hire(shop, 723, "Olga", "manager", language=language)
    code = (await manager.send("/promocode new LESS percent=10 min=-5 until=2026-12-31")).last.text
    assert code == refusal.format(option="min", value="-5")
    order = (await manager.send("/promotion new Less percent=5 over=-20.00 until=2026-12-31")).last.text
    assert order == refusal.format(option="over", value="-20.00")
    assert await scalar(shop, select(func.count()).select_from(m.PromoCodeRow)) == 0
    assert await scalar(shop, select(func.count()).select_from(m.PromotionRow)) == 0


@pytest.mark.parametrize(
    ("language", "promotion", "code"),
    [
        ("en", "−10% · 85123A · through 31 Dec 2026", "used 0 of ∞ · through 15 Jan 2027"),
        (
            "ru",
            "−10% · 85123A · по 31 дек. 2026\u202fг. включительно",
            "использован 0 из ∞ · по 15 янв. 2027\u202fг. включительно",
        ),
    ],
)
async def test_the_listings_name_the_last_day_a_promotion_or_code_runs_as_until_was_typed(
    shop: RunningBot, language: str, promotion: str, code: str
) -> None:
    manager = await hire(shop, 724, "Olga", "manager", language=language)
    listed = (await manager.send("/promotion new Sale percent=10 products=85123A until=2026-12-31")).last.text
    assert promotion in listed  # not "until 1 Jan 2027, 12:00 am": the midnight after its last day
    codes = (await manager.send("/promocode new WINTER percent=5 until=2027-01-15")).last.text
    assert code in codes


@pytest.mark.parametrize(
    ("language", "used", "free"),
    [("en", "used 1 of 1", "used 0 of 1"), ("ru", "использован 1 из 1", "использован 0 из 1")],
)
async def test_a_cancelled_order_gives_its_promo_code_use_back_whoever_cancels_it(
    shop: RunningBot, language: str, used: str, free: str
) -> None:
    manager = await hire(shop, 725, "Olga", "manager", language=language)
    await manager.send("/promocode new ONCE off=1.00 uses=1 per_customer=1 until=2026-12-31")

    async def place_with_code(buyer: SandboxUser) -> str:
        await add_to_cart(buyer, "85123A", 2)
        reply = await checkout_to_payment(buyer, pickup=True)
        await buyer.press(reply.last, "💵")
        applied = await buyer.send("/promo ONCE")
        assert "Total: £4.90" in applied.last.text
        return order_code(await buyer.press(applied.last, "Confirm order"))

    bea = SandboxUser(shop.server, 703, "Bea")
    first = await place_with_code(bea)
    assert used in (await manager.send("/promocode")).last.text
    detail = await bea.press((await bea.send("/orders")).last, first)
    ask = await bea.press(detail.last, "Cancel order")
    assert "cancelled" in (await bea.press(ask.last, "Yes, cancel it")).last.text
    assert free in (await manager.send("/promocode")).last.text
    assert (await scalar(shop, select(m.PromoCodeRow.uses)), await count(shop, m.PromoCodeUseRow)) == (0, 0)

    second = await place_with_code(bea)  # her one use per customer is free again too
    assert (await order_row(shop, second)).total_minor == 490
    assert used in (await manager.send("/promocode")).last.text
    await manager.send(f"/cancelorder {second}")  # staff cancel for her
    assert (await order_row(shop, second)).status == "cancelled"
    assert free in (await manager.send("/promocode")).last.text

    cy = SandboxUser(shop.server, 704, "Cy")
    third = await place_with_code(cy)  # the code's one use, free again for anyone
    assert (await order_row(shop, third)).promo_code == "ONCE"
    assert (await scalar(shop, select(m.PromoCodeRow.uses)), await count(shop, m.PromoCodeUseRow)) == (1, 1)
    assert (await order_row(shop, first)).promo_code == "ONCE"  # the cancelled order still says what it had


@pytest.mark.parametrize(
    ("language", "unknown", "refusal"),
    [
        ("en", "There is no promo code GUESS", "Too many wrong promo codes."),
        ("ru", "Промокода GUESS", "Слишком много неверных промокодов."),
    ],
)
async def test_promo_codes_cannot_be_guessed_without_limit_and_right_codes_never_count(
    shop: RunningBot, language: str, unknown: str, refusal: str
) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada")
    await admin.send("/promocode new SAVE10 percent=10 until=2026-12-31")
    guesser = SandboxUser(shop.server, 760 + len(language), "Gus", language_code=language)
    await add_to_cart(guesser, "85123A", 2)
    review = await guesser.press((await checkout_to_payment(guesser, pickup=True)).last, "💵")
    for attempt in range(1, PROMO_GUESSES + 1):
        if attempt == 3:  # a right code between the wrong ones does not count
            applied = await guesser.send("/promo SAVE10")
            assert "SAVE10" in applied.new[0].text and "59" in applied.new[0].text
        wrong = await guesser.send(f"/promo GUESS{attempt}")
        assert unknown in wrong.new[0].text, attempt
    refused = await guesser.send("/promo GUESS99")
    assert refused.new[0].text.startswith(refusal) and "GUESS99" not in refused.new[0].text
    still = await guesser.send("/promo SAVE10")  # while over the limit no code is checked, a right one neither
    assert still.new[0].text.startswith(refusal)
    other = SandboxUser(shop.server, 770 + len(language), "Olga", language_code=language)
    await add_to_cart(other, "85123A", 2)
    await other.press((await checkout_to_payment(other, pickup=True)).last, "💵")
    assert "SAVE10" in (await other.send("/promo SAVE10")).new[0].text  # another customer is not held back
    assert review is not None


@pytest.mark.parametrize(
    ("language", "unknown", "refusal"),
    [
        ("en", "There is no promo code GUESS", "Too many wrong promo codes."),
        ("ru", "Промокода GUESS", "Слишком много неверных промокодов."),
    ],
)
async def test_a_shop_sets_how_many_wrong_promo_codes_a_customer_may_type_with_promo_guess_limit(
    tmp_path: Path, clock: FakeClock, language: str, unknown: str, refusal: str
) -> None:
    async with staff_shop(tmp_path, clock, promo_guess_limit="2/minute") as shop:
        guesser = SandboxUser(shop.server, 780, "Gus", language_code=language)
        await add_to_cart(guesser, "85123A", 2)
        await guesser.press((await checkout_to_payment(guesser, pickup=True)).last, "💵")
        for attempt in (1, 2):
            assert unknown in (await guesser.send(f"/promo GUESS{attempt}")).new[0].text, attempt
        assert (await guesser.send("/promo GUESS3")).new[0].text.startswith(refusal)  # the default lets 5 by


async def test_with_promo_guess_limit_0_every_wrong_promo_code_is_checked(tmp_path: Path, clock: FakeClock) -> None:
    async with staff_shop(tmp_path, clock, promo_guess_limit="0") as shop:
        guesser = SandboxUser(shop.server, 781, "Gus")
        await add_to_cart(guesser, "85123A", 2)
        await guesser.press((await checkout_to_payment(guesser, pickup=True)).last, "💵")
        for attempt in range(1, 2 * PROMO_GUESSES):
            assert "There is no promo code GUESS" in (await guesser.send(f"/promo GUESS{attempt}")).new[0].text


def test_the_default_promo_guess_limit_is_five_in_ten_minutes_and_twenty_a_day() -> None:
    assert load_settings().promo_guess_limit == "5/10 minutes;20/day"


@pytest.mark.parametrize("value", ["five", "5/fortnight", "-1/minute", "5/minute;"])
def test_a_promo_guess_limit_that_is_no_rate_stops_start_up_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match=r"^PROMO_GUESS_LIMIT: .* is not a rate like 5/10 minutes;20/day"):
        load_settings(promo_guess_limit=value)
