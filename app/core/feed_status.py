"""What the feed reports about itself: connection state, counters, and errors. Pure data."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

# The most of a server's words an error keeps: a hostile frame can be megabytes, and errors are
# kept (the last hundred) and logged.
EXCERPT_CHARS = 200
SUMMARY_CHARS = 500  # our own words around an excerpt (the longest hint is about 300)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` when at most ``limit`` characters long, else its first ``limit`` and its length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


class ConnectionState(enum.Enum):
    """Where the connection stands."""

    IDLE = "idle"
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    AUTH_REJECTED = "auth rejected"
    STOPPED = "stopped"
    REPLAY = "replay"


def anomalies_text(anomalies: Mapping[str, int]) -> str:
    """Impossible frames seen, said in one phrase ("" when none): their total, then by kind."""
    total = sum(anomalies.values())
    if not total:
        return ""
    kinds = ", ".join(f"{kind} {count:,}" for kind, count in sorted(anomalies.items()))
    return f"{total:,} impossible frame{'s' if total != 1 else ''} ({kinds})"


@dataclass(frozen=True, slots=True)
class FeedStatusSnapshot:
    """A copy of the feed's counters at one moment, for the status bar and the logs."""

    state: ConnectionState
    endpoint: str
    environment: str  # SIM, DEMO, PROD, REPLAY or CUSTOM
    reconnect_in: float | None = None
    messages_per_second: float = 0.0
    bytes_per_second: float = 0.0
    messages_total: int = 0
    bytes_total: int = 0
    last_data_age: float | None = None
    gaps: int = 0
    duplicates: int = 0
    resyncs: int = 0
    reconnects: int = 0
    parse_errors: int = 0
    unknown_types: int = 0
    partly_read: int = 0  # messages shown with a field or word that could not be read
    subscriptions: int = 0
    latency_ms: float | None = None
    per_channel: dict[str, int] = field(default_factory=dict)
    anomalies: dict[str, int] = field(default_factory=dict)  # impossible frames by kind
    detail: str = ""
    recording: str | None = None  # what is being recorded, for the status bar
    replay: str | None = None  # a replay's phase: "playing", "paused" or "ended"; None when live


@dataclass(frozen=True, slots=True)
class FeedErrorInfo:
    """One thing that went wrong, said for a user: a server error code, a rejected key, a bad frame.

    Its texts are cut to an excerpt (with the full length) however long what the server sent.
    """

    summary: str
    code: int | None = None
    meaning: str | None = None
    server_message: str | None = None
    fatal: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "summary", excerpt(self.summary, SUMMARY_CHARS))
        if self.server_message is not None:
            object.__setattr__(self, "server_message", excerpt(self.server_message))
