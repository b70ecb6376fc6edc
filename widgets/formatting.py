"""Formatting shared by the dashboard's widgets: prices, signed changes, countdowns.

Everything here returns plain strings or Rich ``Text`` built from plain strings (never markup),
so text from the exchange can hold ``[`` safely. A change carries its sign as well as a colour, so
the screens read without colour; a value that just moved flashes by colour alone (an arrow beside
it would read as part of the value).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from app.core.fixed import CENT, INVALID, format_count, format_price_cents
from app.core.timestamps import valid_epoch_s

UP = "▲"
DOWN = "▼"
YES_GLYPH = "▲"
NO_GLYPH = "▼"
EMPTY = "—"


def price_text(price: int | None) -> str:
    """A price in cents, exact (``4150`` -> ``"41.5¢"``); an em dash when unknown."""
    return EMPTY if price is None else f"{format_price_cents(price)}¢"


def count_text(count: int | None) -> str:
    """A contract count with thousands separators; an em dash when unknown."""
    return EMPTY if count is None else format_count(count)


def fraction_cents(value: Fraction) -> str:
    """An exact price in price units that may fall between two units (a mid), in cents."""
    cents = Decimal(value.numerator) / Decimal(value.denominator) / Decimal(CENT)
    text = format(cents.normalize(), "f")
    return f"{text}¢"


def change_text(delta: int | None) -> str:
    """A price change with its sign: ``+2¢``, ``-0.5¢``, ``0¢``; em dash when unknown."""
    if delta is None:
        return EMPTY
    sign = "+" if delta > 0 else "-" if delta < 0 else ""
    return f"{sign}{format_price_cents(abs(delta))}¢"


def countdown_text(seconds: float | None) -> str:
    """A compact countdown: ``2d 04h``, ``3h 12m``, ``12m 05s``, ``45s``; ``closed`` past zero."""
    if seconds is None:
        return EMPTY
    if seconds <= 0:
        return "closed"
    whole = int(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def countdown_to(close_ts: int | None, now: float) -> str:
    """:func:`countdown_text` to the epoch second ``close_ts``; ``invalid`` outside 1970 .. 9999."""
    if close_ts is None:
        return EMPTY
    if not valid_epoch_s(close_ts):
        return INVALID
    return countdown_text(close_ts - now)


def age_text(seconds: float | None) -> str:
    """How long ago: ``0.4 s``, ``12 s``, ``3m 05s``, ``2h 10m``; an em dash when never."""
    if seconds is None:
        return EMPTY
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    return countdown_text(seconds)


def percent_text(price: Fraction | int | None) -> str:
    """A price read as a probability (``4150`` -> ``41.5%``), exact; an em dash when unknown."""
    if price is None:
        return EMPTY
    return fraction_cents(Fraction(price)).removesuffix("¢") + "%"
