"""Set-ups and readers of test_refund_words that other test modules use too."""

from __future__ import annotations

STEPS = {
    "en": ("Approve", "Parcel received", "Restock", "Refund", "Refund paid back"),
    "ru": ("Утвердить", "Посылка получена", "На склад", "Вернуть деньги", "Деньги возвращены"),
}
