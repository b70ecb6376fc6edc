"""What the hostile frame faults put into a message body: control sequences in the exchange's text,
times a ``datetime`` cannot hold, and an order book delta large enough to see.

Used by :class:`~app.simulator.session.Session` when a fault asks for it (see
:mod:`app.simulator.faults`). Pure: bodies in, new bodies out; the engine's own are never changed.
"""

from __future__ import annotations

from typing import Any

Body = dict[str, Any]

# Every kind of terminal command in one string: OSC 52 (write the clipboard), a CSI that clears
# the screen, an OSC that retitles the window, the same in C1 bytes, a bell and a DEL.
CONTROL_SEQUENCES = "\x1b]52;c;SGVsbG8=\x07\x1b[2J\x1b[H\x1b]0;pwned\x1b\\\x9b2J\x9d0;t\x9c\x07\x7f"
# the message kinds whose text the ``hostile_text`` fault poisons, and which fields
POISONED_FIELDS: dict[str, tuple[str, ...]] = {
    "event_lifecycle": ("title", "subtitle", "sub_title"),
    "rfq_created": ("market_ticker",),
}
FAR_FUTURE_MS = 10**30  # far past 9999-12-31
BEFORE_EPOCH_MS = -(10**30)
# a time in the year 9999 whose offset pushes it past the last day a datetime can hold
PAST_THE_CALENDAR = "9999-12-31T23:59:59-23:59"
# the message kinds the ``bad_time`` fault gives an invalid time, and which time
BAD_TIMES: dict[str, tuple[str, int | str]] = {
    "trade": ("ts_ms", FAR_FUTURE_MS),
    "fill": ("ts_ms", BEFORE_EPOCH_MS),
    "rfq_created": ("created_ts", PAST_THE_CALENDAR),
}
HUGE_DELTA = "1000000.00"  # contracts: a book that applied it would show it at once


def poisoned(kind: str, body: Body) -> Body:
    """``body`` of a ``kind`` message with :data:`CONTROL_SEQUENCES` before each of its text fields."""
    fields = POISONED_FIELDS[kind]
    return {**body, **{name: poisoned_text(body[name]) for name in fields if name in body}}


def poisoned_text(text: str) -> str:
    """``text`` after :data:`CONTROL_SEQUENCES` (first, so that a column cut short shows them)."""
    return f"{CONTROL_SEQUENCES}{text}"


def with_bad_time(kind: str, body: Body) -> Body:
    """``body`` of a ``kind`` message with its time out of the calendar (its seconds too)."""
    name, value = BAD_TIMES[kind]
    changed = {**body, name: value}
    if isinstance(value, int) and "ts" in body:
        changed["ts"] = value // 1000
    return changed


def enlarged(body: Body) -> Body:
    """An order book delta's ``body`` with a size no honest delta has."""
    changed = {**body, "delta_fp": HUGE_DELTA}
    if "delta" in body:  # the reference's whole contracts
        changed["delta"] = int(float(HUGE_DELTA))
    return changed
