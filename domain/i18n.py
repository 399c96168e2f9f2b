"""Message-key marker for strings the domain hands to the presentation layer.

The domain never translates; it only marks message ids so Babel extracts them
(keyword ``N_`` in ``babel.cfg``). Handlers translate with the reader's locale.
"""


def N_(message: str) -> str:  # noqa: N802 - conventional gettext marker name
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_
    """A message id with its plural form (keyword ``N_plural:1,2``): the presentation picks
    the form for the count with ``ngettext``."""
    return singular, plural
