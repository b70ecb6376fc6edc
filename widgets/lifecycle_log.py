"""The lifecycle log: market and event lifecycle, multivariate lookups, order-group updates."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from app import protocol as p
from app.state import Kind
from widgets import cells
from widgets.cells import Cell, Tone
from widgets.formatting import EMPTY
from widgets.state_table import Cells, ColumnSpec, FeedTable


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
        if describe is None:
            return (Cell(item.type_name, Tone.MUTED), cells.UNKNOWN, cells.UNKNOWN, cells.BLANK)
        return describe(item)


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
    return (Cell("market", Tone.ACCENT), Cell(m.market_ticker), Cell(m.event_type), _detail(details))


def _event(m: p.EventLifecycle) -> Cells:
    details = [text for text in (m.title, m.sub_title) if text]
    return (Cell("event", Tone.ACCENT), Cell(m.event_ticker), Cell("event"), _detail(details))


def _fee(m: p.EventFeeUpdate) -> Cells:
    subject = m.event_ticker or m.series_ticker
    return (Cell("fees", Tone.ACCENT), cells.text(subject), Cell("fee update"), cells.BLANK)


def _legs(selected: tuple[p.SelectedMarket, ...]) -> list[str]:
    return [f"{leg.market_ticker} {leg.side.upper()}" for leg in selected]


def _lookup(m: p.MultivariateLookup) -> Cells:
    details = [m.collection_ticker, *_legs(m.selected_markets)]
    return (Cell("multivariate", Tone.ACCENT), Cell(m.market_ticker), Cell("lookup"), _detail(details))


def _multivariate_market(m: p.MultivariateMarketLifecycle) -> Cells:
    details = [m.collection_ticker or EMPTY, *_legs(m.selected_markets)]
    return (
        Cell("multivariate", Tone.ACCENT),
        Cell(m.market_ticker),
        cells.text(m.event_type),
        _detail(details),
    )


def _order_group(m: p.OrderGroupUpdate) -> Cells:
    limit = [] if m.contracts_limit is None else [f"limit {cells.count(m.contracts_limit).text}"]
    return (Cell("order group", Tone.ACCENT), Cell(m.order_group_id), Cell(m.event_type), _detail(limit))


def _detail(parts: list[str]) -> Cell:
    return Cell(" · ".join(parts))


_DESCRIBE: dict[type, Callable[[Any], Cells]] = {
    p.MarketLifecycle: _market,
    p.EventLifecycle: _event,
    p.EventFeeUpdate: _fee,
    p.MultivariateLookup: _lookup,
    p.MultivariateMarketLifecycle: _multivariate_market,
    p.OrderGroupUpdate: _order_group,
}
