"""Staff membership: who is staff, with which role, and how they become staff.

``ADMIN_IDS`` from the configuration become admins at start; everyone else joins through a
one-time invitation link an admin creates for a role (``/invite picker LON``)."""

from __future__ import annotations

import secrets
from collections.abc import Collection

from domain.customers import Role, StaffMember
from domain.errors import DomainError, NotFound
from domain.i18n import N_
from domain.ports import Clock, UnitOfWork
from domain.staff import (
    INVITE_TTL,
    CannotChangeSelf,
    InviteInvalid,
    NotAllowed,
    Permission,
    StaffInvite,
    WrongRole,
    can,
)
from domain.warehouse import Warehouse


class WarehouseNeeded(DomainError):
    key = N_("Which warehouse? Add its code: {codes}.")


class UnknownWarehouse(NotFound):
    """A warehouse code the shop does not have (a typo at the end of a night's command): the
    codes it has, not "Nothing was found" (a not-found still: the web and API answer 404)."""

    key = N_("There is no warehouse {code}. The warehouses are: {codes}.")


async def no_such_warehouse(uow: UnitOfWork, code: str) -> UnknownWarehouse:
    """Inside an open unit of work: the refusal of ``code``, naming the codes there are."""
    codes = ", ".join(sorted(w.code for w in await uow.warehouses.all()))
    return UnknownWarehouse(code=code.strip().upper()[:16], codes=codes)


async def make_admins(uow: UnitOfWork, telegram_ids: list[int]) -> None:
    async with uow:
        for telegram_id in telegram_ids:
            member = await uow.staff.get(telegram_id)
            if member is None or member.role is not Role.ADMIN:
                await uow.staff.put(StaffMember(telegram_id, Role.ADMIN, member.warehouse_code if member else None))
        await uow.commit()


async def all_staff(uow: UnitOfWork) -> list[StaffMember]:
    async with uow.read_only():
        return await uow.staff.all()


async def staff_member(uow: UnitOfWork, telegram_id: int) -> StaffMember | None:
    async with uow.read_only():
        return await uow.staff.get(telegram_id)


async def require(uow: UnitOfWork, telegram_id: int, permission: Permission) -> StaffMember:
    """The staff member behind ``telegram_id`` if their role allows ``permission``."""
    member = await staff_member(uow, telegram_id)
    if member is None:
        raise NotAllowed()
    if not can(member, permission):
        raise WrongRole(role=member.role.value)
    return member


async def create_invite(
    uow: UnitOfWork, clock: Clock, *, admin_id: int, role: Role, warehouse_code: str | None = None
) -> StaffInvite:
    await require(uow, admin_id, Permission.MANAGE_STAFF)
    async with uow:
        if warehouse_code is not None:
            warehouse = await uow.warehouses.get_by_code(warehouse_code.upper())
            if warehouse is None:
                raise await no_such_warehouse(uow, warehouse_code)
            warehouse_code = warehouse.code
        now = clock.now()
        invite = StaffInvite(secrets.token_urlsafe(18), role, warehouse_code, admin_id, now, now + INVITE_TTL)
        await uow.staff.add_invite(invite)
        await uow.commit()
        return invite


async def accept_invite(uow: UnitOfWork, clock: Clock, *, token: str, telegram_id: int) -> StaffMember:
    """Single use: of two people opening the same link at once, one becomes staff."""
    async with uow:
        invite = await uow.staff.get_invite(token)
        now = clock.now()
        if invite is None or not invite.usable(now):
            raise InviteInvalid()
        if not await uow.staff.use_invite(token, telegram_id, now):
            raise InviteInvalid()
        member = StaffMember(telegram_id, invite.role, invite.warehouse_code)
        current = await uow.staff.get(telegram_id)
        if current is not None and current.role is Role.ADMIN:
            # An invitation never demotes an admin; its warehouse becomes theirs.
            member = StaffMember(telegram_id, Role.ADMIN, invite.warehouse_code or current.warehouse_code)
        await uow.staff.put(member)
        await uow.commit()
        return member


async def list_staff(uow: UnitOfWork, *, admin_id: int) -> list[tuple[StaffMember, str]]:
    """Every staff member with the name the bot knows them by (or their id)."""
    await require(uow, admin_id, Permission.MANAGE_STAFF)
    async with uow.read_only():
        members = await uow.staff.all()
        named = []
        for member in members:
            customer = await uow.customers.get_by_telegram_id(member.telegram_id)
            named.append((member, customer.display_name if customer else str(member.telegram_id)))
        return named


async def set_role(uow: UnitOfWork, *, admin_id: int, telegram_id: int, role: Role | None) -> StaffMember | None:
    """Change a member's role, or revoke it (``role=None``). Admins cannot change themselves,
    so a shop never locks its last admin out by accident."""
    await require(uow, admin_id, Permission.MANAGE_STAFF)
    if telegram_id == admin_id:
        raise CannotChangeSelf()
    async with uow:
        member = await uow.staff.get(telegram_id)
        if member is None:
            raise NotFound()
        if role is None:
            await uow.staff.remove(telegram_id)
            await uow.staff.end_web_sessions(telegram_id)  # their dashboard in a browser: signed out now
            await uow.commit()
            return None
        member.role = role
        await uow.staff.put(member)
        await uow.commit()
        return member


async def warehouse_of(uow: UnitOfWork, member: StaffMember, code: str | None) -> Warehouse:
    """The warehouse a staff command is about: the one named, else the member's own, else
    the only one there is."""
    async with uow.read_only():
        wanted = (code or member.warehouse_code or "").upper()
        if wanted:
            warehouse = await uow.warehouses.get_by_code(wanted)
            if warehouse is None:
                raise await no_such_warehouse(uow, wanted)
            return warehouse
        warehouses = await uow.warehouses.all()
        if len(warehouses) == 1:
            return warehouses[0]
        raise WarehouseNeeded(codes=", ".join(w.code for w in warehouses))


async def staff_names(uow: UnitOfWork, actors: Collection[str]) -> dict[str, str]:
    """Staff by name (Mia Lee rather than staff:60), by actor: a manager reading a trail (a
    product's changes, an order's history, stock movements) knows people, not ids. One read,
    however many people acted."""
    staff = {}
    for actor in actors:
        kind, _, number = actor.partition(":")
        if kind == "staff" and number.isdecimal():
            staff[actor] = int(number)
    people = await uow.customers.by_telegram_ids(staff.values()) if staff else {}
    return {
        actor: people[number].display_name
        for actor, number in staff.items()
        if number in people and people[number].display_name
    }
