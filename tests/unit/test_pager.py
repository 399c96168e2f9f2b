"""Every paged screen's ◀ Previous / Next ▶ row: which buttons a page gets and what each sends."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import I18n

from handlers.callbacks import CategoryPageCb
from handlers.callbacks_staff import QueuePageCb
from handlers.views.markup import packed
from handlers.views.pager import pager, with_page_number


def _turn(n: int) -> str:
    return packed(QueuePageCb, 7, n)


def _row(page: int, pages: int) -> list[tuple[str, str | None]]:
    rows = pager(page, pages, _turn)
    assert len(rows) <= 1
    return [(b.text, b.callback_data) for row in rows for b in row]


def test_the_first_of_several_pages_offers_only_the_next_one(i18n: I18n) -> None:
    assert _row(0, 3) == [("Next ▶", "qp:7:1")]


def test_a_middle_page_offers_the_one_before_and_the_one_after(i18n: I18n) -> None:
    assert _row(1, 3) == [("◀ Previous", "qp:7:0"), ("Next ▶", "qp:7:2")]


def test_the_last_page_offers_only_the_one_before(i18n: I18n) -> None:
    assert _row(2, 3) == [("◀ Previous", "qp:7:1")]


def test_a_single_page_has_no_pager_row_at_all(i18n: I18n) -> None:
    assert pager(0, 1, _turn) == []
    assert pager(0, 0, _turn) == []  # an empty list is one page too


def test_the_labels_are_in_the_readers_language(i18n: I18n) -> None:
    with i18n.use_locale("ru"):
        assert _row(1, 3) == [("◀ Назад", "qp:7:0"), ("Далее ▶", "qp:7:2")]


def test_the_row_is_what_aiogram_validates_and_packs(i18n: I18n) -> None:
    """Made without validation (``handlers.views.markup``), it is the keyboard aiogram would make."""
    made = InlineKeyboardMarkup(inline_keyboard=pager(4, 9, lambda n: packed(CategoryPageCb, 3, n, 0, 0)))
    validated = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="◀ Previous", callback_data=CategoryPageCb(category_id=3, page=3).pack()),
                InlineKeyboardButton(text="Next ▶", callback_data=CategoryPageCb(category_id=3, page=5).pack()),
            ]
        ]
    )
    assert made == validated
    assert made.model_dump() == validated.model_dump()


def test_a_list_on_one_page_is_said_without_a_page_number(i18n: I18n) -> None:
    assert with_page_number("Which items?", 0, 1) == "Which items?"


def test_a_list_over_several_pages_says_which_page_of_how_many_below_the_text(i18n: I18n) -> None:
    assert with_page_number("Which items?", 1, 5) == "Which items?\nPage 2 of 5"
    with i18n.use_locale("ru"):
        assert with_page_number("Какие?", 4, 5) == "Какие?\nСтраница 5 из 5"
