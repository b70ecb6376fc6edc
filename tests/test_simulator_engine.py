"""The engine and sessions without sockets: determinism, books, the account, lifecycle, RFQs."""

from __future__ import annotations

import json
import re
from collections import defaultdict

import msgspec
import pytest

from app.core import protocol as p
from app.core.fixed import CENT, COUNT_SCALE, ONE_DOLLAR
from app.simulator.account import COMM_ID, Holding, trading_fee
from app.simulator.engine import Exchange
from app.simulator.session import subscriber_frames

ALL_CURRENT = [
    p.ORDERBOOK_DELTA, p.TICKER, p.TRADE, p.FILL, p.MARKET_POSITIONS, p.USER_ORDERS,
    p.MARKET_LIFECYCLE_V2, p.COMMUNICATIONS, p.ORDER_GROUP_UPDATES, p.MULTIVARIATE_MARKET_LIFECYCLE,
]
ALL_LEGACY = [p.MULTIVARIATE if c == p.MULTIVARIATE_MARKET_LIFECYCLE else c for c in ALL_CURRENT]
TICKER_SHAPE = re.compile(r"^KX[A-Z]+-\d{2}[A-Z]{3}(\d{2})?-[A-Z]+[0-9.]*$")


def _run(exchange: Exchange, steps: int, *, legacy: bool = False, markets: int = 3) -> list[str]:
    """Frames a subscriber to every channel receives over ``steps`` steps."""
    channels = ALL_LEGACY if legacy else ALL_CURRENT
    return subscriber_frames(exchange, channels, exchange.market_tickers()[:markets], steps)


# -- universe ------------------------------------------------------------------------------


def test_default_universe_looks_like_kalshi() -> None:
    exchange = Exchange()
    tickers = exchange.market_tickers()
    assert len(exchange.event_tickers()) == 20 and len(tickers) == 200
    assert len(set(tickers)) == 200
    assert [ticker for ticker in tickers if not TICKER_SHAPE.match(ticker)] == []
    assert tickers[0].startswith("KXFEDDECISION-") and tickers[0].endswith("-H0")
    titles = [event.title for event in exchange.universe.events.values()]
    assert any("[" in title for title in titles), "some exchange text would break Textual markup"
    ticks = {market.tick for market in exchange.universe.markets.values()}
    assert ticks == {CENT, CENT // 10}
    assert {market.tick for market in Exchange(legacy=True).universe.markets.values()} == {CENT}


def test_thousands_of_markets() -> None:
    exchange = Exchange(events=50, markets=2_000)
    assert len(set(exchange.market_tickers())) == 2_000
    for _ in range(500):
        exchange.step()


def test_universe_needs_a_market_per_event() -> None:
    with pytest.raises(ValueError):
        Exchange(events=5, markets=3)


# -- determinism ----------------------------------------------------------------------------


def test_same_seed_same_frames_other_seed_other_frames() -> None:
    first = _run(Exchange(seed=11, events=4, markets=20), 2_500)
    again = _run(Exchange(seed=11, events=4, markets=20), 2_500)
    other = _run(Exchange(seed=12, events=4, markets=20), 2_500)
    assert len(first) > 1_000 and first == again
    assert first[:1_000] != other[:1_000]


# -- books ----------------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
def test_books_never_cross_through_trading_and_settlement(legacy: bool) -> None:
    exchange = Exchange(seed=3, events=3, markets=9, legacy=legacy, settle_every=400)
    for _ in range(3_000):
        exchange.step()
        for ticker in exchange.active_tickers():
            yes, no = exchange.book_levels(ticker)
            assert not yes or not no or max(yes) + max(no) < ONE_DOLLAR
            tick = exchange.universe.markets[ticker].tick
            assert all(price % tick == 0 for price in [*yes, *no])
            if legacy:
                assert all(size % COUNT_SCALE == 0 for size in [*yes.values(), *no.values()])


@pytest.mark.parametrize("seed", [1, 2])
def test_an_order_group_triggered_mid_execution_leaves_the_later_matches_to_fill(seed: int) -> None:
    # Both seeds used to hit a group trigger while one taker swept several of the account's
    # resting orders: the trigger cancelled a maker already matched (assertion) or half matched
    # (KeyError at its fill) and the market task died.
    exchange = Exchange(seed=seed, events=20, markets=200)
    for _ in range(9_000):
        exchange.step()
    for order_id, order in exchange.account.orders.items():
        group = exchange.account.groups.get(order.group_id) if order.group_id else None
        resting = exchange.markets[order.ticker].book.order(order_id)
        assert resting is not None or order.remaining == 0, order_id
        assert group is None or not group.triggered, f"{order_id} rests in a triggered group"


def test_trades_match_the_taker_side_and_the_book() -> None:
    exchange = Exchange(seed=5, events=2, markets=4)
    frames = _run(exchange, 2_000, markets=4)
    messages = [p.parse(frame) for frame in frames]
    trades = [m for m in messages if isinstance(m, p.Trade)]
    assert trades and {t.taker_side for t in trades} == {"yes", "no"}
    for trade in trades:
        assert trade.yes_price + trade.no_price == ONE_DOLLAR and trade.count > 0


# -- the account ----------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
def test_fills_user_orders_and_positions_agree(legacy: bool) -> None:
    exchange = Exchange(seed=9, events=2, markets=8, legacy=legacy, settle_every=1_500)
    messages = [p.parse(frame) for frame in _run(exchange, 6_000, legacy=legacy)]
    position: dict[str, int] = defaultdict(int)
    fees: dict[str, int] = defaultdict(int)
    volume: dict[str, int] = defaultdict(int)
    order_fills: dict[str, list[p.Fill]] = defaultdict(list)
    last_position: dict[str, p.MarketPosition] = {}
    checked_orders = 0
    for m in messages:
        if isinstance(m, p.MarketLifecycle) and m.event_type == "settled":
            position[m.market_ticker] = 0
        elif isinstance(m, p.Fill):
            position[m.market_ticker] += m.count if m.outcome_side == "yes" else -m.count
            fees[m.market_ticker] += m.fee_cost
            volume[m.market_ticker] += m.count
            order_fills[m.order_id].append(m)
            assert m.post_position == position[m.market_ticker]
            assert m.fee_cost == trading_fee(m.count, _paid(m.outcome_side, m.yes_price), taker=m.is_taker)
        elif isinstance(m, p.UserOrder):
            fills = order_fills[m.order_id]
            assert m.fill_count == sum(f.count for f in fills)
            assert m.fill_cost == sum(f.count * _paid(f.outcome_side, f.yes_price) for f in fills)
            assert m.fees == sum(f.fee_cost for f in fills)
            if m.status == "resting":
                assert m.fill_count + m.remaining_count == m.initial_count
            else:
                assert m.remaining_count == 0
            checked_orders += 1
        elif isinstance(m, p.MarketPosition):
            assert (m.position, m.fees_paid, m.volume) == (
                position[m.market_ticker], fees[m.market_ticker], volume[m.market_ticker]
            )
            last_position[m.market_ticker] = m
    assert checked_orders > 50 and len(last_position) >= 3
    assert any(m.realized_pnl for m in last_position.values())
    for ticker, m in last_position.items():
        truth = exchange.account.position_event(ticker)
        assert (m.position, m.position_cost, m.realized_pnl, m.fees_paid, m.volume) == (
            truth.position, truth.position_cost, truth.realized_pnl, truth.fees_paid, truth.volume
        )


def _paid(side: str | None, yes_price: int) -> int:
    return yes_price if side == "yes" else ONE_DOLLAR - yes_price


def test_holding_closes_the_other_side_first_and_settles() -> None:
    holding = Holding()
    holding.buy("yes", 4000, 300, fee=10_000)  # 3 yes at $0.40
    holding.buy("no", 5000, 100, fee=10_000)  # closes 1 yes: a pair worth $1 cost $0.90
    assert (holding.position, holding.cost, holding.realized_pnl) == (200, 800_000, 100_000)
    holding.buy("no", 7000, 500, fee=0)  # closes 2 yes: $1 - $0.70 - $0.40 = -$0.10 each
    assert (holding.position, holding.cost, holding.realized_pnl) == (-300, 2_100_000, -100_000)
    holding.settle("no")
    assert (holding.position, holding.cost, holding.realized_pnl) == (0, 0, 800_000)
    assert holding.fees_paid == 20_000 and holding.volume == 900


def test_fee_is_rounded_up_to_the_cent() -> None:
    assert trading_fee(100 * COUNT_SCALE, 5000, taker=True) == 1_750_000  # 100 at 50c: $1.75
    assert trading_fee(1 * COUNT_SCALE, 5000, taker=True) == 20_000  # $0.0175 -> $0.02
    assert trading_fee(16, 4150, taker=False) == 10_000  # 0.16 contracts: a cent


# -- the reference's integers -----------------------------------------------------------------


def test_legacy_integer_fields_say_exactly_what_the_strings_say() -> None:
    exchange = Exchange(seed=4, events=2, markets=6, legacy=True, settle_every=700)
    frames = _run(exchange, 2_500, legacy=True)
    compared = 0
    for frame in frames:
        raw = json.loads(frame)
        body = raw.get("msg")
        if not isinstance(body, dict) or raw["type"] in ("subscribed", "error"):
            continue
        stripped = {k: v for k, v in body.items() if not k.endswith(("_dollars", "_fp"))}
        full, integers = p.parse(frame), p.parse(json.dumps({**raw, "msg": stripped}))
        full_fields, int_fields = msgspec.structs.asdict(full), msgspec.structs.asdict(integers)
        for name, value in int_fields.items():
            if value is not None and value != ():
                assert full_fields[name] == value, (raw["type"], name)
        compared += 1
    assert compared > 1_000


def test_current_form_has_no_integer_prices_or_counts() -> None:
    frames = _run(Exchange(seed=4, events=2, markets=6, settle_every=700), 2_500)
    banned = {"price", "yes_price", "no_price", "count", "delta", "yes", "no", "position", "volume",
              "position_cost", "realized_pnl", "fees_paid", "contracts", "target_cost", "yes_bid", "no_bid"}
    for frame in frames:
        body = json.loads(frame).get("msg")
        if isinstance(body, dict):
            assert not banned & set(body), frame


# -- lifecycle, RFQs, order groups, multivariate -----------------------------------------------


def test_markets_settle_and_new_ones_are_listed_with_metadata() -> None:
    exchange = Exchange(seed=2, events=3, markets=9, settle_every=300)
    messages = [p.parse(f) for f in _run(exchange, 1_000)]
    lifecycle = [m for m in messages if isinstance(m, p.MarketLifecycle)]
    kinds = {m.event_type for m in lifecycle}
    assert {"determined", "settled", "created", "activated", "close_date_updated"} <= kinds
    for settled in (m for m in lifecycle if m.event_type == "settled"):
        assert settled.result in ("yes", "no")
        assert settled.settlement_value == (ONE_DOLLAR if settled.result == "yes" else 0)
        assert exchange.ticker_state(settled.market_ticker)["status"] == "settled"
        assert exchange.book_levels(settled.market_ticker) == ({}, {})
    created = [m for m in lifecycle if m.event_type == "created"]
    assert created and all(m.metadata and m.metadata["title"] and m.close_ts for m in created)
    listed = [m for m in created if not isinstance(m, p.MultivariateMarketLifecycle)]
    assert all(m.market_ticker in exchange.market_tickers() for m in listed)
    events = [m for m in messages if isinstance(m, p.EventLifecycle)]
    assert events and all(m.event_ticker in exchange.event_tickers() for m in events)
    fees = [m for m in messages if isinstance(m, p.EventFeeUpdate)]
    assert fees and all(m.event_ticker in exchange.event_tickers() and m.details for m in fees)
    assert len(exchange.market_tickers()) > 9


def test_lifecycle_never_flatters_a_client_that_skips_rest() -> None:
    """As on the exchange: events that existed before are never announced again, and a market's
    title comes only in its ``created`` message (a client learns the rest from REST)."""
    exchange = Exchange(seed=2, events=3, markets=9, settle_every=300)
    existing_events, existing_markets = set(exchange.event_tickers()), set(exchange.market_tickers())
    messages = [p.parse(f) for f in _run(exchange, 1_000)]
    announced = {m.event_ticker for m in messages if isinstance(m, p.EventLifecycle)}
    assert announced and not announced & existing_events
    lifecycle = [m for m in messages if isinstance(m, p.MarketLifecycle)]
    titled = [m for m in lifecycle if m.metadata and m.metadata.get("title")]
    assert titled and all(m.event_type == "created" for m in titled)
    assert not {m.market_ticker for m in lifecycle if m.event_type == "created"} & existing_markets


def test_rfqs_quotes_and_executions_hang_together() -> None:
    exchange = Exchange(seed=6, events=2, markets=6)
    messages = [p.parse(f) for f in _run(exchange, 6_000)]
    created = {m.rfq_id for m in messages if isinstance(m, p.RfqCreated)}
    quotes = {m.quote_id: m for m in messages if isinstance(m, p.QuoteCreated)}
    executed = [m for m in messages if isinstance(m, p.QuoteExecuted)]
    accepted = [m for m in messages if isinstance(m, p.QuoteAccepted)]
    assert created and quotes and executed and len(accepted) == len(executed)
    assert all(q.rfq_id in created for q in quotes.values())
    assert all(m.quote_id in quotes and m.accepted_side in ("yes", "no") for m in accepted)
    # an execution names the user's order from the quote, whose fill follows (on the fill channel's
    # markets)
    fills = {(m.order_id, m.client_order_id) for m in messages if isinstance(m, p.Fill)}
    assert all(m.quote_id in quotes and m.order_id and m.client_order_id for m in executed)
    assert any((m.order_id, m.client_order_id) in fills for m in executed)
    assert all(m.yes_bid + m.no_bid < ONE_DOLLAR for m in quotes.values())
    deleted = [m.rfq_id for m in messages if isinstance(m, p.RfqDeleted)]
    assert set(deleted) <= created and len(deleted) == len(set(deleted))
    assert all(m.rfq_id in deleted for m in executed), "an executed RFQ closes"


def test_order_groups_and_multivariate_lookups() -> None:
    messages = [p.parse(f) for f in _run(Exchange(seed=8, events=2, markets=6), 8_000)]
    groups = [m for m in messages if isinstance(m, p.OrderGroupUpdate)]
    assert {"created", "limit_updated", "reset", "deleted"} <= {m.event_type for m in groups}
    created = {m.order_group_id for m in groups if m.event_type == "created"}
    assert all(m.order_group_id in created for m in groups)
    lookups = [m for m in messages if isinstance(m, p.MultivariateMarketLifecycle)]
    assert lookups and all(m.market_ticker.startswith(m.event_ticker) for m in lookups)


def test_the_simulator_sends_every_users_rfqs_unless_asked_for_the_users_own() -> None:
    def creators(**params: object) -> set[str]:
        frames = subscriber_frames(Exchange(seed=6, events=2, markets=6), [p.COMMUNICATIONS], None, 6_000, **params)
        return {m.creator_id for m in map(p.parse, frames) if isinstance(m, (p.RfqCreated, p.RfqDeleted))}

    everyone = creators()
    assert COMM_ID in everyone and len(everyone) > 1
    assert creators(user_filter="self") == {COMM_ID}


def test_the_simulated_activity_never_cancels_a_traders_order() -> None:
    # The engine's random cancels (the crowd's, and the simulated account's own) used to pick any
    # of the account's orders, the trader's included: an order sent through the REST API went away
    # by itself (the order bench saw one press in ~100 never rest). Matching may still fill them.
    exchange = Exchange(seed=3, events=2, markets=4, settle_every=0)
    sent = []
    for ticker in exchange.active_tickers():
        yes_bids, _no_bids = exchange.book_levels(ticker)
        price = max(min(yes_bids) - exchange.markets[ticker].market.tick, CENT) if yes_bids else CENT
        order, _events = exchange.place_account_order(ticker, "yes", price, COUNT_SCALE, f"trader-{ticker}",
                                                      immediate=False)
        sent.append(order)
    for _ in range(20_000):
        exchange.step()
    assert {order.reason for order in sent} <= {"placed", "filled"}
    assert all(order.order_id in exchange.account.orders for order in sent if order.status == "resting")
