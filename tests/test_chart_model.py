"""Sparklines and the ladder's price chart, as characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.history import downsample
from widgets.market.chart_model import SPARKS, Mark, chart, sparkline


def test_sparkline_spans_lowest_to_highest_and_shows_gaps_and_flat_lines() -> None:
    assert sparkline([10, 20, 30, 40, 50, 60, 70, 80], 8) == SPARKS
    assert sparkline([None, 5, 5], 8) == " ▄▄"
    assert sparkline([], 8) == "" and sparkline([None], 8) == ""
    assert sparkline(list(range(100)), 4) == "▁▃▅█"  # the last point of each quarter, scaled


@given(st.lists(st.one_of(st.none(), st.integers(0, 10_000)), max_size=300), st.integers(1, 30))
def test_sparkline_is_never_wider_than_asked_and_ends_on_the_newest(values: list[int | None], width: int) -> None:
    line = sparkline(values, width)
    assert len(line) <= width
    if values and values[-1] is not None:
        known = [v for v in downsample(values, width) if v is not None]
        newest = line[-1]
        assert (newest == SPARKS[-1]) == (values[-1] == max(known) and min(known) != max(known))


def test_chart_draws_ask_above_band_above_bid_and_the_last_price_as_a_line_over_them() -> None:
    drawn = chart(last=[4000, 4000, 4400], bid=[3900, 3900, 4000], ask=[4400, 4400, 4400], width=5, height=6)
    assert (drawn.low, drawn.high) == (3900, 4400)
    assert drawn.text == [  # three samples, at the right edge: flat, flat, then up to the ask
        "  ┄┄╭",
        "  ░░│",
        "  ░░│",
        "  ░░│",
        "  ──╯",
        "  ┄┄ ",
    ]
    assert drawn.rows[0][4][1] is Mark.LAST and drawn.rows[5][2][1] is Mark.BID and drawn.rows[0][2][1] is Mark.ASK
    down = chart(last=[4400, 4000], bid=[None, None], ask=[None, None], width=2, height=3)
    assert down.text == ["─╮", " │", " ╰"]


def test_chart_of_a_one_row_spread_and_of_nothing() -> None:
    assert chart([None], [4100], [4100], 3, 3).text == ["   ", "  ┄", "   "]
    assert chart([None], [4100], [4100], 3, 3).rows[1][2][1] is Mark.BOTH
    empty = chart([], [], [], 3, 2)
    assert empty.text == ["   ", "   "] and empty.low is None
