"""The sandbox's Telegram Payments: invoices in chat and as links, shipping queries and their answers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.limits import bad_request, check_invoice

INVOICE_LINK_PREFIX = "https://t.me/$"
MAX_SHIPPING_OPTION_TITLE = 64


@dataclass
class ShippingQuery:
    """One shipping address a user entered on a flexible invoice, and how the bot answered."""

    user_id: int
    payload: str
    address: dict[str, str]
    answer: dict[str, Any] | None = None
    options: dict[str, int] = field(default_factory=dict)  # option id → its total price, once answered


def _invoice(params: dict[str, Any]) -> dict[str, Any]:
    check_invoice(params)
    return {
        "title": params["title"],
        "description": params["description"],
        "payload": params["payload"],
        "currency": params["currency"],
        "prices": params["prices"],
        "total_amount": sum(int(p["amount"]) for p in params["prices"]),
        "start_parameter": params.get("start_parameter", ""),
        "need_shipping_address": _flag(params.get("need_shipping_address")),
        "is_flexible": _flag(params.get("is_flexible")),
    }


def _flag(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def check_shipping_options(options: Any) -> dict[str, int]:
    """As Telegram: at least one option, each with an id of its own, a title and priced lines."""
    if not isinstance(options, list) or not options:
        raise bad_request("SHIPPING_OPTIONS_EMPTY")
    priced: dict[str, int] = {}
    for option in options:
        option_id, title, prices = str(option.get("id") or ""), str(option.get("title") or ""), option.get("prices")
        if not option_id or option_id in priced:
            raise bad_request("SHIPPING_ID_DUPLICATE" if option_id else "SHIPPING_ID_INVALID")
        if not 1 <= len(title) <= MAX_SHIPPING_OPTION_TITLE:
            raise bad_request("SHIPPING_TITLE_INVALID")
        if not isinstance(prices, list) or not prices:
            raise bad_request("PRICES_EMPTY")
        for price in prices:
            if not isinstance(price.get("amount"), int) or not str(price.get("label", "")).strip():
                raise bad_request("PRICE_LABEL_INVALID")
        priced[option_id] = sum(int(p["amount"]) for p in prices)
    return priced


class Payments:
    """Mixed into ``SandboxServer``: sendInvoice, createInvoiceLink, answerShippingQuery and
    answerPreCheckoutQuery, with the state a user's payment walks through."""

    pre_checkout_answers: dict[str, dict[str, Any]]
    callback_chats: dict[str, int]
    invoice_links: dict[str, dict[str, Any]]
    shipping_queries: dict[str, ShippingQuery]

    if TYPE_CHECKING:

        async def _post(
            self, chat_id: int, kind: str, text: str, params: dict[str, Any], **extra: Any
        ) -> dict[str, Any]: ...
        async def _notify(self, chat_id: int | None = None) -> None: ...

    async def m_sendInvoice(self, params: dict[str, Any]) -> dict[str, Any]:
        invoice = _invoice(params)
        return await self._post(int(params["chat_id"]), "invoice", str(params["title"]), params, invoice=invoice)

    async def m_createInvoiceLink(self, params: dict[str, Any]) -> str:
        """The same checks as sendInvoice; the invoice waits behind a t.me link anyone may open."""
        invoice = _invoice(params)
        slug = secrets.token_urlsafe(12)
        self.invoice_links[slug] = invoice
        return INVOICE_LINK_PREFIX + slug

    def invoice_of_link(self, link: str) -> dict[str, Any]:
        if not link.startswith(INVOICE_LINK_PREFIX) or link.removeprefix(INVOICE_LINK_PREFIX) not in self.invoice_links:
            raise AssertionError(f"not an invoice link of this bot: {link}")
        return self.invoice_links[link.removeprefix(INVOICE_LINK_PREFIX)]

    def new_shipping_query(self, user_id: int, invoice: dict[str, Any], address: dict[str, str]) -> str:
        """Telegram asks the bot only about a flexible invoice that needs an address."""
        if not (invoice.get("need_shipping_address") and invoice.get("is_flexible")):
            raise AssertionError("Telegram sends a shipping query only for a flexible invoice with an address")
        query_id = secrets.token_hex(8)
        self.shipping_queries[query_id] = ShippingQuery(user_id, str(invoice["payload"]), dict(address))
        self.callback_chats[query_id] = user_id
        return query_id

    async def m_answerShippingQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("shipping_query_id", ""))
        query = self.shipping_queries.get(query_id)
        if query is None or query.answer is not None:
            raise bad_request("QUERY_ID_INVALID")
        ok = _flag(params.get("ok"))
        if ok:
            query.options = check_shipping_options(params.get("shipping_options"))
        elif not params.get("error_message"):
            raise bad_request("error_message is required when ok is false")
        options = params.get("shipping_options")
        query.answer = {"ok": ok, "error_message": params.get("error_message"), "options": options}
        await self._notify(query.user_id)
        return True

    def shipping_price(self, query_id: str | None, invoice: dict[str, Any], option_id: str | None) -> int:
        """What the chosen option adds to a flexible invoice: the user can only pick an option
        the bot offered for the address they entered."""
        if not invoice.get("is_flexible"):
            return 0
        query = self.shipping_queries.get(query_id or "")
        if query is None or query.answer is None or not query.answer["ok"] or option_id not in query.options:
            raise AssertionError("a flexible invoice is paid with a shipping option the bot offered")
        return query.options[option_id]

    async def m_answerPreCheckoutQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("pre_checkout_query_id", ""))
        if query_id not in self.pre_checkout_answers or self.pre_checkout_answers[query_id]:
            raise bad_request("QUERY_ID_INVALID")
        ok = _flag(params.get("ok"))
        if not ok and not params.get("error_message"):
            raise bad_request("error_message is required when ok is false")
        self.pre_checkout_answers[query_id] = {"ok": ok, "error_message": params.get("error_message")}
        await self._notify(self.callback_chats.get(query_id))
        return True

    async def m_refundStarPayment(self, params: dict[str, Any]) -> bool:
        if not params.get("telegram_payment_charge_id"):
            raise bad_request("CHARGE_ID_EMPTY")
        return True


def order_info(query: ShippingQuery | None, name: str) -> dict[str, Any]:
    """What Telegram passes on with a payment of an invoice that asked for an address."""
    return {"name": name, "shipping_address": query.address} if query is not None else {}
