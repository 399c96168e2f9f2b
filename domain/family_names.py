"""A variant's name and description in a language it has no translation into of its own: its family's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from domain.catalog import Product
from domain.variants import Sibling


def sibling_texts(product: Product) -> tuple[tuple[str, str, str], ...]:
    """A ``Sibling``'s ``texts``: the product's own name and description in each language it is translated into."""
    languages = sorted(
        {*(k for k, v in product.names.items() if v), *(k for k, v in product.descriptions.items() if v)}
    )
    return tuple(
        (language, product.names.get(language, ""), product.descriptions.get(language, "")) for language in languages
    )


def family_text(siblings: Sequence[Sibling], language: str) -> tuple[str, str]:
    """The name and the description the family gives in ``language`` ("" for none), each on its own: the parent's,
    else the one every sibling translated into it shares. Siblings translated differently (each size its own
    words) give none: a name picked from one of them would name another variant."""
    names: set[str] = set()
    descriptions: set[str] = set()
    parents = ("", "")
    for sibling in siblings:  # one pass, no generators: a Russian card without description_ru comes here
        for translated, name, description in sibling.texts:
            if translated == language:
                if sibling.parent:
                    parents = (name, description)
                if name:
                    names.add(name)
                if description:
                    descriptions.add(description)
    name = parents[0] or (names.pop() if len(names) == 1 else "")
    return name, parents[1] or (descriptions.pop() if len(descriptions) == 1 else "")


def needs_family(product: Product, language: str) -> bool:
    """Whether ``product`` named in ``language`` may take its family's words: a variant missing its own name or
    description there. (A product without options has no family to take them from.)"""
    return bool(language and product.option_names) and not (
        product.names.get(language) and product.descriptions.get(language)
    )


def in_family_language(product: Product, language: str, siblings: Sequence[Sibling]) -> Product:
    """``product.in_language(language)`` with a name and a description it lacks in ``language`` taken from its
    family (``family_text``) before falling back to the default language's: a Russian reader choosing a size
    without ``name_ru`` sees the Russian name its sizes share, not the card turning English."""
    named = product.in_language(language)
    if not needs_family(product, language):
        return named
    for sibling in siblings:  # a loop, not ``any()``: a family nobody translated (most) costs one look at each
        if sibling.texts:
            break
    else:
        return named
    name, description = family_text(siblings, language)
    own_name, own_description = product.names.get(language), product.descriptions.get(language)
    if (own_name or not name) and (own_description or not description):
        return named
    return replace(
        named, name=own_name or name or named.name, description=own_description or description or named.description
    )


def line_names(product: Product, siblings: Sequence[Sibling]) -> dict[str, str]:
    """What an order line keeps of ``product``'s names per language (``Product.translated_names``), with its family's
    (``in_family_language``) in each language the family names it in and it has no name of its own: copied once, at
    placement, so the confirmation, /track, receipts and returns read as its card and cart did."""
    names = product.translated_names
    if not product.option_names:
        return names
    languages = {text[0] for sibling in siblings for text in sibling.texts}
    for language in sorted(languages - {k for k, v in product.names.items() if v}):
        if family_text(siblings, language)[0]:
            names[language] = in_family_language(product, language, siblings).display_name
    return names
