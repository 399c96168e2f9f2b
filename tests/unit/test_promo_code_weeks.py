"""Weeks a promo code limited to a product or a category sold a meaningful share of it: promotion
weeks of the products it covers, left out of the history with the promotions' (on the fake)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from domain.catalog import Product
from domain.money import Money
from domain.promotion_weeks import CodeSale, PromoSpan, code_weeks, regular_weeks
from domain.promotions import DiscountKind, PromoCode, Promotion, Target
from domain.usecases.forecasts import promoted_histories, promotions_over
from tests.fakes import FakeUnitOfWork

FIRST = date(2026, 6, 1)  # a Monday: the first week of each history
START = datetime(2026, 5, 1, tzinfo=UTC)


def _code(code: str, **kw: object) -> PromoCode:
    return PromoCode(code, DiscountKind.PERCENT, START, START + timedelta(days=365), percent=Decimal(20), **kw)  # type: ignore[arg-type]


def test_a_week_a_code_sold_a_quarter_and_two_units_of_is_a_promotion_week_and_a_stray_use_is_not() -> None:
    sales = [
        ("MUGS20", FIRST + timedelta(weeks=1, days=1), 2),  # 2 + 2 of week 1's 14: over a quarter
        ("MUGS20", FIRST + timedelta(weeks=1, days=4), 2),
        ("MUGS20", FIRST + timedelta(weeks=2), 1),  # one unit of 10: a regular using it
        ("MUGS20", FIRST + timedelta(weeks=3), 2),  # 2 of 10: a fifth, lifted little
        ("MUGS20", FIRST - timedelta(days=1), 9),  # before the history
        ("MUGS20", FIRST + timedelta(weeks=6), 9),  # after it
    ]
    weeks = code_weeks(sales, [10.0, 14.0, 10.0, 10.0, 10.0, 10.0], FIRST)
    assert weeks == [(), ("MUGS20",), (), (), (), ()]
    # A slow seller's one unit on a code is no promotion week: left out, its only sale would go.
    assert code_weeks([("MUGS20", FIRST, 1)], [1.0] * 6, FIRST) == [()] * 6


async def test_a_codes_weeks_mark_the_products_it_covers_and_not_the_rest_of_its_orders() -> None:
    """MUGS20 (MUG only) and CUPS (category Cups) each sold 4 a week of MUG and BOWL (BOWL is in
    Kitchen, above Cups), in weeks 2 and 5; an "Over 50" order promotion ran in week 8."""
    uow = FakeUnitOfWork()
    await uow.products.link_categories({"Cups": "Kitchen"})
    mug, bowl = [
        (await uow.products.upsert(Product(sku, sku, category, prices={"EUR": Money(500, "EUR")}))).id or 0
        for sku, category in (("MUG", "Cups"), ("BOWL", "Kitchen"))
    ]
    cups = next(node.id for node in await uow.products.category_nodes() if node.name == "Cups")
    mugs20, by_category = _code("MUGS20", product_ids=frozenset({mug})), _code("CUPS", category_id=cups)
    for code, week in ((mugs20, 2), (by_category, 5)):
        for product in (mug, bowl):
            uow.state.code_sales.append(CodeSale(code, product, 1, FIRST + timedelta(weeks=week, days=3), 4))
    over = Promotion("Over 50", DiscountKind.PERCENT, Target.ORDER, START, START + timedelta(days=300), Decimal(5))
    async with uow:
        await uow.promotions.add_promotion(over)
        await uow.commit()
    histories = {(p, 1): ([10.0, 10.0, 14.0, 10.0, 10.0, 14.0] + [10.0] * 4, FIRST) for p in (mug, bowl)}
    found = await promoted_histories(uow, histories, await promotions_over(uow, FIRST, FIRST + timedelta(weeks=9)))
    assert {key[0]: [(i, names) for i, names in enumerate(weeks) if names] for key, weeks in found.items()} == {
        mug: [(2, ("MUGS20",)), (5, ("CUPS",))]  # BOWL: in neither's products nor below Cups
    }
    kept, out, spans = regular_weeks(histories[mug, 1][0], [0] * 10, found[mug, 1], FIRST)
    assert (kept, out) == ([10.0] * 8, 0)
    assert [(s.first, s.names) for s in spans] == [
        (FIRST + timedelta(weeks=2), ("MUGS20",)),
        (FIRST + timedelta(weeks=5), ("CUPS",)),
    ]
    assert isinstance(spans[0], PromoSpan)
    # /forecast asks for its one product: another's sales are not read.
    only_bowl = await promotions_over(uow, FIRST, FIRST + timedelta(weeks=9), [bowl])
    assert only_bowl.codes == {}
