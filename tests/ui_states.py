"""Deterministic dashboards for the UI tests, snapshots and screenshots.

The state is built from real protocol frames (parsed by :func:`app.protocol.parse` and applied to a
:class:`MarketState` as the feed does): the table tests' sample state, plus a handful of markets
with lifecycle titles, order books (some with sub-cent levels), tickers seen twice (so the grid has
changes) and trades. The clock is frozen at :data:`NOW`; feed statuses are fixed snapshots.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Sequence

from textual.pilot import Pilot

from app.feed_status import ConnectionState, FeedStatusSnapshot
from app.main import DARK_THEME, KalshiDashApp
from app.state import MarketState
from tests import table_states as ts

NOW = ts.T0_MS / 1000
CLOSE_TS = 1_764_200_000  # 13 h 53 min after NOW
ENDPOINT = "ws://127.0.0.1:8765/trade-api/ws/v2"

# ticker, title, yes bids [(price, size)], no bids, first ticker (bid, ask), later ticker, trades
MARKETS: tuple[tuple[str, str, list[tuple[str, str]], list[tuple[str, str]], tuple[str, str],
                     tuple[str, str], list[tuple[str, str]]], ...] = (
    (
        "KXFEDDECISION-25DEC-H0", "Fed holds rates in December?",
        [("0.4100", "120.00"), ("0.4150", "35.00"), ("0.4000", "300.00"), ("0.3800", "1250.00")],
        [("0.5700", "80.00"), ("0.5600", "210.00"), ("0.5450", "40.00"), ("0.5000", "900.00")],
        ("0.4000", "0.4400"), ("0.4150", "0.4300"),
        [("0.4150", "12.00"), ("0.4200", "5.00"), ("0.4150", "3.00")],
    ),
    (
        "KXHIGHNY-25NOV26-B53.5", "NYC high 53–54°F on Nov 26 [bracket]",
        [("0.2200", "60.00"), ("0.2100", "75.00")],
        [("0.7500", "44.00"), ("0.7400", "10.00")],
        ("0.2500", "0.2600"), ("0.2200", "0.2500"),
        [("0.2300", "10.00")],
    ),
    (
        "KXBTCD-25NOV2617-T96999.99", "Bitcoin above $96,999.99 at 5pm?",
        [("0.6350", "500.00"), ("0.6300", "250.00"), ("0.6000", "75.50")],
        [("0.3500", "400.00"), ("0.3400", "120.00")],
        ("0.6300", "0.6500"), ("0.6350", "0.6500"),
        [("0.6400", "100.00"), ("0.6450", "20.00")],
    ),
)
LADDER_TICKER = MARKETS[0][0]


def _frame(kind: str, body: dict[str, Any]) -> str:
    return ts.frame(kind, body)


def market_frames(seq_ms: int = ts.T0_MS) -> list[str]:
    """Lifecycle, book, two tickers and trades for every market of :data:`MARKETS`."""
    frames = []
    for i, (ticker, title, yes, no, first, later, trades) in enumerate(MARKETS):
        frames.append(_frame("market_lifecycle_v2", {
            "market_ticker": ticker, "event_type": "activated", "open_ts": 1_764_100_000,
            "close_ts": CLOSE_TS + 3_600 * i,
            "additional_metadata": {"title": title, "event_ticker": ticker.rsplit("-", 1)[0]},
        }))
        frames.append(_frame("orderbook_snapshot", {
            "market_ticker": ticker, "yes_dollars_fp": yes, "no_dollars_fp": no,
        }))
        for bid, ask in (first, later):
            frames.append(_frame("ticker", {
                "market_ticker": ticker, "price_dollars": bid, "yes_bid_dollars": bid,
                "yes_ask_dollars": ask, "volume_fp": f"{1000 * (i + 1)}.00",
                "open_interest_fp": f"{400 * (i + 2)}.00", "ts_ms": seq_ms,
            }))
        for n, (price, count) in enumerate(trades):
            no_price = str(Decimal(1) - Decimal(price))
            frames.append(ts.trade_current(ticker, price, no_price, count,
                                           "yes" if n % 2 == 0 else "no", seq_ms + 1000 * n))
    return frames


def dashboard_state() -> MarketState:
    """The table tests' sample state plus :data:`MARKETS`, the same on every call."""
    state = ts.sample_state()
    ts.apply(state, *market_frames())
    return state


def status(state: ConnectionState = ConnectionState.LIVE, **changes: Any) -> FeedStatusSnapshot:
    """A fixed feed status (live, a few counters) with ``changes``."""
    values: dict[str, Any] = dict(
        state=state, endpoint=ENDPOINT, environment="SIM", messages_per_second=1234.0,
        messages_total=98_765, last_data_age=0.2, gaps=1, resyncs=1, reconnects=0,
        subscriptions=9, latency_ms=3.0, per_channel={"ticker": 50_000, "trade": 48_765},
    )
    values.update(changes)
    return FeedStatusSnapshot(**values)


def dashboard_app(
    *, environment: str = "SIM", markets: Sequence[str] = (LADDER_TICKER,), theme: str = DARK_THEME,
    state: MarketState | None = None,
) -> KalshiDashApp:
    """The dashboard over :func:`dashboard_state` with a frozen clock, no feed, no animation."""
    app = KalshiDashApp(
        state if state is not None else dashboard_state(),
        environment=environment,
        markets=markets,
        clock=lambda: NOW,
        theme=theme,
    )
    app.animation_level = "none"
    return app


async def until(pilot: Pilot[Any], condition: Callable[[], bool], tries: int = 50) -> None:
    """Let the app process messages until ``condition`` holds (fails after ``tries`` pauses)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    assert condition(), "condition never held"
