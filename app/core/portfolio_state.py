"""A REST portfolio load merged into the state without double counting.

:func:`reconcile` merges a :class:`~app.core.portfolio.PortfolioSnapshot` into
:class:`~app.core.state.MarketState`:

* fills by ``(trade_id, order_id)``: one already shown (from the socket or an earlier load) is not
  added again, and the socket's copy of one loaded here is not either (the state checks the same
  key);
* orders by ``order_id`` and update time: the newer of the two copies wins (:func:`merge_order`,
  also how an order write's answer is shown); a resting order the exchange no longer lists as
  resting is resting no more;
* positions, balance and portfolio value as the exchange says now, except a position the socket
  set while the load ran (positions carry no time: the socket's is the newer).

Pure data: no I/O, no Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core import protocol as p
from app.core.portfolio import PortfolioSnapshot
from app.core.state import RESTING, Kind, MarketState, subaccount_of


@dataclass(frozen=True, slots=True)
class Reconciled:
    """What one merge changed: its kinds, and how many fills and orders it added or corrected."""

    kinds: Kind
    fills_added: int
    orders_updated: int
    orders_closed: int


def reconcile(state: MarketState, snapshot: PortfolioSnapshot, now: float, positions_from: int = 0) -> Reconciled:
    """Merge ``snapshot`` into ``state`` (see the module docstring); ``now`` in epoch seconds.

    ``positions_from`` is the state's :attr:`~app.core.state.MarketState.position_count` when the load
    started: a position the socket set since is newer than the snapshot's and is kept.
    """
    portfolio = state.portfolio
    kinds = Kind.NONE
    if snapshot.balance is not None:
        portfolio.balance, portfolio.portfolio_value = snapshot.balance, snapshot.portfolio_value
        kinds |= Kind.POSITION
    newer = state.positions_changed_since(positions_from)
    for position in snapshot.positions:
        if (position.market_ticker, subaccount_of(position)) not in newer:
            kinds |= state.apply(position)
    portfolio.event_positions = {e.event_ticker: e for e in snapshot.event_positions}
    known = {(s.ticker, s.settled_ts) for s in portfolio.settlements}
    portfolio.settlements.extend(s for s in snapshot.settlements if (s.ticker, s.settled_ts) not in known)
    updated = 0
    for order in [*snapshot.recent_orders, *snapshot.resting]:
        changed = merge_order(state, order, replace_equal=True)
        updated += bool(changed)
        kinds |= changed
    listed = {order.order_id for order in snapshot.resting}
    closed = 0
    for order in [o for o in state.orders.values() if o.status == RESTING and o.order_id not in listed]:
        kinds |= state.apply(_closed(order))
        closed += 1
    added = state.merge_fills(snapshot.fills)
    if added:
        kinds |= Kind.FILL
    portfolio.added_fills += added
    portfolio.reconciled_at = now
    portfolio.reconciliations += 1
    portfolio.error = None
    return Reconciled(kinds, added, updated, closed)


def merge_order(state: MarketState, order: p.UserOrder, *, replace_equal: bool) -> Kind:
    """Apply ``order`` unless the state's copy is newer (by update time) or the same; with
    ``replace_equal`` a copy as old as ``order`` is replaced too. The kinds that changed."""
    mine = state.orders.get(order.order_id)
    if mine is not None:
        theirs, ours = order.updated_ts_ms or 0, mine.updated_ts_ms or 0
        if mine == order or ours > theirs or (ours == theirs and not replace_equal):
            return Kind.NONE
    return state.apply(order)


def _closed(order: p.UserOrder) -> p.UserOrder:
    """A resting order the exchange no longer lists as resting: not resting, status unknown."""
    closed = p.UserOrder(
        order_id=order.order_id, market_ticker=order.market_ticker, status="closed", side=order.side,
        action=order.action, outcome_side=order.outcome_side, yes_price=order.yes_price,
        fill_count=order.fill_count, remaining_count=0, initial_count=order.initial_count,
        fill_cost=order.fill_cost, fees=order.fees, client_order_id=order.client_order_id,
    )
    closed.created_ts_ms, closed.updated_ts_ms = order.created_ts_ms, order.updated_ts_ms
    closed.last_update_reason = "no longer resting"
    return closed
