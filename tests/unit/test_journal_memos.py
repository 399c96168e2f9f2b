"""Journal memos kept in English read in the reader's language, part by part, free text as typed."""

from __future__ import annotations

import gettext
import re
from string import Formatter

from handlers.views.memos import KINDS, journal_memo

RU = {
    "sale {code} (card)": "продажа {code} (карта)",
    "{money} at {rate} {pair}": "{money} по курсу {rate} {pair}",
    "code {code}": "промокод {code}",
    "refund owed, {rest}": "к возврату покупателю, {rest}",
    "{code} edited": "заказ {code} изменён",
}


def russian(key: str) -> str:
    return RU.get(key, key)


def test_every_memo_kind_fills_its_words_with_exactly_the_parts_its_pattern_reads() -> None:
    for pattern, key in KINDS:
        named = set(re.compile(pattern).groupindex)
        assert {name for _, name, _, _ in Formatter().parse(key) if name} == named, key


def test_a_memo_is_translated_part_by_part_its_order_rate_and_promo_code_too() -> None:
    memo = "sale AB12CD34 (card); 889.44 RUB at 100.50 RUB/GBP; code TENOFF"
    assert (
        journal_memo(memo, russian) == "продажа AB12CD34 (карта); 889.44 RUB по курсу 100.50 RUB/GBP; промокод TENOFF"
    )


def test_a_refund_owed_names_what_it_refunds_in_the_reader_s_words() -> None:
    assert journal_memo("refund owed, AB12CD34 edited", russian) == "к возврату покупателю, заказ AB12CD34 изменён"


def test_a_memo_of_no_known_kind_is_kept_as_it_was_written() -> None:
    typed = "85123A at LON: -2, broken in the storm; sale of nothing"
    assert journal_memo(typed, russian) == typed


def test_a_goodwill_refund_reads_in_russian_with_its_reason_as_typed() -> None:
    ru = gettext.translation("messages", "locales", ["ru"]).gettext
    memo = "goodwill refund owed, AB12CD34: late delivery"
    assert journal_memo(memo, ru) == "компенсация к выплате покупателю, AB12CD34: late delivery"
