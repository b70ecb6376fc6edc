"""The status bar: which exchange (SIM / DEMO / PROD ...), how the feed is, and its counters.

The environment badge is a solid block with the environment's own colour; the feed-state badge is
coloured text with a glyph. They never look alike, so a PROD session is never mistaken for a
healthy SIM one. The age of the last data frame turns into STALE past ``stale_after`` seconds.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from app.core.feed_status import ConnectionState, FeedStatusSnapshot
from app.core.sanitize import printable

STALE_AFTER_SECONDS = 5.0
KNOWN_ENVIRONMENTS = ("SIM", "DEMO", "PROD", "REPLAY")

STATE_BADGE: dict[ConnectionState, tuple[str, str]] = {
    ConnectionState.IDLE: ("○ IDLE", "idle"),
    ConnectionState.CONNECTING: ("◌ CONNECTING", "connecting"),
    ConnectionState.LIVE: ("● LIVE", "live"),
    ConnectionState.RECONNECTING: ("↻ RECONNECTING", "reconnecting"),
    ConnectionState.AUTH_REJECTED: ("✖ AUTH REJECTED", "rejected"),
    ConnectionState.STOPPED: ("■ STOPPED", "stopped"),
    ConnectionState.REPLAY: ("▶ REPLAY", "live"),
}
STALE_BADGE = ("⚠ STALE", "stale")
# A replay that is not playing says so (the glyph of a player: paused, or at its end).
REPLAY_BADGE = {"paused": ("‖ REPLAY paused", "stopped"), "ended": ("■ REPLAY ended", "stopped")}


def environment_class(environment: str) -> str:
    """The CSS class of an environment badge (``env-sim``, ..., ``env-custom``)."""
    name = environment.upper()
    return f"env-{name.lower()}" if name in KNOWN_ENVIRONMENTS else "env-custom"


def is_stale(status: FeedStatusSnapshot, stale_after: float) -> bool:
    """True when a live feed has not delivered a data frame for more than ``stale_after`` s."""
    return (
        status.state is ConnectionState.LIVE
        and status.last_data_age is not None
        and status.last_data_age > stale_after
    )


def feed_badge(status: FeedStatusSnapshot, stale_after: float) -> tuple[str, str]:
    """The feed-state badge's text and CSS class."""
    if is_stale(status, stale_after):
        return STALE_BADGE
    label, css = STATE_BADGE[status.state]
    if status.state is ConnectionState.RECONNECTING and status.reconnect_in is not None:
        label = f"{label} in {status.reconnect_in:.1f}s"
    if status.replay in REPLAY_BADGE:
        return REPLAY_BADGE[status.replay]
    return label, css


def counters_text(status: FeedStatusSnapshot, exchange: str = "") -> str:
    """The counters part of the bar, one line: the most telling first, the endpoint host last
    (``exchange``: what the REST API added, before the host). A replay shows no data age or latency
    (wall-clock figures about recorded frames mean nothing) and, unless playing, no rate."""
    age = "—" if status.last_data_age is None else f"{status.last_data_age:.1f}s"
    latency = "—" if status.latency_ms is None else f"{status.latency_ms:.0f} ms"
    live = [f"data {age} ago", f"{status.messages_per_second:,.0f} msg/s", f"latency {latency}"]
    if status.replay is not None:
        live = [f"{status.messages_per_second:,.0f} msg/s"] if status.replay == "playing" else []
    parts = [
        *live,
        f"gaps {status.gaps}",
        f"resyncs {status.resyncs}",
        f"reconnects {status.reconnects}",
        f"subs {status.subscriptions}",
    ]
    if status.recording:
        parts.insert(0, f"● REC {status.recording}")
    if status.detail:
        parts.append(status.detail)
    if exchange:
        parts.append(exchange)
    parts.append(urlparse(status.endpoint).netloc or status.endpoint or "no endpoint")
    return printable(" · ".join(parts))


class StatusBar(Horizontal):
    """Environment badge, feed-state badge and feed counters, in one line."""

    # The environment badge is a solid block, never confused with the feed-state badge: coloured
    # text with a glyph.
    DEFAULT_CSS = """
    StatusBar {
        background: $panel;
        & > Static {
            width: auto;
            height: 1;
            padding: 0 1;
        }
        & > #feed-counters {
            width: 1fr;
            color: $text-muted;
        }
        #env-badge {
            text-style: bold;
            color: auto 90%;
        }
        #env-badge.env-sim {
            background: $accent;
        }
        #env-badge.env-demo {
            background: $warning;
        }
        #env-badge.env-prod {
            background: $error;
        }
        #env-badge.env-replay {
            background: $secondary;
        }
        #env-badge.env-custom {
            background: $primary;
        }
        #feed-badge {
            text-style: bold;
        }
        #feed-badge.live {
            color: $text-success;
        }
        #feed-badge.connecting, #feed-badge.idle, #feed-badge.stopped {
            color: $text-muted;
        }
        #feed-badge.reconnecting, #feed-badge.stale {
            color: $text-warning;
        }
        #feed-badge.rejected {
            color: $text-error;
        }
    }
    """

    def __init__(
        self, environment: str, *, stale_after: float = STALE_AFTER_SECONDS, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.environment = environment.upper()
        self.stale_after = stale_after
        self.status: FeedStatusSnapshot | None = None

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f" {printable(self.environment)} "),
            id="env-badge",
            classes=environment_class(self.environment),
        )
        yield Static(Text("○ NO FEED"), id="feed-badge", classes="idle")
        yield Static(Text("waiting for the feed"), id="feed-counters")

    def show(self, status: FeedStatusSnapshot, exchange: str = "") -> None:
        """Show ``status`` (the feed posts one about once a second) and the REST summary ``exchange``."""
        self.status = status
        label, css = feed_badge(status, self.stale_after)
        badge = self.query_one("#feed-badge", Static)
        if str(badge.content) != label:
            badge.update(Text(label))
            badge.set_classes(css)
        self.query_one("#feed-counters", Static).update(Text(counters_text(status, exchange)), layout=False)

    @property
    def feed_label(self) -> str:
        """The feed-state badge's text as shown."""
        return str(self.query_one("#feed-badge", Static).content)
