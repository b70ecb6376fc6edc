"""Every field of a fill, order or position at full precision, for the detail view.

The tables show money to the cent and prices in cents so that columns line up; what was rounded
is here exactly as the exchange sent it: money to the millionth of a dollar, prices to the
hundredth of a cent, counts to the hundredth of a contract, times to the millisecond. A price
beside a named side is also given in that side's price (the tables' convention, app.core.sides).
Pure: no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import msgspec

from app.core.fixed import (
    INVALID,
    MONEY_SCALE,
    ONE_DOLLAR,
    PRICE_SCALE,
    SHOWN_LIMIT,
    format_count,
    format_money,
    format_price_cents,
    format_price_dollars,
    shown_invalid,
)
from app.core.protocol import MarketPosition
from app.core.sides import side_price
from app.core.state import MarketState, subaccount_of
from app.core.timestamps import utc_of_ms

# The unit of each numeric field of the account's records (the wire's names, app.core.protocol).
PRICE_FIELDS = frozenset({"yes_price"})
COUNT_FIELDS = frozenset({"count", "volume", "fill_count", "remaining_count", "initial_count"})
# Signed positions (negative: no contracts), read as the side held like every table (app.core.sides).
POSITION_FIELDS = frozenset({"post_position", "position"})
MONEY_FIELDS = frozenset({"fee_cost", "position_cost", "realized_pnl", "fees_paid", "position_fee_cost",
                          "fill_cost", "fees"})
TIME_FIELDS = frozenset({"ts_ms", "created_ts_ms", "updated_ts_ms", "expiration_ts_ms"})
NOT_SHOWN = "—"
# A value that does not end within this many decimals (a third of a cent) is shown rounded to it.
MOST_PLACES = 12
# The envelope's fields (app.core.protocol.Message): where a frame came from, not what it says.
ENVELOPE = frozenset({"sid", "seq", "id", "problems"})


def exact_price(price: int) -> str:
    """``7642`` -> ``76.42¢ ($0.7642)``: cents and dollars, never rounded."""
    if shown_invalid(price):
        return INVALID
    return f"{format_price_cents(price)}¢ (${format_price_dollars(price)})"


def exact_time(ts_ms: int) -> str:
    """A millisecond epoch as ``2025-11-26 09:40:00.123 UTC`` (``invalid`` outside 1970 .. 9999)."""
    moment = utc_of_ms(ts_ms)
    if moment is None:
        return INVALID
    return f"{moment:%Y-%m-%d %H:%M:%S}.{ts_ms % 1000:03d} UTC"


def exact_holding(position: int) -> str:
    """A signed position as the side held, every digit: ``-91354`` -> ``NO 913.54``, ``0`` flat."""
    if shown_invalid(position):
        return INVALID
    if position > 0:
        return f"YES {format_count(position)}"
    if position < 0:
        return f"NO {format_count(-position)}"
    return "0"


def _exact_value(name: str, value: Any) -> str:
    if value is None or value == "":
        return NOT_SHOWN
    unit: Callable[[int], str] | None = None
    if name in PRICE_FIELDS:
        unit = exact_price
    elif name in COUNT_FIELDS:
        unit = format_count
    elif name in POSITION_FIELDS:
        unit = exact_holding
    elif name in MONEY_FIELDS:
        unit = format_money
    elif name in TIME_FIELDS:
        unit = exact_time
    if unit is not None and isinstance(value, int) and not isinstance(value, bool):
        return unit(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def label_of(name: str) -> str:
    """A field's wire name as a label: ``post_position`` -> ``post position``."""
    return name.replace("_", " ")


def exact_fields(record: msgspec.Struct) -> list[tuple[str, str]]:
    """``(label, exact value)`` for every field of ``record`` but the envelope, in its declared
    order (``—`` where not sent); with a no side and a yes price, the no price after the yes price;
    last, what could not be read, if anything."""
    rows: list[tuple[str, str]] = []
    side = getattr(record, "side", None)
    for name in record.__struct_fields__:
        if name in ENVELOPE:
            continue
        value = getattr(record, name)
        rows.append((label_of(name), _exact_value(name, value)))
        if name == "yes_price" and isinstance(value, int) and side == "no":
            rows.append(("no price", exact_price(side_price(side, value) or 0)))
    problems = getattr(record, "problems", ())
    if problems:
        rows.append(("not readable", ", ".join(problems)))
    return rows


def _decimal(value: Fraction, least: int) -> str:
    """``value`` as a decimal with at least ``least`` places, every digit when it ends within
    :data:`MOST_PLACES`, else rounded to them after ``≈``; thousands separated, no sign."""
    places = least
    while (value * 10**places).denominator != 1 and places < MOST_PLACES:
        places += 1
    scaled = value * 10**places
    whole, frac = divmod(round(abs(scaled)), 10**places)
    digits = f"{whole:,}" + (f".{frac:0{places}d}" if places else "")
    return digits if scaled.denominator == 1 else f"≈ {digits}"


def exact_money_fraction(amount: Fraction) -> str:
    """Money units (an exact fraction: a mark at a half-unit mid) in dollars, every digit:
    ``-$5.6800005``."""
    if not -SHOWN_LIMIT < amount < SHOWN_LIMIT:
        return INVALID
    text = _decimal(Fraction(amount) / MONEY_SCALE, 2)
    sign = "-" if amount < 0 else ""
    return f"≈ {sign}${text[2:]}" if text.startswith("≈") else f"{sign}${text}"


def exact_price_fraction(price: Fraction) -> str:
    """Price units (an exact fraction: an average or a mid) in cents, every digit: ``23.585¢``."""
    if not -SHOWN_LIMIT < price < SHOWN_LIMIT:
        return INVALID
    return f"{_decimal(Fraction(price) * 100 / PRICE_SCALE, 0)}¢"


def position_extras(state: MarketState, position: MarketPosition) -> list[tuple[str, str]]:
    """What the Positions table computes from a position, exact: the average price paid and the
    mark (both in the held side's price) and the unrealized P&L (``—`` where unknown)."""
    held = position.position
    average = exact_price_fraction(Fraction(position.position_cost, abs(held))) if held else NOT_SHOWN
    mid = state.mid(position.market_ticker)
    mark = NOT_SHOWN
    if mid is not None and held is not None:
        mark = exact_price_fraction(mid if held >= 0 else ONE_DOLLAR - mid)
    pnl = state.unrealized_pnl(position.market_ticker, subaccount_of(position))
    return [("average price", average), ("mark", mark),
            ("unrealized pnl", NOT_SHOWN if pnl is None else exact_money_fraction(pnl))]
