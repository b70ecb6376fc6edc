"""The grid's filter as you type (widgets.grid_filter) and the state's change logs it reads beside."""

from __future__ import annotations

from app.core import protocol as p
from app.core.change_log import ChangeLog
from app.core.state import MarketState
from widgets.grid_filter import GridFilter


def test_titles_are_folded_once_and_a_longer_text_looks_only_among_the_last_matches() -> None:
    titles = {"KXA-1": "Bitcoin above 100k", "KXB-2": "Bitcoin below 90k", "KXC-3": "Fed holds"}
    asked: list[str] = []
    grid_filter = GridFilter(lambda ticker: asked.append(ticker) or titles.get(ticker))
    assert grid_filter.select("BIT", titles) == ["KXA-1", "KXB-2"]
    assert grid_filter.select("bitcoin a", titles) == ["KXA-1"]
    assert grid_filter.select("kxc", titles) == ["KXC-3"]  # not an extension: every market again
    assert sorted(asked) == ["KXA-1", "KXB-2", "KXC-3"]  # each title read once
    titles["KXC-3"] = "Bitcoin halving"
    grid_filter.forget(["KXC-3"])
    assert grid_filter.select("bitcoin", titles) == ["KXA-1", "KXB-2", "KXC-3"]
    assert asked.count("KXC-3") == 2


def test_the_ticker_and_title_are_searched_apart_and_new_markets_are_candidates_again() -> None:
    titles = {"KXA-1": "rain"}
    grid_filter = GridFilter(titles.get)
    assert grid_filter.select("1 rain", titles) == []  # never across the ticker's end
    assert grid_filter.select("rai", titles) == ["KXA-1"]
    titles["KXB-2"] = "rain in NYC"
    grid_filter.restart()
    assert grid_filter.select("rain", titles) == ["KXA-1", "KXB-2"]


def test_a_change_log_says_what_changed_since_a_cursor_or_that_it_no_longer_knows() -> None:
    log = ChangeLog(4)
    log.note("a")
    log.note("b")
    assert log.since(0) == (["a", "b"], 2)
    for key in "cde":
        log.note(key)
    assert log.since(0) == (None, 5)  # the oldest half was dropped
    assert log.since(3) == (["d", "e"], 5)


def test_the_state_logs_the_markets_each_ticker_message_was_applied_to() -> None:
    state = MarketState()
    for ticker in ("KXA-1", "KXB-2", "KXA-1"):
        state.apply(p.Ticker(market_ticker=ticker, price=10, yes_bid=9, yes_ask=11))
    assert state.tickers_since(0) == (["KXA-1", "KXB-2", "KXA-1"], 3)
    assert state.tickers_since(3) == ([], 3)
