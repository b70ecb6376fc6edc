"""MarketState: every message kind, built from real frames in both wire forms."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from typing import Any

import pytest

from app.core import protocol as p
from app.core.book import NO, YES, BookInconsistency
from app.core.state import DEFAULT_TRADE_CAPACITY, BookStatus, Kind, MarketState


def msg(kind: str, body: dict[str, Any] | None = None, **envelope: Any) -> p.ServerMessage:
    """The parsed message of a frame of type ``kind`` carrying ``body``."""
    data: dict[str, Any] = {"type": kind, **envelope}
    if body is not None:
        data["msg"] = body
    return p.parse(json.dumps(data))


def snapshot(
    ticker: str = "M", yes: list[list[str]] | None = None, no: list[list[str]] | None = None
) -> p.ServerMessage:
    """A current-form snapshot; an omitted side is empty."""
    body: dict[str, Any] = {"market_ticker": ticker}
    if yes is not None:
        body["yes_dollars_fp"] = yes
    if no is not None:
        body["no_dollars_fp"] = no
    return msg("orderbook_snapshot", body, sid=1, seq=1)


def delta(price: str, change: str, side: str = "yes", ticker: str = "M") -> p.ServerMessage:
    """A current-form delta."""
    return msg("orderbook_delta", {"market_ticker": ticker, "price_dollars": price, "delta_fp": change, "side": side})


def ticker_msg(ticker: str, price: str, bid: str, ask: str) -> p.ServerMessage:
    """A current-form ticker with sizes on both sides."""
    return msg("ticker", {
        "market_ticker": ticker, "price_dollars": price, "yes_bid_dollars": bid, "yes_ask_dollars": ask,
        "yes_bid_size_fp": "10.00", "yes_ask_size_fp": "10.00",
    })


def trade(n: int, ticker: str = "M", price: str = "0.4150", count: str = "1.00") -> p.ServerMessage:
    """A current-form trade numbered ``n``."""
    return msg("trade", {
        "trade_id": f"t-{n}", "market_ticker": ticker, "yes_price_dollars": price, "count_fp": count,
        "taker_outcome_side": "yes", "ts_ms": n,
    })


# -- books ------------------------------------------------------------------------------------------------


def test_snapshot_builds_a_live_book() -> None:
    state = MarketState()
    assert not state.is_live("M")
    kind = state.apply(snapshot(yes=[["0.4150", "12.50"]], no=[["0.5500", "0.16"]]))
    assert kind == Kind.BOOK
    assert state.is_live("M")
    assert state.books["M"].levels(YES) == {4150: 1250}
    assert state.books["M"].levels(NO) == {5500: 16}


def test_delta_updates_the_book() -> None:
    state = MarketState()
    state.apply(snapshot(yes=[["0.4150", "12.50"]]))
    assert state.apply(delta("0.4150", "-12.50")) == Kind.BOOK
    assert state.apply(delta("0.4000", "0.16", side="no")) == Kind.BOOK
    assert state.books["M"].levels(YES) == {}
    assert state.books["M"].levels(NO) == {4000: 16}


def test_delta_before_snapshot_raises_and_creates_nothing() -> None:
    state = MarketState()
    with pytest.raises(BookInconsistency, match="before the book's snapshot"):
        state.apply(delta("0.4150", "1.00"))
    assert "M" not in state.books


@pytest.mark.parametrize(
    ("status", "change"),
    [
        (BookStatus.AWAITING_SNAPSHOT, "1.00"),
        (BookStatus.RESYNCING, "1.00"),
        (BookStatus.STALE, "1.00"),
        (None, "-1.01"),  # live, but the size would go negative
    ],
)
def test_delta_that_does_not_fit_raises_and_leaves_the_book(status: BookStatus | None, change: str) -> None:
    state = MarketState()
    state.apply(snapshot(yes=[["0.4150", "1.00"]]))
    if status is not None:
        state.set_book_status("M", status)
    assert state.is_live("M") == (status is None)
    with pytest.raises(BookInconsistency):
        state.apply(delta("0.4150", change))
    assert state.books["M"].levels(YES) == {4150: 100}


def test_new_snapshot_resyncs_a_book() -> None:
    state = MarketState()
    state.apply(snapshot(yes=[["0.4150", "1.00"]]))
    state.set_book_status("M", BookStatus.RESYNCING)
    state.apply(snapshot(no=[["0.3000", "2.00"]]))
    assert state.is_live("M")
    assert state.books["M"].levels(YES) == {}
    assert state.books["M"].levels(NO) == {3000: 200}


def test_forget_book() -> None:
    state = MarketState()
    state.apply(snapshot(yes=[["0.4150", "1.00"]]))
    state.forget_book("M")
    assert "M" not in state.books and not state.is_live("M")


# -- tickers, trades --------------------------------------------------------------------------------------


def test_ticker_keeps_the_latest_and_the_change_since_first_seen() -> None:
    state = MarketState()
    assert state.apply(ticker_msg("M", "0.4000", "0.3900", "0.4100")) == Kind.TICKER
    state.apply(ticker_msg("M", "0.4150", "0.4100", "0.4200"))
    assert state.tickers["M"].price == 4150
    assert state.price_change("M") == 150
    assert state.price_change("OTHER") is None


def test_first_price_waits_for_a_ticker_with_a_price() -> None:
    state = MarketState()
    state.apply(msg("ticker", {"market_ticker": "M", "volume_fp": "1.00"}))
    assert state.price_change("M") is None
    state.apply(ticker_msg("M", "0.3000", "0.2900", "0.3100"))
    state.apply(ticker_msg("M", "0.3500", "0.3400", "0.3600"))
    assert state.price_change("M") == 500


def test_trades_ring_and_stats() -> None:
    state = MarketState()
    assert state.apply(trade(1, price="0.4150", count="0.16")) == Kind.TRADE
    state.apply(trade(2, price="0.4150", count="1.00"))
    state.apply(trade(3, price="0.4200", count="2.50"))
    assert [t.trade_id for t in state.trades] == ["t-1", "t-2", "t-3"]
    stats = state.trade_stats["M"]
    assert (stats.last_price, stats.last_size) == (4200, 250)
    assert stats.volume_by_price == {4150: 116, 4200: 250}


def test_trade_ring_is_bounded_and_keeps_the_newest() -> None:
    state = MarketState(trade_capacity=3)
    for n in range(1, 8):
        state.apply(trade(n))
    assert [t.trade_id for t in state.trades] == ["t-5", "t-6", "t-7"]
    assert state.trade_stats["M"].volume_by_price == {4150: 700}


def test_default_trade_capacity() -> None:
    assert DEFAULT_TRADE_CAPACITY == 5_000
    assert MarketState().trades.maxlen == 5_000


# -- account ----------------------------------------------------------------------------------------------


def test_fills_are_bounded() -> None:
    state = MarketState(fill_capacity=2)
    for n in range(3):
        kind = state.apply(msg("fill", {
            "trade_id": f"t-{n}", "market_ticker": "M", "yes_price_dollars": "0.50", "count_fp": "1.00",
            "outcome_side": "yes",
        }))
        assert kind == Kind.FILL
    assert [f.trade_id for f in state.fills] == ["t-1", "t-2"]


CENTI_CENT_POSITION = {
    "market_ticker": "FED-23DEC-T3.00", "position": 100, "position_cost": 500000, "realized_pnl": 100000,
    "fees_paid": 10000, "volume": 15,
}
DOLLARS_POSITION = {
    "market_ticker": "FED-23DEC-T3.00", "position_fp": "100.00", "position_cost_dollars": "50.000000",
    "realized_pnl_dollars": "10.00", "fees_paid_dollars": "1.0000", "volume_fp": "15.00",
}


def test_positions_from_centi_cents_and_dollars_give_equal_state() -> None:
    reference, current = MarketState(), MarketState()
    assert reference.apply(msg("market_position", CENTI_CENT_POSITION, sid=14)) == Kind.POSITION
    assert current.apply(msg("market_position", DOLLARS_POSITION, sid=14)) == Kind.POSITION
    assert reference.positions == current.positions
    position = current.positions["FED-23DEC-T3.00", 0]
    assert (position.position, position.position_cost, position.realized_pnl, position.fees_paid) == (
        10_000, 50_000_000, 10_000_000, 1_000_000
    )


def test_unrealized_pnl_of_a_yes_position_from_the_live_book() -> None:
    state = MarketState()
    state.apply(msg("market_position", CENTI_CENT_POSITION))  # 100 yes for $50
    assert state.unrealized_pnl("FED-23DEC-T3.00") is None  # no price yet
    state.apply(snapshot("FED-23DEC-T3.00", yes=[["0.4700", "1.00"]], no=[["0.5100", "1.00"]]))  # mid 48¢
    assert state.mid("FED-23DEC-T3.00") == 4800
    assert state.unrealized_pnl("FED-23DEC-T3.00") == 100 * 480_000 - 50_000_000


def test_unrealized_pnl_of_a_no_position_with_a_sub_unit_mid() -> None:
    state = MarketState()
    state.apply(msg("market_position", {"market_ticker": "M", "position_fp": "-2.50", "position_cost_dollars": "1.25"}))
    state.apply(ticker_msg("M", "0.4150", "0.4150", "0.4151"))  # mid 0.41505
    assert state.mid("M") == Fraction(8301, 2)
    # 2.5 no contracts worth (1 - 0.41505) each, minus $1.25: exact.
    assert state.unrealized_pnl("M") == 250 * (10_000 - Fraction(8301, 2)) - 1_250_000
    assert state.unrealized_pnl("M") == Fraction(1_462_375 - 1_250_000)


def test_mid_prefers_the_live_book_over_the_ticker() -> None:
    state = MarketState()
    state.apply(ticker_msg("M", "0.40", "0.30", "0.50"))
    assert state.mid("M") == 4000
    state.apply(snapshot(yes=[["0.4100", "1.00"]], no=[["0.5700", "1.00"]]))
    assert state.mid("M") == 4200
    state.set_book_status("M", BookStatus.STALE)
    assert state.mid("M") == 4000


def test_ticker_with_an_empty_side_gives_no_mid() -> None:
    state = MarketState()
    state.apply(msg("ticker", {
        "market_ticker": "M", "yes_bid_dollars": "0.9900", "yes_bid_size_fp": "1.00",
        "yes_ask_dollars": "1.0000", "yes_ask_size_fp": "0.00",
    }))
    assert state.mid("M") is None


def test_user_orders_and_order_groups() -> None:
    state = MarketState()
    order = {"order_id": "o-1", "ticker": "M", "status": "resting", "remaining_count_fp": "5.00"}
    assert state.apply(msg("user_order", order)) == Kind.ORDER
    state.apply(msg("user_order", {**order, "status": "executed", "remaining_count_fp": "0.00"}))
    assert state.orders["o-1"].status == "executed"
    assert state.orders["o-1"].remaining_count == 0
    kind = state.apply(msg("order_group_updates", {"event_type": "triggered", "order_group_id": "g"}, sid=2, seq=1))
    assert kind == Kind.ORDER | Kind.LIFECYCLE
    assert state.order_groups["g"].event_type == "triggered"
    assert state.lifecycle_log[-1] is state.order_groups["g"]


# -- RFQs -------------------------------------------------------------------------------------------------

QUOTE = {
    "quote_id": "q-1", "rfq_id": "r-1", "market_ticker": "M", "yes_bid_dollars": "0.35", "no_bid_dollars": "0.65",
    "yes_contracts_offered_fp": "100.00", "no_contracts_offered_fp": "200.00",
}


def test_rfq_quote_accepted_executed() -> None:
    state = MarketState()
    assert state.apply(msg("rfq_created", {
        "id": "r-1", "market_ticker": "M", "contracts_fp": "100.00", "target_cost_dollars": "0.35",
        "created_ts": "2026-01-01T00:00:00Z",
    })) == Kind.RFQ
    rfq = state.rfqs["r-1"]
    assert (rfq.status, rfq.contracts, rfq.target_cost, rfq.market_ticker) == ("open", 10_000, 350_000, "M")
    assert state.apply(msg("quote_created", QUOTE)) == Kind.RFQ
    assert state.apply(msg("quote_accepted", {**QUOTE, "accepted_side": "yes"})) == Kind.RFQ
    executed = {key: QUOTE[key] for key in ("quote_id", "rfq_id", "market_ticker")}
    assert state.apply(msg("quote_executed", {**executed, "order_id": "o-1", "client_order_id": "c-1",
                                              "executed_ts": "2026-12-01T10:05:00Z"})) == Kind.RFQ
    assert rfq.status == "executed"
    assert rfq.history == ["open", "quoted", "accepted", "executed"]
    quote = rfq.quotes["q-1"]
    assert quote.history == ["quoted", "accepted", "executed"]
    # the terms stay those of the acceptance; the execution names the user's order
    assert (quote.quote.yes_bid, quote.quote.accepted_side) == (3500, "yes")
    assert quote.executed is not None and (quote.executed.order_id, quote.executed.client_order_id) == ("o-1", "c-1")


def test_rfq_deleted_stays_deleted() -> None:
    state = MarketState()
    state.apply(msg("rfq_created", {"id": "r-1", "market_ticker": "M"}))
    state.apply(msg("quote_created", QUOTE))
    assert state.apply(msg("rfq_deleted", {"id": "r-1", "market_ticker": "M"})) == Kind.RFQ
    state.apply(msg("quote_accepted", QUOTE))
    rfq = state.rfqs["r-1"]
    assert rfq.status == "deleted"
    assert rfq.history == ["open", "quoted", "deleted"]
    assert rfq.quotes["q-1"].status == "accepted"


def test_quote_on_an_unseen_rfq_creates_it() -> None:
    state = MarketState()
    state.apply(msg("quote_created", QUOTE))
    assert state.rfqs["r-1"].status == "quoted"
    assert state.rfqs["r-1"].market_ticker == "M"


def test_rfqs_newest_first() -> None:
    state = MarketState()
    for rfq_id in ("a", "b", "c"):
        state.apply(msg("rfq_created", {"id": rfq_id}))
    state.apply(msg("quote_created", {**QUOTE, "rfq_id": "a"}))  # activity does not reorder
    assert [r.rfq_id for r in state.rfqs_newest_first()] == ["c", "b", "a"]


def test_the_rfq_store_is_bounded_evicting_the_longest_closed_first() -> None:
    state = MarketState(rfq_capacity=3)
    for rfq_id in ("a", "b", "c"):
        state.apply(msg("rfq_created", {"id": rfq_id, "market_ticker": "M"}))
    state.apply(msg("rfq_deleted", {"id": "b", "market_ticker": "M"}))
    state.apply(msg("rfq_deleted", {"id": "a", "market_ticker": "M"}))
    state.apply(msg("rfq_created", {"id": "d", "market_ticker": "M"}))
    assert list(state.rfqs) == ["a", "c", "d"]  # b closed first, so it went first
    state.apply(msg("quote_created", {**QUOTE, "rfq_id": "c"}))
    for rfq_id in ("e", "f"):
        state.apply(msg("rfq_created", {"id": rfq_id, "market_ticker": "M"}))
    # a (closed) went; then, nothing closed, the oldest without the user's quotes (d), never c
    assert [r.rfq_id for r in state.rfqs_newest_first()] == ["f", "e", "c"]


# -- lifecycle --------------------------------------------------------------------------------------------


def lifecycle(event_type: str, **fields: Any) -> p.ServerMessage:
    """A market_lifecycle_v2 message for market M."""
    return msg("market_lifecycle_v2", {"market_ticker": "M", "event_type": event_type, **fields}, sid=3, seq=1)


def test_lifecycle_title_and_times_from_metadata() -> None:
    state = MarketState()
    kind = state.apply(lifecycle(
        "created", open_ts=10, close_ts=20,
        additional_metadata={"title": "Rain [heavy] in NYC?", "event_ticker": "RAIN-25"},
    ))
    assert kind == Kind.LIFECYCLE
    info = state.markets["M"]
    assert (info.title, info.event_ticker, info.status, info.open_ts, info.close_ts) == (
        "Rain [heavy] in NYC?", "RAIN-25", "created", 10, 20
    )
    assert state.title("M") == "Rain [heavy] in NYC?"
    assert state.title("OTHER") is None
    state.apply(lifecycle("metadata_updated", additional_metadata={"title": "Rain in NYC?"}))
    assert state.title("M") == "Rain in NYC?"
    assert info.status == "created"
    state.apply(lifecycle("close_date_updated", close_ts=30))
    assert (info.close_ts, info.open_ts, info.status) == (30, 10, "created")


def test_lifecycle_status_through_settlement() -> None:
    state = MarketState()
    state.apply(lifecycle("activated"))
    info = state.markets["M"]
    assert info.status == "open"
    state.apply(lifecycle("deactivated", is_deactivated=True))
    assert info.status == "paused"
    state.apply(lifecycle("deactivated", is_deactivated=False))
    assert info.status == "open"
    state.apply(lifecycle("deactivated"))
    assert info.status == "paused"
    state.apply(lifecycle("determined", result="yes", is_deactivated=False))
    assert (info.status, info.result) == ("determined", "yes")
    state.apply(lifecycle("settled", settlement_value="1.0000"))
    assert (info.status, info.settlement_value) == ("settled", 10_000)
    assert len(state.lifecycle_log) == 6


def test_event_lifecycle() -> None:
    state = MarketState()
    kind = state.apply(msg("event_lifecycle", {"event_ticker": "E", "title": "Event", "series_ticker": "S"}))
    assert kind == Kind.LIFECYCLE
    assert state.events["E"].title == "Event"


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("event_fee_update", {"event_ticker": "E"}),
        ("multivariate_lookup", {"collection_ticker": "C", "market_ticker": "C-1"}),
        ("multivariate_market_lifecycle", {"market_ticker": "C-1", "event_type": "created"}),
    ],
)
def test_logged_lifecycle_kinds(kind: str, body: dict[str, Any]) -> None:
    state = MarketState(log_capacity=1)
    state.apply(msg("event_lifecycle", {"event_ticker": "first"}))
    message = msg(kind, body)
    assert state.apply(message) == Kind.LIFECYCLE
    assert list(state.lifecycle_log) == [message]


# -- acks and unknowns --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    [
        '{"id":1,"type":"subscribed","msg":{"channel":"ticker","sid":1}}',
        '{"id":102,"sid":2,"seq":7,"type":"unsubscribed"}',
        '{"id":3,"type":"ok","msg":[]}',
        '{"id":1,"type":"error","msg":{"code":8,"msg":"Unknown channel"}}',
        '{"type":"cfbenchmarks_value","msg":{"value":"1"}}',
    ],
)
def test_acks_errors_and_unknowns_change_nothing(frame: str) -> None:
    state = MarketState()
    assert state.apply(p.parse(frame)) == Kind.NONE
    assert state.market_tickers() == []
    assert not state.lifecycle_log


def test_market_tickers_from_every_source_in_first_seen_order() -> None:
    state = MarketState()
    state.apply(ticker_msg("B", "0.50", "0.49", "0.51"))
    state.apply(snapshot("A"))
    state.apply(ticker_msg("A", "0.50", "0.49", "0.51"))
    state.apply(lifecycle("created"))
    assert state.market_tickers() == ["B", "A", "M"]


def test_finished_orders_are_bounded_and_resting_ones_kept() -> None:
    state = MarketState(finished_order_capacity=3)

    def order(order_id: str, status: str) -> p.UserOrder:
        return p.UserOrder(order_id=order_id, market_ticker="KX-1", status=status)

    state.apply(order("rest-1", "resting"))
    for n in range(5):
        state.apply(order(f"done-{n}", "executed"))
    state.apply(order("rest-2", "resting"))
    state.apply(order("rest-2", "canceled"))  # now finished: the oldest finished one goes
    assert list(state.orders) == ["rest-1", "done-3", "done-4", "rest-2"]
    assert state.orders["rest-2"].status == "canceled"
    state.apply(order("rest-1", "canceled"))  # the just-finished one stays; done-3 goes
    assert list(state.orders) == ["rest-1", "done-4", "rest-2"]


def test_two_subaccounts_in_one_market_stay_apart_with_their_own_pnl() -> None:
    state = MarketState()
    state.apply(msg("market_position", {"market_ticker": "M", "position_fp": "10.00",
                                        "position_cost_dollars": "4.0000", "subaccount": 3}))
    state.apply(msg("market_position", {"market_ticker": "M", "position_fp": "-5.00",
                                        "position_cost_dollars": "3.0000"}))
    assert state.subaccounts == {0, 3}
    assert state.positions["M", 3].position == 1_000
    assert state.positions["M", 0].position == -500
    assert state.has_subaccounts
    state.apply(ticker_msg("M", "0.5000", "0.4900", "0.5100"))  # mid 50¢
    assert state.unrealized_pnl("M", 3) == 5_000_000 - 4_000_000  # 10 yes worth $5, cost $4
    assert state.unrealized_pnl("M", 0) == 2_500_000 - 3_000_000  # 5 no worth $2.50, cost $3
    assert state.unrealized_pnl("M", 7) is None


def test_only_the_primary_account_shows_no_subaccounts() -> None:
    state = MarketState()
    state.apply(msg("market_position", {"market_ticker": "M", "position_fp": "1.00", "subaccount": 0}))
    state.apply(msg("fill", {"market_ticker": "M", "yes_price_dollars": "0.5000", "count_fp": "1.00"}))
    assert state.subaccounts == {0}
    assert not state.has_subaccounts


def test_no_side_in_yes_prices_is_told_from_a_snapshot_that_only_reads_one_way() -> None:
    state = MarketState()
    # yes bids up to 44¢; no side sent in yes prices (asks from 46¢ to 60¢): read in no prices
    # the book would cross (44¢ + 60¢ > $1), read in yes prices it does not
    state.apply(snapshot("M", yes=[["0.4400", "1.00"]], no=[["0.4600", "2.00"], ["0.6000", "3.00"]]))
    assert state.no_side_in_yes_prices
    assert state.books["M"].levels("no") == {5400: 200, 4000: 300}
    state.apply(msg("orderbook_delta", {"market_ticker": "M", "price_dollars": "0.4600", "delta_fp": "-2.00",
                                        "side": "no"}, seq=2))
    assert state.books["M"].levels("no") == {4000: 300}


def test_no_side_convention_from_the_ticker_and_a_switch_turns_the_books_built() -> None:
    state = MarketState()
    state.apply(snapshot("A", yes=[["0.1000", "1.00"]], no=[["0.8500", "1.00"]]))  # no prices: reads both ways
    assert not state.no_side_in_yes_prices and state.books["A"].levels("no") == {8500: 100}
    state.apply(ticker_msg("B", "0.1000", "0.1000", "0.2000"))  # B's best yes ask is 20¢
    state.apply(snapshot("B", yes=[["0.1000", "1.00"]], no=[["0.2000", "1.00"], ["0.3000", "1.00"]]))
    assert state.no_side_in_yes_prices  # only the yes-price reading puts B's best ask at 20¢
    assert state.books["B"].levels("no") == {8000: 100, 7000: 100}
    assert state.books["A"].levels("no") == {1500: 100}  # turned: A's snapshot was in yes prices too


def test_account_mark_moves_with_the_orders_and_positions_of_its_market_only() -> None:
    state = MarketState()
    assert state.account_mark("M") == 0
    state.apply(p.UserOrder(order_id="o-1", market_ticker="M", status="resting"))
    after_order = state.account_mark("M")
    assert after_order != 0
    state.apply(p.UserOrder(order_id="o-2", market_ticker="OTHER", status="resting"))
    state.apply(msg("market_position", {"market_ticker": "OTHER", "position_fp": "1.00"}))
    assert state.account_mark("M") == after_order
    state.apply(msg("market_position", {"market_ticker": "M", "position_fp": "2.00"}))
    assert state.account_mark("M") not in (0, after_order)


def test_orders_and_positions_by_market_match_the_whole_account_through_finishes_evictions_and_moves() -> None:
    rng = random.Random(5)
    state = MarketState(finished_order_capacity=4)
    markets = ["A", "B", "C"]
    for _ in range(400):
        if rng.random() < 0.7:
            # order ids repeat, now and then under another market (hostile, but it must not leave a ghost)
            state.apply(p.UserOrder(order_id=f"o-{rng.randrange(12)}", market_ticker=rng.choice(markets),
                                    status=rng.choice(["resting", "executed", "canceled"])))
        else:
            state.apply(msg("market_position", {"market_ticker": rng.choice(markets), "position_fp": "1.00",
                                                "subaccount": rng.randrange(3)}))
        for market in [*markets, "NONE"]:
            assert sorted(map(id, state.market_orders(market))) == sorted(
                id(o) for o in state.orders.values() if o.market_ticker == market)
            assert sorted(map(id, state.market_positions(market))) == sorted(
                id(m) for m in state.positions.values() if m.market_ticker == market)
    assert len(state.orders) > 4  # resting ones kept beside the 4 finished
