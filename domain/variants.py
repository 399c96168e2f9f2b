"""Variants of a product: option names and values, which combinations exist, and the option buttons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from domain.catalog import Product
from domain.csvfiles import Problem, problem
from domain.errors import DomainError
from domain.i18n import N_

MAX_OPTIONS = 3
MAX_OPTION_TEXT = 64  # a name or value; longer would not fit a button


class BadOptions(DomainError):
    key = N_("options must be written as Name=value;Name=value (up to 3), got “{value}”")


class OptionTooLong(BadOptions):
    """Written right but too long for a button: said so, not told to write Name=value as it was."""

    key = N_("an option's name or value is up to 64 characters; “{value}…” has {count}")


class TooManyOptions(DomainError):
    key = N_("a product has at most 3 options, got {count}")


# The three above as typed in chat, whole sentences: a file's line keeps the short problem.
class OptionsWrittenAs(DomainError):
    key = N_("Options are written as Name=value; Name=value (up to 3), not “{value}”.")


class OptionWordTooLong(DomainError):
    key = N_("An option's name or value is up to 64 characters; “{value}…” has {count}.")


class TooManyOptionsTyped(DomainError):
    key = N_("A product has at most 3 options, not {count}.")


def parse_options(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``Size=M;Colour=Red`` (``|`` separates too) as option names and values, in order."""
    text = text.strip()
    if not text:
        return (), ()
    pairs = [part for part in text.replace("|", ";").split(";") if part.strip()]
    names: list[str] = []
    values: list[str] = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name, value = " ".join(name.split()), " ".join(value.split())
        casefolded = [n.casefold() for n in names]
        if not sep or not name or not value:
            raise BadOptions(value=text[:100])
        if too_long := next((word for word in (name, value) if len(word) > MAX_OPTION_TEXT), None):
            raise OptionTooLong(value=too_long[:20], count=len(too_long))
        if name.casefold() in casefolded:
            raise BadOptions(value=text[:100])
        names.append(name)
        values.append(value)
    if len(names) > MAX_OPTIONS:
        raise TooManyOptions(count=len(names))
    return tuple(names), tuple(values)


INCONSISTENT_OPTIONS = N_("options of {parent} must be {expected}, like its other variants; got {got}")


class OptionsUnlikeSiblings(DomainError):
    """Option names refused in chat: a whole sentence, where a file's line keeps the short problem."""

    key = N_("Options of {parent} must be {expected}, like its other variants, not {got}.")


DUPLICATE_COMBINATION = N_("{parent} already has a variant {options} (SKU {sku})")


class VariantTaken(DomainError):
    """A variant's values refused in chat: a whole sentence, where a file's line keeps the short problem."""

    key = N_("{parent} already has a variant {options} (SKU {sku}).")


PARENT_WITHOUT_OPTIONS = N_("{parent} has several variants: each needs options to tell them apart")


class VariantsNeedOptions(DomainError):
    """A parent without options refused in chat: a whole sentence, where a file's line keeps the short problem."""

    key = N_("{parent} has several variants: each needs options to tell them apart.")


# A file's line keeps the short problem; chat says the same as a whole sentence.
_IN_CHAT: dict[str, type[DomainError]] = {
    INCONSISTENT_OPTIONS: OptionsUnlikeSiblings,
    DUPLICATE_COMBINATION: VariantTaken,
    PARENT_WITHOUT_OPTIONS: VariantsNeedOptions,
    BadOptions.key: OptionsWrittenAs,
    OptionTooLong.key: OptionWordTooLong,
    TooManyOptions.key: TooManyOptionsTyped,
}


def in_chat(error: DomainError) -> DomainError:
    """``error`` as chat says it: a file's short problem as its whole sentence."""
    sentence = _IN_CHAT.get(error.key)
    return sentence(**error.params) if sentence else error


def typed_options(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``parse_options`` of what was typed in chat, refused in whole sentences."""
    try:
        return parse_options(text)
    except DomainError as error:
        raise in_chat(error) from None


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) or "—"


def options_text(product: Product) -> str:
    """How the audit trail writes a variant's options: ``Size=L; Colour=Navy``."""
    return pairs_text(product.option_names, product.options)


def pairs_text(names: Sequence[str], values: Sequence[str]) -> str:
    """Option names and values as the products file writes them (``parse_options`` reads them back)."""
    return "; ".join(f"{name}={value}" for name, value in zip(names, values, strict=True))


def check_variants(members: Sequence[tuple[int, Product]]) -> list[Problem]:
    """The rules of one parent's variants, given with the line each came from (0 = already
    stored): the same option names in the same order, no combination twice, and options
    whenever there is more than one variant."""
    problems: list[Problem] = []
    if not members:
        return problems
    parent = members[0][1].parent_code
    expected = next((p.option_names for _, p in members if p.option_names), ())
    if len(members) > 1 and not expected:
        return [(line, problem(PARENT_WITHOUT_OPTIONS, parent=parent)) for line, _ in members if line]
    seen: dict[tuple[str, ...], str] = {}
    for line, product in members:
        if tuple(n.casefold() for n in product.option_names) != tuple(n.casefold() for n in expected):
            got = _names(product.option_names)
            problems.append((line, problem(INCONSISTENT_OPTIONS, parent=parent, expected=_names(expected), got=got)))
            continue
        combination = tuple(v.casefold() for v in product.options)
        if combination in seen:
            label = product.variant_label
            problems.append((line, problem(DUPLICATE_COMBINATION, parent=parent, options=label, sku=seen[combination])))
        else:
            seen[combination] = product.sku
    return [(line, reason) for line, reason in problems if line]


CATEGORY_OF_THE_FAMILY = N_(
    "category must be {expected}, as for {parent} on line {line}: a product's variants share one category; got {got}"
)


def check_family_category(members: Sequence[tuple[int, Product]]) -> tuple[str, list[Problem]]:
    """The category one parent's rows in a file give the whole family (the parent row's, else the
    first row's), and the rows that give another. A file is all or nothing, so it may not move
    part of a family: which of two categories was meant is for the person who wrote it to say."""
    if not members:
        return "", []
    parent = members[0][1].parent_code
    line, source = next(((n, p) for n, p in members if p.sku == parent), members[0])
    expected = source.category
    problems: list[Problem] = [
        (n, problem(CATEGORY_OF_THE_FAMILY, expected=expected, parent=parent, line=line, got=p.category))
        for n, p in members
        if p.category != expected
    ]
    return expected, problems


# The rule these three rely on: every card of a product with variants makes its siblings and
# option buttons anew, and a NamedTuple is made ~4× faster than a frozen dataclass (one
# ``tuple.__new__`` instead of an ``object.__setattr__`` per field; 4.5 → 1.2 µs for four
# siblings), immutable all the same. None is kept by the read cache: a tuple subclass stays
# tracked by the garbage collector, so the snapshot keeps plain tuples (``siblings``).
class Sibling(NamedTuple):
    """What a card's option buttons need of a variant: which it is, its values, whether
    customers see it (a hidden one gets no button; its values keep their place in the order)
    and whether it is sold (a discontinued one is marked as a sold-out one is)."""

    id: int
    options: tuple[str, ...]
    listed: bool = True
    orderable: bool = True
    # Its values per language its options are translated into, (language, values) each: its button's label there
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Its own name and description per language translated into, (language, name, description) each ("" where
    # only the other is): what a variant translated in neither takes from (``domain.family_names``)
    texts: tuple[tuple[str, str, str], ...] = ()
    parent: bool = False  # the variant coded as the parent (a parent is its own first variant)


def sibling_words(product: Product) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A ``Sibling``'s ``words``: the product's option values in each language they are translated into."""
    return tuple(
        (language, found[1])
        for language, _names, _values in product.option_translations
        if (found := product.option_words(language)) is not None
    )


class OptionChoice(NamedTuple):
    value: str
    product_id: int  # the variant the button opens
    chosen: bool
    sold_out: bool


class OptionRow(NamedTuple):
    name: str
    choices: tuple[OptionChoice, ...]


def _closeness(candidate: Sibling, chosen: Product, position: int) -> tuple[int, ...]:
    """How much of the current choice a variant keeps; earlier options count more."""
    return tuple(int(candidate.options[j] == chosen.options[j]) for j in range(len(chosen.options)) if j != position)


def _one_option(chosen: Product, usable: Sequence[Sibling], available: Mapping[int, int]) -> list[OptionRow] | None:
    """``option_rows`` of a product with one option (a size, most often) in one pass, or None
    when some value is had by two variants, which only the general rule below may choose
    between. The rule this relies on: with each value had by one variant, that variant is its
    button's target (nothing to weigh), catalog order is the listed variants' order, and a value
    only a hidden variant has gets no button; so the general rule gives these same choices.
    It skips that rule's grouping by value (~a third of a variant card's option work);
    ``tests/unit/test_variants.py`` compares the two on random families."""
    if len({v[1] for v in usable}) != len(usable):
        return None
    mine = chosen.options[0]
    choices = tuple(
        [
            OptionChoice(options[0], pid, options[0] == mine, not orderable or available.get(pid, 0) <= 0)
            for pid, options, listed, orderable, _words, _texts, _parent in usable
            if listed
        ]
    )
    return [OptionRow(chosen.option_names[0], choices)] if len(choices) > 1 else []


def option_rows(chosen: Product, variants: Sequence[Sibling], available: Mapping[int, int]) -> list[OptionRow]:
    """The option buttons of a card showing ``chosen``: for each option with more than one
    value, its values in catalog order. A value opens the variant that keeps the most of the
    other choices (the exact combination when it exists, so only combinations that exist are
    offered); it is marked sold out when that variant has nothing available. Every card with
    variants asks for these: the variants are grouped by value in one pass per option.
    Catalog order counts hidden variants too: hiding S / White must not move S after L."""
    width = len(chosen.options)
    usable = [v for v in variants if len(v.options) == width]
    if width == 1 and len(chosen.option_names) == 1 and (row := _one_option(chosen, usable, available)) is not None:
        return row
    rows: list[OptionRow] = []
    for position, name in enumerate(chosen.option_names):
        by_value: dict[str, list[Sibling]] = {}
        for variant in usable:
            listed = by_value.setdefault(variant.options[position], [])
            if variant.listed:
                listed.append(variant)
        if not all(by_value.values()):  # a value only hidden variants have
            by_value = {value: listed for value, listed in by_value.items() if listed}
        if len(by_value) < 2:
            continue
        mine = chosen.options[position]
        choices = []
        for value, candidates in by_value.items():
            target = candidates[0]
            if len(candidates) > 1:
                target = max(
                    candidates,
                    key=lambda v: (_closeness(v, chosen, position), v.orderable and available.get(v.id, 0) > 0),
                )
            unavailable = not target.orderable or available.get(target.id, 0) <= 0
            choices.append(OptionChoice(value, target.id, value == mine, unavailable))
        rows.append(OptionRow(name, tuple(choices)))
    return rows


def rows_in_language(
    rows: Sequence[OptionRow], chosen: Product, variants: Sequence[Sibling], language: str
) -> Sequence[OptionRow]:
    """``option_rows`` as a customer reading ``language`` sees them: each option's name as the chosen variant
    translates it, each button's value as any variant having it does (a value reads the same in a product:
    the products file refuses two words for one), else as stored. The rows are made on the stored values
    (what tells the variants apart) and only then named: a card in an untranslated language, or of a product
    whose options nobody translated, costs one look at its variants."""
    if not rows or not language:
        return rows
    for variant in variants:  # a loop, not ``any()`` over a generator: ~0.6 µs less on every untranslated card
        if variant.words and any(lang == language for lang, _ in variant.words):
            break
    else:
        return rows
    names = (chosen.option_words(language) or (chosen.option_names, chosen.options))[0]
    words: dict[tuple[int, str], str] = {}
    for variant in variants:
        for translated in (found for lang, found in variant.words if lang == language):
            words.update(
                ((at, value), word) for at, (value, word) in enumerate(zip(variant.options, translated, strict=True))
            )
    shown = []
    for row in rows:
        at = chosen.option_names.index(row.name)
        choices = tuple(c._replace(value=words.get((at, c.value), c.value)) for c in row.choices)
        shown.append(OptionRow(names[at], choices))
    return shown


class OptionsExpected(DomainError):
    key = N_("Give a value for each option of {parent} ({names}), e.g. {example}.")


class NotAnOption(DomainError):
    key = N_("{option} is not an option of this product; its options are {names} and {last}.")


class NotTheOnlyOption(DomainError):
    key = N_("{option} is not an option of this product; its only option is {only}.")


def _not_an_option(typed: str, options: Sequence[str]) -> DomainError:
    """Fit, typed for a product of Size and Colour: named with the product's options as it writes them."""
    if len(options) == 1:
        return NotTheOnlyOption(option=typed, only=options[0])
    return NotAnOption(option=typed, names=", ".join(options[:-1]), last=options[-1])


class OptionNamesExpected(DomainError):
    key = N_("Give one new name for each option ({names}), separated by ;, each up to 64 characters, all different.")


class OptionsNeedOneVariant(DomainError):
    key = N_("Only a product with one variant can be given options; {parent} has {count}.")


class NameOptionsFirst(DomainError):
    key = N_("{sku} has no options yet: set its own first (✏️ Options, e.g. Size=M), then add variants.")


def values_for(product: Product, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Typed ``Size=L; Colour=Navy`` as ``product``'s option names and values, in the
    parent's order (any order and case of names is accepted). A product without options is
    given its option names here (whether it may is the caller's rule: one variant only)."""
    names, values = typed_options(text)
    if not names:
        raise OptionsWrittenAs(value=text[:100])
    expected = product.option_names
    if not expected:
        return names, values
    typed = {name.casefold(): value for name, value in zip(names, values, strict=True)}
    known = {n.casefold() for n in expected}
    if unknown := next((name for name in names if name.casefold() not in known), None):
        raise _not_an_option(unknown, expected)
    if sorted(typed) != sorted(known):
        example = "; ".join(f"{name}={value}" for name, value in zip(expected, product.options, strict=True))
        raise OptionsExpected(parent=product.parent_code, names=_names(expected), example=example)
    return expected, tuple(typed[name.casefold()] for name in expected)


class OptionsInLanguageExpected(DomainError):
    key = N_("Give each option of {parent} in that language, in its order ({names}): e.g. {example}; - removes them.")


def translate_options(
    product: Product, language: str, text: str
) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """``product``'s option translations with ``language``'s set from typed ``Размер=M; Цвет=Красный`` (as
    the products file's ``options_ru``: as many as it has, in its order), or removed by ``-``."""
    others = tuple(t for t in product.option_translations if t[0] != language)
    if text.strip() == "-":
        return others
    try:
        names, values = parse_options(text)
    except OptionTooLong as error:
        raise in_chat(error) from None
    except DomainError:
        names, values = (), ()
    if not names or len(names) != len(product.option_names):
        example = pairs_text(product.option_names, product.options)
        raise OptionsInLanguageExpected(parent=product.parent_code, names=_names(product.option_names), example=example)
    return tuple(sorted((*others, (language, names, values))))


def retranslated(old: Product, new: Product) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """``new``'s option translations when it replaces ``old``: given other values (M made L), a language whose
    words said the old ones is given removed (no values, which the write clears), unless ``new`` gives its
    own: «Размер: M» would go on naming an L."""
    if tuple(v.casefold() for v in new.options) == tuple(v.casefold() for v in old.options):
        return new.option_translations
    given = {t[0] for t in new.option_translations}
    gone = [(language, (), ()) for language, _names, _values in old.option_translations if language not in given]
    return tuple(sorted((*new.option_translations, *gone)))


def sibling_translated(
    edited: Product, sibling: Product, language: str
) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] | None:
    """``sibling``'s option translations once ``edited``'s in ``language`` were set: the options named as the
    edited one names them, and a value the two share (at the same place) said as the edited one says it, as
    the products file requires of a parent's rows; None when it has none there, or nothing changes."""
    given, had = edited.option_words(language), sibling.option_words(language)
    if given is None or had is None or len(sibling.options) != len(edited.options):
        return None
    names, words = given
    values = tuple(
        words[at] if value.casefold() == edited.options[at].casefold() else own
        for at, (value, own) in enumerate(zip(sibling.options, had[1], strict=True))
    )
    if (names, values) == had:
        return None
    others = tuple(t for t in sibling.option_translations if t[0] != language)
    return tuple(sorted((*others, (language, names, values))))


class WordTaken(DomainError):
    key = N_(
        "“{word}” already says {other} on {sku}: two of the card's buttons would read alike; give {value} a word of "
        "its own."
    )


def check_words_apart(product: Product, siblings: Sequence[Product], language: str) -> None:
    """``product``'s values in ``language`` say none of its siblings' other values (Navy «Белый» beside White
    «Белый», in any case): the card's buttons would read alike. A value it shares is said as it says it
    (``sibling_translated``), so only the siblings' other values are compared."""
    given = product.option_words(language)
    if given is None:
        return
    for sibling in siblings:
        had = sibling.option_words(language) if sibling.id != product.id else None
        if had is None or len(sibling.options) != len(product.options):
            continue
        for at, (value, word) in enumerate(zip(product.options, given[1], strict=True)):
            other = sibling.options[at]
            if other.casefold() != value.casefold() and had[1][at].casefold() == word.casefold():
                raise WordTaken(word=had[1][at], other=other, sku=sibling.sku, value=value)  # as it reads


def parse_option_names(text: str, current: Sequence[str]) -> tuple[str, ...]:
    """New names for the parent's options, as many as it has, in the same order."""
    names = tuple(" ".join(part.split()) for part in text.replace("|", ";").split(";") if part.strip())
    distinct = {n.casefold() for n in names}
    if len(names) != len(current) or len(distinct) != len(names) or any(len(n) > MAX_OPTION_TEXT for n in names):
        raise OptionNamesExpected(names=_names(current))
    return names


def check_variant(candidate: Product, siblings: Sequence[Product]) -> None:
    """The CSV's rules for one variant set or added among the stored ones: raise the first broken."""
    others = [(0, sibling) for sibling in siblings if sibling.sku != candidate.sku]
    for _, reason in check_variants([*others, (1, candidate)]):  # stored first: the new one is the duplicate
        raise in_chat(reason.error)
