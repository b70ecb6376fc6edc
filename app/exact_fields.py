"""Every field of a fill, order or position at full precision, for the detail view.

The tables show money to the cent and prices in cents so that columns line up; what was rounded
is here exactly as the exchange sent it: money to the millionth of a dollar, prices to the
hundredth of a cent, counts to the hundredth of a contract, times to the millisecond. A price
beside a named side is also given in that side's price (the tables' convention, app.sides).
Pure: no I/O, no Textual.
"""

from __future__ import annotations

from typing import Any, Callable

import msgspec

from app.fixed import INVALID, format_count, format_money, format_price_cents, format_price_dollars, shown_invalid
from app.sides import side_price
from app.timestamps import utc_of_ms

# The unit of each numeric field of the account's records (the wire's names, app.protocol).
PRICE_FIELDS = frozenset({"yes_price"})
COUNT_FIELDS = frozenset({"count", "volume", "fill_count", "remaining_count", "initial_count"})
# Signed positions (negative: no contracts), read as the side held like every table (app.sides).
POSITION_FIELDS = frozenset({"post_position", "position"})
MONEY_FIELDS = frozenset({"fee_cost", "position_cost", "realized_pnl", "fees_paid", "position_fee_cost",
                          "fill_cost", "fees"})
TIME_FIELDS = frozenset({"ts_ms", "created_ts_ms", "updated_ts_ms", "expiration_ts_ms"})
NOT_SHOWN = "—"
# The envelope's fields (app.protocol.Message): where a frame came from, not what it says.
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
