"""A buyer's PO number is kept as staff should read it: on one line, without invisible direction controls."""

from __future__ import annotations

from domain.orders import order_reference, reference_key


def test_a_po_number_typed_with_a_direction_override_is_kept_without_it() -> None:
    # U+202E turned staff's /order line around (addresses and notes lose it already: domain.text.typed)
    typed = "PO-\u202e1744\u202c  \u2066x\u2069"
    assert order_reference(typed) == "PO-1744 x"
    assert reference_key(order_reference(typed)) == "po-1744 x"


def test_a_po_number_of_direction_controls_alone_is_no_number() -> None:
    assert order_reference("\u202e\u202c") == ""
