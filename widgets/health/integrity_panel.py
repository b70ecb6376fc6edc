"""The feed-integrity screen: can I trust what I see? A verdict, then per subscription and per book.

Shown by the dashboard from the feed's counters about once a second (see :mod:`app.core.integrity`).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from app.core.feed_status import anomalies_text
from app.core.integrity import IntegrityReport
from app.core.state import BookStatus
from widgets.health.market_health_table import MarketHealthTable
from widgets.health.subscription_health_table import SubscriptionHealthTable


def verdict_text(report: IntegrityReport) -> tuple[str, bool]:
    """One line saying whether every book is live, how many gaps (and impossible frames) were seen,
    how many messages could be read only in part, how many invalid times and numbers too large to
    be real the exchange sent, and when the account was last reconciled; True when all is well."""
    line, healthy = _books_verdict(report)
    if report.account:
        line = f"{line} · ⚠ {report.account}" if report.account_failed else f"{line} · {report.account}"
        healthy = healthy and not report.account_failed
    invalid = (
        (report.invalid_time_count, "invalid times", report.invalid_times),
        (report.invalid_number_count, "messages with a number too large to be real", report.invalid_numbers),
    )
    for total, what, counts in invalid:
        if total:
            each = ", ".join(f"{kind} {count:,}" for kind, count in counts)
            line, healthy = f"{line} · ⚠ {total:,} {what} shown as invalid ({each})", False
    return line, healthy


def _books_verdict(report: IntegrityReport) -> tuple[str, bool]:
    if not report.subscriptions:
        return "○ no live subscriptions: nothing shown is current", False
    gaps = f"{report.gaps:,} seq gap{'s' if report.gaps != 1 else ''} on the live subscriptions"
    impossible = anomalies_text(report.anomalies)
    if impossible:
        gaps += f" · {impossible}"
    if report.partly_read:
        gaps += f" · {report.partly_read:,} message{'s' if report.partly_read != 1 else ''} read in part (see 6 Feed)"
    books = len(report.markets)
    if not report.books_not_live and not report.partly_read:
        return f"✔ every order book is live ({books:,}) · {gaps}", True
    if not report.books_not_live:
        return f"⚠ every order book is live ({books:,}) · {gaps}", False
    counts: dict[str, int] = {}
    for market in report.markets:
        if market.status is not BookStatus.LIVE:
            name = market.status.value if market.status is not None else "no book"
            counts[name] = counts.get(name, 0) + 1
    detail = ", ".join(f"{n:,} {name}" for name, n in sorted(counts.items()))
    return f"⚠ {report.books_not_live:,} of {books:,} order books not live ({detail}) · {gaps}", False


class IntegrityPanel(Vertical):
    """The verdict line, the subscriptions table and the order-books table."""

    DEFAULT_CSS = """
    IntegrityPanel {
        #integrity-verdict {
            height: 1;
            padding: 0 1;
        }
        #integrity-verdict.-healthy {
            color: $text-success;
            text-style: bold;
        }
        #integrity-verdict.-unhealthy {
            color: $text-warning;
            text-style: bold;
        }
        #subscription-health {
            height: 1fr;
            border-subtitle-color: $text-muted;
        }
        #market-health {
            height: 2fr;
        }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("waiting for the feed"), id="integrity-verdict")
        yield SubscriptionHealthTable(id="subscription-health")
        yield MarketHealthTable(id="market-health")

    def show(self, report: IntegrityReport) -> None:
        """Show ``report``."""
        line, healthy = verdict_text(report)
        verdict = self.query_one("#integrity-verdict", Static)
        verdict.update(Text(line), layout=False)
        verdict.set_class(healthy, "-healthy")
        verdict.set_class(not healthy, "-unhealthy")
        self.query_one(SubscriptionHealthTable).show(list(report.subscriptions))
        self.query_one(MarketHealthTable).show(list(report.markets))
