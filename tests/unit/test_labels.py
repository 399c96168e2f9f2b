"""Codes shown to people read as distinct words in every language, and stock movement
reasons are shown in the reader's language."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n

from handlers.views.labels import LABELS, history_reason, label, movement_reason, routing_reason


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
        assert history_reason("placed", "UTC") == ""
        assert history_reason("cash on delivery", "UTC") == "наличными при получении"
        assert history_reason("customer", "UTC") == "покупателем"
        assert history_reason("DPD", "UTC") == "DPD"  # a carrier's name, as it is
    with i18n.use_locale("en"):
        assert history_reason("card", "UTC") == "card payment"


def test_routing_reasons_are_shown_in_the_reader_s_language_with_russian_plurals(i18n: I18n) -> None:
    with i18n.use_locale("ru"):
        assert routing_reason("LON can ship every line") == "LON может отгрузить все позиции"
        assert routing_reason("nearest to the delivery point: LON 13 km, MAN 1250 km") == (
            "ближе всего к адресу доставки: LON 13 км, MAN 1\xa0250 км"
        )
        assert routing_reason("nearest to the pickup point: LON 268 km") == (
            "ближе всего к пункту самовывоза: LON 268 км"
        )
        assert routing_reason("no single warehouse has every line; 2 warehouses needed") == (
            "ни на одном складе нет всех позиций; нужно 2 склада"
        )
        assert routing_reason("no single warehouse has every line; 5 warehouses needed").endswith("нужно 5 складов")
        assert routing_reason("chosen among 21 possible warehouses") == "выбран из 21 возможного склада"
        assert routing_reason("chosen among 3 possible combinations") == "выбрано из 3 возможных сочетаний"
        assert routing_reason("LON") == "LON"  # a warehouse's code, as it is
    with i18n.use_locale("en"):
        assert routing_reason("chosen among 2 possible warehouses") == "chosen among 2 possible warehouses"
        assert routing_reason("nearest to the pickup point: LON 268 km") == "nearest to the pickup point: LON 268 km"


@pytest.mark.parametrize(
    ("timezone", "language", "shown"),
    [
        ("Europe/London", "en", "due 2 Jan 2027"),  # en_GB: day first, read the chat's and paper's way
        ("Europe/London", "ru", "срок 2 янв. 2027\u202fг."),
        ("America/New_York", "en", "due Jan 2, 2027"),
    ],
)
def test_a_due_date_in_an_order_s_history_reads_as_the_shops_country_writes_the_readers_language(
    i18n: I18n, timezone: str, language: str, shown: str
) -> None:
    """The order screen's timeline (chat and the Mini App's dashboard) read "due Jan 2, 2027" in a London shop."""
    with i18n.use_locale(language):
        assert history_reason("due 2027-01-02", timezone) == shown


def test_shortages_and_handovers_in_an_order_s_history_and_stock_movements_read_in_russian(i18n: I18n) -> None:
    with i18n.use_locale("ru"):
        assert history_reason("short pick: 21212", "UTC") == "недостача при сборке: 21212"
        assert history_reason("short: 85123A", "UTC") == "нехватка при упаковке: 85123A"
        assert history_reason("handed over", "UTC") == "выдан покупателю"
        assert movement_reason("short pick AB12CD34") == "недостача при сборке AB12CD34"


def test_a_routing_restated_after_a_fill_reads_in_the_reader_s_language(i18n: I18n) -> None:
    with i18n.use_locale("ru"):
        assert routing_reason("split: LON ships 2, MAN ships 5") == "разделён: LON отгружает 2, MAN отгружает 5"
        assert routing_reason("MAN ships 5") == "MAN отгружает 5"
        assert routing_reason("1 still wait for stock") == "ещё 1 ждёт поставки"
        assert routing_reason("2 still wait for stock") == "ещё 2 ждут поставки"
        assert routing_reason("split: a note, not a warehouse") == "split: a note, not a warehouse"
