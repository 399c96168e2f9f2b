"""Jinja2 templates with autoescape, gettext from the current update's locale, and
Babel-formatted money and dates. Everything a person reads is rendered here."""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import User
from aiogram.utils.i18n import I18n, gettext, ngettext
from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, format_percent, get_decimal_symbol
from babel.units import format_unit
from jinja2 import Environment, FileSystemLoader, StrictUndefined, nodes
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from domain.customers import Customer, pick_language
from domain.i18n import N_
from domain.money import Money
from domain.orders import Order
from domain.pricing import PriceRule
from domain.shop_days import shop_day
from handlers.views.dates import current_locale, format_day, format_moment
from handlers.views.labels import (
    LABELS,
    actor_name,
    history_reason,
    label,
    movement_reason,
    order_payment,
    payment_said,
    routing_reason,
)

TEMPLATES_DIR = Path(__file__).parent / "templates"
PARAM_LIMIT = 100  # characters of one value put into a sentence: a typed word, a name, a list of codes


def shorten(value: object, limit: int) -> str:
    """``value`` as text of at most ``limit`` characters, cut with "…" when longer: between
    words when a space falls in the last third (else inside the word, as one long word is)."""
    text = str(value)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if not text[limit - 1].isspace() and space >= limit * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,;:.-–\n") + "…"


def channel_called(order: Order) -> str:
    """The sales channel an API order came from, named for "Order number at …": its key's name, or, where its history
    names no key, the sales channel (never an empty name)."""
    return shorten(order.channel_name, 64) if order.channel_name else gettext("the sales channel")


def fill(sentence: str, /, **params: object) -> str:
    """A translated sentence with its ``{placeholders}`` filled in for Telegram HTML: each
    text value shortened and escaped, so whatever someone typed (``<b>``, 4,000 characters)
    reads as typed and the message still fits. Numbers stay numbers (``{n:,}`` works);
    markup built by us (``Markup``) goes in as it is."""
    return sentence.format(**{name: _shown(value) for name, value in params.items()})


def fill_text(sentence: str, /, **params: object) -> str:
    """``fill`` for plain text (an alert, a page's text): each text value shortened, nothing escaped."""
    shown = {k: v if isinstance(v, int | float) else shorten(v, PARAM_LIMIT) for k, v in params.items()}
    return sentence.format(**shown)


def _shown(value: object) -> object:
    if isinstance(value, Markup | int | float):
        return value
    return escape(shorten(value, PARAM_LIMIT))


def locale_for(customer: Customer | None, user: User | None, i18n: I18n) -> str:
    """The language someone reads: their stored choice, else their Telegram app's, else the
    default; only a language with a catalog (``i18n.available_locales``)."""
    return pick_language(
        customer.language if customer else None,
        user.language_code if user else None,
        i18n.default_locale,
        i18n.available_locales,
    )


@lru_cache(maxsize=64)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language's name in that language, from Babel's CLDR data ("English", "Русский",
    "Deutsch"): whoever reads the list finds their own, so the names are not translated."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_named_in(code: str, reader: str) -> str:
    """A language's name as ``reader``'s language writes it mid-sentence ("Russian", «английский»): a
    sentence the reader reads names it in their words, not the language's own (``language_name``)."""
    try:
        return Locale.parse(code).get_display_name(reader) or code
    except (ValueError, UnknownLocaleError):
        return code


def format_money(money: Money, locale: str | None = None) -> str:
    return _format_money(money.amount, money.currency, locale or current_locale())


# A currency without a symbol in the locale is written by its code, which CLDR's pattern
# glues to the digits ("RUB889.44" in English): a no-break space keeps them apart.
_GLUED_CODE = re.compile(r"(?<=\d)(?=[A-Z]{3})|(?<=[A-Z]{3})(?=[\d-])")


@lru_cache(maxsize=8192)
def _format_money(minor: int, currency: str, locale: str) -> str:
    # Babel's formatting is slow (~0.1 ms) and prices repeat on every card: remember them.
    money = Money(minor, currency)
    return _GLUED_CODE.sub("\u00a0", format_currency(money.to_decimal(), currency, locale=_babel_locale(locale)))


def format_number(value: float | int | Decimal, digits: int = 0) -> str:
    """A number the reader's way, with ``digits`` decimals ("1,234.5", "1 234,5"); a count
    grouped ("119,784,314 units", "119 784 314 единиц")."""
    if type(value) is int and -1000 < value < 1000 and not digits:
        return str(value)  # nothing to group (Babel's ~0.1 ms is spent on large counts only)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    shown = format_decimal(value, pattern, locale=_babel_locale(current_locale()))
    # A hair below zero rounds to "-0.0" (the forecast's safety stock): nothing is less than none.
    return shown if re.search("[1-9]", shown) else shown.lstrip("-\u2212")


def format_plain_decimal(value: Decimal) -> str:
    """A typed decimal (a price rule's percent) the reader's way, as many places as it has."""
    return format_decimal(value, locale=_babel_locale(current_locale()))


def format_exact_decimal(text: str) -> str:
    """An exact decimal kept as it is written ("105.20": a rate's every place), its point the
    reader's decimal sign ("105,20")."""
    return text.replace(".", get_decimal_symbol(_babel_locale(current_locale())))


def format_rate(value: Decimal) -> str:
    """An exchange rate the reader's way, grouped and with every place it has ("99,999,999", "0,0095"):
    a digit too many shows."""
    return format_decimal(value, locale=_babel_locale(current_locale()), decimal_quantization=False)


def format_change(value: Decimal) -> str:
    """A relative change (1.5) as a signed percentage the reader's way ("+150%", "-90 %")."""
    return ("+" if value > 0 else "") + format_share(float(value))


def format_share(value: float, digits: int = 0) -> str:
    """A fraction (0.25) as a percentage the reader's way ("25%", "25 %"): the locale's own
    pattern (where the sign goes, and the space), with ``digits`` decimals."""
    locale = _babel_locale(current_locale())
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = re.sub(r"0(?=[^0]*$)", "0." + "0" * digits, pattern, count=1)
    return format_percent(value, pattern, locale=locale)


def format_grams(grams: int) -> str:
    """A weight with the reader's unit symbol and digit grouping ("1,650 g", "1 650 г")."""
    return format_unit(grams, "mass-gram", length="short", locale=_babel_locale(current_locale()))


def format_size_mm(length: int, width: int, height: int) -> str:
    """Box dimensions as "300×250×150 mm" with the unit in the reader's language."""
    last = format_unit(height, "length-millimeter", length="short", locale=_babel_locale(current_locale()))
    return f"{length}×{width}×{last}"


GROUP_PRICES = {"retail": N_("retail price"), "wholesale": N_("wholesale price"), "vip": N_("VIP price")}


def price_reason(rule: PriceRule) -> str:
    """Why a price list's price applies: "wholesale price", "10+ units −5 %"."""
    percent = ""
    if rule.percent is not None:
        percent = format_decimal(rule.percent, locale=_babel_locale(current_locale()))
    if rule.min_quantity > 1:
        if percent:
            return gettext("{count}+ units −{percent} %").format(count=rule.min_quantity, percent=percent)
        return gettext("{count}+ units price").format(count=rule.min_quantity)
    if rule.group in GROUP_PRICES:
        name = gettext(GROUP_PRICES[rule.group])
    else:
        name = gettext("price list “{group}”").format(group=rule.group)
    return f"{name} −{percent} %" if percent else name


# The line of a variant's chosen options on its card ("Size: <b>M</b> · Colour: <b>Red</b>"),
# shown on every card of a product with variants. The rule it relies on: the text is made from
# the option names and values alone, so it is kept under them (a memo, not a cache: nothing in
# it can go stale), as plain strings, at most ``CHOSEN_OPTIONS_KEPT`` of them (a shop has far
# fewer combinations; past that it starts again). A filter, not a global: Jinja calls a global
# through ``context.call`` (~3 µs); its loop over the options cost ~6 µs a card, ~1 now.
CHOSEN_OPTIONS_KEPT = 10_000
_chosen_options: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}


def chosen_options(names: tuple[str, ...], values: tuple[str, ...]) -> Markup:
    """``name: <b>value</b>`` for each option, joined by " · ", names and values escaped."""
    line = _chosen_options.get((names, values))
    if line is None:
        if len(_chosen_options) >= CHOSEN_OPTIONS_KEPT:
            _chosen_options.clear()
        line = " · ".join([f"{escape(name)}: <b>{escape(values[i])}</b>" for i, name in enumerate(names)])
        _chosen_options[(names, values)] = line
    return Markup(line)


def _label_filter(kind: str, code: str) -> str:
    return label(kind, code)


# Jinja's "newstyle" gettext, minus its context lookups. ``{{ _("…") }}`` through the i18n
# extension resolves ``gettext`` from the template context and calls it through the
# context twice more (~7 µs a string, ~half of rendering a product card); these do the
# same with the current update's catalog directly. Same rules as Jinja's: a translation
# is trusted markup, the values put into it are escaped, ``%`` formatting always applies.
def _template_gettext(message: str, **variables: object) -> Markup:
    return Markup(gettext(message)) % variables


def _template_ngettext(singular: str, plural: str, num: int, **variables: object) -> Markup:
    """The count written the reader's way ("1,250 units", "1 250 единиц"): ``%(num)d`` takes it as text."""
    variables.setdefault("num", format_number(num) if type(num) is int else num)
    return Markup(ngettext(singular, plural, num).replace("%(num)d", "%(num)s")) % variables


class _InlineTranslations(NodeTransformer):
    """Replaces ``_("text")`` / ``gettext("text", name=value)`` with the text already
    translated (trusted markup, the values still escaped as they go in)."""

    def __init__(self, translate: Callable[[str], str]) -> None:
        self.translate = translate

    def visit_Call(self, node: nodes.Call) -> nodes.Node:  # noqa: N802 - Jinja visitor naming
        self.generic_visit(node)
        if not (
            isinstance(node.node, nodes.Name)
            and node.node.name in ("_", "gettext")
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return node
        text = Markup(self.translate(node.args[0].value))
        if node.kwargs:
            values = nodes.Dict([nodes.Pair(nodes.Const(k.key), k.value) for k in node.kwargs])
            return nodes.Mod(nodes.MarkSafe(nodes.Const(str(text))), values, lineno=node.lineno)
        try:
            plain = str(text % {})  # as the runtime call would format it ("%%" is "%")
        except (KeyError, TypeError, ValueError):
            return node  # a malformed string fails at render time, as it would uninlined
        return nodes.MarkSafe(nodes.Const(plain), lineno=node.lineno)


class _LocalizedEnvironment(Environment):
    """The templates of one language, translated once when compiled: a constant string
    ``{{ _("In stock") }}`` then costs nothing per render instead of ~4 µs (Jinja's context
    call, the catalog lookup, the formatting), a fifth of rendering a product card. Strings
    with runtime parts (``ngettext`` with a count) stay calls."""

    translate: Callable[[str], str] | None = None

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as a plain dict rather than Jinja's ChainMap over the
        environment's: every render copies them into a new context, ~6 µs from a ChainMap
        against ~0.3 from a dict. Ours are all set before the first template loads (Jinja
        asks the same: "avoid modifying any globals after a template is loaded")."""
        return {**self.globals, **(d or {})}

    def compile(self, source: Any, name: str | None = None, filename: str | None = None, *args: Any, **kw: Any) -> Any:
        if isinstance(source, str) and self.translate is not None:
            source = _InlineTranslations(self.translate).visit(self.parse(source, name, filename))
        return super().compile(source, name, filename, *args, **kw)


class Renderer:
    def __init__(self, timezone: str = "UTC") -> None:
        self.timezone = ZoneInfo(timezone)
        self._localized: dict[tuple[I18n, str], Environment] = {}
        self.env = _LocalizedEnvironment(
            loader=FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,  # every template is Telegram HTML (a name-based choice ran per render)
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # templates ship with the code; no stat() per message
        )
        self.env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
        self.env.filters["money"] = lambda m: format_money(m)
        self.env.filters["datetime"] = self.format_when
        self.env.filters["last_day"] = lambda x: x.last_day(self.timezone)  # a promotion's or code's, the shop's day
        self.env.filters["first_day"] = lambda x: shop_day(x.starts_at, self.timezone)  # the shop's day it starts
        self.env.filters["short"] = shorten  # {{ stored_text|short(80) }}: typed text kept to a line
        self.env.filters["channel_called"] = channel_called  # {{ order | channel_called }}: "web shop"
        # Dates and moments stored in notification parameters arrive as ISO text.
        self.env.filters["date"] = lambda d: format_day(
            date.fromisoformat(d) if isinstance(d, str) else d, self.timezone.key
        )
        self.env.globals["money_of"] = Money
        self.env.filters["chosen_options"] = chosen_options  # {{ names | chosen_options(values) }}
        self.env.filters["grams"] = format_grams
        self.env.filters["number"] = format_number  # {{ 1.25 | number(1) }}: "1.2" / "1,2"
        self.env.filters["decimal"] = format_plain_decimal  # {{ Decimal("12.5") | decimal }}: "12.5" / "12,5"
        self.env.filters["exact"] = format_exact_decimal  # {{ rate.rate_text | exact }}: "105.20" / "105,20"
        self.env.filters["percent"] = format_share  # {{ 0.95 | percent }}: "95%" / "95 %"
        self.env.filters["box_size"] = lambda box: format_size_mm(box.length_mm, box.width_mm, box.height_mm)
        self.env.filters["movement_reason"] = movement_reason
        self.env.filters["history_reason"] = lambda reason, customer=False: history_reason(
            reason, self.timezone.key, customer=customer
        )
        self.env.filters["routing_reason"] = routing_reason
        self.env.filters["actor"] = actor_name
        self.env.filters["order_payment"] = order_payment  # {{ order | order_payment }}: "paid at web shop (WEB-1)"
        self.env.globals["payment_said"] = payment_said  # a notification's: payment_said(payment, paid_at, reference)
        self.env.filters["price_reason"] = price_reason  # {{ line.price_rule | price_reason }}
        # {{ (product | translated).display_name }}: named in the reader's language where it has a name in it.
        self.env.filters["translated"] = lambda product: product.in_language(current_locale())
        for kind in LABELS:  # {{ x | status }} is {{ x | label("status") }}
            self.env.filters[kind] = partial(_label_filter, kind)

    def format_when(self, value: datetime | str) -> str:
        """A moment as ``format_moment`` writes it ("25 Nov 2026, 09:30"), as a day beside it is ("27 Nov 2026")."""
        return format_moment(datetime.fromisoformat(value) if isinstance(value, str) else value, self.timezone.key)

    def render(self, template: str, **context: object) -> str:
        return self._environment().get_template(template).render(**context).strip()

    def _environment(self) -> Environment:
        """The current update's language's templates (outside an update: translated at
        render time, by whatever catalog is current then)."""
        i18n = I18n.get_current(no_error=True)
        if i18n is None:
            return self.env
        key = (i18n, i18n.current_locale)
        env = self._localized.get(key)
        if env is None:
            env = self._localized[key] = self.env.overlay(cache_size=400)
            env.translate = partial(i18n.gettext, locale=key[1])
        return env
