"""The event view's numbers: membership, strike order, sums of yes asks and bids, verdicts."""

from __future__ import annotations

from fractions import Fraction

from app.core import protocol as p
from app.core.catalog import CatalogEvent, CatalogMarket
from app.core.catalog_state import apply_catalog
from app.core.event_view import Verdict, event_members, event_of, order_strikes, strike_label, summarize
from app.core.state import MarketState
from tests.ui_states import scenario


def ticker(state: MarketState, market: str, bid: int | None, ask: int | None, last: int | None = None,
           volume: int = 0) -> None:
    state.apply(p.Ticker(market_ticker=market, price=last, yes_bid=bid, yes_ask=ask, volume=volume))


def exclusive_event(state: MarketState, event: str, kind: str = "MECNET") -> None:
    state.apply(p.EventLifecycle(event_ticker=event, title="High [°F] in NYC", collateral_return_type=kind))


def listed(state: MarketState, event: str, strikes: list[str], exclusive: bool | None = True) -> None:
    """The catalog lists ``event`` with markets ``event-strike`` for each of ``strikes``."""
    markets = [CatalogMarket(f"{event}-{strike}", event) for strike in strikes]
    apply_catalog(state, [CatalogEvent(event, title="High [°F] in NYC", mutually_exclusive=exclusive,
                                       markets=tuple(m.ticker for m in markets))], markets)


def test_event_comes_from_lifecycle_metadata_else_from_the_ticker() -> None:
    state = MarketState()
    assert event_of(state, "KXHIGHNY-25NOV27-B51") == "KXHIGHNY-25NOV27"
    assert event_of(state, "PLAIN") == "PLAIN"
    state.apply(p.MarketLifecycle(market_ticker="ODD-NAME", event_type="created",
                                  metadata={"event_ticker": "KXEVENT-1"}))
    assert event_of(state, "ODD-NAME") == "KXEVENT-1"
    assert strike_label("KXHIGHNY-25NOV27", "KXHIGHNY-25NOV27-B51") == "B51"
    assert strike_label("KXEVENT-1", "ODD-NAME") == "ODD-NAME"


def test_strikes_sort_by_strike_value_whatever_their_letters() -> None:
    assert order_strikes(["B53", "B49", "B51.5"]) == ["B49", "B51.5", "B53"]
    assert order_strikes(["T100000", "T98000"]) == ["T98000", "T100000"]
    # mixed letters, first seen out of order: a threshold below, buckets, a threshold above
    assert order_strikes(["T55", "B49.5", "T48", "B51.5"]) == ["T48", "B49.5", "B51.5", "T55"]
    # a Fed decision's cuts lie below the hold, hikes above it
    assert order_strikes(["H0", "C25", "C50", "H25"]) == ["C50", "C25", "H0", "H25"]
    assert order_strikes(["ANO", "B2", "BRU", "B1"]) == ["B1", "B2", "ANO", "BRU"]  # unnumbered last, as seen


def test_members_of_an_event_and_no_other() -> None:
    state = MarketState()
    for market in ("KXA-1-B53", "KXA-1-B49", "KXB-1-B50", "KXA-1-B51"):
        ticker(state, market, 1000, 2000)
    assert event_members(state, "KXA-1") == ["KXA-1-B49", "KXA-1-B51", "KXA-1-B53"]


def test_over_round_when_every_yes_costs_more_than_a_dollar() -> None:
    state = MarketState()
    listed(state, "KXA-1", ["B1", "B2", "B3"])
    ticker(state, "KXA-1-B1", 2900, 3100, last=3000, volume=1200)
    ticker(state, "KXA-1-B2", 3900, 4100)
    ticker(state, "KXA-1-B3", 2800, 3000)
    summary = summarize(state, "KXA-1")
    assert summary.exclusive is True and summary.title == "High [°F] in NYC"
    assert (summary.ask_sum, summary.bid_sum) == (10_200, 9_600)
    assert summary.over_round == 200
    assert summary.verdicts() == [Verdict.OVER_ROUND] and not summary.arbitrage
    assert summary.rows[0].implied == Fraction(3000) and summary.rows[0].volume == 1200


def test_asks_below_a_dollar_are_a_buy_arbitrage_and_bids_above_a_sell_arbitrage() -> None:
    state = MarketState()
    listed(state, "KXA-1", ["B1", "B2", "B3"])
    ticker(state, "KXA-1-B1", 3000, 3100)
    ticker(state, "KXA-1-B2", 3000, 3100)
    ticker(state, "KXA-1-B3", 3000, 3100)
    assert summarize(state, "KXA-1").verdicts() == [Verdict.BUY_ARBITRAGE]
    ticker(state, "KXA-1-B3", 4100, 4200)
    summary = summarize(state, "KXA-1")
    assert summary.verdicts() == [Verdict.OVER_ROUND, Verdict.SELL_ARBITRAGE] and summary.arbitrage


def test_a_missing_ask_leaves_the_ask_sum_incomplete_but_bids_still_count() -> None:
    state = MarketState()
    listed(state, "KXA-1", ["B1", "B2"])
    ticker(state, "KXA-1-B1", 6000, None, last=6100)
    ticker(state, "KXA-1-B2", 4500, 4700)
    summary = summarize(state, "KXA-1")
    assert summary.over_round is None and summary.asks_missing == 1
    assert summary.verdicts() == [Verdict.INCOMPLETE, Verdict.SELL_ARBITRAGE]
    assert summary.rows[0].implied == Fraction(6100)  # no ask: the last price


def test_the_implied_probability_never_leaves_the_bid_and_ask() -> None:
    """Without one side of the quote the last price stands in, moved within the side known:
    never ``Implied 8%`` beside ``Yes ask 3¢``."""
    state = MarketState()
    ticker(state, "KXA-1-B1", None, 300, last=800)
    ticker(state, "KXA-1-B2", 5000, None, last=4000)
    ticker(state, "KXA-1-B3", None, 7000, last=6500)
    rows = summarize(state, "KXA-1").rows
    assert [row.implied for row in rows] == [Fraction(300), Fraction(5000), Fraction(6500)]


def settle(state: MarketState, market: str, result: str) -> None:
    state.apply(p.MarketLifecycle(market_ticker=market, event_type="settled", result=result,
                                  settlement_value=10_000 if result == "yes" else 0))


def test_a_settled_event_shows_its_result_and_no_sums() -> None:
    state = MarketState()
    listed(state, "KXA-1", ["B1", "B2", "B3"])
    for strike, (bid, ask) in {"B1": (2900, 3100), "B2": (3900, 4100), "B3": (2800, 3000)}.items():
        ticker(state, f"KXA-1-{strike}", bid, ask)
    for strike in ("B1", "B3"):
        settle(state, f"KXA-1-{strike}", "no")
    partly = summarize(state, "KXA-1")
    assert partly.verdicts() == [Verdict.INCOMPLETE]  # settled strikes have no quote to buy
    settle(state, "KXA-1-B2", "yes")
    summary = summarize(state, "KXA-1")
    assert summary.verdicts() == [Verdict.SETTLED] and summary.over_round is None
    assert summary.winners == ["B2"]
    assert [(r.yes_bid, r.yes_ask, r.result) for r in summary.rows] == [(None, None, "NO"), (None, None, "YES"),
                                                                         (None, None, "NO")]
    assert [r.implied for r in summary.rows] == [0, 10_000, 0]


def test_strikes_that_are_not_exclusive_have_no_verdict_but_that() -> None:
    state = MarketState()
    exclusive_event(state, "KXA-1", "DIRECNET")
    ticker(state, "KXA-1-T1", 9000, 9100)
    ticker(state, "KXA-1-T2", 6000, 6100)
    assert summarize(state, "KXA-1").verdicts() == [Verdict.NOT_EXCLUSIVE]


def test_the_simulators_events_group_their_markets() -> None:
    sim = scenario(steps=200)
    events = {event_of(sim.state, t) for t in sim.tickers}
    assert events == set(sim.exchange.universe.events)
    for event, info in sim.exchange.universe.events.items():
        assert set(event_members(sim.state, event)) == set(info.markets)


def test_no_verdict_while_exclusivity_is_unknown() -> None:
    state = MarketState()
    listed(state, "KXA-1", ["B1", "B2"], exclusive=None)
    ticker(state, "KXA-1-B1", 3000, 3100)
    ticker(state, "KXA-1-B2", 3000, 3100)  # asks add up to 62c: an arbitrage, if exclusive
    summary = summarize(state, "KXA-1")
    assert summary.exclusive is None and summary.verdicts() == [Verdict.EXCLUSIVITY_UNKNOWN]
    assert not summary.arbitrage


def test_no_verdict_on_a_partial_set_of_strikes() -> None:
    """Lifecycle says exclusive, but without the catalog only the strikes seen so far are known:
    their sum is not the event's."""
    state = MarketState()
    exclusive_event(state, "KXA-1")
    ticker(state, "KXA-1-B1", 3000, 3100)
    ticker(state, "KXA-1-B2", 3000, 3100)
    summary = summarize(state, "KXA-1")
    assert summary.exclusive is True and not summary.strikes_known
    assert summary.verdicts() == [Verdict.STRIKES_UNKNOWN] and not summary.arbitrage
    listed(state, "KXA-1", ["B1", "B2", "B3"])  # the catalog names a third strike, not priced yet
    summary = summarize(state, "KXA-1")
    assert summary.strikes_known and [row.ticker for row in summary.rows][-1] == "KXA-1-B3"
    assert summary.verdicts() == [Verdict.INCOMPLETE] and not summary.arbitrage


def test_catalog_strikes_are_labelled_by_sub_title_and_ordered_by_value() -> None:
    state = MarketState()
    markets = [CatalogMarket(f"KXB-1-T{v}", "KXB-1", yes_sub_title=f"Above {v}", floor_strike=str(v))
               for v in (100, 25, 3)]
    apply_catalog(state, [CatalogEvent("KXB-1", mutually_exclusive=False,
                                       markets=tuple(m.ticker for m in markets))], markets)
    assert event_members(state, "KXB-1") == ["KXB-1-T3", "KXB-1-T25", "KXB-1-T100"]
    summary = summarize(state, "KXB-1")
    assert [row.label for row in summary.rows] == ["Above 3", "Above 25", "Above 100"]
    assert summary.verdicts() == [Verdict.NOT_EXCLUSIVE]
