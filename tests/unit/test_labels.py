"""Codes shown to people read as distinct words in every language, and stock movement
reasons are shown in the reader's language."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n

from handlers.views.labels import LABELS, history_reason, label, movement_reason


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_two_codes_never_read_the_same(i18n: I18n, locale: str) -> None:
    with i18n.use_locale(locale):
        for kind, codes in LABELS.items():
            names = [label(kind, code) for code in codes]
            assert len(set(names)) == len(names), (kind, names)
        # /rma shows both on one screen: the return's status and what the customer asked for.
        assert label("return_status", "refunded") != label("return_kind", "refund")


def test_known_movement_reasons_are_translated_and_others_shown_as_they_are(i18n: I18n) -> None:
    with i18n.use_locale("ru"):
        assert movement_reason("shipment AB12CD34") == "отгрузка AB12CD34"
        assert movement_reason("return RBCDFGHJ: write-off (damaged)") == "возврат RBCDFGHJ: списано (повреждён)"
        assert movement_reason("adjustment: found behind the shelf") == "корректировка: found behind the shelf"
        assert movement_reason("pallet from the till") == "pallet from the till"


def test_an_order_s_history_reasons_are_translated_and_the_status_itself_is_not_repeated(i18n: I18n) -> None:
    with i18n.use_locale("ru"):
        assert history_reason("placed") == ""
        assert history_reason("cash on delivery") == "наличными при получении"
        assert history_reason("due 2027-01-02") == "срок 2027-01-02"
        assert history_reason("customer") == "покупателем"
        assert history_reason("DPD") == "DPD"  # a carrier's name, as it is
    with i18n.use_locale("en"):
        assert history_reason("card") == "card payment"
