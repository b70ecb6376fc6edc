"""The positions table: side held, average price, cost, realized P&L, fees, mark and unrealized
P&L, with totals."""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar

from textual.binding import Binding, BindingType

from app.core.fixed import ONE_DOLLAR
from app.core.protocol import MarketPosition
from app.core.state import PRIMARY, Kind, MarketState, subaccount_of
from widgets.formatting import fraction_cents
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.state_table import Cells, ColumnSpec, Row, StateTable
from widgets.tables.subaccount_column import SubaccountColumn

TOTAL_KEY = "\x00total"  # no market ticker starts with NUL


class PositionsTable(SubaccountColumn, StateTable):
    """One row per market position and subaccount, by ticker (its title last), and a totals row.

    A position reads as the side held with its average price and mark in that side's price
    (``NO 913.54``, ``Avg 23.6¢``, ``Mark 24¢``), like the fills. Money is shown in dollars to the
    cent; unrealized P&L is marked at the current mid (``—`` without one), and the total sums the
    positions whose mid is known. Once the user has more than the primary
    account, each position shows its subaccount and each subaccount gets its own totals row.
    """

    SHOWS = Kind.POSITION | Kind.BOOK | Kind.TICKER | Kind.LIFECYCLE
    BORDER_TITLE = "Positions"
    RECORD_NAME = "Position"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Exact values")]
    COLUMNS = (
        ColumnSpec("market", "Market", 24),
        ColumnSpec("position", "Position", 13, numeric=True),
        ColumnSpec("average", "Avg", 8, numeric=True),
        ColumnSpec("cost", "Cost", 11, numeric=True),
        ColumnSpec("realized", "Realized", 12, numeric=True),
        ColumnSpec("fees", "Fees", 10, numeric=True),
        ColumnSpec("mark", "Mark", 7, numeric=True),
        ColumnSpec("unrealized", "Unrealized", 13, numeric=True),
        ColumnSpec("title", "Title", 40),
    )

    def state_changed(self, kinds: Kind, books: frozenset[str]) -> None:
        """Redraw unless only books moved, and none of them is a held market's."""
        state = self.market_state
        if kinds & ~Kind.BOOK or (state is not None and not books.isdisjoint(state.position_markets())):
            super().state_changed(kinds, books)

    def record(self, key: str) -> MarketPosition | None:
        """The position of the row ``key`` (None for a totals row: it has no record)."""
        if self.market_state is None or key.startswith(TOTAL_KEY):
            return None
        ticker, _nul, subaccount = key.partition("\x00")
        return self.market_state.positions.get((ticker, int(subaccount) if subaccount else PRIMARY))

    def table_rows(self) -> list[Row]:
        """A row per position (by ticker, then subaccount), then the totals: one per subaccount
        when there are several, and the grand total."""
        assert self.market_state is not None
        state = self.market_state
        positions = [state.positions[key] for key in sorted(state.positions)]
        rows = [(_key(p), self.with_subaccount(_position_cells(state, p), p)) for p in positions]
        if state.has_subaccounts:
            for subaccount in sorted({subaccount_of(p) for p in positions}):
                mine = [p for p in positions if subaccount_of(p) == subaccount]
                label = f"TOTAL sub {subaccount}"
                rows.append((f"{TOTAL_KEY}{subaccount}", (*_total_cells(state, mine, label), cells.BLANK)))
        if positions:
            total = _total_cells(state, positions)
            rows.append((TOTAL_KEY, (*total, cells.BLANK) if state.has_subaccounts else total))
        return rows


def _key(p: MarketPosition) -> str:
    """A position's row key: its ticker, and its subaccount when not the primary account."""
    subaccount = subaccount_of(p)
    return p.market_ticker if subaccount == 0 else f"{p.market_ticker}\x00{subaccount}"


def _position_cells(state: MarketState, p: MarketPosition) -> Cells:
    held = p.position
    mid = state.mid(p.market_ticker)
    if mid is not None and held is not None and held < 0:
        mid = ONE_DOLLAR - mid  # a no position is marked at the no mid
    return (
        cells.text(p.market_ticker),
        cells.holding(held),
        _average(p.position_cost, held),
        cells.money(p.position_cost),
        cells.pnl(p.realized_pnl),
        cells.money(p.fees_paid),
        cells.UNKNOWN if mid is None else Cell(fraction_cents(mid)),
        cells.pnl(state.unrealized_pnl(p.market_ticker, subaccount_of(p))),
        cells.text(state.title(p.market_ticker)),
    )


def _total_cells(state: MarketState, positions: list[MarketPosition], label: str = "TOTAL") -> Cells:
    marks = [state.unrealized_pnl(p.market_ticker, subaccount_of(p)) for p in positions]
    known = [mark for mark in marks if mark is not None]
    return (
        Cell(label, Tone.TOTAL),
        cells.BLANK,
        cells.BLANK,
        _total(cells.money(sum(p.position_cost for p in positions))),
        _total(cells.pnl(sum(p.realized_pnl for p in positions))),
        _total(cells.money(sum(p.fees_paid for p in positions))),
        cells.BLANK,
        _total(cells.pnl(sum(known, Fraction(0))) if known else cells.UNKNOWN),
        cells.BLANK,
    )


def _total(cell: Cell) -> Cell:
    """A totals cell: bold, unless its tone (up/down) already says more."""
    return cell if cell.tone in (Tone.UP, Tone.DOWN) else Cell(cell.text, Tone.TOTAL)


def _average(cost: int, position: int | None) -> Cell:
    """The average price paid per contract of the side held, to a hundredth of a cent: the cost
    (money units) over the contracts (hundredths) is a price in price units (``—`` when flat or
    unreadable)."""
    if not position:
        return cells.UNKNOWN
    return cells.price(round(Fraction(cost, abs(position))))
