"""Table cells: plain text with a tone, and the cell makers the state tables share.

A :class:`Cell` is a value, not a renderable: tables compare cells to find what changed and turn
them into Rich ``Text`` (never markup) with the tone's style from :data:`TONE_LOOKS`. Every
tone that carries meaning (yes/no, up/down) also carries a word or a sign, so the tables read
without colour.

One convention for sides and prices holds in every table: the price shown beside a side is the
price of that side (:mod:`app.core.sides`), and a position reads as the side held (:func:`holding`):
``NO 913.54`` at ``23.6¢`` in fills, positions and orders alike. Money is shown to the cent.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from rich.cells import cell_len

from app.core.fixed import INVALID, format_money_cents
from app.core.sanitize import printable
from app.core.timestamps import CLOCK_FORMAT, utc_of_iso, utc_of_ms
from widgets.formatting import EMPTY, count_text, price_text


class Tone(enum.Enum):
    """What a cell's colour means; each tone is a component class styled by :data:`TONE_LOOKS`."""

    YES = "yes"
    NO = "no"
    UP = "up"
    DOWN = "down"
    MUTED = "muted"
    ACCENT = "accent"
    TOTAL = "total"
    STRONG_UP = "strong-up"
    STRONG_DOWN = "strong-down"
    STAR = "star"
    TREND = "trend"

    @property
    def component(self) -> str:
        """The component class that styles this tone."""
        return f"state-table--{self.value}"


# The look of each tone's component class. Tones carry meaning that a glyph or word also says.
TONE_LOOKS: dict[Tone, str] = {
    Tone.YES: "color: $text-success;",
    Tone.NO: "color: $text-error;",
    Tone.UP: "color: $text-success;",
    Tone.DOWN: "color: $text-error;",
    Tone.MUTED: "text-style: dim;",  # $text-muted has alpha, which a cell's Rich style cannot carry
    Tone.ACCENT: "color: $text-accent;",
    Tone.TOTAL: "text-style: bold;",
    Tone.STRONG_UP: "color: $text-success; text-style: bold;",
    Tone.STRONG_DOWN: "color: $text-error; text-style: bold;",
    Tone.STAR: "color: $text-warning; text-style: bold;",
    Tone.TREND: "color: $text-accent;",
}


def tone_css(type_name: str) -> str:
    """The CSS of every tone's component class on the widget class ``type_name`` (for its
    ``DEFAULT_CSS``: the state tables and the line tables style their cells alike)."""
    return "\n".join(f"{type_name} > .{tone.component} {{ {look} }}" for tone, look in TONE_LOOKS.items())


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text (shown literally) and an optional tone."""

    text: str
    tone: Tone | None = None


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: its key, header label, width (``None``: fitted to its text), numbers or not."""

    key: str
    label: str
    width: int | None
    numeric: bool = False


DAY_CLOCK_FORMAT = "%m-%d %H:%M"
# Cells made for the values a tape or a table repeats most (a trade's time and prices), kept for
# the rows to come: a tape draws each new trade once, and trades share their second and prices.
MADE_KEPT = 4_096  # cells kept a kind; past that the kind starts again
_PRICES: dict[int, Cell] = {}
_CLOCKS: dict[int, Cell] = {}
BLANK = Cell("")
UNKNOWN = Cell(EMPTY, Tone.MUTED)
INVALID_CELL = Cell(INVALID, Tone.DOWN)


def shown_width(text: str) -> int:
    """The cells ``text`` takes once made printable: plain printable ASCII (nearly every ticker
    and title) is as wide as it is long, without asking Rich for each of thousands of markets."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(printable(text))


def text(value: str | None) -> Cell:
    """Exchange text (a ticker, an id, a title) shown as is; an em dash when absent."""
    return UNKNOWN if value is None else Cell(value)


def price(value: int | None) -> Cell:
    """A price in exact cents (``41.5¢``)."""
    if value is None:
        return UNKNOWN
    cell = _PRICES.get(value)
    if cell is None:
        cell = _kept(_PRICES, value, Cell(price_text(value)))
    return cell


def count(value: int | None) -> Cell:
    """A contract count with thousands separators."""
    return UNKNOWN if value is None else Cell(count_text(value))


def money(value: int | None) -> Cell:
    """An amount of money in dollars to the cent (``$1,234.50``), so a column lines up."""
    return UNKNOWN if value is None else Cell(format_money_cents(value))


def pnl(value: int | Fraction | None) -> Cell:
    """Profit or loss in dollars to the cent with its sign: ``+$1.20`` up, ``-$0.50`` down,
    ``$0.00`` when it rounds to nothing (an exact fraction of money units is rounded half-even)."""
    if value is None:
        return UNKNOWN
    text = format_money_cents(value)
    if text.startswith("-"):
        return Cell(text, Tone.DOWN)
    if text.strip("$0.,"):
        return Cell(f"+{text}", Tone.UP)
    return Cell(text)


def holding(position: int | None) -> Cell:
    """A signed position (hundredths, negative for no contracts) as the side held: ``YES 100``,
    ``NO 913.54``, ``0`` when flat, ``—`` when it could not be read."""
    if position is None:
        return UNKNOWN
    if position > 0:
        return Cell(f"YES {count_text(position)}", Tone.YES)
    if position < 0:
        return Cell(f"NO {count_text(-position)}", Tone.NO)
    return Cell("0", Tone.MUTED)


def side(value: str | None) -> Cell:
    """``YES`` or ``NO`` in the side's tone."""
    if value == "yes":
        return Cell("YES", Tone.YES)
    if value == "no":
        return Cell("NO", Tone.NO)
    return UNKNOWN


def action(value: str | None) -> Cell:
    """An order action in words: ``BUY``, ``SELL``, ``SELL PARTIAL``, ``SELL TO CLOSE``."""
    return UNKNOWN if value is None else Cell(value.replace("_", " ").upper(), Tone.ACCENT)


def clock(ts_ms: int | None) -> Cell:
    """A millisecond epoch timestamp as UTC ``HH:MM:SS``; ``invalid`` outside 1970 .. 9999."""
    if ts_ms is None:
        return UNKNOWN
    cell = _CLOCKS.get(ts_ms)
    if cell is None:
        cell = _kept(_CLOCKS, ts_ms, _clock(utc_of_ms(ts_ms)))
    return cell


def day_clock(ts_s: int | None) -> Cell:
    """An epoch time in seconds as UTC ``MM-DD HH:MM`` (a settlement days old reads as one);
    ``invalid`` outside 1970 .. 9999."""
    if ts_s is None:
        return UNKNOWN
    moment = utc_of_ms(ts_s * 1000)
    return INVALID_CELL if moment is None else Cell(moment.strftime(DAY_CLOCK_FORMAT), Tone.MUTED)


def iso_clock(timestamp: str | None) -> Cell:
    """An RFC 3339 timestamp from the exchange as UTC ``HH:MM:SS``; ``invalid`` when it is
    unreadable or outside 1970 .. 9999."""
    if timestamp is None:
        return UNKNOWN
    return _clock(utc_of_iso(timestamp))


def _kept(made: dict[int, Cell], value: int, cell: Cell) -> Cell:
    """Keep ``cell`` as the one made for ``value`` (``made`` starts again past ``MADE_KEPT``)."""
    if len(made) >= MADE_KEPT:
        made.clear()
    made[value] = cell
    return cell


def _clock(moment: datetime | None) -> Cell:
    return INVALID_CELL if moment is None else Cell(moment.strftime(CLOCK_FORMAT), Tone.MUTED)
