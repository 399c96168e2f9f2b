"""Every journal memo the domain writes is a message key (``N_``) and its values, so a Russian
manager's /journal reads it in Russian: a memo kind added as English text fails here."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

from domain.accounting import Account, entry
from domain.memos import Memo

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
MEMO_CALLS = {"of", "note", "within"}  # Memo.of(key, …), memo.note(key, …), memo.within(key)


def _keyed(node: ast.expr, assigned: dict[str, list[ast.expr]], seen: frozenset[str] = frozenset()) -> bool:
    """An ``N_("…")`` literal, a choice between such, or a name only ever assigned such."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
        return len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    if isinstance(node, ast.IfExp):
        return _keyed(node.body, assigned, seen) and _keyed(node.orelse, assigned, seen)
    if isinstance(node, ast.Name) and node.id not in seen and assigned.get(node.id):
        return all(_keyed(value, assigned, seen | {node.id}) for value in assigned[node.id])
    return False


def _memo_calls() -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MEMO_CALLS:
                owner = node.func.value
                if node.func.attr == "of" and not (isinstance(owner, ast.Name) and owner.id == "Memo"):
                    continue
                found.append((str(path.relative_to(ROOT)), node.lineno, node))
    return found


def test_every_memo_the_domain_writes_is_made_of_message_keys() -> None:
    calls = _memo_calls()
    assert len(calls) > 50  # the writers are found
    unkeyed = []
    for path, line, call in calls:
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        if not call.args or not _keyed(call.args[0], assigned):
            unkeyed.append(f"{path}:{line}")
    assert unkeyed == [], 'a journal memo\'s key must be N_("…"): ' + ", ".join(unkeyed)


def test_the_journal_is_posted_only_from_memos_never_from_english_text() -> None:
    """``entry`` is the one way an entry is made: every place that posts passes it a ``Memo``."""
    plain = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "JournalEntry":
                plain.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert [where.split(":")[0] for where in plain] == ["domain/accounting.py"]


def test_a_memo_keeps_its_english_text_and_reads_back_from_its_key_and_values() -> None:
    made = (
        Memo.of("{code} edited", code="AB12CD34")
        .within("refund owed, {rest}")
        .note("{money} at {rate} {pair}", money="889.44 RUB", rate="100.50", pair="RUB/GBP")
    )
    posted = entry(NOW, "order:AB12CD34", made, "GBP", (Account.SALES_RETURNS, Account.REFUNDS_PAYABLE, 885))
    assert posted is not None and posted.memo == "refund owed, AB12CD34 edited; 889.44 RUB at 100.50 RUB/GBP"
    again = Memo.read(made.key, made.params())
    assert again == made and again.text() == posted.memo
    russian = {"refund owed, {rest}": "к возврату покупателю, {rest}", "{code} edited": "заказ {code} изменён"}
    assert again.text(lambda key: russian.get(key, key)).startswith("к возврату покупателю, заказ AB12CD34 изменён;")


def test_a_long_memo_keeps_its_notes_within_the_journal_s_column() -> None:
    made = Memo.of("{sku}: {reason}", sku="85123A", reason="x" * 300).note("no cost known for {skus}", skus="85123A")
    text = made.text(limit=256)
    assert len(text) <= 256 and text.endswith("; no cost known for 85123A")
