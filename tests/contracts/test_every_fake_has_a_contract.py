"""A fake method with no contract could drift from SQL unseen: each one must be called in
its repository's contract module (tests/contracts/test_<attribute>.py)."""

from __future__ import annotations

import inspect
from pathlib import Path

from tests.fakes import FakeUnitOfWork, _Repo

HERE = Path(__file__).parent


def test_every_method_of_every_fake_repository_is_called_by_its_contract() -> None:
    uow = FakeUnitOfWork()
    missing = []
    for attribute, repository in vars(uow).items():
        if not isinstance(repository, _Repo):
            continue
        contract = HERE / f"test_{attribute}.py"
        source = contract.read_text() if contract.exists() else ""
        for name, _ in inspect.getmembers(type(repository), inspect.iscoroutinefunction):
            if f".{attribute}.{name}(" not in source:
                missing.append(f"uow.{attribute}.{name}")
    assert missing == []
