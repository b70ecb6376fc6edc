"""Times from the exchange, checked before they are shown or counted.

A time the exchange sends may be anything its type allows: a millisecond epoch far in the future
or negative, an RFC 3339 string for the year 9999 in a time zone that pushes it past the calendar.
Python's ``datetime`` raises on such values; here they are simply not valid: a valid time falls in
1970-01-01 .. 9999-12-31 UTC. Pure: no I/O, no Textual.
"""

from __future__ import annotations

from datetime import UTC, datetime

MAX_EPOCH_S = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second datetime can hold
MAX_EPOCH_MS = MAX_EPOCH_S * 1000 + 999
CLOCK_FORMAT = "%H:%M:%S"


def valid_epoch_ms(ts_ms: int) -> bool:
    """True for a millisecond epoch time in 1970 .. 9999 (UTC)."""
    return 0 <= ts_ms <= MAX_EPOCH_MS


def valid_epoch_s(ts: int | float) -> bool:
    """True for an epoch time in seconds in 1970 .. 9999 (UTC)."""
    return 0 <= ts <= MAX_EPOCH_S


def utc_of_ms(ts_ms: int) -> datetime | None:
    """The UTC moment of a millisecond epoch time; None when it is not valid."""
    if not valid_epoch_ms(ts_ms):
        return None
    return datetime.fromtimestamp(ts_ms // 1000, UTC)


def utc_of_iso(text: str) -> datetime | None:
    """The UTC moment of an RFC 3339 / ISO 8601 time (naive: read as UTC); None when it is not
    readable or not valid."""
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment if moment.year >= 1970 else None


def valid_iso(text: str) -> bool:
    """True when :func:`utc_of_iso` reads ``text`` as a valid time."""
    return utc_of_iso(text) is not None
