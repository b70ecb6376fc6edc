"""The exchange engine: markets with real order books, traders, the account, lifecycle, RFQs.

No sockets and no wall-clock dependence: :meth:`Exchange.step` advances one action chosen by a
seeded random source and returns the events it caused, so the same seed always gives the same
sequence. Timestamps come from ``clock_ms`` (a fixed instant by default).

Frames without a server::

    from app.simulator.engine import Exchange
    from app.simulator.session import subscriber_frames

    frames = subscriber_frames(Exchange(seed=7), ["ticker", "trade"], steps=1_000)

(or a :class:`~app.simulator.session.Session` for several commands and finer control).
"""

from __future__ import annotations

import dataclasses
import random
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.fixed import COUNT_SCALE, ONE_DOLLAR
from app.simulator.account import COMM_ID, Account, AccountOrder, OrderGroup
from app.simulator.events import (
    BookChange,
    Event,
    EventFeeUpdateEvent,
    EventLifecycleEvent,
    Leg,
    MarketLifecycleEvent,
    MultivariateEvent,
    OrderGroupEvent,
    QuoteEvent,
    RfqEvent,
    TickerUpdate,
    TradePrint,
)
from app.simulator.matching import NO, SIDES, YES, MatchingBook, Order, other_side, yes_price_of
from app.simulator.universe import DAY_S, Market, Universe, new_uuid

DEFAULT_EPOCH_MS = 1_793_000_000_000  # the fixed clock when none is given (Oct 2026)
HOT_MARKETS = 10  # half of all activity happens in the first few open markets
ACCOUNT_MARKETS = 8  # the account trades in the first few open markets
MAX_DEACTIVATED = 2
MAX_RFQS = 20
MAX_GROUPS = 5
FEE_TYPES = ("quadratic", "quadratic_with_maker_fees", "flat")
FEE_MULTIPLIERS = ("0.5", "1", "1.5")
FEE_CLEARED_ONE_IN = 4  # fee updates that clear the event's override
NEVER_TRADED_ONE_IN = 25  # new listings: no trade yet, so their tickers carry no price
CLOSE_EXACTLY_ONE_IN = 2  # account orders that close the other side held exactly
MV_COLLECTIONS = ("KXMVECROSSCATEGORY-R", "KXMVESPORTSMULTIGAMEEXTENDED-R", "KXMVENBASINGLEGAME-R")

Out = list[Event]
Action = Callable[[Out], None]


@dataclass(slots=True)
class MarketSim:
    """One market's live state: its book, fair value and trading statistics."""

    market: Market
    book: MatchingBook
    fair: int
    last_price: int
    status: str = "active"  # active, deactivated, settled
    last_trade_size: int = 0
    volume: int = 0
    open_interest: int = 0
    dollar_volume: int = 0
    traded: bool = True  # False for a new listing until its first trade: its ticker has no price


@dataclass(slots=True)
class Rfq:
    """An open request for quote and the quotes made on it."""

    rfq_id: str
    creator_id: str
    ticker: str
    event_ticker: str
    contracts: int
    target_cost: int
    quotes: list[QuoteEvent] = field(default_factory=list)


class Exchange:
    """A deterministic Kalshi-like exchange: ``step()`` advances one action and returns its events.

    ``legacy`` makes every price a whole cent and every size a whole contract (the reference's
    integer fields must be exact); otherwise some markets trade on sub-cent ticks and sizes can be
    fractional, as production does today.
    """

    def __init__(
        self,
        seed: int = 7,
        events: int = 20,
        markets: int = 200,
        *,
        legacy: bool = False,
        clock_ms: Callable[[], int] | None = None,
        settle_every: int = 2_000,
    ) -> None:
        self.rng = random.Random(seed)
        self.legacy = legacy
        self.settle_every = settle_every
        self.steps = 0
        self._clock = clock_ms or (lambda: DEFAULT_EPOCH_MS)
        now_s = self._clock() // 1000
        self.universe = Universe.generate(self.rng, events, markets, now_s, sub_cent=not legacy)
        self.account = Account()
        self.markets: dict[str, MarketSim] = {}
        self._active: list[str] = []
        self._deactivated: deque[str] = deque()
        self._settle_queue: deque[str] = deque(reversed(list(self.universe.events)))
        self._rfqs: dict[str, Rfq] = {}
        for ticker in self.universe.markets:
            self._open(ticker)
        self._actions: tuple[tuple[float, Action], ...] = _cumulative((
            (0.46, self._arrive), (0.22, self._cancel), (0.16, self._take), (0.08, self._account_action),
            (0.03, self._lifecycle), (0.03, self._communications), (0.01, self._multivariate),
            (0.01, self._order_group),
        ))

    # -- public ---------------------------------------------------------------------------------

    def step(self) -> list[Event]:
        """Advance one action; the events it caused, in order."""
        self.steps += 1
        out: Out = []
        if self.settle_every and self.steps % self.settle_every == 0:
            self._settle_next(out)
            return out
        roll = self.rng.random() * self._actions[-1][0]
        action = next((act for threshold, act in self._actions if roll < threshold), self._actions[-1][1])
        action(out)
        return out

    def now_ms(self) -> int:
        """The engine's clock."""
        return self._clock()

    def book_levels(self, ticker: str) -> tuple[dict[int, int], dict[int, int]]:
        """(yes bids, no bids) of a market as ``{price: size}``."""
        book = self.markets[ticker].book
        return book.levels(YES), book.levels(NO)

    def ticker_state(self, ticker: str) -> dict[str, object]:
        """A market's ticker fields (app.core.fixed units) plus ``status``; empty bid 0, empty ask $1."""
        sim = self.markets[ticker]
        state: dict[str, object] = dataclasses.asdict(self._ticker(sim))
        del state["ts_ms"]
        state["status"] = sim.status
        return state

    def ticker_event(self, ticker: str) -> TickerUpdate | None:
        """A ``ticker`` event with a market's current values; None for an unknown market."""
        sim = self.markets.get(ticker)
        return self._ticker(sim) if sim is not None else None

    def snapshot_levels(self, ticker: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]] | None:
        """(market id, yes levels, no levels) lowest price first; None if unknown or settled."""
        sim = self.markets.get(ticker)
        if sim is None or sim.status == "settled":
            return None
        return sim.market.market_id, sim.book.sorted_levels(YES), sim.book.sorted_levels(NO)

    def tickers_by_id(self) -> dict[str, str]:
        """Market id -> ticker for every market."""
        return {market.market_id: ticker for ticker, market in self.universe.markets.items()}

    def market_tickers(self) -> list[str]:
        """Every market ever listed, in creation order (settled ones included)."""
        return list(self.universe.markets)

    def active_tickers(self) -> list[str]:
        """Markets open for trading now."""
        return list(self._active)

    def event_tickers(self) -> list[str]:
        """Every event ever listed, in creation order."""
        return list(self.universe.events)

    # -- helpers --------------------------------------------------------------------------------

    def _id(self) -> str:
        return new_uuid(self.rng)

    def _size(self, whole_max: int = 250) -> int:
        """An order size: whole contracts, or (today's form only) sometimes fractional."""
        if self.legacy or self.rng.random() < 0.7:
            return self.rng.randint(1, whole_max) * COUNT_SCALE
        return self.rng.randint(1, whole_max * COUNT_SCALE)

    def _open(self, ticker: str) -> MarketSim:
        """List a market and give it an initial book (no events: a snapshot shows it)."""
        market = self.universe.markets[ticker]
        sim = MarketSim(market, MatchingBook(), market.fair, market.fair)
        sim.traded = zlib.crc32(ticker.encode()) % NEVER_TRADED_ONE_IN != 0
        self.markets[ticker] = sim
        self._active.append(ticker)
        for side in SIDES:
            for depth in range(1, self.rng.randint(4, 12) + 1):
                price = self._passive_price(sim, side, depth)
                if price is not None:
                    sim.book.rest(Order(self._id(), side, price, self._size()))
        return sim

    def _pick(self, pool: list[str] | None = None) -> MarketSim | None:
        active = self._active
        if not active:
            return None
        if pool is None and self.rng.random() < 0.5:
            pool = active[:HOT_MARKETS]
        pool = pool or active
        return self.markets[pool[self.rng.randrange(len(pool))]]

    def _passive_price(self, sim: MarketSim, side: str, depth: int) -> int | None:
        """A bid ``depth`` ticks behind fair value on ``side``, kept below the other side's best."""
        tick = sim.market.tick
        anchor = sim.fair if side == YES else ONE_DOLLAR - sim.fair
        price = anchor - depth * tick
        best_other = sim.book.best(other_side(side))
        if best_other is not None:
            price = min(price, ONE_DOLLAR - best_other - tick)
        limit = self._exclusive_limit(sim, side)
        if limit is not None:
            price = min(price, limit // tick * tick)
        return price if price >= tick else None

    def _exclusive_limit(self, sim: MarketSim, side: str) -> int | None:
        """The highest bid on ``side`` that keeps a mutually exclusive event coherent; None if any.

        Across the event the best yes bids must add up to at most $1 less a tick and the yes asks
        to at least $1 and a tick: a normal over-round, never an arbitrage, however stale the
        other markets' quotes. A market not listed yet counts as quoting one tick either side of
        its fair value (the most it will bid, the least it will ask, when it opens).
        """
        market = sim.market
        event = self.universe.events[market.event_ticker]
        if not event.mutually_exclusive:
            return None
        others = 0
        for ticker in event.markets:
            if ticker == market.ticker:
                continue
            other = self.markets.get(ticker)
            if other is None:
                listed = self.universe.markets[ticker]
                others += listed.fair - listed.tick if side == YES else listed.fair + listed.tick
            elif side == YES:
                others += other.book.best(YES) or 0
            else:
                best_no = other.book.best(NO)
                others += ONE_DOLLAR - best_no if best_no is not None else ONE_DOLLAR
        if side == YES:  # bids: others + this one <= $1 - tick
            return ONE_DOLLAR - market.tick - others
        return others - market.tick  # asks: others + ($1 - this no bid) >= $1 + tick

    def _top(self, sim: MarketSim) -> tuple[int | None, int, int | None, int]:
        book = sim.book
        yes, no = book.best(YES), book.best(NO)
        return yes, book.size_at(YES, yes or 0), no, book.size_at(NO, no or 0)

    def _ticker(self, sim: MarketSim) -> TickerUpdate:
        yes, yes_size, no, no_size = self._top(sim)
        return TickerUpdate(
            market_ticker=sim.market.ticker, market_id=sim.market.market_id,
            price=sim.last_price if sim.traded else None,
            yes_bid=yes or 0, yes_ask=ONE_DOLLAR - no if no else ONE_DOLLAR,
            yes_bid_size=yes_size, yes_ask_size=no_size, last_trade_size=sim.last_trade_size,
            volume=sim.volume, open_interest=sim.open_interest, dollar_volume=sim.dollar_volume,
            dollar_open_interest=sim.open_interest * sim.last_price, ts_ms=self.now_ms(),
        )

    def _change(
        self, sim: MarketSim, side: str, price: int, delta: int, order: Order | None = None
    ) -> BookChange:
        client_order_id = order.client_order_id if order is not None and order.owned else None
        return BookChange(
            market_ticker=sim.market.ticker, market_id=sim.market.market_id, side=side, price=price,
            delta=delta, ts_ms=self.now_ms(), client_order_id=client_order_id,
        )

    def _rest(self, sim: MarketSim, order: Order, out: Out) -> None:
        top = self._top(sim)
        sim.book.rest(order)
        out.append(self._change(sim, order.side, order.price, order.remaining, order))
        if self._top(sim) != top:
            out.append(self._ticker(sim))

    def _remove(self, sim: MarketSim, order_id: str, out: Out) -> None:
        top = self._top(sim)
        order = sim.book.order(order_id)
        assert order is not None
        size = order.remaining
        sim.book.cancel(order_id)
        out.append(self._change(sim, order.side, order.price, -size, order))
        if self._top(sim) != top:
            out.append(self._ticker(sim))

    def _record_trade(self, sim: MarketSim, yes_price: int, count: int) -> None:
        sim.traded = True
        sim.last_price = yes_price
        sim.last_trade_size = count
        sim.volume += count
        sim.dollar_volume += count * yes_price
        if self.rng.random() < 0.6:
            sim.open_interest += count
        else:
            sim.open_interest = max(0, sim.open_interest - count)

    def _execute(
        self, sim: MarketSim, side: str, limit: int, count: int, taker: AccountOrder | None, out: Out
    ) -> None:
        """A marketable buy of ``side``: trades against the book, then the ticker.

        Order groups that reach their limit trigger once every match is booked: a sweep may still
        be filling other orders of the same group.
        """
        matches = sim.book.match(side, limit, count)
        triggered: list[str] = []
        for match in matches:
            trade_id = self._id()
            yes_price = yes_price_of(match.maker.side, match.price)
            out.append(self._change(sim, match.maker.side, match.price, -match.count, match.maker))
            out.append(TradePrint(trade_id, sim.market.ticker, yes_price, match.count, side, self.now_ms()))
            self._record_trade(sim, yes_price, match.count)
            if match.maker.owned:
                group_id = self.account.orders[match.maker.order_id].group_id
                out.extend(self.account.fill(
                    match.maker.order_id, trade_id, match.count, match.price, self.now_ms(), taker=False
                ))
                if group_id is not None and self.account.newly_triggered(group_id):
                    triggered.append(group_id)
            if taker is not None:
                out.extend(self.account.fill(
                    taker.order_id, trade_id, match.count, ONE_DOLLAR - match.price, self.now_ms(), taker=True
                ))
        for group_id in triggered:
            self._trigger(group_id, out)
        if matches:
            out.append(self._ticker(sim))

    def _trigger(self, group_id: str, out: Out) -> None:
        """A group reached its limit: say so and cancel its resting orders."""
        group = self.account.groups[group_id]
        out.append(OrderGroupEvent("triggered", group.group_id, group.limit, self.now_ms()))
        for resting in self.account.group_orders(group.group_id):
            self._cancel_user(resting, "order_group_triggered", out)

    def _cancel_user(self, order_id: str, reason: str, out: Out) -> None:
        order = self.account.orders[order_id]
        self._remove(self.markets[order.ticker], order_id, out)
        out.append(self.account.cancel(order_id, reason, self.now_ms()))

    # -- market activity ------------------------------------------------------------------------

    def _arrive(self, out: Out) -> None:
        sim = self._pick()
        if sim is None:
            return
        self._walk(sim)
        side = self.rng.choice(SIDES)
        price = self._passive_price(sim, side, 1 + int(self.rng.expovariate(0.4)))
        if price is not None:
            self._rest(sim, Order(self._id(), side, price, self._size()), out)

    def _walk(self, sim: MarketSim) -> None:
        """Move a market's fair value, and with it its event's: they stay coherent (see pricing)."""
        event = self.universe.events[sim.market.event_ticker]
        assert event.pricing is not None
        fairs = event.pricing.step(self.rng, event.markets.index(sim.market.ticker))
        for ticker, fair in zip(event.markets, fairs):
            other = self.markets.get(ticker)
            if other is not None:
                other.fair = fair

    def _cancel(self, out: Out) -> None:
        sim = self._pick()
        if sim is None or not len(sim.book):
            return
        order = sim.book.order_at(self.rng.randrange(len(sim.book)))
        if order.owned:
            if not self.account.orders[order.order_id].sent:  # a trader's order goes when they say
                self._cancel_user(order.order_id, "canceled", out)
        else:
            self._remove(sim, order.order_id, out)

    def _marketable_limit(self, sim: MarketSim, side: str) -> int | None:
        """A limit that reaches the other side's best bid and up to two ticks past it."""
        best_other = sim.book.best(other_side(side))
        if best_other is None:
            return None
        tick = sim.market.tick
        return min(ONE_DOLLAR - best_other + self.rng.randint(0, 2) * tick, ONE_DOLLAR - tick)

    def _take(self, out: Out) -> None:
        sim = self._pick()
        if sim is None:
            return
        side = self.rng.choice(SIDES)
        limit = self._marketable_limit(sim, side)
        if limit is not None:
            self._execute(sim, side, limit, self._size(), None, out)

    # -- the account ----------------------------------------------------------------------------

    def _account_action(self, out: Out) -> None:
        sim = self._pick(self._active[:ACCOUNT_MARKETS])
        if sim is None:
            return
        roll = self.rng.random()
        own = [order_id for order_id, order in self.account.orders.items() if not order.sent]  # not a trader's
        if roll < 0.25 and own:
            self._cancel_user(own[self.rng.randrange(len(own))], "canceled", out)
        elif roll < 0.5:
            self._account_take(sim, out)
        else:
            self._account_rest(sim, out)

    def _new_order(
        self, sim: MarketSim, side: str, price: int, count: int, group_id: str | None = None
    ) -> AccountOrder:
        return self.account.open_order(AccountOrder(
            order_id=self._id(), client_order_id=self._id(), ticker=sim.market.ticker, side=side,
            price=price, initial=count, created_ms=self.now_ms(), group_id=group_id,
        ))

    def _account_rest(self, sim: MarketSim, out: Out) -> None:
        side = self.rng.choice(SIDES)
        price = self._passive_price(sim, side, self.rng.randint(1, 3))
        if price is None:
            return
        open_groups = [gid for gid, group in self.account.groups.items() if not group.triggered]
        group_id = self.rng.choice(open_groups) if open_groups and self.rng.random() < 0.4 else None
        order = self._new_order(sim, side, price, self._size(40), group_id)
        out.append(order.event())
        self._rest(sim, Order(order.order_id, side, price, order.initial, True, order.client_order_id), out)

    def _account_take(self, sim: MarketSim, out: Out) -> None:
        side = self.rng.choice(SIDES)
        limit = self._marketable_limit(sim, side)
        if limit is None:
            return
        order = self._new_order(sim, side, limit, self._closing_size(sim, side, self._size(40)))
        self._execute(sim, side, limit, order.initial, order, out)
        out.append(self.account.finish(order.order_id, self.now_ms()))

    def _closing_size(self, sim: MarketSim, side: str, size: int) -> int:
        """``size``, or (one time in ``CLOSE_EXACTLY_ONE_IN``) the other side held when ``size``
        would cross it: traders close positions exactly, and their fills say ``sell_to_close``."""
        held = self.account.position_event(sim.market.ticker).position
        held_other = -held if side == YES else held
        if 0 < held_other < size and (
            zlib.crc32(f"{sim.market.ticker}{self.steps}".encode()) % CLOSE_EXACTLY_ONE_IN == 0
        ):
            return held_other
        return size

    def _order_group(self, out: Out) -> None:
        groups = self.account.groups
        roll = self.rng.random()
        if not groups or (roll < 0.4 and len(groups) < MAX_GROUPS):
            group = OrderGroup(self._id(), self.rng.randint(5, 60) * COUNT_SCALE)
            groups[group.group_id] = group
            out.append(OrderGroupEvent("created", group.group_id, group.limit, self.now_ms()))
            return
        group = groups[list(groups)[self.rng.randrange(len(groups))]]
        if roll < 0.6:
            group.limit = self.rng.randint(5, 60) * COUNT_SCALE
            out.append(OrderGroupEvent("limit_updated", group.group_id, group.limit, self.now_ms()))
        elif roll < 0.8:
            group.filled, group.triggered = 0, False
            out.append(OrderGroupEvent("reset", group.group_id, group.limit, self.now_ms()))
        else:
            for order_id in self.account.group_orders(group.group_id):
                self._cancel_user(order_id, "order_group_deleted", out)
            del groups[group.group_id]
            out.append(OrderGroupEvent("deleted", group.group_id, group.limit, self.now_ms()))

    # -- lifecycle ------------------------------------------------------------------------------

    def _lifecycle(self, out: Out) -> None:
        roll = self.rng.random()
        if self._deactivated and (roll < 0.2 or len(self._deactivated) >= MAX_DEACTIVATED):
            ticker = self._deactivated.popleft()
            self.markets[ticker].status = "active"
            self._active.append(ticker)
            out.append(MarketLifecycleEvent(ticker, "activated", is_deactivated=False))
            return
        sim = self._pick(self._active[HOT_MARKETS:] or None)
        if sim is None:
            return
        market = sim.market
        if roll < 0.35:
            self._active.remove(market.ticker)
            self._deactivated.append(market.ticker)
            sim.status = "deactivated"
            out.append(MarketLifecycleEvent(market.ticker, "deactivated", is_deactivated=True))
        elif roll < 0.8:
            market.close_ts += self.rng.randint(1, 7) * DAY_S
            out.append(MarketLifecycleEvent(market.ticker, "close_date_updated", close_ts=market.close_ts))
        elif roll < 0.9:
            return  # as production: an event is announced once, when it is created
        else:
            fee_type: str | None = self.rng.choice(FEE_TYPES)
            multiplier: str | None = self.rng.choice(FEE_MULTIPLIERS)
            if zlib.crc32(f"{market.event_ticker}{self.steps}".encode()) % FEE_CLEARED_ONE_IN == 0:
                fee_type = multiplier = None  # the override is cleared
            out.append(EventFeeUpdateEvent(market.event_ticker, market.series_ticker, fee_type, multiplier))

    def _event_lifecycle(self, event_ticker: str) -> EventLifecycleEvent:
        event = self.universe.events[event_ticker]
        return EventLifecycleEvent(
            event.event_ticker, event.title, event.sub_title, event.collateral_return_type,
            event.series_ticker, event.strike_date,
        )

    def _settle_next(self, out: Out) -> None:
        """Determine and settle the next event in line, then list a new event in its place."""
        event = self.universe.events[self._settle_queue.popleft()]
        # one draw decides the event, by its fair values: one bucket wins (the fairs add up to
        # about $1), or every threshold up to some strike (the fairs fall with the strike)
        draw = self.rng.randrange(ONE_DOLLAR)
        fairs = [self.markets[ticker].fair for ticker in event.markets]
        if event.mutually_exclusive:
            scaled = draw * sum(fairs) // ONE_DOLLAR
            winner = next(
                (i for i in range(len(fairs)) if scaled < sum(fairs[: i + 1])), len(fairs) - 1
            )
        now_s = self.now_ms() // 1000
        for index, ticker in enumerate(event.markets):
            sim = self.markets[ticker]
            if event.mutually_exclusive:
                result = YES if index == winner else NO
            else:
                result = YES if draw < fairs[index] else NO
            self._close_market(sim, out)
            value = ONE_DOLLAR if result == YES else 0
            out.append(MarketLifecycleEvent(
                ticker, "determined", determination_ts=now_s, result=result, settlement_value=value,
            ))
            out.append(MarketLifecycleEvent(
                ticker, "settled", settled_ts=now_s, result=result, settlement_value=value,
            ))
            position = self.account.settle(ticker, result, self.now_ms())
            if position is not None:
                out.append(position)
        new_event = self.universe.add_event(len(event.markets))
        self._settle_queue.append(new_event.event_ticker)
        out.append(self._event_lifecycle(new_event.event_ticker))
        for ticker in new_event.markets:
            market = self._open(ticker).market
            out.append(MarketLifecycleEvent(
                ticker, "created", open_ts=market.open_ts, close_ts=market.close_ts,
                additional_metadata=market.metadata(new_event.title),
            ))
            out.append(MarketLifecycleEvent(ticker, "activated", is_deactivated=False))

    def _close_market(self, sim: MarketSim, out: Out) -> None:
        """Stop trading: cancel the account's orders, empty the book level by level."""
        for order_id in self.account.resting_in(sim.market.ticker):
            self._cancel_user(order_id, "market_closed", out)
        for side in SIDES:
            for price, size in sim.book.sorted_levels(side):
                out.append(self._change(sim, side, price, -size))
        sim.book = MatchingBook()
        sim.status = "settled"
        ticker = sim.market.ticker
        if ticker in self._active:
            self._active.remove(ticker)
        if ticker in self._deactivated:
            self._deactivated.remove(ticker)
        for rfq in [rfq for rfq in self._rfqs.values() if rfq.ticker == ticker]:
            out.append(self._delete_rfq(rfq))

    # -- multivariate and communications --------------------------------------------------------

    def _multivariate(self, out: Out) -> None:
        if len(self._active) < 2:
            return
        picks = self.rng.sample(self._active, min(len(self._active), self.rng.randint(2, 3)))
        legs = tuple(
            Leg(self.universe.markets[t].event_ticker, t, self.rng.choice(SIDES)) for t in picks
        )
        collection = self.rng.choice(MV_COLLECTIONS)
        event_ticker = f"{collection}-{self.rng.getrandbits(28):07X}"
        market_ticker = f"{event_ticker}-{self.rng.getrandbits(16):05d}"
        close_ts = min(self.universe.markets[t].close_ts for t in picks)
        out.append(MultivariateEvent(collection, event_ticker, market_ticker, legs, self.now_ms() // 1000, close_ts))

    def _communications(self, out: Out) -> None:
        roll = self.rng.random()
        rfqs = list(self._rfqs.values())
        if not rfqs or (roll < 0.35 and len(rfqs) < MAX_RFQS):
            self._create_rfq(out)
        elif roll < 0.65:
            self._quote(rfqs[self.rng.randrange(len(rfqs))], out)
        elif roll < 0.85:
            quoted = [rfq for rfq in rfqs if rfq.quotes]
            if quoted:
                self._accept(quoted[self.rng.randrange(len(quoted))], out)
        else:
            out.append(self._delete_rfq(rfqs[self.rng.randrange(len(rfqs))]))

    def _create_rfq(self, out: Out) -> None:
        sim = self._pick()
        if sim is None:
            return
        creator = COMM_ID if self.rng.random() < 0.5 else f"comm_{self.rng.getrandbits(32):08x}"
        contracts = self._size(500)
        rfq = Rfq(
            f"rfq_{self._id()}", creator, sim.market.ticker, sim.market.event_ticker, contracts,
            contracts * sim.fair,
        )
        self._rfqs[rfq.rfq_id] = rfq
        out.append(RfqEvent(
            "rfq_created", rfq.rfq_id, creator, rfq.ticker, rfq.event_ticker, contracts,
            rfq.target_cost, self.now_ms(),
        ))

    def _quote(self, rfq: Rfq, out: Out) -> None:
        sim = self.markets[rfq.ticker]
        tick = sim.market.tick
        quoter = COMM_ID if rfq.creator_id != COMM_ID else f"comm_{self.rng.getrandbits(32):08x}"
        yes_bid = max(tick, sim.fair - self.rng.randint(1, 4) * tick)
        no_bid = max(tick, ONE_DOLLAR - sim.fair - self.rng.randint(1, 4) * tick)
        quote = QuoteEvent(
            "quote_created", f"quote_{self._id()}", rfq.rfq_id, quoter, rfq.creator_id, rfq.ticker,
            rfq.event_ticker, yes_bid, no_bid, rfq.contracts, rfq.contracts, rfq.target_cost,
            self.now_ms(),
        )
        rfq.quotes.append(quote)
        out.append(quote)

    def _accept(self, rfq: Rfq, out: Out) -> None:
        """The RFQ's creator accepts a quote; it executes and the RFQ closes."""
        quote = rfq.quotes[self.rng.randrange(len(rfq.quotes))]
        side = self.rng.choice(SIDES)
        accepted = QuoteEvent(
            "quote_accepted", quote.quote_id, quote.rfq_id, quote.quote_creator_id, quote.rfq_creator_id,
            quote.market_ticker, quote.event_ticker, quote.yes_bid, quote.no_bid,
            quote.yes_contracts_offered, quote.no_contracts_offered, quote.rfq_target_cost,
            self.now_ms(), accepted_side=side,
        )
        out.append(accepted)
        # the creator buys ``side`` from the quoter, who buys the other side at its own bid
        quoter_side = other_side(side)
        quoter_price = quote.yes_bid if quoter_side == YES else quote.no_bid
        sim = self.markets[rfq.ticker]
        trade_id = self._id()
        yes_price = yes_price_of(quoter_side, quoter_price)
        out.append(TradePrint(trade_id, rfq.ticker, yes_price, rfq.contracts, side, self.now_ms(), True))
        self._record_trade(sim, yes_price, rfq.contracts)
        taker = rfq.creator_id == COMM_ID
        user_side, user_price = (side, ONE_DOLLAR - quoter_price) if taker else (quoter_side, quoter_price)
        order = self._new_order(sim, user_side, user_price, rfq.contracts)
        # the user's order from the quote, to match its fills
        out.append(dataclasses.replace(accepted, kind="quote_executed", order_id=order.order_id,
                           client_order_id=order.client_order_id))
        out.extend(self.account.fill(
            order.order_id, trade_id, rfq.contracts, user_price, self.now_ms(), taker=taker
        ))
        if taker:
            out.append(self.account.finish(order.order_id, self.now_ms()))
        out.append(self._ticker(sim))
        out.append(self._delete_rfq(rfq))

    def _delete_rfq(self, rfq: Rfq) -> RfqEvent:
        del self._rfqs[rfq.rfq_id]
        return RfqEvent(
            "rfq_deleted", rfq.rfq_id, rfq.creator_id, rfq.ticker, rfq.event_ticker, rfq.contracts,
            rfq.target_cost, self.now_ms(),
        )

    # -- the account's own orders, sent through the REST API -------------------------------------

    def place_account_order(
        self, ticker: str, side: str, price: int, count: int, client_order_id: str, *, immediate: bool,
        action: str = "buy",
    ) -> tuple[AccountOrder, Out]:
        """The account's limit bid for ``count`` of ``side`` at ``price`` (``action`` ``sell``: the
        order sells the other side, which is this bid): it takes what crosses, then rests, or with
        ``immediate`` has its remainder canceled. The caller checked the market is open and the
        price valid."""
        order = self.account.open_order(AccountOrder(
            order_id=self._id(), client_order_id=client_order_id, ticker=ticker, side=side,
            price=price, initial=count, created_ms=self.now_ms(), action=action, sent=True,
        ))
        out: Out = []
        self._work(self.markets[ticker], order, immediate, out)
        return order, out

    def cancel_account_order(self, order_id: str) -> Out:
        """Cancel one of the account's resting orders; its events."""
        out: Out = []
        self._cancel_user(order_id, "canceled", out)
        return out

    def amend_account_order(self, order_id: str, price: int, remaining: int) -> tuple[AccountOrder, Out]:
        """Give a resting order a new ``price`` and ``remaining`` count. Only lowering the count
        keeps its place in the queue (:meth:`decrease_account_order`); any other change takes it out
        of the book and back at the back of its price's queue, taking first if it now crosses."""
        order = self.account.orders[order_id]
        if price == order.price and remaining < order.remaining:
            return self.decrease_account_order(order_id, remaining)
        sim = self.markets[order.ticker]
        out: Out = []
        self._remove(sim, order_id, out)
        order.price, order.remaining, order.initial = price, remaining, order.filled + remaining
        order.updated_ms, order.reason = self.now_ms(), "amended"
        self._work(sim, order, False, out)
        return order, out

    def decrease_account_order(self, order_id: str, remaining: int) -> tuple[AccountOrder, Out]:
        """Lower a resting order's ``remaining`` count (above zero) where it stands in the queue."""
        order = self.account.orders[order_id]
        sim = self.markets[order.ticker]
        out: Out = []
        amount = order.remaining - remaining
        top = self._top(sim)
        out.append(self._change(sim, order.side, order.price, -amount, sim.book.shrink(order_id, amount)))
        if self._top(sim) != top:
            out.append(self._ticker(sim))
        order.remaining, order.initial = remaining, order.filled + remaining
        order.updated_ms, order.reason = self.now_ms(), "decreased"
        out.append(order.event())
        return order, out

    def _work(self, sim: MarketSim, order: AccountOrder, immediate: bool, out: Out) -> None:
        if sim.book.crosses(order.side, order.price):
            self._execute(sim, order.side, order.price, order.remaining, order, out)
        if order.remaining and not immediate:
            out.append(order.event())
            self._rest(sim, Order(order.order_id, order.side, order.price, order.remaining, True,
                                  order.client_order_id), out)
        else:
            out.append(self.account.finish(order.order_id, self.now_ms()))


def _cumulative(weights: tuple[tuple[float, Action], ...]) -> tuple[tuple[float, Action], ...]:
    """Turn (weight, action) pairs into (running total of the weights, action)."""
    table = []
    running = 0.0
    for weight, action in weights:
        running += weight
        table.append((running, action))
    return tuple(table)
