"""Use cases: one business transaction each (``async with uow: ... await uow.commit()``)."""
