"""Options and variants in /product: a variant's option values, the parent's option names, a new variant."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from domain.catalog import Product, ProductStatus
from domain.catalog_edits import DuplicateBarcode, field_value
from domain.money import Money
from domain.ports import Clock, UnitOfWork
from domain.usecases.catalog_admin import ProductSheet, SkuTaken, _actor, _product, _record, _sheet, check_new_sku
from domain.variants import (
    NameOptionsFirst,
    OptionsNeedOneVariant,
    check_variant,
    options_text,
    parse_option_names,
    retranslated,
    values_for,
)


async def _locked(uow: UnitOfWork, product_id: int) -> Product:
    """The product, read again once its parent is locked: as the last editor of the family left it."""
    await uow.products.lock_parent((await _product(uow, product_id=product_id)).parent_code)
    return await _product(uow, product_id=product_id)


async def set_options(uow: UnitOfWork, clock: Clock, *, product_id: int, text: str, staff_id: int) -> ProductSheet:
    """This variant's option values, checked against its siblings as the CSV is; a product
    without options is given them (and its parent their names) when it is the only variant."""
    actor = await _actor(uow, staff_id)
    async with uow:
        product = await _locked(uow, product_id)
        siblings = await uow.products.variants(product.parent_code)
        if not product.option_names and len(siblings) > 1:
            raise OptionsNeedOneVariant(parent=product.parent_code, count=len(siblings))
        names, values = values_for(product, text)
        changed = replace(product, option_names=names, options=values, option_translations=())  # none typed
        # Other values drop the words of the old ones; the same values keep them (the sheet below says them).
        changed.option_translations = retranslated(product, changed) or product.option_translations
        check_variant(changed, siblings)
        if options_text(changed) != options_text(product):
            await uow.products.upsert(changed)
            await _record(uow, product, "options", options_text(product), options_text(changed), actor, clock.now())
            for language, _names, _values in product.option_translations:  # audited as a products file's row does
                field = f"options_{language}"
                if (before := field_value(product, field)) != (after := field_value(changed, field)):
                    await _record(uow, product, field, before, after, actor, clock.now())
        sheet = await _sheet(uow, changed)
        await uow.commit()
    return sheet


async def rename_options(uow: UnitOfWork, clock: Clock, *, product_id: int, text: str, staff_id: int) -> ProductSheet:
    """New option names for the whole parent (every variant's audit trail says so)."""
    actor = await _actor(uow, staff_id)
    async with uow:
        product = await _locked(uow, product_id)  # a rename meanwhile: compared with and audited from its names
        if not product.option_names:
            raise NameOptionsFirst(sku=product.sku)
        names = parse_option_names(text, product.option_names)
        if names != product.option_names:
            siblings = await uow.products.variants(product.parent_code)
            await uow.products.upsert_many([replace(s, option_names=names) for s in siblings])
            before, after = ", ".join(product.option_names), ", ".join(names)
            for sibling in siblings:
                await _record(uow, sibling, "option_names", before, after, actor, clock.now())
        sheet = await _sheet(uow, await _product(uow, product_id=product_id))
        await uow.commit()
    return sheet


@dataclass(slots=True)
class NewVariant:
    """What "➕ Add variant" gathers before one transaction creates it."""

    sku: str = ""
    options: str = ""  # as typed: Size=L; Colour=Navy
    barcode: str | None = None
    prices: dict[str, Money] = field(default_factory=dict)  # none: the parent's


async def check_variant_sku(uow: UnitOfWork, *, product_id: int, sku: str, staff_id: int) -> str:
    """The first step: the product has options to tell a new variant apart, the SKU is free."""
    await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, product_id=product_id)
    if not product.option_names:
        raise NameOptionsFirst(sku=product.sku)
    return await check_new_sku(uow, sku)


async def check_variant_options(uow: UnitOfWork, *, product_id: int, text: str, staff_id: int) -> str:
    """The second step: values for the parent's options, a combination it does not have yet."""
    await _actor(uow, staff_id)
    async with uow:
        product = await _product(uow, product_id=product_id)
        # No SKU can be "\x00": the candidate is never mistaken for one of its siblings.
        _candidate(product, NewVariant(sku="\x00", options=text), await uow.products.variants(product.parent_code))
    return text


def _candidate(source: Product, draft: NewVariant, siblings: list[Product]) -> Product:
    """The new variant: the parent's name, category, description, prices, weight and cost."""
    if not source.option_names:
        raise NameOptionsFirst(sku=source.sku)
    names, values = values_for(source, draft.options)
    base = next((s for s in siblings if s.sku == source.parent_code), source)
    variant = Product(
        draft.sku,
        base.name,
        base.category,
        dict(draft.prices or base.prices),
        barcode=draft.barcode,
        description=base.description,
        weight_g=base.weight_g,
        dimensions=base.dimensions,
        cost=base.cost,
        status=ProductStatus.ACTIVE,
        parent=source.parent_code,
        option_names=names,
        options=values,
        names=dict(base.names),
        descriptions=dict(base.descriptions),
    )
    check_variant(variant, siblings)
    return variant


async def add_variant(
    uow: UnitOfWork, clock: Clock, *, product_id: int, draft: NewVariant, staff_id: int
) -> ProductSheet:
    """The new variant of ``product_id``'s parent, in one transaction (SKU, barcode and
    combination checked again: someone may have taken them meanwhile); audited on both."""
    actor = await _actor(uow, staff_id)
    async with uow:
        source = await _locked(uow, product_id)  # a rename meanwhile: the new variant takes its names
        if await uow.products.get_by_sku(draft.sku) is not None:
            raise SkuTaken(sku=draft.sku)
        if draft.barcode and (owner := await uow.products.sku_with_barcode(draft.barcode)) is not None:
            raise DuplicateBarcode(barcode=draft.barcode, sku=owner)
        variant = _candidate(source, draft, await uow.products.variants(source.parent_code))
        await uow.products.upsert(variant)
        await _record(uow, variant, "created", "", f"{draft.sku} ({options_text(variant)})", actor, clock.now())
        await _record(uow, source, "variant_added", "", f"{draft.sku} ({options_text(variant)})", actor, clock.now())
        sheet = await _sheet(uow, variant)
        await uow.commit()
    return sheet
