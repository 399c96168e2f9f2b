"""Staff roles and what each may do; one-time invitations that make someone staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.customers import Role, StaffMember
from domain.errors import DomainError
from domain.i18n import N_

INVITE_TTL = timedelta(hours=24)


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    MANAGE_SHOP = "manage_shop"  # the shop's name, contacts and policies (/settings)
    VIEW_STOCK = "view_stock"
    EDIT_STOCK = "edit_stock"
    VIEW_ORDERS = "view_orders"
    PICK = "pick"
    PACK = "pack"
    SHIP = "ship"
    ASSIST = "assist"
    RECORD_PAYMENTS = "record_payments"
    RETURNS = "returns"
    VIEW_CUSTOMERS = "view_customers"  # a customer's profile: phone, orders, lifetime value
    MANAGE_CUSTOMERS = "manage_customers"
    SET_PRICES = "set_prices"
    MANAGE_CATALOG = "manage_catalog"  # /product, /newproduct: edit the catalog in chat
    REPORTS = "reports"
    SUPPORT = "support"  # answer customers in the support chat, close conversations
    EDIT_ORDERS = "edit_orders"  # /edit: change an order's lines, address or delivery before picking
    PAYMENT_LINKS = "payment_links"  # send a customer a link to pay an order (/paylink)
    HANDOVER = "handover"  # hand a pickup order over at the counter (/handover), taking payment if due
    MANAGE_PROMOTIONS = "manage_promotions"  # /promotion, /promocode
    MARKETING = "marketing"  # write campaigns to segments of customers, see their reports
    PURCHASING = "purchasing"  # purchase orders (/po): suppliers, what they are paid, what is owed them


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.MANAGER: frozenset(Permission) - {P.MANAGE_STAFF, P.MANAGE_SHOP},
    Role.PICKER: frozenset({P.VIEW_STOCK, P.VIEW_ORDERS, P.PICK}),
    Role.PACKER: frozenset({P.VIEW_STOCK, P.VIEW_ORDERS, P.PACK, P.SHIP, P.HANDOVER}),
    Role.SUPPORT: frozenset(
        {P.VIEW_ORDERS, P.VIEW_CUSTOMERS, P.ASSIST, P.RETURNS, P.SUPPORT, P.EDIT_ORDERS, P.PAYMENT_LINKS, P.HANDOVER}
    ),
}


@dataclass(frozen=True, slots=True)
class WebSession:
    """A browser signed in to the staff dashboard (only the hash of its cookie is stored)."""

    token_hash: str
    telegram_id: int
    created_at: datetime
    expires_at: datetime
    agent: str = ""


def can(member: StaffMember | None, permission: Permission) -> bool:
    return member is not None and permission in ROLE_PERMISSIONS[member.role]


class NotAllowed(DomainError):
    key = N_("This command is for shop staff only.")


class WrongRole(DomainError):
    key = N_("Your role ({role}) does not allow this.")


class InviteInvalid(DomainError):
    key = N_("This invitation link is invalid, expired or already used.")


class UnknownRole(DomainError):
    key = N_("Unknown role “{role}”. Roles: admin, manager, picker, packer, support.")


class CannotChangeSelf(DomainError):
    key = N_("You cannot change or revoke your own role.")


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise UnknownRole(role=text) from None


@dataclass(slots=True)
class StaffInvite:
    token: str
    role: Role
    warehouse_code: str | None
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_by is None and now < self.expires_at
