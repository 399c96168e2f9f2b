"""Every message a person can read has a Russian translation, and the compiled
catalogs the bot loads are the ones the .po files describe."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
KEYWORDS = {
    "_": None,
    "__": None,
    "N_": None,
    "N_plural": (1, 2),
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
}


def source_messages() -> set[str | tuple[str, ...]]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: set[str | tuple[str, ...]] = set()
    for folder in ("bot", "handlers", "domain"):
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT / folder), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
        ):
            found.add(message)
    return found


def catalog(language: str):
    with open(LOCALES / language / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=language)


def test_the_extractor_finds_the_messages() -> None:
    messages = source_messages()
    assert "Choose your language:" in messages  # python
    assert "Choose a category:" in messages  # jinja2 template
    assert "Nothing was found." in messages  # domain message key


def test_every_message_has_a_russian_translation() -> None:
    ru = catalog("ru")
    missing = []
    for message in sorted(source_messages(), key=str):
        msgid = message[0] if isinstance(message, tuple) else message
        entry = ru.get(msgid)
        strings = entry.string if entry else None
        if not strings or (isinstance(strings, tuple) and not all(strings)) or (entry and entry.fuzzy):
            missing.append(msgid)
    assert missing == [], "run `make messages` and translate these in locales/ru/LC_MESSAGES/messages.po"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_compiled_catalogs_are_current(language: str) -> None:
    po = catalog(language)
    with open(LOCALES / language / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in po:
        translated = all(message.string) if isinstance(message.string, tuple) else bool(message.string)
        if not message.id or not translated or message.fuzzy:
            continue  # untranslated English entries fall back to the msgid
        if message.pluralizable:
            singular, plural = message.id
            assert compiled.ngettext(singular, plural, 1) == message.string[0], singular
            assert compiled.ngettext(singular, plural, 5) == message.string[2 if language == "ru" else 1], singular
        else:
            assert compiled.gettext(message.id) == message.string, "run `make messages` to recompile"


def test_russian_plural_forms_are_declared() -> None:
    assert catalog("ru").num_plurals == 3


# A word that agrees with its subject's gender, or needs it declined: a product's name
# cannot do either (“Футболка снят с продажи”, “Кнопка откроет Футболка”).
AGREES = re.compile(
    r"(%\(name\)s|\{name\})(?P<between>[^.;!?]*?)\b(снят|скрыт|удал[её]н|добавлен|пропущен|исключ[её]н|убран|заказан"
    r"|отложен|поступил|он|его|сняли|нельзя)\b"
)
NAMED = re.compile(r"\b(товар|товара|товары)\b|»")  # the word “товар” carries the gender, the name only names


def test_russian_texts_never_make_a_products_name_agree_or_decline() -> None:
    wrong = []
    for message in catalog("ru"):
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            for found in AGREES.finditer(text or ""):
                if not NAMED.search(found.group("between")):
                    wrong.append(text)
    assert wrong == [], "name the product as «Товар «%(name)s» снят с продажи» instead"


def test_russian_texts_call_a_shops_customer_pokupatel_never_klient() -> None:
    """A shop's customer is «покупатель»: older staff texts said «клиент» (campaigns, customer
    imports, statements), beside the «покупатель» of the rest."""
    said = []
    for message in catalog("ru"):
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if re.search(r"клиент", text or "", re.IGNORECASE):  # every form: клиента, клиентам, бизнес-клиент…
                said.append(text)
    assert said == [], "a shop's customer is «покупатель» (покупателя, покупателям…)"


def test_a_templates_sentence_ends_inside_its_message_so_a_translator_owns_its_full_stop() -> None:
    """«Still to pay: %(amount)s» then a "." in the template: a language that ends the sentence otherwise, or puts
    the amount elsewhere, could not move it. A translated message is never followed by a sentence's end."""
    templates = ROOT / "handlers" / "views" / "templates"
    outside = [
        f"{path.relative_to(templates)}:{number}"
        for path in sorted(templates.rglob("*.j2"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\b(?:_|gettext|ngettext)\(.*\) }}[.!?](?:\s|$|\{)", line)
    ]
    assert outside == []
