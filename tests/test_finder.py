"""The market finder: the search over the catalog, its pane, and the command palette's provider."""

from __future__ import annotations

import time

from textual.pilot import Pilot

from app.core.finder import MarketIndex
from app.core.state import MarketState
from app.tui.screens.finder import FinderScreen
from app.tui.screens.market_commands import MarketCommands
from tests.ui_states import dashboard_app, scenario, until
from widgets.market.depth_ladder import DepthLadder

SIZE = (120, 40)


async def found_in_finder(pilot: Pilot[None], text: str) -> FinderScreen:
    """Open the finder (``m``), type ``text`` and wait for its first hits."""
    app = pilot.app
    await pilot.press("m")
    await until(pilot, lambda: isinstance(app.screen, FinderScreen))
    finder = app.screen
    assert isinstance(finder, FinderScreen)
    await pilot.press(*text)
    await until(pilot, lambda: bool(finder.hits()))
    return finder


def test_every_word_must_match_and_hits_are_grouped_by_event() -> None:
    sim = scenario(steps=0)
    index = MarketIndex(sim.state)
    groups = index.search("nyc 50")  # "…high temp in NYC be 48 to 50°…", "50 to 52°"
    assert [g.event_ticker for g in groups] == ["KXHIGHNY-25NOV27"]
    assert [h.subtitle for h in groups[0].markets] == ["48 to 50°", "50 to 52°"]
    assert groups[0].title == "Highest temperature in NYC on Nov 27, 2025"
    assert index.search("NYC CLIMATE")  # the category matches too, in any case
    assert index.search("fomc hold")[0].markets[0].ticker == "KXFEDDECISION-25DEC-H0"  # event sub-title
    assert index.search("nyc bitcoin") == [] and index.search("   ") == []


def test_filter_as_you_type_over_twenty_thousand_markets_is_fast() -> None:
    from app.core.catalog import CatalogEvent, CatalogMarket
    from app.core.catalog_state import apply_catalog

    state = MarketState()
    markets = [CatalogMarket(f"KXE{e}-M{m}", f"KXE{e}", title=f"Question {e} outcome {m}", yes_sub_title=f"Outcome {m}")
               for e in range(2_000) for m in range(10)]
    events = [CatalogEvent(f"KXE{e}", title=f"Event number {e}", category="Economics",
                           markets=tuple(f"KXE{e}-M{m}" for m in range(10))) for e in range(2_000)]
    apply_catalog(state, events, markets)
    index = MarketIndex(state)
    index.refresh()
    timings = []
    for query in ("q", "qu", "que", "ques", "question 1", "question 19", "question 199", "question 1999"):
        started = time.perf_counter()
        index.search(query)
        timings.append(time.perf_counter() - started)
    assert max(timings) < 0.05, timings
    assert [h.ticker for g in index.search("question 1999 outcome 7") for h in g.markets] == ["KXE1999-M7"]


async def test_the_finder_opens_a_market_found_by_a_word_of_its_title() -> None:
    sim = scenario(steps=200)
    app = dashboard_app(sim, markets=())
    async with app.run_test(size=SIZE) as pilot:
        finder = await found_in_finder(pilot, "50bps")
        hits = finder.hits()
        assert hits == ["KXFEDDECISION-25DEC-C50"]
        await pilot.press("down", "f")
        assert hits[0] in app.watchlist
        await pilot.press("enter")
        await until(pilot, lambda: hits[0] in app.dashboard.ladders())
        assert app.screen is app.dashboard
        assert isinstance(app.dashboard.ladders()[hits[0]], DepthLadder)


async def test_the_command_palette_finds_markets_by_title() -> None:
    sim = scenario(steps=0)
    app = dashboard_app(sim, markets=())
    async with app.run_test(size=SIZE) as pilot:
        provider = MarketCommands(app.screen)
        hits = [hit async for hit in provider.search("fomc hold")]
        assert [hit.text for hit in hits] == ["Open Fed decision in Dec 2025: Hold?"]
        assert hits[0].help is not None and "KXFEDDECISION-25DEC-H0" in hits[0].help
        await hits[0].command()
        await until(pilot, lambda: "KXFEDDECISION-25DEC-H0" in app.dashboard.ladders())


def _catalog_state(events: int, per_event: int) -> MarketState:
    """A state holding a catalog of ``events`` events of ``per_event`` markets each."""
    from app.core.catalog import CatalogEvent, CatalogMarket
    from app.core.catalog_state import apply_catalog

    state = MarketState()
    markets = [CatalogMarket(f"KXE{e}-M{m}", f"KXE{e}", title=f"Question {e} outcome {m}")
               for e in range(events) for m in range(per_event)]
    apply_catalog(state, [CatalogEvent(f"KXE{e}", title=f"Event {e}") for e in range(events)], markets)
    return state


def test_only_relabelled_markets_are_folded_again_and_a_longer_query_narrows_the_last_hits() -> None:
    from app.core import protocol as p

    state = _catalog_state(100, 10)
    index = MarketIndex(state)
    folded: list[str] = []
    line = index._line
    index._line = lambda ticker, info: folded.append(ticker) or line(ticker, info)  # type: ignore[method-assign]
    def holding(digit: str) -> list[str]:  # the markets whose line has the digit (in the event or outcome)
        return [f"KXE{e}-M{m}" for e in range(100) for m in range(10) if digit in f"{e} {m}"]

    assert index.find("question 1") == holding("1")
    assert len(folded) == 1_000
    state.apply(p.MarketLifecycle(market_ticker="KXE5-M5", event_type="metadata_updated",
                                  metadata={"title": "Question 5 outcome 5 renamed"}))
    assert index.find("renamed") == ["KXE5-M5"]
    assert folded[1_000:] == ["KXE5-M5"]  # the one market relabelled, not the thousand
    index.find("question 1")
    assert index.find("question 19") == holding("19")  # among the last hits: the same answer
    assert index.find("question 19 outcome 3") == ["KXE19-M3"]
    assert index.find("question 2") == holding("2")  # not an extension: every market again


async def test_the_finder_lists_a_screenful_and_counts_every_match() -> None:
    from app.tui.screens.finder import SHOWN

    sim = scenario(steps=0)
    app = dashboard_app(sim, markets=())
    async with app.run_test(size=SIZE) as pilot:
        extra = _catalog_state(20, 10)
        app.market_state.markets.update(extra.markets)
        app.market_state.catalog.events.update(extra.catalog.events)
        finder = await found_in_finder(pilot, "question")
        assert len(finder.hits()) == SHOWN
        assert str(finder.query_one("#finder-count").render()).startswith(f"200 of {len(app.market_state.markets):,}")


async def test_the_results_cursor_moves_over_markets_only_and_starts_on_the_first() -> None:
    from textual.app import App, ComposeResult

    from app.core.finder import EventHits, Hit
    from widgets.market.finder_results import FinderResults

    class Results(App[None]):
        def compose(self) -> ComposeResult:
            yield FinderResults()

    def event(name: str, *tickers: str) -> EventHits:
        hits = tuple(Hit(ticker, f"Market {ticker}", None, "open", None) for ticker in tickers)
        return EventHits(name, f"Event {name}", "Economics", hits)

    app = Results()
    async with app.run_test(size=(100, 12)) as pilot:
        results = app.query_one(FinderResults)
        results.focus()
        results.show([event("E1", "E1-A", "E1-B"), event("E2", "E2-A")], now=0)
        await pilot.pause()
        assert results.hits() == ["E1-A", "E1-B", "E2-A"]
        assert results.highlighted() == "E1-A"  # row 1: row 0 is the event's header
        await pilot.press("down", "down")
        assert results.highlighted() == "E2-A"  # E2's header passed over
        await pilot.press("up")
        assert results.highlighted() == "E1-B"
        await pilot.press("home")
        assert results.highlighted() == "E1-A"
        # an event's header names its category beside its title; the status column is each market's
        assert results.get_cell("\0E2", "market") == "Event E2 · Economics"
        assert results.get_cell("\0E2", "status") == "" and results.get_cell("E2-A", "status") == "open"
        results.show([event("E3", "E3-A")], now=0)  # new hits: the cursor on their first market
        assert results.highlighted() == "E3-A"


def test_typing_and_backspace_find_what_a_fresh_search_finds() -> None:
    state = _catalog_state(100, 10)
    index = MarketIndex(state)
    for typed in ("question 19 outcome 3", "event 4", "kxe7-m", "outcome 9 question"):
        keys = list(range(1, len(typed) + 1))
        for count in keys + keys[-2::-1]:  # a key at a time, then backspace down to one character
            query = typed[:count]
            fresh = MarketIndex(state).find(query)
            assert index.find(query) == fresh, query
            assert fresh, query  # every prefix here finds something


async def test_the_catalog_is_indexed_as_the_finder_opens_not_at_the_first_key() -> None:
    sim = scenario(steps=0)
    app = dashboard_app(sim, markets=())
    async with app.run_test(size=SIZE) as pilot:
        assert not app.market_index._lines
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, FinderScreen))
        await until(pilot, lambda: len(app.market_index._lines) == len(app.market_state.markets))
