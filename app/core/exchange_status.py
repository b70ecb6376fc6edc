"""One-line summaries of what the REST API added: catalog progress, balance, last reconciliation.

Pure data: no I/O, no Textual.
"""

from __future__ import annotations

import datetime as dt

from app.core.fixed import format_money
from app.core.state import MarketState


def exchange_line(state: MarketState) -> str:
    """``"catalog 3,400 markets · balance $9,827.94 · positions $1,669.00"``; parts unknown are left out."""
    parts = []
    progress = state.catalog.progress()
    if progress:
        parts.append(progress)
    portfolio = state.portfolio
    if portfolio.balance is not None:
        parts.append(f"balance {format_money(portfolio.balance)}")
    if portfolio.portfolio_value is not None:
        parts.append(f"positions {format_money(portfolio.portfolio_value)}")
    return " · ".join(parts)


def reconciled_line(state: MarketState) -> str:
    """When the account was last reconciled with the exchange (empty when it never was tried)."""
    portfolio = state.portfolio
    if portfolio.error is not None:
        return f"account not reconciled: {portfolio.error}"
    if portfolio.reconciled_at is None:
        return ""
    moment = dt.datetime.fromtimestamp(portfolio.reconciled_at, dt.UTC)
    loads = portfolio.reconciliations
    return (f"account reconciled {moment:%H:%M:%S} UTC ({loads:,} load{'s' if loads != 1 else ''}, "
            f"{portfolio.added_fills:,} fills the socket had not shown)")
