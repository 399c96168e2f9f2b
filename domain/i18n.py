"""Message-key marker for strings the domain hands to the presentation layer.

The domain never translates; it only marks message ids so Babel extracts them
(keyword ``N_`` in ``babel.cfg``). Handlers translate with the reader's locale.
"""


def N_(message: str) -> str:  # noqa: N802 - conventional gettext marker name
    return message
