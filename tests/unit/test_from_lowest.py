"""A list's "from" price: the lowest of a family's variants on sale, compared in the currency the card shows;
a chat search, which names one variant at its own price, does not look for it."""

from __future__ import annotations

from domain.catalog import Product
from domain.money import Money
from domain.usecases.catalog import browse_category, search_products
from domain.usecases.imports.products import import_products
from domain.variants import Sibling
from tests.fakes import FakeClock, FakeUnitOfWork

# The fakes' shop takes EUR only: the M, priced in pounds alone, is shown in the fallback currency.
JUMPERS = (
    "sku,name,category,price,currency,parent,options\n"
    "JUMPER-S,Jumper,Knitwear,30.00,EUR,JUMPER,Size=S\n"
    "JUMPER-M,Jumper,Knitwear,9.00,GBP,JUMPER,Size=M\n"
    "JUMPER-L,Jumper,Knitwear,25.50,EUR,JUMPER,Size=L\n"
)


async def _shop() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await import_products(uow, FakeClock(), JUMPERS)
    return uow


async def test_a_variant_shown_in_the_fallback_currency_is_not_the_lowest_of_a_card_in_another() -> None:
    """£9.00 beside €30.00 is not 'from £9.00': amounts are compared in the card's own currency only."""
    uow = await _shop()
    knitwear = uow.state.categories["Knitwear"]
    page = await browse_category(
        uow, category_id=knitwear, page=0, page_size=5, currency="EUR", fallback_currency="GBP"
    )
    [card] = page.cards
    assert (card.price, card.lowest) == (Money(3000, "EUR"), Money(2550, "EUR"))


async def test_a_chat_search_does_not_read_the_family_for_a_lowest_it_does_not_show() -> None:
    uow = await _shop()
    asked: list[str] = []
    siblings = uow.products.siblings
    jumper = await uow.products.get_by_sku("JUMPER-S")
    assert jumper is not None

    async def search(text: str, offset: int, limit: int, *, word_forms: bool = True) -> tuple[list[Product], int]:
        return [jumper], 1  # the fakes search nothing: a search finds a family once, by its first variant

    uow.products.search = search  # type: ignore[attr-defined]

    async def counted(parent_code: str) -> list[Sibling]:
        asked.append(parent_code)
        return await siblings(parent_code)

    uow.products.siblings = counted  # type: ignore[method-assign]
    listed = await search_products(uow, text="Jumper", page=0, page_size=5, currency="EUR", fallback_currency="GBP")
    assert [c.lowest for c in listed.cards] == [Money(2550, "EUR")] and asked == ["JUMPER"]  # the Mini App's
    asked.clear()
    found = await search_products(
        uow, text="Jumper", page=0, page_size=5, currency="EUR", fallback_currency="GBP", lowest=False
    )
    assert [(c.product.sku, c.lowest) for c in found.cards] == [("JUMPER-S", None)] and asked == []
