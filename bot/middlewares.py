"""Per-update dependencies: a unit of work and the customer behind the update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.ports import Clock
from domain.usecases.customers import ensure_customer
from storage.uow import SqlUnitOfWork


class UnitOfWorkMiddleware(BaseMiddleware):
    """Gives every handler ``uow`` (reusable, one transaction per use case) and, for
    human senders, ``customer`` — registering first-time users on the way."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        uow = SqlUnitOfWork(self.sessions)
        data["uow"] = uow
        data["clock"] = self.clock
        user: User | None = data.get("event_from_user")
        if user is not None and not user.is_bot:
            data["customer"] = await ensure_customer(
                uow,
                self.clock,
                telegram_id=user.id,
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                language_code=user.language_code,
            )
        return await handler(event, data)
