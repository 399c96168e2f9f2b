"""Human names for codes the domain uses (statuses, payment methods, reasons)."""

from __future__ import annotations

from aiogram.utils.i18n import gettext as _

from domain.i18n import N_
from domain.returns import RETURN_REASON_KEYS, ReturnReason

STATUS_LABELS = {
    "placed": N_("placed"),
    "awaiting_payment": N_("awaiting payment"),
    "paid": N_("paid"),
    "invoiced": N_("invoiced"),
    "allocated": N_("confirmed, being prepared"),
    "picking": N_("being picked"),
    "picked": N_("picked, being packed"),
    "packed": N_("packed"),
    "shipped": N_("shipped"),
    "delivered": N_("delivered"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "on_hold": N_("on hold"),
}

PAYMENT_LABELS = {
    "card": N_("card (Telegram Payments)"),
    "cod": N_("cash on delivery"),
    "invoice": N_("invoice"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def payment_label(method: str) -> str:
    return _(PAYMENT_LABELS.get(method, method))


ROLE_LABELS = {
    "admin": N_("admin"),
    "manager": N_("manager"),
    "picker": N_("picker"),
    "packer": N_("packer"),
    "support": N_("support"),
}


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(role, role))


RETURN_STATUS_LABELS = {
    "return_requested": N_("requested"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "received": N_("received"),
    "refunded": N_("refunded"),
    "exchanged": N_("exchanged"),
}


def return_status_label(status: str) -> str:
    return _(RETURN_STATUS_LABELS.get(status, status))


def return_reason_label(reason: str) -> str:
    return _(RETURN_REASON_KEYS[ReturnReason(reason)]) if reason in ReturnReason.__members__.values() else reason


RETURN_KIND_LABELS = {"refund": N_("refund"), "exchange": N_("exchange")}
RETURN_METHOD_LABELS = {"drop_off": N_("brought to a store"), "courier": N_("collected by courier")}


def return_kind_label(kind: str) -> str:
    return _(RETURN_KIND_LABELS.get(kind, kind))


def return_method_label(method: str) -> str:
    return _(RETURN_METHOD_LABELS.get(method, method))


SEGMENT_LABELS = {"vip": N_("VIP"), "repeat": N_("repeat"), "new": N_("new"), "at risk": N_("at risk")}


def segment_label(segment: str) -> str:
    return _(SEGMENT_LABELS.get(segment, segment))
