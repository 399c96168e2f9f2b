"""Staff membership. ``ADMIN_IDS`` from the configuration become admins at start."""

from __future__ import annotations

from domain.customers import Role, StaffMember
from domain.ports import UnitOfWork


async def make_admins(uow: UnitOfWork, telegram_ids: list[int]) -> None:
    async with uow:
        for telegram_id in telegram_ids:
            member = await uow.staff.get(telegram_id)
            if member is None or member.role is not Role.ADMIN:
                await uow.staff.put(StaffMember(telegram_id, Role.ADMIN, member.warehouse_code if member else None))
        await uow.commit()
