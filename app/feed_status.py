"""What the feed reports about itself: connection state, counters, and errors. Pure data."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ConnectionState(enum.Enum):
    """Where the connection stands."""

    IDLE = "idle"
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    AUTH_REJECTED = "auth rejected"
    STOPPED = "stopped"
    REPLAY = "replay"


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
    detail: str = ""
    recording: str | None = None  # what is being recorded, for the status bar


@dataclass(frozen=True, slots=True)
class FeedErrorInfo:
    """One thing that went wrong, said for a user: a server error code, a rejected key, a bad frame."""

    summary: str
    code: int | None = None
    meaning: str | None = None
    server_message: str | None = None
    fatal: bool = False
