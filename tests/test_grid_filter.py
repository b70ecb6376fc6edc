"""The grid's filter as you type (widgets.market.grid_filter) and the state's change logs it reads beside."""

from __future__ import annotations

import random

from app.core import protocol as p
from app.core.change_log import ChangeLog
from app.core.state import MarketState
from widgets.market.grid_filter import GridFilter


def test_titles_are_folded_when_taken_in_and_a_longer_text_looks_only_among_the_last_matches() -> None:
    titles = {"KXA-1": "Bitcoin above 100k", "KXB-2": "Bitcoin below 90k", "KXC-3": "Fed holds"}
    asked: list[str] = []
    grid_filter = GridFilter(lambda ticker: asked.append(ticker) or titles.get(ticker))
    grid_filter.fold(titles)
    assert grid_filter.select("BIT", titles) == ["KXA-1", "KXB-2"]
    assert grid_filter.select("bitcoin a", titles) == ["KXA-1"]
    assert grid_filter.select("kxc", titles) == ["KXC-3"]  # not an extension: every market again
    assert sorted(asked) == ["KXA-1", "KXB-2", "KXC-3"]  # each title read once, before any key
    titles["KXC-3"] = "Bitcoin halving"
    grid_filter.fold(["KXC-3"])
    assert grid_filter.select("bitcoin", titles) == ["KXA-1", "KXB-2", "KXC-3"]
    assert asked.count("KXC-3") == 2


def test_the_ticker_and_title_are_searched_apart_and_new_markets_are_candidates_again() -> None:
    titles = {"KXA-1": "rain"}
    grid_filter = GridFilter(titles.get)
    grid_filter.fold(titles)
    assert grid_filter.select("1 rain", titles) == []  # never across the ticker's end
    assert grid_filter.select("rai", titles) == ["KXA-1"]
    titles["KXB-2"] = "rain in NYC"
    grid_filter.fold(["KXB-2"])
    assert grid_filter.select("rain", titles) == ["KXA-1", "KXB-2"]
    del titles["KXA-1"]
    grid_filter.forget(["KXA-1"])
    assert grid_filter.select("rain", titles) == ["KXB-2"]


def test_typing_backspace_relabelling_and_dropping_give_what_a_brute_force_filter_gives() -> None:
    rng = random.Random(5)
    words = ["bitcoin", "Fed", "rain", "NYC", "above", "İstanbul", "ß", "1", "10"]
    titles = {f"KX{i % 7}-{i}": " ".join(rng.choices(words, k=3)) for i in range(300)}
    grid_filter = GridFilter(titles.get)
    grid_filter.fold(titles)
    for _round in range(200):
        action = rng.random()
        if action < 0.1:  # relabelled
            ticker = rng.choice(list(titles))
            old, titles[ticker] = titles[ticker], " ".join(rng.choices(words, k=2))
            assert grid_filter.fold([ticker]) is (titles[ticker].casefold() != old.casefold())
        elif action < 0.2:  # relabelled, the title as it was (a new status): the matches kept
            assert grid_filter.fold([rng.choice(list(titles))]) is False
        elif action < 0.25 and len(titles) > 10:  # dropped
            ticker = rng.choice(list(titles))
            del titles[ticker]
            grid_filter.forget([ticker])
        typed = rng.choice(words + ["kx3", "x", "bitcoin 1", "n"])
        keys = list(range(1, len(typed) + 1))  # a key at a time, each extending the last...
        for count in keys + keys[-2::-1]:  # ...then backspace down to one character
            needle = typed[:count]
            expected = [t for t in titles if needle.casefold() in f"{t}\0{titles[t]}".casefold()]
            assert grid_filter.select(needle, titles) == expected, needle


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
