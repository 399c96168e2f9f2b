"""A products file's ``category_ru``-style columns: each category's name in a language, name by name of its path."""

from __future__ import annotations

from collections.abc import Container

from domain.catalog_edits import CLEAR
from domain.categories import category_path
from domain.csvfiles import Columns, Problem, Row, parse_all
from domain.errors import DomainError
from domain.i18n import N_
from domain.product_file import LANGUAGE_CODE

CATEGORY_NAME_COLUMNS = Columns((), ("category",), languages=("category_",))
UNEVEN = N_("{column} does not translate category name by name ({given} of {wanted}): give each name of its path")
ALONE = N_("{column} is given without category: write the category it translates on this row")

NO_PATH: tuple[str, ...] = ()

# category name → language → its name there
CategoryNames = dict[str, dict[str, str]]


def parse_category_names(text: str, languages: Container[str] | None = None) -> tuple[CategoryNames, list[Problem]]:
    """``category_ru`` translates ``category`` name by name: ``Одежда > Футболки`` for
    ``Clothing > T-shirts`` names Clothing «Одежда» and T-shirts «Футболки». An empty cell keeps what
    is known, ``-`` removes the row's category's own name there (given as ""); a later row naming a
    category again in a language gives its name there."""

    def one(row: Row) -> list[tuple[str, str, str]]:
        found: list[tuple[str, str, str]] = []
        for column, value in row.values.items():
            language = column.removeprefix("category_")
            if language == column or not value.strip():
                continue
            if not LANGUAGE_CODE.match(language) or (languages is not None and language not in languages):
                row.fail(N_("{column}: the bot does not speak “{value}”"), column=column, value=language)
                continue
            if not row["category"]:
                row.fail(ALONE, column=column)
                continue
            try:
                names = category_path(row["category"])
            except DomainError:  # the products file's own reading names a bad path: once is enough
                continue
            if value.strip() == CLEAR:  # as in /product: the category's own name there goes, those above it stay
                found.append((names[-1], language, ""))
                continue
            translated = row.check(category_path, value, default=NO_PATH, column=column)
            if not translated:
                continue
            if len(names) != len(translated):
                row.fail(UNEVEN, column=column, given=len(translated), wanted=len(names))
                continue
            found += [(name, language, there) for name, there in zip(names, translated, strict=True)]
        return found

    parsed, problems = parse_all(text, CATEGORY_NAME_COLUMNS, one)
    names: CategoryNames = {}
    for row in parsed:
        for name, language, there in row:
            names.setdefault(name, {})[language] = there
    return names, problems
