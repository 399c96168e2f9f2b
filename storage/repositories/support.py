"""Support conversations and the mapping of relayed messages both ways."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.support import Conversation, ConversationStatus, Direction, SupportMessage
from storage import models as m

C, M = m.SupportConversationRow, m.SupportMessageRow


class SqlSupport:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def open_for_customer(self, customer_id: int) -> Conversation | None:
        row = await self.s.scalar(
            select(C)
            .where(C.customer_id == customer_id, C.status == ConversationStatus.OPEN.value)
            .order_by(C.id.desc())
            .limit(1)
        )
        return _conversation(row) if row else None

    async def last_topic(self, customer_id: int, chat_id: int) -> int | None:
        """The forum topic the customer's last conversation in ``chat_id`` used."""
        return await self.s.scalar(
            select(C.thread_id)
            .where(C.customer_id == customer_id, C.chat_id == chat_id, C.thread_id.is_not(None))
            .order_by(C.id.desc())
            .limit(1)
        )

    async def add(self, conversation: Conversation) -> Conversation:
        row = C(
            customer_id=conversation.customer_id,
            chat_id=conversation.chat_id,
            thread_id=conversation.thread_id,
            header_message_id=conversation.header_message_id,
            order_code=conversation.order_code,
            status=conversation.status.value,
            opened_at=conversation.opened_at,
            messages_in=0,
            messages_out=0,
        )
        self.s.add(row)
        await self.s.flush()
        return _conversation(row)

    async def get(self, conversation_id: int) -> Conversation | None:
        row = await self.s.get(C, conversation_id)
        return _conversation(row) if row else None

    async def by_topic(self, chat_id: int, thread_id: int) -> Conversation | None:
        """The newest conversation held in that topic (open or closed)."""
        row = await self.s.scalar(
            select(C).where(C.chat_id == chat_id, C.thread_id == thread_id).order_by(C.id.desc()).limit(1)
        )
        return _conversation(row) if row else None

    async def add_message(self, message: SupportMessage) -> None:
        self.s.add(
            M(
                conversation_id=message.conversation_id,
                direction=message.direction.value,
                customer_message_id=message.customer_message_id,
                staff_message_id=message.staff_message_id,
                kind=message.kind,
                text=message.text,
                staff_name=message.staff_name,
                created_at=message.created_at,
            )
        )
        counter = C.messages_in if message.direction is Direction.IN else C.messages_out
        values: dict[str, object] = {counter.key: counter + 1}
        if message.direction is Direction.OUT:
            values["first_reply_at"] = func.coalesce(C.first_reply_at, message.created_at)
        await self.s.execute(
            update(C)
            .where(C.id == message.conversation_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def by_customer_message(
        self, customer_id: int, customer_message_id: int
    ) -> tuple[SupportMessage, Conversation] | None:
        found = (
            await self.s.execute(
                select(M, C)
                .join(C, C.id == M.conversation_id)
                .where(C.customer_id == customer_id, M.customer_message_id == customer_message_id)
                .order_by(M.id.desc())
                .limit(1)
            )
        ).first()
        return (_message(found[0]), _conversation(found[1])) if found else None

    async def by_staff_message(self, chat_id: int, staff_message_id: int) -> tuple[SupportMessage, Conversation] | None:
        found = (
            await self.s.execute(
                select(M, C)
                .join(C, C.id == M.conversation_id)
                .where(C.chat_id == chat_id, M.staff_message_id == staff_message_id)
                .order_by(M.id.desc())
                .limit(1)
            )
        ).first()
        return (_message(found[0]), _conversation(found[1])) if found else None

    async def by_header(self, chat_id: int, header_message_id: int) -> Conversation | None:
        row = await self.s.scalar(select(C).where(C.chat_id == chat_id, C.header_message_id == header_message_id))
        return _conversation(row) if row else None

    async def close(self, conversation_id: int, at: datetime) -> bool:
        """False when it was closed already (two /close at once: one wins)."""
        result = await self.s.execute(
            update(C)
            .where(C.id == conversation_id, C.status == ConversationStatus.OPEN.value)
            .values(status=ConversationStatus.CLOSED.value, closed_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def rate(self, conversation_id: int, customer_id: int, stars: int) -> bool:
        """False unless it is that customer's closed conversation (a rating may be changed)."""
        result = await self.s.execute(
            update(C)
            .where(
                C.id == conversation_id,
                C.customer_id == customer_id,
                C.status == ConversationStatus.CLOSED.value,
            )
            .values(rating=stars)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def for_customer(self, customer_id: int, limit: int) -> list[Conversation]:
        rows = await self.s.scalars(select(C).where(C.customer_id == customer_id).order_by(C.id.desc()).limit(limit))
        return [_conversation(row) for row in rows]

    async def opened_between(self, start: datetime, end: datetime) -> list[Conversation]:
        rows = await self.s.scalars(select(C).where(C.opened_at >= start, C.opened_at < end).order_by(C.id))
        return [_conversation(row) for row in rows]

    async def open_ones(self, limit: int) -> tuple[list[Conversation], int]:
        is_open = C.status == ConversationStatus.OPEN.value
        total = await self.s.scalar(select(func.count()).select_from(C).where(is_open)) or 0
        answered = case((C.first_reply_at.is_(None), 0), else_=1)
        rows = await self.s.scalars(select(C).where(is_open).order_by(answered, C.opened_at, C.id).limit(limit))
        return [_conversation(row) for row in rows], int(total)


def _conversation(row: m.SupportConversationRow) -> Conversation:
    return Conversation(
        customer_id=row.customer_id,
        chat_id=row.chat_id,
        thread_id=row.thread_id,
        order_code=row.order_code,
        status=ConversationStatus(row.status),
        opened_at=row.opened_at,
        first_reply_at=row.first_reply_at,
        closed_at=row.closed_at,
        rating=row.rating,
        messages_in=row.messages_in,
        messages_out=row.messages_out,
        header_message_id=row.header_message_id,
        id=row.id,
    )


def _message(row: m.SupportMessageRow) -> SupportMessage:
    return SupportMessage(
        conversation_id=row.conversation_id,
        direction=Direction(row.direction),
        customer_message_id=row.customer_message_id,
        staff_message_id=row.staff_message_id,
        kind=row.kind,
        text=row.text,
        created_at=row.created_at,
        staff_name=row.staff_name,
        id=row.id,
    )
