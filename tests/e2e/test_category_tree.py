"""A 500-category tree and a 100,000-product category browsed through the sandbox."""

from __future__ import annotations

import re

from sqlalchemy import delete, insert, select, update

from bot.harness import RunningBot
from sandbox import SandboxUser
from sandbox.server import BotMessage
from storage import models as m
from tests.e2e.journeys import breadcrumb, down

AISLES, SHELVES = 20, 24  # with the store itself: 501 categories
BIG_SHELF = "Shelf 20-24"


async def seed_store(running: RunningBot, big_shelf_products: int) -> dict[str, int]:
    """Bulk inserts (an import of 100,000 rows would take the test's whole budget): a store,
    its aisles, their shelves with a product each, and ``big_shelf_products`` on the last one."""
    async with running.runtime.sessions() as session:
        store = (
            await session.execute(insert(m.CategoryRow).values(name="Big store").returning(m.CategoryRow.id))
        ).scalar_one()
        aisles = [{"name": f"Aisle {a:02}", "parent_id": store} for a in range(1, AISLES + 1)]
        await session.execute(insert(m.CategoryRow), aisles)
        ids = {name: cid for cid, name in await session.execute(select(m.CategoryRow.id, m.CategoryRow.name))}
        names = [(f"Shelf {a:02}-{s:02}", f"Aisle {a:02}") for a in range(1, AISLES + 1) for s in range(1, SHELVES + 1)]
        await session.execute(insert(m.CategoryRow), [{"name": n, "parent_id": ids[a]} for n, a in names])
        ids = {name: cid for cid, name in await session.execute(select(m.CategoryRow.id, m.CategoryRow.name))}
        products = [
            {"sku": f"S-{n[6:]}", "name": f"Box on {n}", "category_id": ids[n], "status": "active"} for n, _ in names
        ]
        products += [
            {"sku": f"B-{i:06}", "name": f"Bolt {i:06}", "category_id": ids[BIG_SHELF], "status": "active"}
            for i in range(big_shelf_products)
        ]
        # Each product is a parent with one variant, coded as its SKU.
        await session.execute(insert(m.ProductGroupRow), [{"code": p["sku"]} for p in products])
        groups = {
            code: gid for code, gid in await session.execute(select(m.ProductGroupRow.code, m.ProductGroupRow.id))
        }
        await session.execute(insert(m.ProductRow), [{**p, "group_id": groups[str(p["sku"])]} for p in products])
        await session.commit()
    return ids


def within_limits(message: BotMessage) -> bool:
    texts = message.button_texts()
    return len(texts) <= 10 and all(len(t) <= 64 for t in texts)


async def test_a_500_category_tree_and_a_100000_product_shelf_browse_within_telegrams_limits(
    running: RunningBot,
) -> None:
    ids = await seed_store(running, 100_000)
    alice = SandboxUser(running.server, 1901, "Alice")
    top = (await alice.send("/catalog")).last
    store = await down(alice, top, "Big store")
    assert "100,480 products here and below" in store.text  # the count includes every shelf below
    assert breadcrumb(store) == "Catalog › Big store" and "Page 1 of 4" in store.text
    assert store.button_texts()[:2] == ["Aisle 01 (24)", "Aisle 02 (24)"]  # counts include the shelves below
    aisle = await down(alice, store, "Aisle 20")
    assert breadcrumb(aisle) == "Catalog › Big store › Aisle 20" and "Shelf 20-01 (1)" in aisle.button_texts()
    shelf = await down(alice, aisle, BIG_SHELF)
    assert breadcrumb(shelf) == f"Catalog › Big store › Aisle 20 › {BIG_SHELF}"
    assert "Page 1 of 16667" in shelf.text and "100,001 products here and below" in shelf.text
    assert shelf.button_texts()[:2] == ["Bolt 000000", "Bolt 000001"] and within_limits(shelf)
    second = (await alice.press(shelf, "Next")).last
    assert "Page 2 of 16667" in second.text and second.button_texts()[0] == "Bolt 000006"
    last = (await alice.press_data(second, f"cp:{ids[BIG_SHELF]}:16666:0:0")).last
    assert "Page 16667 of 16667" in last.text and not any("Next" in t for t in last.button_texts())
    assert last.button_texts()[:5] == ["Bolt 099996", "Bolt 099997", "Bolt 099998", "Bolt 099999", "Box on Shelf 20-24"]
    assert within_limits(last)
    card = (await alice.press(last, "Bolt 099999")).last
    assert card.text.startswith("Bolt 099999")
    back = (await alice.press(card, "Back to the list")).last
    assert "Page 16667 of 16667" in back.text
    up = (await alice.press(back, "⬅ Back")).last
    assert breadcrumb(up) == "Catalog › Big store › Aisle 20" and "Page 1 of 4" in up.text
    home = (await alice.press(up, "Categories")).last
    assert "Choose a category:" in home.text and within_limits(home)


async def test_the_tree_in_russian_breadcrumbs_back_and_stale_buttons(running: RunningBot) -> None:
    ids = await seed_store(running, 0)
    boris = SandboxUser(running.server, 1902, "Борис", language_code="ru")
    top = (await boris.send("/catalog")).last
    store = await down(boris, top, "Big store")
    assert breadcrumb(store) == "Каталог › Big store" and "Страница 1 из 4" in store.text
    aisle = await down(boris, store, "Aisle 03")
    shelf = await down(boris, aisle, "Shelf 03-05")
    assert breadcrumb(shelf) == "Каталог › Big store › Aisle 03 › Shelf 03-05"
    assert shelf.button_texts() == ["Box on Shelf 03-05", "⬅ Назад", "⬆ Категории"]
    back = (await boris.press(shelf, "⬅ Назад")).last
    assert breadcrumb(back) == "Каталог › Big store › Aisle 03"
    async with running.runtime.sessions() as session:  # the shop renames one category and drops another
        await session.execute(
            update(m.CategoryRow).where(m.CategoryRow.id == ids["Aisle 03"]).values(name="<b>Aisle</b> & 3")
        )
        await session.execute(
            update(m.CategoryRow).where(m.CategoryRow.parent_id == ids["Aisle 04"]).values(parent_id=None)
        )
        await session.execute(update(m.CategoryRow).where(m.CategoryRow.id == ids["Aisle 04"]).values(parent_id=None))
        await session.execute(delete(m.CategoryRow).where(m.CategoryRow.id == ids["Aisle 04"]))
        await session.commit()
    renamed = (await boris.press_data(back, f"cp:{ids['Aisle 03']}:0:0:0")).last  # a button sent before the rename
    assert breadcrumb(renamed) == "Каталог › Big store › <b>Aisle</b> & 3"
    assert renamed.html is not None and "&lt;b&gt;Aisle&lt;/b&gt; &amp; 3" in renamed.html
    gone = await boris.press_data(renamed, f"cp:{ids['Aisle 04']}:0:0:0")
    assert gone.callback_answer is not None and gone.callback_answer["text"].startswith("Этот пункт больше недоступен")
    assert gone.new == [] and gone.edited == []


def skus(message: BotMessage) -> list[str]:
    return re.findall(r"\((W-\d+)\)", message.text)
