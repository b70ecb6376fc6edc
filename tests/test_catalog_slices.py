"""The catalog from the simulator's REST API goes into the state in slices of a few milliseconds,
the event loop running between them (a frame, the socket), not a page at a time."""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from collections.abc import Iterator

import pytest
from rich.cells import cell_len

from app.core.catalog import CatalogEvent, CatalogMarket
from app.core.catalog_state import apply_catalog
from app.core.sanitize import printable
from app.core.state import Kind, MarketState
from app.core.time_slices import TimeSlices
from app.feed.recording import RecordedResponse
from app.rest.catalog import ParsedEvent, load_catalog
from app.rest.client import RestClient, rest_base_url
from app.rest.recorded import RecordedRest
from app.rest.sync import ExchangeSync
from app.simulator import SimConfig, Simulator
from app.tui.main import KalshiDashApp
from tests.ui_states import until
from widgets.tables.cells import shown_width

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


async def test_a_page_is_not_applied_in_the_turn_of_the_loop_that_decoded_it() -> None:
    """The page's JSON is decoded in the callback that hands it over: the first slice waits for
    the loop's rest, so a frame can come between the decode and the first events applied."""
    turned: list[bool] = []
    taken: list[bool] = []

    def events() -> Iterator[ParsedEvent]:
        taken.append(bool(turned))
        market = CatalogMarket("KXA-1", "KXA", title="Bitcoin above 1")
        yield CatalogEvent("KXA", "KXA", "Bitcoin", markets=(market.ticker,)), [market]

    state = MarketState()
    sync = ExchangeSync(RecordedRest([]), state, lambda kinds: None, lambda line: None, apply_rest=0.0)
    asyncio.get_running_loop().call_soon(turned.append, True)
    await sync._apply_page(events())
    assert taken == [True]
    assert state.markets["KXA-1"].title == "Bitcoin above 1"


class FakeTime:
    """A clock that moves only when slept on: by the rest asked, plus what ``busy`` says other
    callbacks held the loop for after it."""

    def __init__(self, busy: list[float]) -> None:
        self.now = 0.0
        self.busy = busy
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds + (self.busy.pop(0) if self.busy else 0.0)


@pytest.mark.parametrize(("busy", "sleeps"), [
    ([0.003], [0.008]),  # a frame or a read of the feed meanwhile: one rest
    ([0.007], [0.008]),  # later than a slice's budget, not another rest: one rest
    ([0.015], [0.008, 0.008]),  # a 15 ms callback held the loop: a second rest for a frame
    ([0.015, 0.015, 0.015], [0.008, 0.008]),  # still busy: no third, the work goes on
])
async def test_a_rest_that_comes_back_late_is_given_once_more(busy: list[float], sleeps: list[float]) -> None:
    fake = FakeTime(busy)
    slices = TimeSlices(0.004, 0.008, clock=fake.clock, sleep=fake.sleep)
    await slices.pause()
    assert fake.sleeps == sleeps
    assert not slices.spent()  # the next slice starts after the rests
    fake.now += 0.004
    assert slices.spent()


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


def recorded_catalog(pages: int) -> RecordedRest:
    """``pages`` pages of one event each, chained by their cursors, as a recording answers them."""
    answers = [RecordedResponse(0.0, "/series", {}, {"series": []})]
    for page in range(pages):
        event = {"event_ticker": f"KXP{page}", "title": f"Page {page}",
                 "markets": [{"ticker": f"KXP{page}-1", "title": f"Market {page}"}]}
        answers.append(RecordedResponse(0.0, "/events", {}, {"events": [event], "cursor": f"c{page + 1}"
                                                              if page + 1 < pages else ""}))
    return RecordedRest(answers)


async def test_the_next_page_is_asked_for_while_a_page_is_applied() -> None:
    client = recorded_catalog(3)
    asked_while_applying: list[int] = []

    async def on_page(events: Iterator[ParsedEvent]) -> None:
        before = client.requests
        async with asyncio.timeout(5):
            while client.requests == before and client.has("/events"):
                await asyncio.sleep(0)
        asked_while_applying.append(client.requests - before)
        list(events)

    await load_catalog(client, on_page)
    assert asked_while_applying == [1, 1, 0]  # the last page has no next one


async def test_a_page_that_fails_to_apply_leaves_no_request_running() -> None:
    client = recorded_catalog(3)

    async def on_page(events: Iterator[ParsedEvent]) -> None:
        raise RuntimeError("applying failed")

    with pytest.raises(RuntimeError):
        await load_catalog(client, on_page)
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_with_frames_known_a_slice_starts_only_in_the_window_after_a_frame() -> None:
    fake = FakeTime([])
    frames: list[float] = []

    async def after_frame() -> None:
        fake.now += 0.020  # the next frame is drawn 20 ms on
        frames.append(fake.now)

    slices = TimeSlices(0.002, 0.004, clock=fake.clock, sleep=fake.sleep, after_frame=after_frame, window=0.008)
    await slices.pause()  # no frame seen yet: the rest, then the next frame
    assert frames == [0.024] and fake.sleeps == [0.004]
    fake.now += 0.002
    await slices.pause()  # the rest ends 6 ms after the frame, in the window: the slice starts
    assert frames == [0.024] and fake.sleeps == [0.004, 0.004]
    fake.now += 0.002
    await slices.pause()  # 12 ms after it, past the window: the next frame first
    assert frames == pytest.approx([0.024, 0.056]) and fake.sleeps == [0.004] * 3
    assert not slices.spent()
