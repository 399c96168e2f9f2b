"""The order screen's actions in the storefront: the chat's Pay, Cancel, Return, Receipt (and credit and debit
notes), Buy again, by its use case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram.utils.i18n import gettext as _
from aiohttp import web

from bot.webapp.board import SIGNER
from bot.webapp.payloads import path_code
from bot.webapp.security import WebProblem, customer_of, runtime_of, use_language, viewer
from bot.webapp.shop_buy_again import post_buy_again
from domain.contention import with_fresh_tries
from domain.credit_notes import CreditNote, credit_note_label
from domain.customers import Customer
from domain.debit_notes import DebitNote, debit_note_label
from domain.errors import DomainError, NotFound
from domain.order_actions import order_actions
from domain.returns import ReturnKind
from domain.usecases.customers import known_customer
from domain.usecases.dispatch import OrderPaperwork, paperwork_for_customer
from domain.usecases.edit_difference import NothingToPay as NoDifferenceLeft
from domain.usecases.edit_difference import difference_to_pay
from domain.usecases.orders import CancelledAlready, NotCancellable, PaidMeanwhile, cancel_my_order
from domain.usecases.paylinks import NothingToPay, NotPayableByLink, payment_link
from domain.usecases.payments import PaymentRefused, order_to_pay
from domain.usecases.tracking import OrderTracking
from handlers.context import ShopSettings
from handlers.errors import domain_message
from handlers.order_edit import difference_invoice_link
from handlers.orders import credit_note_file, debit_note_file, document_file_name, document_label, receipt_file
from handlers.paylinks import invoice_links
from handlers.returns import return_link
from handlers.support import support_link

RECEIPT_SECONDS = 300  # a receipt's download link: long enough for Telegram to fetch it, too short to be passed on
STALE = (
    NotCancellable,
    CancelledAlready,
    PaidMeanwhile,
    PaymentRefused,
    NotPayableByLink,
    NothingToPay,
    NoDifferenceLeft,
)


def _settings(request: web.Request) -> ShopSettings:
    settings: ShopSettings = runtime_of(request).dp["settings"]
    return settings


async def actions_of(request: web.Request, tracking: OrderTracking) -> dict[str, Any]:
    """What the chat's order screen offers for this order now (``order_actions``), the Mini App's way."""
    runtime, order = runtime_of(request), tracking.order
    offered = order_actions(order, _settings(request), runtime.clock.now(), tracking)
    links = {"return_link": "", "exchange_link": "", "contact_link": ""}
    support = _settings(request).support_chat_id is not None  # the chat's rule for 💬 Contact us
    me = await runtime.bot.me() if offered.returns or support else None  # the chat's steps (lines, reason, photos)
    if me is not None and me.username and offered.returns:
        links["return_link"] = return_link(me.username, order.code, ReturnKind.REFUND)
        links["exchange_link"] = return_link(me.username, order.code, ReturnKind.EXCHANGE)
    if me is not None and me.username and support:  # a conversation's messages are the chat's
        links["contact_link"] = support_link(me.username, order.code)
    # What corrects the receipt goes with it, as the chat's /receipt sends it: a buyer's accountant needs both.
    notes = [
        {"number": n.number, "label": _("📄 Credit note {number} (PDF)").format(number=credit_note_label(n.number))}
        for n in tracking.credit_notes
    ]
    debits = [  # and what adds to a numbered invoice
        {"number": n.number, "label": _("📄 Debit note {number} (PDF)").format(number=debit_note_label(n.number))}
        for n in tracking.debit_notes
    ]
    return {
        "pay": offered.pay,
        "pay_difference": offered.pay_difference,
        "cancel": offered.cancel,
        "receipt": True,
        "receipt_label": document_label(order),  # as the chat names it: a business's invoice is no receipt
        "credit_notes": notes,
        "debit_notes": debits,
        "buy_again": True,  # as the chat: what can no longer be had is said when pressed
        **links,
    }


def _stale(refused: DomainError, timezone: str) -> WebProblem:
    """The order moved on since its screen was drawn: why, in the chat's words; nothing was done."""
    return WebProblem(409, domain_message(refused, html=False, timezone=timezone))


async def post_cancel(request: web.Request) -> web.Response:
    """The chat's "Yes, cancel it": the same use case, its refusals (the page asked first)."""
    runtime, customer = runtime_of(request), await customer_of(request)
    try:
        order = await cancel_my_order(
            runtime.uow(),
            runtime.clock,
            customer_id=customer.id or 0,
            code=path_code(request),
            staff_chat_id=runtime.settings.staff_chat_id,
            support=runtime.settings.support_chat_id is not None,
        )
    except STALE as refused:
        raise _stale(refused, runtime.settings.timezone) from None
    return web.json_response({"said": _("Order {code} is cancelled.").format(code=order.code)})


async def post_pay(request: web.Request) -> web.Response:
    """The chat's 💳 Pay as the storefront's checkout pays: Telegram's invoice link, opened in the app."""
    runtime, customer = runtime_of(request), await customer_of(request)
    try:
        order = await order_to_pay(runtime.uow(), customer_id=customer.id or 0, code=path_code(request))
        links = invoice_links(runtime.bot, runtime.i18n, runtime.settings.payment_provider_token)
        link = await payment_link(runtime.uow(), runtime.clock, links, code=order.code, tell_customer=False)
    except STALE as refused:
        raise _stale(refused, runtime.settings.timezone) from None
    return web.json_response({"invoice_link": link.url})


async def post_pay_difference(request: web.Request) -> web.Response:
    """The chat's 💳 Pay the difference: what an edit left to pay on the customer's own paid order, as an invoice."""
    runtime, customer = runtime_of(request), await customer_of(request)
    try:
        support = _settings(request).support_chat_id is not None  # the chat's rule for 💬 Contact us
        code = path_code(request)
        order, due = await difference_to_pay(runtime.uow(), code=code, customer_id=customer.id or 0, support=support)
    except STALE as refused:  # settled meanwhile (or cancelled): nothing is asked for
        raise _stale(refused, runtime.settings.timezone) from None
    link = await difference_invoice_link(runtime.bot, order, due, _settings(request))
    return web.json_response({"invoice_link": link})


async def post_receipt(request: web.Request) -> web.Response:
    """A short-lived link to the order's receipt (what Telegram's ``downloadFile`` fetches): its owner's only."""
    runtime, customer = runtime_of(request), await customer_of(request)
    papers = await paperwork_for_customer(runtime.uow(), customer_id=customer.id or 0, code=path_code(request))
    code = papers.order.code
    token = request.app[SIGNER].make(f"receipt:{code}", viewer(request).telegram_id, RECEIPT_SECONDS)
    file_name = document_file_name(papers.order)  # as the button names it: an invoice or a receipt
    return web.json_response({"url": f"/app/receipt/{code}?t={token}", "file_name": file_name})


async def _reader(request: web.Request, signed: str) -> Customer:
    """Who a download link was made for, the PDF then printed in their language: a wrong, stale or other
    document's link finds nothing."""
    runtime = runtime_of(request)
    telegram_id = request.app[SIGNER].read(signed, request.query.get("t", ""))
    if telegram_id is None:
        raise WebProblem(404, _("Nothing was found."))
    customer = await with_fresh_tries(known_customer, runtime.uow, runtime.clock, telegram_id=telegram_id)
    use_language(runtime, customer.language, customer.telegram_language or "")
    return customer


def _pdf(data: bytes, filename: str) -> web.Response:
    disposition = f'attachment; filename="{filename}"'
    return web.Response(body=data, content_type="application/pdf", headers={"Content-Disposition": disposition})


async def get_receipt(request: web.Request) -> web.Response:
    """The receipt PDF the chat sends, for the link's holder: a wrong, stale or other order's link finds nothing."""
    runtime, code = runtime_of(request), path_code(request)
    customer = await _reader(request, f"receipt:{code}")
    papers = await paperwork_for_customer(runtime.uow(), customer_id=customer.id or 0, code=code)
    pdf = await receipt_file(papers, runtime.uow(), runtime.i18n, _settings(request))
    return _pdf(pdf.data, pdf.filename or "")


async def post_credit_note(request: web.Request) -> web.Response:
    """A short-lived link to one of the order's credit notes, as the receipt's: its owner's only."""
    return await _note_link(request, "credit-note", lambda papers: papers.credit_notes, credit_note_label)


async def get_credit_note(request: web.Request) -> web.Response:
    """The credit note's PDF the chat sends, for the link's holder, as the receipt's."""
    return await _note_pdf(request, "credit-note", lambda papers: papers.credit_notes, credit_note_file)


async def post_debit_note(request: web.Request) -> web.Response:
    """A short-lived link to one of the order's debit notes, as a credit note's: its owner's only."""
    return await _note_link(request, "debit-note", lambda papers: papers.debit_notes, debit_note_label)


async def _note_link(
    request: web.Request,
    kind: str,
    notes_of: Callable[[OrderPaperwork], Sequence[CreditNote | DebitNote]],
    label: Callable[[int], str],
) -> web.Response:
    """A link signed for the reader and this one note of their own order, valid as long as a receipt's."""
    runtime, customer = runtime_of(request), await customer_of(request)
    papers = await paperwork_for_customer(runtime.uow(), customer_id=customer.id or 0, code=path_code(request))
    code, number = papers.order.code, _note_number(request, notes_of(papers))
    token = request.app[SIGNER].make(f"{kind}:{code}:{number}", viewer(request).telegram_id, RECEIPT_SECONDS)
    file_name = f"{kind}-{label(number)}.pdf"
    return web.json_response({"url": f"/app/{kind}/{code}/{number}?t={token}", "file_name": file_name})


async def get_debit_note(request: web.Request) -> web.Response:
    """The debit note's PDF the chat sends, for the link's holder, as a credit note's."""
    return await _note_pdf(request, "debit-note", lambda papers: papers.debit_notes, debit_note_file)


async def _note_pdf(
    request: web.Request,
    kind: str,
    notes_of: Callable[[OrderPaperwork], Sequence[Any]],
    file_of: Callable[..., Awaitable[Any]],
) -> web.Response:
    """One note of the reader's order as the PDF the chat sends, for the holder of its signed link."""
    runtime, code = runtime_of(request), path_code(request)
    customer = await _reader(request, f"{kind}:{code}:{request.match_info['number']}")
    papers = await paperwork_for_customer(runtime.uow(), customer_id=customer.id or 0, code=code)
    notes = notes_of(papers)
    number = _note_number(request, notes)
    note = next(n for n in notes if n.number == number)
    pdf = await file_of(papers, note, runtime.uow(), runtime.i18n, _settings(request))
    return _pdf(pdf.data, pdf.filename or "")


def _note_number(request: web.Request, notes: Sequence[CreditNote | DebitNote]) -> int:
    """The path's credit or debit note number, one of this order's: another order's, or none, is not found."""
    typed = request.match_info["number"]
    if not typed.isdecimal() or int(typed) not in {n.number for n in notes}:
        raise NotFound()
    return int(typed)


def add_action_routes(app: web.Application) -> None:
    app.router.add_post("/api/shop/orders/{code}/cancel", post_cancel)
    app.router.add_post("/api/shop/orders/{code}/pay", post_pay)
    app.router.add_post("/api/shop/orders/{code}/pay-difference", post_pay_difference)
    app.router.add_post("/api/shop/orders/{code}/receipt", post_receipt)
    app.router.add_post("/api/shop/orders/{code}/buy-again", post_buy_again)
    app.router.add_get("/receipt/{code}", get_receipt)
    app.router.add_post("/api/shop/orders/{code}/credit-notes/{number}", post_credit_note)
    app.router.add_get("/credit-note/{code}/{number}", get_credit_note)
    app.router.add_post("/api/shop/orders/{code}/debit-notes/{number}", post_debit_note)
    app.router.add_get("/debit-note/{code}/{number}", get_debit_note)
