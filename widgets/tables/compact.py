"""Numbers that never lose digits silently: a number too wide for its column in a compact form.

A column has a fixed width (worked out once, not per frame). A value that fits is shown whole; one
that does not is shown in thousands, millions, billions or trillions (``12,345,678.90`` in 7 cells
is ``12.35M``), with as many of two decimals as fit, rounded half to even, its sign, currency and
side words kept (``NO 913.54M``, ``-$1.23M``, ``+$12.3K``). The text is read exactly (no floats).
Only when not even the shortest compact form fits is the text cut, with an ellipsis.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

from rich.cells import cell_len, set_cell_size

ELLIPSIS = "…"
SUFFIXES = (("K", 3), ("M", 6), ("B", 9), ("T", 12))
# a prefix (words, sign, currency), the number with thousands separators, a suffix (¢, %)
_NUMBER = re.compile(r"(\D*?)([0-9][0-9,]*(?:\.[0-9]+)?)(\D*)")


def fit_number(text: str, width: int) -> str:
    """``text`` when it fits in ``width`` cells, else its number in the most precise compact form
    that fits; cut with an ellipsis only when none does."""
    if cell_len(text) <= width:
        return text
    match = _NUMBER.fullmatch(text)
    if match is not None:
        prefix, digits, suffix = match.groups()
        value = Decimal(digits.replace(",", ""))
        for letter, power in SUFFIXES:
            scaled = value.scaleb(-power)
            for places in (2, 1, 0):
                rounded = scaled.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
                if not rounded or (rounded >= 1000 and letter != SUFFIXES[-1][0]):
                    break  # nothing left at this scale, or 999,999.99 is 1.00M, not 1,000.00K
                compact = f"{prefix}{rounded:,f}{letter}{suffix}"
                if cell_len(compact) <= width:
                    return compact
    return cut(text, width)


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, its last cell an ellipsis (text known to be too wide)."""
    return set_cell_size(text, width - 1) + ELLIPSIS if width > 0 else ""
