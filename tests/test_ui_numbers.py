"""Numbers never lose digits silently: a value too wide for its column takes a compact form
(``1.00B``), never an ellipsis, with at least one blank between columns; at 80, 160 and 220
columns, with values up to 10⁹ in the grid, the depth ladder and the account tables."""

from __future__ import annotations

import pytest

from tests import table_states as ts
from tests.ui_states import LADDER_TICKER, dashboard_app, scenario, until
from widgets.account.fills_table import FillsTable
from widgets.account.positions_table import PositionsTable
from widgets.market.depth_ladder import HEADER_LINES, DepthLadder
from widgets.market.ticker_grid import TickerGrid
from widgets.tables.compact import fit_number

BILLION = "1000000000.00"


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("12,345,678.90", 13, "12,345,678.90"),  # fits: whole
        ("12,345,678.90", 7, "12.35M"),
        ("126,852.39", 8, "126.85K"),
        ("1,000,000,000", 6, "1.00B"),
        ("999,999.99", 7, "1.00M"),  # not 1,000.00K
        ("YES 987,654,321", 10, "YES 987.7M"),  # as many decimals as fit
        ("NO 913,540,000.00", 10, "NO 913.54M"),
        ("-$1,234,567.00", 8, "-$1.23M"),
        ("+$12,345.67", 8, "+$12.35K"),
        ("12.5", 3, "12…"),  # no compact form fits: cut, and says so
    ],
)
def test_a_number_too_wide_for_its_column_takes_a_compact_form(text: str, width: int, shown: str) -> None:
    assert fit_number(text, width) == shown


def huge_scenario():  # type: ignore[no-untyped-def]
    """The scenario with a market whose volume, open interest, depth and position run to 10⁹."""
    sim = scenario()
    sim.apply([
        ts.frame("ticker", {"market_ticker": LADDER_TICKER, "price_dollars": "0.0500",
                            "yes_bid_dollars": "0.0500", "yes_ask_dollars": "0.0600",
                            "volume_fp": BILLION, "open_interest_fp": "123456789.12"}),
        ts.frame("orderbook_snapshot", {"market_ticker": LADDER_TICKER,
                                        "yes_dollars_fp": [["0.0500", BILLION], ["0.0400", "126852.39"]],
                                        "no_dollars_fp": [["0.9400", "999999999.99"]]}),
        ts.position_current(LADDER_TICKER, "-987654321.00", "450000000.000000", "-12345678.900000", "1234.560000"),
        ts.fill_current(LADDER_TICKER, "no", "0.0500", "987654321.00", "1234.560000", ts.T0_MS),
    ])
    return sim


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (220, 60)])
async def test_grid_ladder_and_account_keep_every_digit_or_say_compact(size: tuple[int, int]) -> None:
    app = dashboard_app(huge_scenario())
    async with app.run_test(size=size) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        await until(pilot, lambda: LADDER_TICKER in grid.visible_tickers())
        row = grid._draw(grid.row_cells(LADDER_TICKER), "").text
        assert "…" not in row
        assert " 1.00B " in row and " 123.46M " in row  # volume, open interest: a blank either side

        ladder = app.dashboard.query_one(DepthLadder)
        await until(pilot, lambda: bool(ladder.ladder.rows))
        lines = [ladder.render_line(y).text for y in range(HEADER_LINES, ladder.size.height)]
        assert not any("…" in line for line in lines)
        # cumulative and size, apart, then the bar, the price, the bar, size and cumulative
        bid = next(line.split() for line in lines if " 5¢ " in line)
        assert bid[bid.index("5¢") - 3:bid.index("5¢") - 1] == ["1.00B", "1.00B"]
        ask = next(line.split() for line in lines if " 6¢ " in line)
        assert ask[ask.index("6¢") + 2:] == ["1.00B", "1.00B"]
        assert all(len(line) <= ladder.size.width for line in lines)

        await pilot.press("2")
        positions = app.dashboard.query_one(PositionsTable)
        fills = app.dashboard.query_one(FillsTable)
        await until(pilot, lambda: bool(positions.row_keys) and bool(fills.row_keys))
        shown = {key: str(positions.get_cell(LADDER_TICKER, key)) for key in
                 ("position", "cost", "realized", "fees")}
        assert shown == {"position": "NO 987.65M", "cost": "$450.00M", "realized": "-$12.35M",
                         "fees": "$1,234.56"}
        assert str(fills.get_cell(fills.row_keys[0], "count")) in ("987,654,321", "987.65M")
