"""Return figures per reason: refunds in the base currency at each order's rate, the shop-fault share, main reasons."""

from __future__ import annotations

from domain.money import Money
from domain.return_figures import ReasonTally, ReturnedUnits, by_reason, most_returned, shop_fault_share
from domain.returns import ReturnReason as R


def test_refunds_per_reason_are_summed_in_the_base_currency_and_the_most_returns_come_first() -> None:
    found = by_reason(
        [
            ReasonTally(R.DAMAGED, "GBP", "1", 1, 2, 500),
            ReasonTally(R.DOESNT_FIT, "EUR", "1.25", 2, 3, 1000),  # €10.00 at 1.25 per pound: £8.00
            ReasonTally(R.DOESNT_FIT, "GBP", "1", 1, 1, 295),
        ],
        "GBP",
    )
    assert [(f.reason, f.returns, f.units, f.refunded) for f in found] == [
        (R.DOESNT_FIT, 3, 4, Money(1095, "GBP")),
        (R.DAMAGED, 1, 2, Money(500, "GBP")),
    ]
    assert shop_fault_share(found) == 0.25  # damaged is the shop's fault; a size that does not fit is not
    assert shop_fault_share([]) is None


def test_the_most_returned_products_come_with_the_reason_most_of_their_units_came_back_for() -> None:
    units = [
        ReturnedUnits(7, R.DAMAGED, 1),
        ReturnedUnits(7, R.DOESNT_FIT, 3),
        ReturnedUnits(3, R.CHANGED_MIND, 2),
        ReturnedUnits(3, R.DOESNT_FIT, 2),  # a tie: the reasons' own order decides
        *(ReturnedUnits(product, R.OTHER, 1) for product in (10, 11, 12, 13)),
    ]
    assert most_returned(units) == [
        (3, 4, R.DOESNT_FIT),  # as many units as product 7: the lower id first
        (7, 4, R.DOESNT_FIT),
        (10, 1, R.OTHER),
        (11, 1, R.OTHER),
        (12, 1, R.OTHER),
    ]


def test_the_top_reasons_are_the_most_returned_first_then_the_reasons_order_cut_at_the_limit() -> None:
    from domain.return_figures import top_reasons

    counts = {R.OTHER: 1, R.DAMAGED: 2, R.CHANGED_MIND: 1, R.WRONG_ITEM: 1}
    assert top_reasons(counts) == [(R.DAMAGED, 2), (R.WRONG_ITEM, 1), (R.CHANGED_MIND, 1)]
    assert top_reasons(counts, limit=1) == [(R.DAMAGED, 2)]
    assert top_reasons({}) == []
