"""The sample shop's products file (``ordergram sample``, the demo's) names every product and category in Russian."""

from __future__ import annotations

import re

from bot.catalog_files import files_next_to
from bot.harness import DEMO_DATA
from domain.category_names import parse_category_names
from domain.product_file import parse_products

LATIN = re.compile(r"[A-Za-z]")
PRODUCTS = DEMO_DATA / "products.csv"


def test_every_sample_product_has_a_russian_name_and_description_and_its_category_a_russian_name() -> None:
    text = PRODUCTS.read_text(encoding="utf-8")
    parsed, problems = parse_products(text, files_next_to(PRODUCTS), ("en", "ru"))
    categories, category_problems = parse_category_names(text, ("en", "ru"))
    assert not problems and not category_problems and len(parsed) == 36
    russian = [p.names["ru"] for _, p in parsed]
    assert len(set(russian)) == len(russian)  # no two products read alike to a Russian customer
    assert all(p.descriptions["ru"].startswith(p.names["ru"] + ". ") for _, p in parsed)
    assert {p.category for _, p in parsed} == set(categories)
    assert [n for n in russian + [c["ru"] for c in categories.values()] if LATIN.search(n)] == []


def test_the_sample_shops_english_reads_as_it_always_did() -> None:
    """Its English is what tests and READMEs quote: the Russian columns are added, nothing English changed."""
    parsed, _ = parse_products(PRODUCTS.read_text(encoding="utf-8"), files_next_to(PRODUCTS))
    by_sku = {p.sku: p for _, p in parsed}
    heart, jar = by_sku["85123A"], by_sku["23166"]
    assert (heart.name, heart.category) == ("White Hanging Heart T-Light Holder", "Lighting")
    assert jar.description == f"{jar.name}. A best seller of a UK gift shop (UCI Online Retail data)."
    assert jar.name == "Medium Ceramic Top Storage Jar"
