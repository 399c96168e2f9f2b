"""The change counter SQLite's triggers number catalog and stock writes with."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class ChangeCounterRow(Base):
    """One row, written only by SQLite's triggers (``storage.repositories.changes``);
    PostgreSQL numbers writes by their transaction id instead and leaves it alone."""

    __tablename__ = "change_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
