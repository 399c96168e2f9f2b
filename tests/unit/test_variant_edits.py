"""Options typed in /product: values for the parent's options, new option names, and the CSV's rules for one variant."""

import pytest
from aiogram.utils.i18n import I18n

from domain.catalog import Product
from domain.errors import DomainError
from domain.variants import (
    NotAnOption,
    NotTheOnlyOption,
    OptionNamesExpected,
    OptionsExpected,
    OptionsWrittenAs,
    OptionWordTooLong,
    TooManyOptionsTyped,
    check_variant,
    parse_option_names,
    values_for,
)


def _tee(sku: str, size: str, colour: str, parent: str = "TEE") -> Product:
    return Product(
        sku,
        "Tee",
        "Clothes",
        parent="" if sku == parent else parent,
        option_names=("Size", "Colour"),
        options=(size, colour),
    )


SIBLINGS = [_tee("TEE", "S", "White"), _tee("TEE-M-NVY", "M", "Navy"), _tee("TEE-L-NVY", "L", "Navy")]


def test_values_are_taken_in_the_parents_order_whatever_the_typed_order_and_case() -> None:
    assert values_for(SIBLINGS[1], "colour = Red; SIZE=XL") == (("Size", "Colour"), ("XL", "Red"))


def test_values_for_some_of_the_parents_options_are_refused_with_an_example() -> None:
    with pytest.raises(OptionsExpected) as refused:
        values_for(SIBLINGS[1], "size=L")
    assert refused.value.params == {"parent": "TEE", "names": "Size, Colour", "example": "Size=M; Colour=Navy"}


@pytest.mark.parametrize("text", ["Fit=Slim", "Size=L; Colour=Navy; Fit=Slim", "colour=Navy; Fit=Slim"])
def test_an_option_the_product_does_not_have_is_named_with_the_options_it_has(text: str) -> None:
    with pytest.raises(NotAnOption) as refused:
        values_for(SIBLINGS[1], text)
    assert str(refused.value) == "Fit is not an option of this product; its options are Size and Colour."


def test_an_option_a_product_of_one_option_does_not_have_is_named_with_that_one() -> None:
    polo = Product("POLO", "Polo", "Clothes", option_names=("Size",), options=("M",))
    with pytest.raises(NotTheOnlyOption) as refused:
        values_for(polo, "size=L; Fit=Slim")
    assert str(refused.value) == "Fit is not an option of this product; its only option is Size."


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", OptionsWrittenAs),
        ("L", OptionsWrittenAs),
        ("Size=<b>" + "x" * 5000, OptionWordTooLong),
        ("A=1;B=2;C=3;D=4", TooManyOptionsTyped),
    ],
)
def test_malformed_values_are_refused_in_whole_sentences(text: str, error: type[DomainError]) -> None:
    with pytest.raises(error):
        values_for(SIBLINGS[1], text)


def test_a_product_without_options_is_given_the_names_it_is_typed_with() -> None:
    mug = Product("MUG", "Mug", "Kitchen")
    assert values_for(mug, "Size=M; Colour=White") == (("Size", "Colour"), ("M", "White"))


def test_option_names_are_renamed_as_many_and_in_order() -> None:
    assert parse_option_names(" Size ; Color ", ("Size", "Colour")) == ("Size", "Color")
    for wrong in ("Size", "Size; Colour; Fit", "Size; size", "Size; " + "x" * 65, ""):
        with pytest.raises(OptionNamesExpected):
            parse_option_names(wrong, ("Size", "Colour"))


def test_a_combination_a_sibling_has_is_refused_naming_the_sibling() -> None:
    with pytest.raises(DomainError) as refused:
        check_variant(_tee("TEE-NEW", "m", "navy"), SIBLINGS)
    assert str(refused.value) == "TEE already has a variant m / navy (SKU TEE-M-NVY)."


def test_a_variant_keeps_its_own_combination_and_a_new_one_is_accepted() -> None:
    check_variant(_tee("TEE-M-NVY", "M", "Navy"), SIBLINGS)  # itself is not a duplicate
    check_variant(_tee("TEE-XL-NVY", "XL", "Navy"), SIBLINGS)


def test_other_option_names_than_the_siblings_are_refused() -> None:
    odd = Product("TEE-X", "Tee", "Clothes", parent="TEE", option_names=("Fit",), options=("Slim",))
    with pytest.raises(DomainError) as refused:
        check_variant(odd, SIBLINGS)
    assert str(refused.value) == "Options of TEE must be Size, Colour, like its other variants, not Fit."


def test_options_refused_in_chat_read_as_whole_sentences_in_english_and_russian(i18n: I18n) -> None:
    odd = Product("TEE-X", "Tee", "Clothes", parent="TEE", option_names=("Fit",), options=("Slim",))
    bare = [Product("POLO", "Polo", "Clothes"), Product("POLO-2", "Polo", "Clothes", parent="POLO")]
    refusals = []
    for candidate, siblings in ((odd, SIBLINGS), (bare[1], bare[:1])):
        with pytest.raises(DomainError) as refused:
            check_variant(candidate, siblings)
        error = refused.value
        refusals.append((str(error), i18n.gettext(error.key, locale="ru").format(**error.params)))
    assert refusals == [
        (
            "Options of TEE must be Size, Colour, like its other variants, not Fit.",
            "Опции TEE должны быть Size, Colour, как у других его вариантов, а не Fit.",
        ),
        (
            "POLO has several variants: each needs options to tell them apart.",
            "У POLO несколько вариантов: каждому нужны опции, чтобы их различать.",
        ),
    ]
