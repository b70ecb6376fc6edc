"""The catalog from the simulator's REST API goes into the state in slices of a few milliseconds,
the event loop running between them (a frame, the socket), not a page at a time."""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter

import pytest
from rich.cells import cell_len

from app.core.catalog import CatalogMarket
from app.core.catalog_state import apply_catalog
from app.core.sanitize import printable
from app.core.state import Kind, MarketState
from app.rest.client import RestClient, rest_base_url
from app.rest.recorded import RecordedRest
from app.rest.sync import ExchangeSync
from app.simulator import SimConfig, Simulator
from app.tui.main import KalshiDashApp
from tests.ui_states import until
from widgets.market.ticker_grid import shown_width

EVENTS, MARKETS = 40, 400  # one page of the catalog (50 events a page)


async def load(apply_slice: float, apply_rest: float = 0.0) -> tuple[MarketState, list[int], list[Kind]]:
    """Load the catalog with slices of ``apply_slice`` seconds, ``apply_rest`` seconds between them;
    the state, the markets the state held at each turn of the event loop meanwhile, and what the
    screen was told."""
    sim = Simulator(SimConfig(seed=3, events=EVENTS, markets=MARKETS, rate=0.0, allow_anonymous=True))
    url = await sim.start()
    state = MarketState()
    seen: list[int] = []
    told: list[Kind] = []
    loading = True

    async def watch() -> None:
        while loading:
            seen.append(len(state.catalog.markets))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch())
    try:
        async with RestClient(rest_base_url(url)) as client:
            sync = ExchangeSync(client, state, told.append, lambda line: None, apply_slice=apply_slice,
                                apply_rest=apply_rest)
            assert await sync.load_catalog()
    finally:
        loading = False
        await watcher
        await sim.stop()
    return state, seen, told


async def test_the_event_loop_runs_between_slices_and_every_market_is_titled() -> None:
    state, seen, told = await load(apply_slice=0.0)  # a slice spent after every event
    assert len(state.catalog.markets) == MARKETS
    assert all(state.markets[ticker].title for ticker in state.catalog.markets)
    between = {count for count in seen if 0 < count < MARKETS}
    assert len(between) >= EVENTS - 1  # the loop ran between every two events of the page
    assert sum(1 for kinds in told if kinds & Kind.LIFECYCLE) >= EVENTS  # the screen told after each slice


async def test_each_slice_leaves_the_event_loop_a_rest_for_everything_else() -> None:
    """Another task that yields at every turn (as the feed does every 32 messages) runs many times
    between two slices, not once (a bare yield gave it one turn a slice: the feed fell behind)."""
    _state, seen, _told = await load(apply_slice=0.0, apply_rest=0.002)
    turns = Counter(count for count in seen if 0 < count < MARKETS)
    assert len(turns) >= EVENTS - 1 and statistics.median(turns.values()) >= 10


async def test_a_slice_with_time_left_takes_the_whole_page_at_once() -> None:
    state, seen, _told = await load(apply_slice=3600.0)
    assert len(state.catalog.markets) == MARKETS
    assert {count for count in seen if 0 < count < MARKETS} == set()


async def test_the_finder_index_is_folded_once_a_frame_however_many_slices_were_applied() -> None:
    state = MarketState()
    app = KalshiDashApp(state)
    async with app.run_test(size=(100, 30)) as pilot:
        sync = app._exchange_sync(RecordedRest([]))
        folds = 0
        fold = app.market_index.refresh

        def counted() -> None:
            nonlocal folds
            folds += 1
            fold()

        app.market_index.refresh = counted  # type: ignore[method-assign]
        for n in range(5):  # five slices between two frames
            apply_catalog(state, [], [CatalogMarket(f"KXA-{n}", "KXA", title=f"Bitcoin above {n}")])
            sync.notify(Kind.LIFECYCLE)
        assert folds == 0  # not while the slices run: after the frame
        await until(pilot, lambda: folds > 0)
        assert folds == 1
        assert app.market_index.find("bitcoin") == [f"KXA-{n}" for n in range(5)]


@pytest.mark.parametrize("text", ["KXHIGHNY-26DEC04-T45", "Will it snow in NYC?", "東京 rain", "bell\x07 tab\t", "é"])
def test_a_grid_column_is_widened_to_the_cells_its_text_takes_on_screen(text: str) -> None:
    assert shown_width(text) == cell_len(printable(text))
