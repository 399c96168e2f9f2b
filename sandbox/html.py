"""Telegram's HTML parse mode, strictly: the supported tag set, proper nesting, and only
the named entities &lt; &gt; &amp; &quot; (numeric entities are fine). Errors read like
Telegram's "can't parse entities" descriptions, with byte offsets into the UTF-8 text."""

from __future__ import annotations

import re

SUPPORTED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "tg-spoiler",
        "span",
        "blockquote",
        "tg-emoji",
    }
)
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{0,31});")
START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9\-]*)")
END_TAG = re.compile(r"</([a-zA-Z][a-zA-Z0-9\-]*)?\s*>")
MARKUP = re.compile(r"[&<]")
SIMPLE_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9\-]*)>")
ATTRIBUTE = re.compile(r"""\s+([a-zA-Z\-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


class HtmlParseError(ValueError):
    pass


def _offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _entity(text: str, i: int) -> tuple[str, int]:
    """Decode the entity at ``text[i] == '&'``; a lone '&' stays literal, as in Telegram."""
    match = ENTITY.match(text, i)
    if not match:
        return "&", i + 1
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        if not 0 < code <= 0x10FFFF:
            raise HtmlParseError(f"Invalid HTML entity at byte offset {_offset(text, i)}")
        return chr(code), match.end()
    if name not in NAMED_ENTITIES:
        raise HtmlParseError(f'Unsupported HTML entity "&{name};" at byte offset {_offset(text, i)}')
    return NAMED_ENTITIES[name], match.end()


def _start_tag(text: str, i: int, stack: list[str]) -> int:
    match = START_TAG.match(text, i)
    name = match.group(1).lower() if match else ""
    if name not in SUPPORTED_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {_offset(text, i)}')
    assert match is not None
    j = match.end()
    attributes: dict[str, str] = {}
    while True:
        attr = ATTRIBUTE.match(text, j)
        if not attr:
            break
        attributes[attr.group(1).lower()] = next((g for g in attr.groups()[1:] if g is not None), "")
        j = attr.end()
    while j < len(text) and text[j] == " ":
        j += 1
    if j >= len(text) or text[j] != ">":
        raise HtmlParseError(f"Unclosed start tag at byte offset {_offset(text, i)}")
    if name == "span" and attributes.get("class") != "tg-spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {_offset(text, i)}')
    stack.append(name)
    return j + 1


def _end_tag(text: str, i: int, stack: list[str]) -> int:
    match = END_TAG.match(text, i)
    if not match:
        raise HtmlParseError(f"Unclosed end tag at byte offset {_offset(text, i)}")
    name = (match.group(1) or "").lower()
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {_offset(text, i)}")
    if name != stack[-1]:
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {_offset(text, i)}, expected "</{stack[-1]}>", found "</{name}>"'
        )
    stack.pop()
    return match.end()


def _simple_tag(text: str, i: int, stack: list[str]) -> int | None:
    """``<b>`` or a matching ``</b>`` in one regular-expression match (most tags bots send);
    None for anything else."""
    match = SIMPLE_TAG.match(text, i)
    if match is None:
        return None
    name = match.group(2).lower()
    if match.group(1):
        if not stack or stack[-1] != name:
            return None
        stack.pop()
    elif name in SUPPORTED_TAGS and name != "span":  # a span needs its class
        stack.append(name)
    else:
        return None
    return match.end()


def parse_html(text: str) -> str:
    """Return the plain text Telegram would show, or raise ``HtmlParseError``."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while (special := MARKUP.search(text, i)) is not None:  # plain runs are copied whole
        j = special.start()
        out.append(text[i:j])
        if text[j] == "&":
            decoded, i = _entity(text, j)
            out.append(decoded)
        elif (simple := _simple_tag(text, j, stack)) is not None:
            i = simple
        else:  # attributes, or something wrong: the full parser, for Telegram's exact error
            i = _end_tag(text, j, stack) if text.startswith("</", j) else _start_tag(text, j, stack)
    out.append(text[i:])
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)
