"""The feed screen: every counter the feed keeps, per channel, and a log of what happened.

Errors and connection changes are written to the log as plain ``Text`` (a server message holding
``[`` is shown as is). Times come from the app's clock, so tests can freeze them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import RichLog, Static

from app.core.feed_status import ConnectionState, FeedErrorInfo, FeedStatusSnapshot, anomalies_text
from app.core.sanitize import printable, printable_lines

LOG_LINES = 1_000


def details_text(status: FeedStatusSnapshot) -> str:
    """All the feed's counters, a few lines."""
    per_channel = ", ".join(f"{name} {count:,}" for name, count in sorted(status.per_channel.items()))
    age = "—" if status.last_data_age is None else f"{status.last_data_age:.1f} s"
    latency = "—" if status.latency_ms is None else f"{status.latency_ms:.0f} ms"
    impossible = anomalies_text(status.anomalies)  # frames no honest server sends: said when any
    return "\n".join(
        (
            f"{status.environment} · {status.state.value} · {status.endpoint}",
            f"messages {status.messages_total:,} ({status.messages_per_second:,.0f}/s) · "
            f"bytes {status.bytes_total:,} ({status.bytes_per_second:,.0f}/s) · latency {latency} · "
            f"last data {age}",
            f"gaps {status.gaps} · duplicates {status.duplicates} · resyncs {status.resyncs} · "
            f"reconnects {status.reconnects} · parse errors {status.parse_errors} · "
            f"unknown types {status.unknown_types} · read in part {status.partly_read} · "
            f"subscriptions {status.subscriptions}"
            + (f" · {impossible}" if impossible else ""),
            f"per channel: {per_channel or '—'}",
        )
    )


def error_text(error: FeedErrorInfo) -> str:
    """One error as a line: summary, code and meaning, and the server's own words."""
    parts = [error.summary]
    if error.code is not None and (error.meaning or "") not in error.summary:
        parts.append(f"code {error.code}: {error.meaning or 'unknown code'}")
    if error.server_message:
        parts.append(f"server said: {error.server_message}")
    return " · ".join(parts)


class FeedPanel(Vertical):
    """Feed counters on top, and a log of connection changes and errors below."""

    DEFAULT_CSS = """
    FeedPanel {
        #feed-details {
            height: 7;
            padding: 0 1;
            border: round $panel;
        }
        #feed-log {
            height: 1fr;
            border: round $panel;
        }
    }
    """

    def __init__(self, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock  # the log's timestamps
        self._last_state: ConnectionState | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("waiting for the feed"), id="feed-details")
        yield RichLog(max_lines=LOG_LINES, wrap=True, id="feed-log")

    def show(self, status: FeedStatusSnapshot) -> None:
        """Show the counters of ``status``; log the connection state when it changed."""
        # a fixed height (DEFAULT_CSS above): a new status never needs a new layout
        details = printable_lines(details_text(status))  # the endpoint, the server's channel names
        self.query_one("#feed-details", Static).update(Text(details), layout=False)
        if status.state is not self._last_state:
            self._last_state = status.state
            line = f"connection {status.state.value}"
            if status.detail:
                line += f" · {status.detail}"
            self.log_line(line)

    def log_error(self, error: FeedErrorInfo) -> None:
        """Add ``error`` to the log."""
        self.log_line(error_text(error), error=True)

    def log_line(self, line: str, *, error: bool = False) -> None:
        """Add one timestamped line (plain text made printable, bold for an error) to the log."""
        stamp = time.strftime("%H:%M:%S", time.gmtime(self.clock()))
        text = Text(f"{stamp}  {printable(line)}", style="bold" if error else "")
        self.query_one("#feed-log", RichLog).write(text)
