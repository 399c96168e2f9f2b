"""Templates translated when compiled give what translating at render time gives."""

from __future__ import annotations

import pytest
from aiogram.utils.i18n import I18n
from markupsafe import Markup

from domain.catalog import Product
from domain.money import Money
from domain.usecases.product_cards import ProductCard
from handlers.views.rendering import TEMPLATES_DIR, Renderer, chosen_options

SAMPLE = (
    '{{ _("In stock") }}|{{ _("In your cart: %(count)s", count=name) }}|'
    '{{ gettext("Price") }}|{{ ngettext("Only %(num)d left", "Only %(num)d left", n) }}|{{ _(name) }}'
)


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_inlined_translations_render_as_runtime_ones(i18n: I18n, locale: str) -> None:
    renderer = Renderer()
    context = {"name": "<b>Mug & co</b>", "n": 3}
    with i18n.use_locale(locale):
        inlined = renderer._environment().from_string(SAMPLE).render(**context)
        at_runtime = renderer.env.from_string(SAMPLE).render(**context)  # the uninlined environment
    assert inlined == at_runtime
    assert "&lt;b&gt;Mug &amp; co&lt;/b&gt;" in inlined  # values put into a translation are still escaped
    if locale == "ru":
        assert inlined.startswith("В наличии|В корзине: &lt;b&gt;")


def test_constant_strings_are_translated_when_compiled(i18n: I18n) -> None:
    renderer = Renderer()
    with i18n.use_locale("ru"):
        code = renderer._environment().compile('{{ _("In stock") }} {{ _(name) }}', raw=True)
    assert "В наличии" in code  # the translation is in the compiled template…
    assert "'In stock'" not in code  # …and not looked up per render
    assert "resolve('_')" in code  # a string known only at render time still is


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_every_template_compiles_in_every_language(i18n: I18n, locale: str) -> None:
    renderer = Renderer()
    names = sorted(str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*.j2"))
    assert len(names) > 20
    with i18n.use_locale(locale):
        for name in names:
            renderer._environment().get_template(name)


def test_each_language_keeps_its_own_compiled_templates(i18n: I18n) -> None:
    renderer = Renderer()
    with i18n.use_locale("ru"):
        ru = renderer.render("product_card.html.j2", card=_card(), caption=False)
    with i18n.use_locale("en"):
        en = renderer.render("product_card.html.j2", card=_card(), caption=False)
    assert "В наличии" in ru and "In stock" in en and "В наличии" not in en


def _card() -> ProductCard:
    return ProductCard(Product(sku="MUG-1", name="Mug", category="Kitchen", id=1), Money(1250, "GBP"), 40)


OPTIONS_LOOP = (  # how the card wrote its options line with Jinja's loop, the reference
    '{% for name in names %}{{ name }}: <b>{{ values[loop.index0] }}</b>{{ " · " if not loop.last }}{% endfor %}'
)


@pytest.mark.parametrize(
    ("names", "values"),
    [(("Size",), ("M",)), (("Size", "Colour"), ("S", "White")), (("Si<ze", "A&B", "x"), ('"1"', "<b>", "R & D"))],
)
def test_a_variants_options_line_reads_as_the_loop_wrote_it_every_time(
    names: tuple[str, ...], values: tuple[str, ...]
) -> None:
    expected = Renderer().env.from_string(OPTIONS_LOOP).render(names=names, values=values)
    assert chosen_options(names, values) == expected
    assert chosen_options(names, values) == expected  # kept: the same text again
    assert isinstance(chosen_options(names, values), Markup)  # escaped once, not twice
