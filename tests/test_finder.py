"""The market finder: the search over the catalog, its pane, and the command palette's provider."""

from __future__ import annotations

import time

from app.finder import MarketIndex
from app.screens.finder import FinderScreen
from app.screens.market_commands import MarketCommands
from tests.ui_states import dashboard_app, scenario, until
from widgets.depth_ladder import DepthLadder

SIZE = (120, 40)


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
    from app.catalog import CatalogEvent, CatalogMarket
    from app.catalog_state import apply_catalog
    from app.state import MarketState

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
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, FinderScreen))
        finder = app.screen
        assert isinstance(finder, FinderScreen)
        await pilot.press(*"50bps")
        await until(pilot, lambda: bool(finder.hits()))
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
