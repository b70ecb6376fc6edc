"""An event's markets are priced together: exclusive strikes add up to $1, thresholds fall."""

from __future__ import annotations

import random

import pytest

from app.core.event_view import Verdict, summarize
from app.core.fixed import CENT, ONE_DOLLAR
from app.simulator.engine import Exchange
from app.simulator.matching import NO, YES
from app.simulator.pricing import ExclusivePricing, ThresholdPricing
from app.simulator.universe import SUB_CENT_TICK
from tests.ui_states import scenario

FAIR_BAND = 2 * CENT  # an exclusive event's fair values add up to $1 within this
STEPS = 6_000
EVERY = 40


def _open_events(exchange: Exchange):
    """The events whose markets are still trading (not settled), with their markets."""
    for event_ticker in exchange.event_tickers():
        event = exchange.universe.events[event_ticker]
        sims = [exchange.markets[ticker] for ticker in event.markets]
        if all(sim.status != "settled" for sim in sims):
            yield event, sims


def _check(exchange: Exchange) -> tuple[int, int]:
    """Assert every open event is coherent now; (exclusive, threshold) events seen."""
    exclusive = threshold = 0
    for event, sims in _open_events(exchange):
        fairs = [sim.fair for sim in sims]
        for sim in sims:
            assert sim.fair % sim.market.tick == 0 and 0 < sim.fair < ONE_DOLLAR
        if event.mutually_exclusive:
            exclusive += 1
            assert abs(sum(fairs) - ONE_DOLLAR) <= FAIR_BAND, (event.event_ticker, fairs)
            bids = sum(sim.book.best(YES) or 0 for sim in sims)
            asks = sum(ONE_DOLLAR - (sim.book.best(NO) or 0) for sim in sims)
            assert bids <= ONE_DOLLAR <= asks, (event.event_ticker, bids, asks)
        else:
            threshold += 1
            assert fairs == sorted(fairs, reverse=True), (event.event_ticker, fairs)
    return exclusive, threshold


@pytest.mark.parametrize(("seed", "events", "markets", "legacy"), [
    (1, 20, 200, False), (7, 20, 200, False), (23, 20, 200, True), (5, 7, 21, False),
    (11, 4, 12, False), (99, 14, 70, False),
])
def test_every_event_stays_coherent_step_after_step(seed: int, events: int, markets: int, legacy: bool) -> None:
    exchange = Exchange(seed, events, markets, legacy=legacy, settle_every=500)
    seen = _check(exchange)
    assert all(seen)
    for step in range(1, STEPS + 1):
        exchange.step()
        if step % EVERY == 0:
            _check(exchange)
    assert exchange.steps == STEPS and len(exchange.event_tickers()) > events  # some settled


def test_pricing_is_deterministic_under_the_seed() -> None:
    def fairs(seed: int) -> list[int]:
        exchange = Exchange(seed)
        for _ in range(2_000):
            exchange.step()
        return [exchange.markets[ticker].fair for ticker in exchange.market_tickers()]

    assert fairs(3) == fairs(3) != fairs(4)


@pytest.mark.parametrize("seed", range(30))
def test_pricing_models_alone(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(1, 12)
    ticks = [rng.choice((CENT, SUB_CENT_TICK)) for _ in range(count)]
    exclusive, threshold = ExclusivePricing(rng, ticks), ThresholdPricing(rng, ticks)
    for _ in range(3_000):
        index = rng.randrange(count)
        shares, curve = exclusive.step(rng, index), threshold.step(rng, index)
        assert all(2 * tick <= fair <= ONE_DOLLAR - 2 * tick for fair, tick in zip(shares, ticks))
        if count > 1:
            assert abs(sum(shares) - ONE_DOLLAR) <= FAIR_BAND
        assert curve == sorted(curve, reverse=True)
        assert all(2 * CENT <= fair <= ONE_DOLLAR - 2 * CENT for fair in curve)


def test_the_event_view_sees_an_over_round_not_an_arbitrage() -> None:
    sim = scenario(steps=0)
    for _ in range(30):
        sim.run(100)
        for event in sim.exchange.event_tickers():
            if not sim.exchange.universe.events[event].mutually_exclusive:
                continue
            summary = summarize(sim.state, event)
            if summary.rows and not summary.asks_missing:
                assert not summary.arbitrage, (event, summary.verdicts())
                assert Verdict.OVER_ROUND in summary.verdicts()
