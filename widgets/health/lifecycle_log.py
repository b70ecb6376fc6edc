"""The lifecycle log: market and event lifecycle, multivariate lookups, order-group updates."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from app.core import protocol as p
from app.core.state import Kind
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.state_table import Cells, ColumnSpec, FeedTable


class LifecycleLog(FeedTable[p.Message]):
    """Lifecycle news newest first: what it is about, the event, and its details."""

    SHOWS = Kind.LIFECYCLE
    BORDER_TITLE = "Lifecycle"
    COLUMNS = (
        ColumnSpec("kind", "Kind", 12),
        ColumnSpec("subject", "Market / event / group", 28),
        ColumnSpec("event", "Event", 18),
        ColumnSpec("detail", "Detail", 50),
    )

    def source(self) -> deque[p.Message]:
        """The state's lifecycle ring."""
        assert self.market_state is not None
        return self.market_state.lifecycle_log

    def cells(self, item: p.Message) -> Cells:
        """Kind, subject, event and details of one lifecycle message."""
        describe = _DESCRIBE.get(type(item))
        return _entry(item.type_name, None, None, []) if describe is None else describe(item)


def _entry(kind: str, subject: str | None, event: str | None, details: list[str]) -> Cells:
    """One log row; every part is exchange text shown literally."""
    detail = Cell(" · ".join(details))
    return (Cell(kind, Tone.ACCENT), cells.text(subject), cells.text(event), detail)


def _market(m: p.MarketLifecycle) -> Cells:
    details = []
    title = (m.metadata or {}).get("title")
    if isinstance(title, str):
        details.append(title)
    if m.result is not None:
        details.append(f"result {m.result}")
    if m.settlement_value is not None:
        details.append(f"settled at {cells.price(m.settlement_value).text}")
    if m.is_deactivated is not None:
        details.append("paused" if m.is_deactivated else "unpaused")
    return _entry("market", m.market_ticker, m.event_type, details)


def _event(m: p.EventLifecycle) -> Cells:
    return _entry("event", m.event_ticker, "event", [t for t in (m.title, m.sub_title) if t])


def _fee(m: p.EventFeeUpdate) -> Cells:
    return _entry("fees", m.event_ticker or m.series_ticker, "fee update", [])


def _legs(selected: tuple[p.SelectedMarket, ...]) -> list[str]:
    return [f"{leg.market_ticker} {leg.side.upper()}" for leg in selected]


def _lookup(m: p.MultivariateLookup) -> Cells:
    return _entry("multivariate", m.market_ticker, "lookup",
                  [m.collection_ticker, *_legs(m.selected_markets)])


def _multivariate_market(m: p.MultivariateMarketLifecycle) -> Cells:
    """The collection and legs (older frames), else the market's name and title from its metadata."""
    named = [m.collection_ticker, *_legs(m.selected_markets)] if m.collection_ticker else [
        text for text in ((m.metadata or {}).get(key) for key in ("name", "title")) if isinstance(text, str) and text
    ]
    return _entry("multivariate", m.market_ticker, m.event_type or None, named)


def _order_group(m: p.OrderGroupUpdate) -> Cells:
    limit = [] if m.contracts_limit is None else [f"limit {cells.count(m.contracts_limit).text}"]
    return _entry("order group", m.order_group_id, m.event_type, limit)


_DESCRIBE: dict[type, Callable[[Any], Cells]] = {
    p.MarketLifecycle: _market,
    p.EventLifecycle: _event,
    p.EventFeeUpdate: _fee,
    p.MultivariateLookup: _lookup,
    p.MultivariateMarketLifecycle: _multivariate_market,
    p.OrderGroupUpdate: _order_group,
}
