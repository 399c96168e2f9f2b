"""A database outage logged as one line when it starts and one when it ends, not a traceback a try."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError

# What a database that went away (a restart, the network) raises: the driver's OSError before a
# connection exists, SQLAlchemy's DBAPIError around the driver's error once it does.
UNREACHABLE = (OSError, DBAPIError)


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
        if self.unreachable:
            self.log.warning("%s: the database answers again%s", self.who, f"; {self.back}" if self.back else "")
        self.unreachable = False
