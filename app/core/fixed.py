"""Exact fixed-point units for prices, counts and money.

Every quantity is an ``int`` in one internal unit, whatever the wire form:

* prices: ten-thousandths of a dollar (``"0.4150"`` -> 4150, 41 cents -> 4100);
* counts: hundredths of a contract (``"2230.99"`` -> 223099, 136 -> 13600);
* money: millionths of a dollar (``"0.350000"`` -> 350000, 3500 centi-cents -> 350000).

Parsing is exact (no floats) and cached, because the same strings recur constantly on a feed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

PRICE_PLACES = 4
COUNT_PLACES = 2
MONEY_PLACES = 6

PRICE_SCALE: int = 10**PRICE_PLACES
COUNT_SCALE: int = 10**COUNT_PLACES
MONEY_SCALE: int = 10**MONEY_PLACES

ONE_DOLLAR = PRICE_SCALE
CENT = PRICE_SCALE // 100
CENTI_CENT_IN_MONEY = MONEY_SCALE // 10_000
CENT_IN_MONEY = MONEY_SCALE // 100

# A quantity of 10**24 units or more (10**22 contracts, 10**18 dollars) cannot be real: it is shown
# as INVALID (a formatter never raises, whatever int the exchange sent).
SHOWN_LIMIT = 10**24
# -SHOWN_LIMIT, once: written inline, the negation makes a new big int at every check
SHOWN_FLOOR = -SHOWN_LIMIT
INVALID = "invalid"

_DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]*))?")  # ASCII digits only: `\d` also matches "٣"


def parse_decimal(text: str, places: int) -> int:
    """Parse a decimal string into an integer scaled by ``10**places``, exactly.

    Raises ``ValueError`` for anything that is not a plain decimal or that carries non-zero digits
    beyond ``places`` (they could not be represented without rounding).
    """
    parse = _PARSERS.get(places)
    if parse is None:
        parse = _PARSERS[places] = decimal_parser(places)
    return parse(text)


def decimal_parser(places: int) -> Callable[[str], int]:
    """:func:`parse_decimal` with ``places`` fixed, as a function of the text alone: one call on
    the hot paths, not two."""

    def parse(text: str) -> int:
        if type(text) is str:  # the wire's own form first: [-]digits, a point, exactly `places` digits
            point = len(text) - places - 1
            if point > 0 and text[point] == "." and text.isascii():
                # Only the first point goes: a second one is left in and fails the digit test.
                digits = text.replace(".", "", 1)
                if digits.isdigit() or (point > 1 and digits[0] == "-" and digits[1:].isdigit()):
                    return int(digits)
        return parse_decimal_general(text, places)

    return parse


_PARSERS: dict[int, Callable[[str], int]] = {}


def parse_decimal_general(text: str, places: int) -> int:
    """:func:`parse_decimal` for any form (the wire's own form is its fast path): the same result
    or error for every input, read with a regular expression."""
    match = _DECIMAL.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"not a decimal number: {text!r}")
    sign, whole, frac = match.groups()
    frac = frac or ""
    if len(frac) > places:
        if frac[places:].strip("0"):
            raise ValueError(f"{text!r} has more than {places} decimal places")
        frac = frac[:places]
    value: int = int(whole) * 10**places + int(frac.ljust(places, "0") or "0")
    return -value if sign else value


class Memo(dict[str, int]):
    """A parse's results by their text, read as ``memo[text]``: a hit is one dict lookup, with no
    call and none of an ``lru_cache``'s bookkeeping. A miss parses (errors are not kept) and
    stores; a full memo starts again empty, so memory stays bounded."""

    def __init__(self, parse: Callable[[str], int], size: int) -> None:
        super().__init__()
        self.parse = parse
        self.size = size

    def __missing__(self, text: str) -> int:
        value = self.parse(text)
        if len(self) >= self.size:
            self.clear()
        self[text] = value
        return value


_parse_price_places = decimal_parser(PRICE_PLACES)


def _parse_price_uncached(text: str) -> int:
    value = _parse_price_places(text)
    if not 0 <= value <= ONE_DOLLAR:
        raise ValueError(f"price {text!r} is outside $0.00..$1.00")
    return value


# parse_count_uncached(text): :func:`parse_count` without its memo, for counts that seldom repeat
# (a position after a fill); parse_money_uncached(text): :func:`parse_money` without its memo, for
# amounts that seldom repeat (a position's running totals). A miss costs more than the parse.
parse_count_uncached = decimal_parser(COUNT_PLACES)
parse_money_uncached = decimal_parser(MONEY_PLACES)

# Hot paths read these directly (``PRICES[text]``); the functions below are the same, by name.
PRICES = Memo(_parse_price_uncached, 65_536)
COUNTS = Memo(parse_count_uncached, 65_536)
MONEY = Memo(parse_money_uncached, 4_096)
# A market's running totals (volume, open interest): each repeats on every ticker of its market
# until its next trade, so most reads hit; in a memo of their own, they crowd out no size.
TOTALS = Memo(parse_count_uncached, 65_536)


def parse_price(text: str) -> int:
    """A dollar price string (``"0.4150"``) in ten-thousandths of a dollar, within $0..$1."""
    return PRICES[text]


def parse_count(text: str) -> int:
    """A contract count string (``"12.50"``, may be signed for deltas) in hundredths."""
    return COUNTS[text]


def parse_money(text: str) -> int:
    """A dollar amount string (up to 6 decimals, may be negative) in millionths of a dollar."""
    return MONEY[text]


def price_from_cents(cents: int) -> int:
    """An integer cent price (the reference's form) in ten-thousandths of a dollar."""
    if not 0 <= cents <= 100:
        raise ValueError(f"price {cents} cents is outside 0..100")
    return cents * CENT


def count_from_int(count: int) -> int:
    """An integer contract count (the reference's form) in hundredths."""
    return count * COUNT_SCALE


def money_from_centi_cents(value: int) -> int:
    """Centi-cents (1/10,000 dollar, the reference's position money) in millionths of a dollar."""
    return value * CENTI_CENT_IN_MONEY


def _trim(value: int, places: int, keep: int) -> str:
    if not SHOWN_FLOOR < value < SHOWN_LIMIT:
        return INVALID
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, frac = divmod(value, 10**places)
    digits = str(frac).rjust(places, "0").rstrip("0").ljust(keep, "0")
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def format_price_dollars(price: int) -> str:
    """``4150`` -> ``"0.415"``; at least two decimals, never rounded (``invalid`` from
    :data:`SHOWN_LIMIT` on)."""
    return _trim(price, PRICE_PLACES, 2)


def format_price_cents(price: int) -> str:
    """``4150`` -> ``"41.5"``, ``4100`` -> ``"41"``: cents, exact, trailing zeros dropped."""
    return _trim(price, PRICE_PLACES - 2, 0)


def format_count(count: int) -> str:
    """``223099`` -> ``"2,230.99"``, ``1300`` -> ``"13"``: contracts with thousands separators
    (``invalid`` from :data:`SHOWN_LIMIT` on)."""
    if not SHOWN_FLOOR < count < SHOWN_LIMIT:
        return INVALID
    whole, frac = divmod(abs(count), COUNT_SCALE)
    sign = "-" if count < 0 else ""
    return f"{sign}{whole:,}.{frac:02d}" if frac else f"{sign}{whole:,}"


def format_money(amount: int) -> str:
    """``-1234500000`` -> ``"-$1,234.50"``: dollars, cents always shown, finer digits kept
    (``invalid`` from :data:`SHOWN_LIMIT` on)."""
    if not SHOWN_FLOOR < amount < SHOWN_LIMIT:
        return INVALID
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), MONEY_SCALE)
    digits = str(frac).rjust(MONEY_PLACES, "0").rstrip("0").ljust(2, "0")
    return f"{sign}${whole:,}.{digits}"


def shown_invalid(*values: int | None) -> bool:
    """True when a formatter shows one of ``values`` as :data:`INVALID` (None: no value)."""
    for value in values:
        if value is not None and not SHOWN_FLOOR < value < SHOWN_LIMIT:
            return True
    return False


def format_money_cents(amount: int | Fraction) -> str:
    """``72702420`` -> ``"$72.70"``: dollars to the cent, rounded half to even, for columns that
    line up (the exact amount is :func:`format_money`'s). An exact fraction of money units (a mark
    at a half-unit mid) is rounded the same way; ``invalid`` from :data:`SHOWN_LIMIT` on."""
    if not SHOWN_FLOOR < amount < SHOWN_LIMIT:
        return INVALID
    cents = round(Fraction(amount) / CENT_IN_MONEY)
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{frac:02d}"


def to_wire_price(price: int) -> str:
    """``4150`` -> ``"0.4150"``: the 4-decimal dollar string production sends."""
    return f"{price // PRICE_SCALE}.{price % PRICE_SCALE:04d}"


def to_wire_count(count: int) -> str:
    """``1250`` -> ``"12.50"``: the 2-decimal fixed-point string production sends (signed)."""
    sign = "-" if count < 0 else ""
    whole, frac = divmod(abs(count), COUNT_SCALE)
    return f"{sign}{whole}.{frac:02d}"


def to_wire_money(amount: int) -> str:
    """``350000`` -> ``"0.350000"``: a 6-decimal dollar string (signed)."""
    sign = "-" if amount < 0 else ""
    whole, frac = divmod(abs(amount), MONEY_SCALE)
    return f"{sign}{whole}.{frac:06d}"
