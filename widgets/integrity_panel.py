"""The feed-integrity screen: can I trust what I see? A verdict, then per subscription and per book.

Shown by the dashboard from the feed's counters about once a second (see :mod:`app.integrity`).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from app.integrity import IntegrityReport
from app.state import BookStatus
from widgets.market_health_table import MarketHealthTable
from widgets.subscription_health_table import SubscriptionHealthTable


def verdict_text(report: IntegrityReport) -> tuple[str, bool]:
    """One line saying whether every book is live and how many gaps were seen; True when all is well."""
    if not report.subscriptions:
        return "○ no live subscriptions: nothing shown is current", False
    gaps = f"{report.gaps:,} seq gap{'s' if report.gaps != 1 else ''} on the live subscriptions"
    books = len(report.markets)
    if not report.books_not_live:
        return f"✔ every order book is live ({books:,}) · {gaps}", True
    counts: dict[str, int] = {}
    for market in report.markets:
        if market.status is not BookStatus.LIVE:
            name = market.status.value if market.status is not None else "no book"
            counts[name] = counts.get(name, 0) + 1
    detail = ", ".join(f"{n:,} {name}" for name, n in sorted(counts.items()))
    return f"⚠ {report.books_not_live:,} of {books:,} order books not live ({detail}) · {gaps}", False


class IntegrityPanel(Vertical):
    """The verdict line, the subscriptions table and the order-books table."""

    def compose(self) -> ComposeResult:
        yield Static(Text("waiting for the feed"), id="integrity-verdict")
        yield SubscriptionHealthTable(id="subscription-health")
        yield MarketHealthTable(id="market-health")

    def show(self, report: IntegrityReport) -> None:
        """Show ``report``."""
        line, healthy = verdict_text(report)
        if report.account:
            line = f"{line} · {report.account}"
        verdict = self.query_one("#integrity-verdict", Static)
        verdict.update(Text(line), layout=False)
        verdict.set_class(healthy, "-healthy")
        verdict.set_class(not healthy, "-unhealthy")
        self.query_one(SubscriptionHealthTable).show(list(report.subscriptions))
        self.query_one(MarketHealthTable).show(list(report.markets))
