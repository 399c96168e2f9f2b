"""Which reasons a return offers, in which order, and which of them are the shop's fault."""

from __future__ import annotations

from domain.returns import SHOP_FAULT, ReturnReason, reasons_offered


def test_a_size_that_does_not_fit_is_not_the_shops_fault_as_a_change_of_mind_is_not() -> None:
    assert ReturnReason.DOESNT_FIT not in SHOP_FAULT and ReturnReason.CHANGED_MIND not in SHOP_FAULT
    assert len(ReturnReason.DOESNT_FIT.value) <= 24  # returns.reason's width: no migration


def test_a_swap_to_another_variant_offers_doesnt_fit_first_and_anything_else_offers_it_among_the_rest() -> None:
    plain = reasons_offered(size_swap=False)
    assert plain == [
        ReturnReason.DAMAGED,
        ReturnReason.WRONG_ITEM,
        ReturnReason.NOT_AS_DESCRIBED,
        ReturnReason.DOESNT_FIT,
        ReturnReason.CHANGED_MIND,
        ReturnReason.OTHER,
    ]
    swapped = reasons_offered(size_swap=True)
    assert swapped[0] is ReturnReason.DOESNT_FIT and sorted(swapped) == sorted(plain) and len(swapped) == len(plain)
