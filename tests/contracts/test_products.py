"""ProductRepository: what the fake and SQL both promise."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from domain.catalog import Category, Product, ProductStatus
from domain.categories import CategoryTree
from domain.money import Money
from domain.ports import UnitOfWork
from domain.variants import Sibling
from tests.contracts.conftest import NOW, a_product, a_warehouse

EUR, GBP = Money(500, "EUR"), Money(450, "GBP")


async def test_an_upserted_product_is_found_by_id_and_sku(uow: UnitOfWork) -> None:
    async with uow:
        added = await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", {"EUR": EUR}, barcode="123", weight_g=300))
        await uow.commit()
    assert added.id is not None and added.category_id is not None
    async with uow:
        by_id = await uow.products.get(added.id)
        by_sku = await uow.products.get_by_sku("MUG-1")
        assert await uow.products.get_by_sku("NOPE") is None
        assert await uow.products.get(added.id + 1000) is None
    assert (
        by_id
        == by_sku
        == Product(
            "MUG-1",
            "Mug",
            "Kitchen",
            {"EUR": EUR},
            barcode="123",
            weight_g=300,
            category_id=added.category_id,
            id=added.id,
        )
    )


async def test_a_product_untranslated_is_the_product_without_its_other_languages(uow: UnitOfWork) -> None:
    mug = Product("MUG-1", "Mug", "Kitchen", {"EUR": EUR}, names={"ru": "Кружка"}, descriptions={"ru": "Для чая"})
    async with uow:
        added = await uow.products.upsert(mug)
        await uow.commit()
    assert added.id is not None
    async with uow:
        translated = await uow.products.get(added.id)
        untranslated = await uow.products.get_untranslated(added.id)
        assert await uow.products.get_untranslated(added.id + 1000) is None
    assert translated is not None and translated.names == {"ru": "Кружка"}
    assert untranslated == replace(translated, names={}, descriptions={})


async def test_an_upsert_by_the_same_sku_updates_keeps_the_id_and_adds_prices(uow: UnitOfWork) -> None:
    first = await a_product(uow, "MUG-1")
    async with uow:
        again = await uow.products.upsert(Product("MUG-1", "Big mug", "Kitchen", {"GBP": GBP}))
        await uow.commit()
    assert again.id == first
    async with uow:
        loaded = await uow.products.get(first)
    assert loaded is not None and loaded.name == "Big mug"
    assert loaded.prices == {"EUR": EUR, "GBP": GBP}  # a price list names the prices it changes


async def test_an_upsert_without_a_photo_keeps_the_saved_photo(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", photo_file_id="AgAD-photo"))
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen"))
        await uow.commit()
    async with uow:
        loaded = await uow.products.get_by_sku("MUG-1")
    assert loaded is not None and loaded.photo_file_id == "AgAD-photo"


async def test_a_cost_is_kept_by_an_upsert_without_one_and_get_many_reads_it(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", cost=Money(180, "EUR")))
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen"))
        cup = await uow.products.upsert(Product("CUP-1", "Cup", "Kitchen"))
        await uow.commit()
    mug = await a_product(uow, "MUG-1")
    async with uow:
        loaded = {p.sku: p.cost for p in await uow.products.get_many([mug, cup.id or 0, 999_999])}
    assert loaded == {"MUG-1": Money(180, "EUR"), "CUP-1": None}


async def test_ids_by_sku_names_only_known_skus(uow: UnitOfWork) -> None:
    mug, cup = await a_product(uow, "MUG-1"), await a_product(uow, "CUP-1")
    async with uow:
        assert await uow.products.ids_by_sku(["MUG-1", "CUP-1", "NOPE"]) == {"MUG-1": mug, "CUP-1": cup}
        assert await uow.products.ids_by_sku([]) == {}


async def test_sku_pages_list_every_product_once_by_id_after_the_cursor(uow: UnitOfWork) -> None:
    ids = [await a_product(uow, sku) for sku in ("MUG-2", "CUP-1", "MUG-1", "HAT-1", "BAG-1")]
    async with uow:
        first = await uow.products.sku_page(after=0, limit=2)
        second = await uow.products.sku_page(after=first[-1][0], limit=2)
        last = await uow.products.sku_page(after=second[-1][0], limit=2)
        assert await uow.products.sku_page(after=last[-1][0], limit=2) == []
    assert first + second + last == list(zip(ids, ("MUG-2", "CUP-1", "MUG-1", "HAT-1", "BAG-1"), strict=True))
    assert [len(page) for page in (first, second, last)] == [2, 2, 1]


async def test_categories_count_active_products_and_pages_go_by_name(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert_many(
            [
                Product("B-1", "Bowl", "Kitchen"),
                Product("A-1", "Apron", "Kitchen"),
                Product("C-1", "Cup", "Kitchen"),
                Product("O-1", "Old", "Kitchen", status=ProductStatus.HIDDEN),
                Product("T-1", "Towel", "Bath"),
                Product("G-1", "Gone", "Garden", status=ProductStatus.HIDDEN),
            ]
        )
        await uow.commit()
    async with uow:
        categories = await uow.products.categories()
        kitchen = next(c for c in categories if c.name == "Kitchen")
        page = await uow.products.in_category(kitchen.id, 1, 2)
        assert await uow.products.category(kitchen.id) == Category(kitchen.id, "Kitchen", 0)
        assert await uow.products.category(kitchen.id + 1000) is None
    assert [(c.name, c.product_count) for c in categories] == [("Bath", 1), ("Kitchen", 3)]
    assert [p.name for p in page] == ["Bowl", "Cup"]


def _tee(sku: str, size: str, colour: str) -> Product:
    return Product(
        sku, "Tee", "Clothes", {"EUR": EUR}, parent="TEE", option_names=("Size", "Colour"), options=(size, colour)
    )


async def test_variants_of_a_parent_come_in_catalog_order_and_the_category_lists_the_parent_once(
    uow: UnitOfWork,
) -> None:
    async with uow:
        await uow.products.upsert_many([_tee("TEE-S-RED", "S", "Red"), _tee("TEE-M-RED", "M", "Red")])
        await uow.products.upsert(Product("MUG-1", "Mug", "Clothes", {"EUR": EUR}))
        await uow.commit()
    async with uow.read_only():
        variants = await uow.products.variants("TEE")
        alone = await uow.products.variants("MUG-1")
        categories = await uow.products.categories()
        listed = await uow.products.in_category(categories[0].id, 0, 10)
    assert [(v.sku, v.options, v.option_names, v.parent) for v in variants] == [
        ("TEE-S-RED", ("S", "Red"), ("Size", "Colour"), "TEE"),
        ("TEE-M-RED", ("M", "Red"), ("Size", "Colour"), "TEE"),
    ]
    assert [(p.sku, p.parent, p.parent_code) for p in alone] == [("MUG-1", "", "MUG-1")]
    assert [(c.name, c.product_count) for c in categories] == [("Clothes", 2)]
    assert [p.sku for p in listed] == ["MUG-1", "TEE-S-RED"]
    async with uow.read_only():
        assert await uow.products.variants("NOPE") == []
        many = await uow.products.variants_of(["TEE", "MUG-1", "NOPE"])
        skus = await uow.products.variant_skus_of(["TEE", "MUG-1", "NOPE"])
    assert skus == {code: {p.sku: p.id for p in ps} for code, ps in many.items()}
    assert {code: [p.sku for p in ps] for code, ps in many.items()} == {
        "TEE": ["TEE-S-RED", "TEE-M-RED"],
        "MUG-1": ["MUG-1"],
    }


async def test_siblings_name_every_variant_and_its_options_and_mark_hidden_ones_unlisted(uow: UnitOfWork) -> None:
    hidden = _tee("TEE-L-RED", "L", "Red")
    hidden.status = ProductStatus.HIDDEN
    async with uow:
        await uow.products.upsert_many([_tee("TEE-S-RED", "S", "Red"), _tee("TEE-M-BLUE", "M", "Blue"), hidden])
        await uow.commit()
    async with uow.read_only():
        ids = await uow.products.ids_by_sku(["TEE-S-RED", "TEE-M-BLUE", "TEE-L-RED"])
        first = await uow.products.siblings("TEE")
        again = await uow.products.siblings("TEE")
        assert await uow.products.siblings("NOPE") == []
    assert first == again
    assert first == [
        Sibling(ids["TEE-S-RED"], ("S", "Red")),
        Sibling(ids["TEE-M-BLUE"], ("M", "Blue")),
        Sibling(ids["TEE-L-RED"], ("L", "Red"), listed=False, orderable=False),
    ]


async def test_option_words_per_language_are_kept_a_later_upsert_replaces_its_language_s_and_siblings_carry_them(
    uow: UnitOfWork,
) -> None:
    red = replace(_tee("TEE-S-RED", "S", "Red"), names={"ru": "Футболка"})
    red.option_translations = (("de", ("Größe", "Farbe"), ("S", "Rot")), ("ru", ("Размер", "Цвет"), ("S", "Красный")))
    blue = replace(_tee("TEE-M-BLUE", "M", "Blue"), option_translations=(("ru", ("Размер", "Цвет"), ("M", "Синий")),))
    async with uow:
        await uow.products.upsert_many([red, _tee("TEE-M-BLUE", "M", "Blue")])
        await uow.products.upsert(blue)  # a language given later: added to the product's
        recoloured = replace(
            _tee("TEE-S-RED", "S", "Red"), option_translations=(("ru", ("Размер", "Цвет"), ("S", "Алый")),)
        )
        await uow.products.upsert(recoloured)  # its Russian replaced, its German and its name kept
        await uow.products.upsert(replace(_tee("TEE-M-BLUE", "M", "Blue"), option_translations=(("ru", (), ()),)))
        await uow.products.upsert(blue)  # removed (given without values), then given again
        await uow.products.upsert(replace(_tee("TEE-L-RED", "L", "Red"), option_translations=(("ru", (), ()),)))
        await uow.commit()
    async with uow:
        ids = await uow.products.ids_by_sku(["TEE-S-RED", "TEE-M-BLUE", "TEE-L-RED"])
        gone = await uow.products.get(ids["TEE-M-BLUE"])
        await uow.products.upsert(replace(cast(Product, gone), option_translations=(("ru", (), ()),)))
        await uow.commit()
    async with uow.read_only():
        loaded = await uow.products.get(ids["TEE-S-RED"])
        large = await uow.products.get(ids["TEE-L-RED"])
        untranslated = await uow.products.get_untranslated(ids["TEE-S-RED"])
        siblings = await uow.products.siblings("TEE")
    assert loaded is not None and untranslated is not None
    assert loaded.option_translations == (
        ("de", ("Größe", "Farbe"), ("S", "Rot")),
        ("ru", ("Размер", "Цвет"), ("S", "Алый")),
    )
    assert loaded.names == {"ru": "Футболка"} and untranslated.option_translations == ()
    assert loaded.in_language("ru").display_name == "Футболка (S / Алый)"
    assert large is not None and large.option_translations == ()  # a new one given none: nothing stored
    assert siblings == [  # TEE-M-BLUE's Russian removed: given without values; TEE-S-RED's name is its family's
        Sibling(
            ids["TEE-S-RED"],
            ("S", "Red"),
            words=(("de", ("S", "Rot")), ("ru", ("S", "Алый"))),
            texts=(("ru", "Футболка", ""),),
        ),
        Sibling(ids["TEE-M-BLUE"], ("M", "Blue")),
        Sibling(ids["TEE-L-RED"], ("L", "Red")),
    ]


async def test_categories_link_into_a_tree_whose_counts_include_descendants(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.link_categories({"T-shirts": "Clothing", "V-neck": "T-shirts", "Hats": "Clothing"})
        await uow.products.upsert_many(
            [
                Product("V-1", "Vee", "V-neck"),
                Product("V-2", "Vee two", "V-neck"),
                Product("T-1", "Tee", "T-shirts"),
                Product("H-0", "Old hat", "Hats", status=ProductStatus.HIDDEN),
                Product("M-1", "Mug", "Kitchen"),
            ]
        )
        await uow.commit()
    async with uow:
        nodes = await uow.products.category_nodes()
        parents = await uow.products.category_parents()
    tree = CategoryTree(nodes)
    ids = {n.name: n.id for n in nodes}
    assert parents == {
        "Clothing": None,
        "T-shirts": "Clothing",
        "V-neck": "T-shirts",
        "Hats": "Clothing",
        "Kitchen": None,
    }
    assert [(c.name, c.product_count) for c in tree.children(None)] == [("Clothing", 3), ("Kitchen", 1)]
    assert [c.name for c in tree.children(ids["Clothing"])] == ["T-shirts"]  # Hats holds only an inactive one
    assert [c.name for c in tree.trail(ids["V-neck"])] == ["Clothing", "T-shirts", "V-neck"]
    async with uow:  # a later file moves a category: its products move with it
        await uow.products.link_categories({"V-neck": "Clothing"})
        await uow.commit()
    async with uow:
        moved = CategoryTree(await uow.products.category_nodes())
    assert (moved.total(ids["T-shirts"]), moved.total(ids["Clothing"])) == (1, 3)


async def test_a_category_is_named_per_language_and_a_later_name_replaces_only_its_language(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.link_categories({"T-shirts": "Clothing"})
        await uow.products.upsert_many([Product("T-1", "Tee", "T-shirts"), Product("M-1", "Mug", "Kitchen")])
        await uow.products.translate_categories(
            {"Clothing": {"ru": "Одежда", "de": "Kleidung"}, "T-shirts": {"ru": "Майки"}}
        )
        await uow.commit()
    async with uow.read_only():  # read through the read cache, which a later write must clear
        before = CategoryTree(await uow.products.category_nodes())
    async with uow:
        await uow.products.translate_categories({"T-shirts": {"ru": "Футболки"}})
        await uow.commit()
    async with uow.read_only():
        tree = CategoryTree(await uow.products.category_nodes())
    ids = {n.name: n.id for n in tree.nodes.values()}
    assert [c.name for c in before.trail(ids["T-shirts"], "ru")] == ["Одежда", "Майки"]
    assert [c.name for c in tree.trail(ids["T-shirts"], "ru")] == ["Одежда", "Футболки"]
    assert [c.name for c in tree.trail(ids["T-shirts"], "de")] == ["Kleidung", "T-shirts"]  # untranslated: the shop's
    assert [c.name for c in tree.trail(ids["T-shirts"])] == ["Clothing", "T-shirts"]
    # Read in Russian, the top categories go in their Russian order: Kitchen (untranslated) before Одежда.
    assert [(c.name, c.product_count) for c in tree.children(None, "ru")] == [("Kitchen", 1), ("Одежда", 1)]


async def test_a_categorys_name_given_empty_in_a_language_is_removed_there_and_its_other_languages_kept(
    uow: UnitOfWork,
) -> None:
    async with uow:
        await uow.products.upsert_many([Product("T-1", "Tee", "T-shirts")])
        await uow.products.translate_categories({"T-shirts": {"ru": "Футболки", "de": "T-Shirts"}})
        await uow.commit()
    async with uow.read_only():  # read through the read cache, which the removal must clear
        before = CategoryTree(await uow.products.category_nodes())
    async with uow:
        await uow.products.translate_categories({"T-shirts": {"ru": ""}})
        await uow.commit()
    async with uow.read_only():
        tree = CategoryTree(await uow.products.category_nodes())
    [node] = tree.nodes.values()
    assert [c.name for c in before.trail(node.id, "ru")] == ["Футболки"]
    assert node.names == (("de", "T-Shirts"),)
    assert [c.name for c in tree.trail(node.id, "ru")] == ["T-shirts"]  # the shop's name again


async def test_a_page_next_to_a_shown_one_starts_at_its_boundary_product(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert_many([Product(f"P-{i}", f"Item {i:02}", "Shelf") for i in range(10)])
        await uow.commit()
    async with uow:
        shelf = next(c.id for c in await uow.products.categories() if c.name == "Shelf")
        first = await uow.products.in_category(shelf, 0, 4)
        after = await uow.products.in_category(shelf, 999, 4, after=first[-1].id or 0)
        before = await uow.products.in_category(shelf, 999, 4, before=after[0].id or 0)
        stale = await uow.products.in_category(shelf, 8, 4, after=123_456)
    assert [p.name for p in after] == ["Item 04", "Item 05", "Item 06", "Item 07"]
    assert [p.name for p in before] == [p.name for p in first]
    assert [p.name for p in stale] == ["Item 08", "Item 09"]  # a boundary no longer there: by offset


async def test_names_per_language_photos_and_status_are_kept_and_a_later_upsert_adds_to_them(uow: UnitOfWork) -> None:
    async with uow:
        mug = Product("MUG-1", "Mug", "Kitchen", names={"ru": "Кружка"}, descriptions={"ru": "Синяя"})
        mug.photo_file_id, mug.more_photos, mug.status = "AgAD-1", ("AgAD-2",), ProductStatus.DISCONTINUED
        await uow.products.upsert(mug)
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", names={"de": "Becher"}))
        await uow.commit()
    async with uow:
        loaded = await uow.products.get_by_sku("MUG-1")
    assert loaded is not None
    assert loaded.names == {"ru": "Кружка", "de": "Becher"} and loaded.descriptions == {"ru": "Синяя"}
    assert loaded.photos == ("AgAD-1", "AgAD-2") and loaded.status is ProductStatus.ACTIVE


async def test_photos_are_replaced_whole_and_changes_come_newest_first(uow: UnitOfWork) -> None:
    from datetime import UTC, datetime, timedelta

    from domain.catalog_edits import ProductChange

    product_id = await a_product(uow, "MUG-1")
    at = datetime(2026, 12, 4, tzinfo=UTC)
    async with uow:
        await uow.products.set_photos(product_id, ("A", "B", "C"))
        for minute, after in enumerate(("1", "2", "3")):
            change = ProductChange(product_id, at + timedelta(minutes=minute), "staff:1", "name", "", after)
            await uow.products.record_changes([change])
        await uow.commit()
    async with uow:
        loaded = await uow.products.get(product_id)
        await uow.products.set_photos(product_id, ())
        cleared = await uow.products.get(product_id)
        page, total = await uow.products.changes(product_id, 1, 5)
    assert loaded is not None and loaded.photos == ("A", "B", "C")
    assert cleared is not None and cleared.photos == ()
    assert total == 3 and [c.after for c in page] == ["2", "1"]


async def test_an_upsert_keeps_a_known_cost_when_given_none_and_clear_cost_forgets_it(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", cost=Money(120, "GBP")))
        await uow.commit()
    async with uow:
        kept = await uow.products.get_by_sku("MUG-1")
        assert kept is not None and kept.id is not None and kept.cost == Money(120, "GBP")
        kept.cost = None  # as a products file without the column gives it
        await uow.products.upsert(kept)
        await uow.commit()
    async with uow:
        again = await uow.products.get_by_sku("MUG-1")
        assert again is not None and again.id is not None and again.cost == Money(120, "GBP")
        await uow.products.clear_cost(again.id)
        await uow.commit()
    async with uow:
        cleared = await uow.products.get_by_sku("MUG-1")
    assert cleared is not None and cleared.cost is None


async def test_an_upsert_keeps_a_price_it_is_not_given_and_clear_price_forgets_that_currency_only(
    uow: UnitOfWork,
) -> None:
    prices = {"GBP": Money(295, "GBP"), "RUB": Money(31050, "RUB"), "EUR": Money(350, "EUR")}
    async with uow:
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", dict(prices)))
        await uow.commit()
    async with uow:
        kept = await uow.products.get_by_sku("MUG-1")
        assert kept is not None and kept.id is not None
        del kept.prices["RUB"]  # as a products file without the column gives it
        await uow.products.upsert(kept)
        await uow.commit()
    async with uow.read_only():
        again = await uow.products.get_by_sku("MUG-1")
        assert again is not None and again.id is not None and again.prices == prices
    async with uow:
        await uow.products.clear_price(again.id, "RUB")
        await uow.commit()
    async with uow.read_only():  # the read cache forgets it at once too
        cleared = await uow.products.get_by_sku("MUG-1")
    assert cleared is not None and cleared.prices == {"GBP": Money(295, "GBP"), "EUR": Money(350, "EUR")}


async def test_a_barcode_names_the_sku_that_carries_it(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", barcode="4006381333931"))
        await uow.commit()
    async with uow:
        assert await uow.products.sku_with_barcode("4006381333931") == "MUG-1"
        assert await uow.products.sku_with_barcode("0000000000000") is None
        assert await uow.products.skus_with_barcodes(["4006381333931", "0000000000000"]) == {"4006381333931": "MUG-1"}


async def test_a_locked_parent_reads_on_and_its_variants_renamed_together_read_the_new_names(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert_many([_tee("TEE-S-RED", "S", "Red"), _tee("TEE-M-RED", "M", "Red")])
        await uow.commit()
    async with uow:
        await uow.products.lock_parent("TEE")
        await uow.products.lock_parent("NOPE")  # nothing to lock: no error
        variants = await uow.products.variants("TEE")
        for variant in variants:
            variant.option_names = ("Size", "Color")
        await uow.products.upsert_many(variants)
        await uow.commit()
    async with uow.read_only():
        renamed = await uow.products.variants("TEE")
    assert [(v.sku, v.option_names, v.options) for v in renamed] == [
        ("TEE-S-RED", ("Size", "Color"), ("S", "Red")),
        ("TEE-M-RED", ("Size", "Color"), ("M", "Red")),
    ]


async def test_the_staff_list_finds_every_variant_hidden_ones_too_by_sku_name_or_barcode(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert_many(
            [
                Product("MUG-2", "Blue mug", "Kitchen", barcode="4006381333931"),
                Product("MUG-1", "Red 50%_mug", "Kitchen", status=ProductStatus.HIDDEN),
                Product("HAT-1", "Hat", "Hats", status=ProductStatus.DISCONTINUED, names={"ru": "Шляпа"}),
            ]
        )
        await uow.commit()
    async with uow:
        assert [p.sku for p in (await uow.products.staff_list("шляпа", None, None, 0, 10))[0]] == ["HAT-1"]
        every, total = await uow.products.staff_list("", None, None, 0, 10)
        assert [p.sku for p in every] == ["HAT-1", "MUG-1", "MUG-2"] and total == 3
        page, total = await uow.products.staff_list("", None, None, 1, 1)
        assert [p.sku for p in page] == ["MUG-1"] and total == 3
        assert [p.sku for p in (await uow.products.staff_list("mug", None, None, 0, 10))[0]] == ["MUG-1", "MUG-2"]
        assert [p.sku for p in (await uow.products.staff_list("50%_", None, None, 0, 10))[0]] == ["MUG-1"]
        assert [p.sku for p in (await uow.products.staff_list("4006381333931", None, None, 0, 10))[0]] == ["MUG-2"]
        hidden, total = await uow.products.staff_list("", "hidden", None, 0, 10)
        assert [p.sku for p in hidden] == ["MUG-1"] and total == 1
        assert await uow.products.first_active_sku() == "MUG-2"  # HAT-1 and MUG-1 are not on sale
        hats = every[0].category_id
        assert [p.sku for p in (await uow.products.staff_list("", None, hats, 0, 10))[0]] == ["HAT-1"]
        await uow.products.link_categories({"Kitchen": "Home"})  # a category takes in those inside it
        home = next(n.id for n in await uow.products.category_nodes() if n.name == "Home")
        assert [p.sku for p in (await uow.products.staff_list("", None, home, 0, 10))[0]] == ["MUG-1", "MUG-2"]
        assert (await uow.products.staff_list("%", None, None, 0, 10))[1] == 1  # a literal percent sign


async def test_the_first_price_change_after_each_time_asked_is_found_once_in_one_currency(uow: UnitOfWork) -> None:
    from datetime import UTC, datetime, timedelta

    from domain.catalog_edits import ProductChange

    mug, bowl, cup = await a_product(uow, "MUG-1"), await a_product(uow, "BOWL-1"), await a_product(uow, "CUP-1")
    at = datetime(2026, 6, 1, tzinfo=UTC)
    entries = [
        (mug, 0, "price_EUR", "5.00 EUR", "4.50 EUR"),  # at the time asked: not after it
        (mug, 2, "price_EUR", "4.50 EUR", "4.00 EUR"),
        (mug, 1, "price_EUR", "5.00 EUR", "4.50 EUR"),  # the first after day 0
        (mug, 3, "price_GBP", "4.00 GBP", "3.00 GBP"),  # another currency
        (mug, 4, "name", "Mug", "Big mug"),  # another field
        (mug, 5, "price_EUR", "4.00 EUR", "3.50 EUR"),  # the first after day 4
        (bowl, 5, "price_EUR", "", "2.00 EUR"),
        (bowl, 6, "price_EUR", "2.00 EUR", "1.00 EUR"),
        (cup, 6, "price_EUR", "1.00 EUR", "0.90 EUR"),  # not asked for
    ]
    async with uow:
        await uow.products.record_changes(
            [ProductChange(p, at + timedelta(days=d), "staff:1", field, b, a) for p, d, field, b, a in entries]
        )
        await uow.commit()
    asked = [(bowl, at), (mug, at), (mug, at + timedelta(days=4)), (mug, at + timedelta(days=1, hours=1))]
    async with uow.read_only():
        found = await uow.products.first_price_changes([*asked, (mug, at)], "EUR")  # asked twice: found once
        none = await uow.products.first_price_changes([(mug, at + timedelta(days=9))], "EUR")
    assert [(c.product_id, (c.at - at).days, c.after) for c in found] == [
        (mug, 1, "4.50 EUR"),
        (mug, 2, "4.00 EUR"),
        (mug, 5, "3.50 EUR"),
        (bowl, 5, "2.00 EUR"),
    ]
    assert none == []


async def test_placements_name_each_products_category_and_parent_code_and_skip_unknown_ids(uow: UnitOfWork) -> None:
    async with uow:
        mug = await uow.products.upsert(Product("MUG-1", "Mug", "Kitchen", {"EUR": EUR}))
        shirt = await uow.products.upsert(Product("TEE-S", "Tee S", "Clothes", {"EUR": EUR}, parent="TEE"))
        await uow.commit()
    assert mug.id is not None and shirt.id is not None
    async with uow.read_only():
        found = await uow.products.placements([shirt.id, mug.id, mug.id, shirt.id + mug.id + 1000])
    assert found == {mug.id: (mug.category_id, "MUG-1"), shirt.id: (shirt.category_id, "TEE")}


async def test_search_words_are_the_words_of_names_a_search_finds_and_of_categories(uow: UnitOfWork) -> None:
    async with uow:
        await uow.products.upsert(Product("JUMPER", "Wool jumper", "Knitwear", {"EUR": EUR}, names={"ru": "Свитер"}))
        await uow.products.upsert(
            Product("SECRET", "Hidden lantern", "Knitwear", {"EUR": EUR}, status=ProductStatus.HIDDEN)
        )
        await uow.commit()
    async with uow.read_only():
        words = await uow.products.search_words()
    assert all(w in words for w in ("wool", "jumper", "свитер", "knitwear"))
    assert "lantern" not in words and "hidden" not in words  # a search never finds a hidden product
    assert words.corrected("jumpr") == "jumper"


async def test_the_first_sku_in_stock_is_the_first_on_sale_with_that_many_available_in_a_warehouse(
    uow: UnitOfWork,
) -> None:
    """/help's example (/add SKU 12): the demo's first SKU, a fan with none in stock, was refused."""
    _none, few, many, hidden = [await a_product(uow, sku) for sku in ("A-1", "B-1", "C-1", "0-HIDDEN")]
    london, manchester = await a_warehouse(uow, "LON"), await a_warehouse(uow, "MAN")
    async with uow:
        assert await uow.products.first_sku_in_stock(12) is None  # nothing counted yet
        product = await uow.products.get_by_sku("0-HIDDEN")
        assert product is not None
        await uow.products.upsert(replace(product, status=ProductStatus.HIDDEN))
        for product_id, warehouse, count in ((hidden, london, 50), (few, london, 8), (few, manchester, 8)):
            await uow.stock.set_bin_quantity(product_id, warehouse, "A-01-01-1", count, "count", "staff:1", NOW)
        await uow.stock.set_bin_quantity(many, london, "A-01-01-1", 13, "count", "staff:1", NOW)
        await uow.commit()
    async with uow:
        assert await uow.products.first_sku_in_stock(12) == "C-1"  # B-1's 16 are 8 a warehouse; 0-HIDDEN not on sale
        assert await uow.products.first_sku_in_stock(1) == "B-1"  # A-1 has none
        assert await uow.stock.try_reserve(many, london, 2)
        await uow.commit()
    async with uow:
        assert await uow.products.first_sku_in_stock(12) is None  # 11 of C-1's 13 left: what is held is not there
