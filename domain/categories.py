"""The category tree: parents, counts that include descendants, breadcrumbs, paths in files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from domain.catalog import Category
from domain.csvfiles import problem
from domain.errors import DomainError, ImportRejected, Reason
from domain.i18n import N_

PATH_SEPARATOR = ">"
MAX_NAME = 128  # the column's width


class InvalidCategoryPath(DomainError):
    key = N_("{path} is not a category path: names between “>” must not be empty or over 128 characters.")


class CategoryLoop(DomainError):
    """A typed path refused in chat: a whole sentence, where a file's line keeps the short problem."""

    key = N_("Category {name} cannot go inside {parent}: {parent} is already inside {name}.")


class CategoryTwoParents(DomainError):
    """A typed path naming a category under two parents, refused in chat: no file line to name."""

    key = N_("Category {name} cannot be inside both {parent} and {other}: a category has one parent.")


CYCLE = N_("category {name} cannot be inside {parent}: {parent} is already inside {name}")
TWO_PARENTS = N_("category {name} is under {parent} on line {line}, not under {other}")
# A file's line keeps the short problem; chat says the same as a whole sentence.
IN_CHAT: dict[str, type[DomainError]] = {CYCLE: CategoryLoop, TWO_PARENTS: CategoryTwoParents}


# Performance rule: a 100,000-row products file names a few hundred categories, read several
# times each under the import's write lock (1.5 s of CPU for 50,000 rows): read once a text. It
# relies on the reading being a pure function of the text (the tuple cannot be changed).
@lru_cache(maxsize=4096)
def category_path(text: str) -> tuple[str, ...]:
    """``Clothing > T-shirts`` → ("Clothing", "T-shirts"); one name is a path of one."""
    names = tuple(" ".join(part.split()) for part in text.split(PATH_SEPARATOR))
    if not all(names) or any(len(name) > MAX_NAME for name in names):
        raise InvalidCategoryPath(path=text)
    return names


class Spelling:
    """How the shop spells its category names, whatever the case typed: "kitchen" is Kitchen,
    not a second category beside it that customers would see. A stored name typed exactly is
    itself (a shop may have both Kitchen and kitchen from before this rule); a new name is
    kept as first spelled, so within one file later spellings of it follow the first."""

    def __init__(self, stored: Iterable[str]) -> None:
        self.exact = set(stored)
        self.folded: dict[str, str] = {}
        self.paths: dict[str, str] = {}  # a path's spelling once made stays (``of`` keeps the first)
        for name in sorted(self.exact):  # one spelling per folded name, the same every time
            self.folded.setdefault(name.casefold(), name)

    def of(self, name: str) -> str:
        if name in self.exact:
            return name
        return self.folded.setdefault(name.casefold(), name)

    def path(self, text: str) -> str:
        """A category path with each name as the shop spells it."""
        if (spelled := self.paths.get(text)) is None:
            spelled = self.paths[text] = f" {PATH_SEPARATOR} ".join(self.of(name) for name in category_path(text))
        return spelled


@dataclass(frozen=True, slots=True)
class CategoryNode:
    """A stored category: its parent, and how many active products it holds itself."""

    id: int
    name: str
    parent_id: int | None
    own_count: int
    # (language, name) where the category is translated: a tuple, so the node stays hashable (``tree_of``).
    names: tuple[tuple[str, str], ...] = ()

    def name_in(self, language: str) -> str:
        """Its name in ``language`` where translated, else the shop's."""
        return next((name for lang, name in self.names if lang == language), self.name) if self.names else self.name


class CategoryTree:
    """Every category at once (a shop has hundreds, not millions). A parent that is missing
    makes a top category; categories on a cycle in stored data (the import never writes one)
    are not reachable from the top and are not shown."""

    def __init__(self, nodes: Iterable[CategoryNode]) -> None:
        self.nodes = {n.id: n for n in nodes}
        self._children: dict[int | None, list[CategoryNode]] = {}
        for node in sorted(self.nodes.values(), key=lambda n: (n.name.casefold(), n.id)):
            parent = node.parent_id if node.parent_id in self.nodes else None
            self._children.setdefault(parent, []).append(node)
        # Top down, each category after its parent (no recursion: a 500-deep chain is fine);
        # then bottom up, each adds its total to its parent's.
        order = [n.id for n in self._children.get(None, [])]
        for node_id in order:
            order.extend(k.id for k in self._children.get(node_id, ()))
        self._totals = {i: self.nodes[i].own_count for i in order}
        for node_id in reversed(order):
            parent = self.nodes[node_id].parent_id
            if parent in self._totals:
                self._totals[parent] += self._totals[node_id]

    def total(self, category_id: int) -> int:
        """Active products in the category and in every category below it."""
        return self._totals.get(category_id, 0)

    def category(self, node: CategoryNode, language: str = "") -> Category:
        return Category(node.id, node.name_in(language), self.total(node.id))

    def children(self, category_id: int | None, language: str = "") -> list[Category]:
        """The categories directly below (the top ones for None) that have something to show,
        by name — in ``language`` where translated (a Russian reader's list is in its own order)."""
        kids = [self.category(k, language) for k in self._children.get(category_id, []) if self.total(k.id) > 0]
        if language and any(k.names for k in self._children.get(category_id, ())):
            kids.sort(key=lambda c: (c.name.casefold(), c.id))
        return kids

    def trail(self, category_id: int, language: str = "") -> list[Category]:
        """From the top down to ``category_id``: the breadcrumbs (named in ``language`` where translated)."""
        path: list[Category] = []
        seen: set[int] = set()
        current: int | None = category_id
        while current is not None and current in self.nodes and current not in seen:
            seen.add(current)
            node = self.nodes[current]
            path.append(self.category(node, language))
            current = node.parent_id
        return path[::-1]


@lru_cache(maxsize=8)
def tree_of(nodes: tuple[CategoryNode, ...]) -> CategoryTree:
    """The tree, built once per state of the categories: the read cache hands out the same
    nodes until a write, and every catalog screen needs the tree. Callers only read it."""
    return CategoryTree(nodes)


def breadcrumbs(names: Sequence[str], keep: int = 4) -> list[str]:
    """The trail to show: the top, "…", then the last ``keep - 1`` when it is deeper."""
    if len(names) <= keep:
        return list(names)
    return [names[0], "…", *names[len(names) - keep + 1 :]]


def plan_parents(
    paths: Iterable[tuple[int, str]], stored: Mapping[str, str | None]
) -> tuple[dict[str, str], list[tuple[int, Reason]]]:
    """The parent links a file's category paths state, checked against the stored tree.

    Each ``>`` makes the name on its left the parent of the one on its right; the first name
    keeps its place (a new one becomes a top category). Names are unique in the whole tree, so
    one name given two parents in a file, or a link that would put a category inside itself,
    is refused with the line. Returns the links (child → parent) and the problems."""
    parents: dict[str, str | None] = dict(stored)
    given: dict[str, tuple[str, int]] = {}
    links: dict[str, str] = {}
    problems: list[tuple[int, Reason]] = []
    for line, text in paths:
        try:
            names = category_path(text)
        except DomainError as exc:
            problems.append((line, Reason.of(exc)))
            continue
        for parent, name in pairwise(names):
            if name in given:
                if given[name][0] != parent:
                    first, first_line = given[name]
                    problems.append(
                        (line, problem(TWO_PARENTS, name=name, parent=first, line=first_line, other=parent))
                    )
                continue
            if _inside(parent, name, parents):
                problems.append((line, problem(CYCLE, name=name, parent=parent)))
                continue
            given[name] = (parent, line)
            parents[name] = parent
            links[name] = parent
    return links, problems


def path_to(name: str, parents: Mapping[str, str | None]) -> tuple[str, ...]:
    """From the top down to ``name`` by parents' names: a product's breadcrumbs, as customers
    read them (a cycle in stored data ends the path where it would repeat)."""
    path: list[str] = []
    current: str | None = name
    while current is not None and current not in path:
        path.append(current)
        current = parents.get(current)
    return tuple(reversed(path))


@dataclass(frozen=True, slots=True)
class CategoryMove:
    """A stored category a typed path put under another parent, with everything in it."""

    name: str
    before: tuple[str, ...]  # where it was: its parent's path, () at the top
    after: tuple[str, ...]


def moves(links: Mapping[str, str], stored: Mapping[str, str | None]) -> list[CategoryMove]:
    """The stored categories ``links`` (``plan_parents``') give another parent than they had."""
    now = {**stored, **links}
    return [
        CategoryMove(child, path_to(was, stored) if was else (), path_to(parent, now))
        for child, parent in links.items()
        if child in stored and (was := stored[child]) != parent
    ]


def _inside(name: str, ancestor: str, parents: Mapping[str, str | None]) -> bool:
    """Is ``name`` the category ``ancestor`` or somewhere below it?"""
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def leaf(text: str) -> str:
    """The category a product goes in: the last name of its path."""
    return category_path(text)[-1]


def refuse(problems: list[tuple[int, Reason]]) -> None:
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p[0]))
