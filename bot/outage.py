"""A database outage logged as one line when it starts and one when it ends, not a traceback a try."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError

# PostgreSQL's codes for a connection that failed (class 08) or a server shutting down or still
# starting (57P01..57P03): asyncpg's errors carry them, read here without importing asyncpg.
_CONNECTION_SQLSTATES = ("08", "57P01", "57P02", "57P03")
# SQLite's only way of not reaching its database: the file (or its folder) cannot be opened.
_SQLITE_UNREACHABLE = "unable to open database file"


def unreachable(error: BaseException) -> bool:
    """Whether ``error`` says the database could not be reached (a restart, the network), not
    that it answered with an error: a missing column or a job's wrong SQL is a bug to show with
    its traceback, and must not send an operator to look at the network."""
    if isinstance(error, OSError):  # the driver's before a connection exists (refused, reset, DNS)
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:  # SQLAlchemy's own verdict: the connection is gone
        return True
    causes = [error.orig, error.orig.__cause__ if error.orig is not None else None]
    for cause in causes:
        if isinstance(cause, OSError):
            return True
        if str(getattr(cause, "sqlstate", "") or "").startswith(_CONNECTION_SQLSTATES):
            return True
    return str(error.orig).startswith(_SQLITE_UNREACHABLE)


class Outage:
    """Remembers whether the last try reached the database, so a loop that tries again every
    second logs the outage once, with its cause on one line, and once more when it is over."""

    def __init__(self, log: logging.Logger, who: str, *, waiting: str, back: str) -> None:
        self.log, self.who, self.waiting, self.back = log, who, waiting, back
        self.unreachable = False

    def failed(self, error: BaseException) -> None:
        if not self.unreachable:
            cause = str(getattr(error, "orig", None) or error)
            self.log.error(
                "%s: cannot reach the database (%s: %s); %s",
                self.who,
                type(error).__name__,
                cause.splitlines()[0] if cause else "",
                self.waiting,
            )
        self.unreachable = True

    def answered(self) -> None:
        """The database answered: one line if it had been away (once per recovery)."""
        if self.unreachable:
            self.log.warning("%s: the database answers again%s", self.who, f"; {self.back}" if self.back else "")
        self.unreachable = False
