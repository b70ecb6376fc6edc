"""Soak: the client against the simulator at a high rate, with every fault injected at random.

    make soak                            # 60 s; SOAK_SECONDS=600 make soak for ten minutes
    python -m benchmarks.soak --seconds 15 --seed 3

Two runs share the time: the feed worker with its :class:`~app.core.state.MarketState` (two thirds),
then the same feed under the headless dashboard (:class:`~app.tui.main.KalshiDashApp` in
``App.run_test()``). Each subscribes like the dashboard does at start (every default channel, and
the order books of a dozen markets), against the simulator on loopback at a high rate.

A driver seeded with ``--seed`` picks the faults, so the sequence of faults is the same for the
same seed: seq gaps, order book deltas lost (never sent, their seq used up: only a resync repairs
the book), duplicates, malformed frames, unknown types, short stalls, stalls longer than the
client's watchdog, dropped connections (some followed by HTTP 503 on the reconnect, and, in the
feed run, by a 401 that stops the feed until it is started again), channel errors 10 and 25,
command errors 1 and 18, payloads under ``data``, and the frames of a hostile server
(:mod:`app.simulator.faults`): a book delta or a ticker on the other channel's sid, a book delta
whose seq went backwards, one whose seq is not a number, terminal control sequences in titles,
RFQs and error texts, and times outside 1970 .. 9999 on trades, fills and RFQs. The app run, which
reconciles its account over the simulator's REST API after every connect as the dashboard does,
also loses fill, order and position frames. Both runs start
with one of each fault (in a seeded order), then pick at random. Before a fault that ends the
connection or a subscription, the driver waits until every frame fault injected so far has
reached the client: each injected fault is then either seen by the client or is itself the cause
of a reconnect, and the tally balances exactly.

Once the faults stop and every book is live again, a clean stretch follows: the simulator is
stepped, with no fault, until the client has applied ``CLEAN_DELTAS`` more book deltas. A client
that loses a delta now and then (one in 5,000, say) with nothing to make it resync is caught there:
its book ends unlike the simulator's, or it has to resync when nothing was lost.

At the end the client must show: no unhandled exception (none reached the event loop, none was
logged as an error, no "internal error" was reported, the app did not crash), every open book
equal to the simulator's once the last resync settled, every desired subscription live (and
listed by the server), and counters that account for each fault: gaps = seq skips + lost deltas
injected, resyncs >= the book gaps that each needed a resync of their own (see
:mod:`app.simulator.faults`), duplicates = duplicates, parse errors = malformed frames, unknown
types = unknown-type frames, watchdog fires = stalls past the watchdog, reconnects = drops +
watchdog stalls + 503s, restarts after 401 = 401s, channel errors and command errors reported =
injected, handshakes = the simulator's count, and no gap and no resync in the clean stretch. Of
the hostile frames: "frame of another channel" anomalies = wrong-sid frames, "seq went backwards"
= backwards seqs, "malformed frame on a book's sid" = malformed seqs (and parse errors = malformed
frames + malformed seqs), no other anomaly, gaps and duplicates untouched by them (the relations
above), invalid times = the bad times injected; in the app run, no C0, DEL or C1 character on any
screen looked at (after every key press, and on every pane at the end), and after a last
reconciliation every position, resting order and recent fill equal to the simulator's. The tally
is printed; the exit status is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from app.core import protocol as p
from app.core.feed_status import ConnectionState, FeedErrorInfo, FeedStatusSnapshot
from app.core.state import PRIMARY, RESTING, Kind, MarketState
from app.endpoint import want_defaults
from app.feed.auth import Credentials
from app.feed.feed import (
    BAD_BOOK_FRAME,
    SEQ_BACKWARDS,
    WRONG_CHANNEL,
    Feed,
    FeedCommandError,
    FeedConfig,
    NotConnected,
    NullSink,
)
from app.rest.client import RestClient, rest_base_url
from app.simulator import SimConfig, Simulator
from app.simulator.faults import FRAME_FAULTS
from app.tui.screen_text import VISIBLE_ESC, screen_text, unsafe

KEY_ID = "kalshi-dash-soak"
BOOK_MARKETS = 12
WATCHDOG = 3.0  # the client's watchdog in the soak: a long stall outlasts it, a short one does not
GUARD = 30.0  # seconds: how long any one wait may take before the soak calls it a failure
COMMAND_ERRORS = (1, 18)
CHANNEL_ERRORS = (10, 25)

# book deltas in the clean stretch: a client that loses one delta in N, N up to this, loses one there
CLEAN_DELTAS = 6_000
CLEAN_STEPS = 500  # engine steps per round of the clean stretch (under a connection's send buffer)

# fault -> weight: how often the driver picks it. A lost fill, order or position update
# (``drop_private``) carries no seq, so only the REST reconciliation of the account repairs it: it is
# injected in the app run, which reconciles, and checked there with every position, resting order
# and fill equal to the simulator's.
WEIGHTS: dict[str, int] = {
    "skip_seq": 4, "drop_book": 6, "drop_private": 3, "duplicate": 4, "malformed": 4, "unknown_type": 4,
    "stall": 2,
    "watchdog_stall": 1, "drop": 2, "drop_503": 1, "drop_401": 1, "channel_error": 2,
    "command_error": 2, "data_envelope": 1, "rotate_book": 2, "key": 2,
    "wrong_sid": 2, "backwards_seq": 2, "malformed_seq": 2, "hostile_text": 2, "bad_time": 2,
}
PANE_KEYS = "123456"
HOSTILE_TEXT_PANES = "346"  # RFQs (an RFQ's market), lifecycle (an event's title), feed (error texts)
# frame fault -> the feed anomaly each one injected must show as, once
ANOMALY_OF = {"wrong_sid": WRONG_CHANNEL, "backwards_seq": SEQ_BACKWARDS, "malformed_seq": BAD_BOOK_FRAME}


@dataclass
class Tally:
    """What one soak run injected, what the client saw, and every check that failed."""

    mode: str
    seconds: float = 0.0
    injected: Counter[str] = field(default_factory=Counter)
    observed: dict[str, int] = field(default_factory=dict)
    frames: int = 0
    resyncs: int = 0
    clean_deltas: int = 0  # book deltas applied in the clean stretch
    max_loop_lag: float = 0.0  # the longest the event loop was held by anything, in seconds
    screens: int = 0  # app run: screens looked at for control characters
    hostile_screens: int = 0  # of them, those showing an injected ESC in its visible form
    books: int = 0
    books_equal: int = 0
    desired: int = 0
    live: int = 0
    unhandled: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    feed_errors: list[str] = field(default_factory=list)  # the feed's last reports, for a failure

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.problems and not self.unhandled

    def check(self, what: str, seen: int, expected: int) -> None:
        """Record ``what`` as seen; a problem unless it equals ``expected``."""
        self.observed[what] = seen
        if seen != expected:
            self.problems.append(f"{what}: client saw {seen}, expected {expected}")

    def check_at_least(self, what: str, seen: int, least: int) -> None:
        """Record ``what`` as seen; a problem when it is below ``least``."""
        self.observed[what] = seen
        if seen < least:
            self.problems.append(f"{what}: client saw {seen}, expected at least {least}")

    def render(self) -> str:
        """The tally as text, one fact per line."""
        rate = self.frames / self.seconds if self.seconds else 0.0
        lines = [
            f"soak [{self.mode}] {self.seconds:.1f} s, {self.frames:,} frames ({rate:,.0f}/s), "
            f"{self.resyncs} resyncs, event loop held at most {self.max_loop_lag * 1000:.0f} ms, "
            f"{self.clean_deltas:,} book deltas in the clean stretch",
            "  injected: " + ", ".join(f"{name} {count}" for name, count in sorted(self.injected.items())),
            "  client:   " + ", ".join(f"{name} {count}" for name, count in self.observed.items()),
            f"  books equal to the simulator: {self.books_equal}/{self.books}; "
            f"subscriptions live: {self.live}/{self.desired}; unhandled exceptions: {len(self.unhandled)}",
        ]
        if self.screens:
            lines.append(f"  screens looked at for control characters: {self.screens} "
                         f"({self.hostile_screens} showing an injected ESC as {VISIBLE_ESC})")
        lines += [f"  UNHANDLED: {text}" for text in self.unhandled]
        lines += [f"  FAILED: {text}" for text in self.problems]
        if not self.ok:
            lines += [f"  feed said: {text}" for text in self.feed_errors[-30:]]
        lines.append("  OK" if self.ok else "  NOT OK")
        return "\n".join(lines)


class TallySink:
    """A feed sink that counts errors by code (and notifications), passing everything on."""

    def __init__(self, inner: Any = None) -> None:
        self.inner = inner or NullSink()
        self.error_codes: Counter[int] = Counter()
        self.internal_errors: list[str] = []
        self.watchdog_fires = 0
        self.notifications = 0

    def on_changes(self, kinds: Kind, books: frozenset[str]) -> None:
        self.notifications += 1
        self.inner.on_changes(kinds, books)

    def on_status(self, status: FeedStatusSnapshot) -> None:
        self.notifications += 1
        self.inner.on_status(status)

    def on_subscriptions(self) -> None:
        self.notifications += 1
        self.inner.on_subscriptions()

    def on_error(self, error: FeedErrorInfo) -> None:
        self.notifications += 1
        if error.code is not None:
            self.error_codes[error.code] += 1
        if error.summary.startswith("nothing received"):
            self.watchdog_fires += 1
        if error.summary.startswith("internal error"):
            self.internal_errors.append(error.summary)
        self.inner.on_error(error)


class ErrorLog(logging.Handler):
    """Keeps every log record at ERROR or above (an exception nobody handled ends up here)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}"
                            + (f" ({record.exc_info[1]!r})" if record.exc_info else ""))


class Driver:
    """Injects faults at random (seeded) and keeps the books on what must be seen."""

    def __init__(self, sim: Simulator, feed: Feed, sink: TallySink, rng: random.Random,
                 tally: Tally, allow_401: bool, pilot: Any = None,
                 reconcile: Callable[[], Awaitable[Any]] | None = None) -> None:
        self.sim = sim
        self.feed = feed
        self.sink = sink
        self.rng = rng
        self.tally = tally
        self.asked: Counter[str] = Counter()  # frame faults and command errors asked for
        self.driver_errors = 0  # injected command errors that answered the driver's own command
        self.long_stalls = 0
        self.rejected = Counter[int]()
        self.auth_restarts = 0
        self.finishing = False
        self.pilot = pilot
        self.reconcile = reconcile  # loads the account from REST into the state (the app run)
        weights = dict(WEIGHTS)
        if not allow_401:
            weights.pop("drop_401")
        if pilot is None:
            weights.pop("key")
        if reconcile is None:
            weights.pop("drop_private")
        self._names = list(weights)
        self._weights = list(weights.values())

    # -- waiting --------------------------------------------------------------------------------

    async def until(self, predicate: Callable[[], bool], what: str) -> bool:
        """Wait (re-checking as the feed processes frames) until ``predicate()``; False on timeout."""
        try:
            await self.feed.wait_for(predicate, GUARD)
        except TimeoutError:
            self.tally.problems.append(f"gave up after {GUARD:g} s waiting for {what}")
            return False
        return True

    def command_errors_seen(self) -> int:
        return sum(self.sink.error_codes[code] for code in COMMAND_ERRORS) + self.driver_errors

    def frame_faults_seen(self) -> bool:
        counts = self.sim.faults.counts
        feed = self.feed
        return (
            all(counts[name] == self.asked[name] for name in FRAME_FAULTS)
            and feed.gaps == gaps_made(counts) and feed.duplicates == counts["duplicate"]
            and feed.parse_errors == parse_errors_made(counts) and feed.unknown_types == counts["unknown_type"]
            and all(feed.anomalies[kind] == counts[name] for name, kind in ANOMALY_OF.items())
            and invalid_times(feed) == counts["bad_time"]
        )

    def connected(self) -> bool:
        return self.feed.status().state is ConnectionState.LIVE

    async def settle(self) -> None:
        """Every frame sent so far processed; an injected command error may answer it (counted)."""
        while True:
            if not await self.until(self.connected, "the feed to be connected"):
                return
            try:
                await self.feed.settle()
                return
            except NotConnected:
                continue
            except FeedCommandError as exc:
                if exc.code not in COMMAND_ERRORS:
                    raise
                self.driver_errors += 1

    async def quiesce(self) -> None:
        """Wait until every fault injected so far has been seen by the client."""
        while self.sim.faults.counts["error"] < self.asked["error"]:
            await self.settle()
        await self.until(
            lambda: self.frame_faults_seen() and self.command_errors_seen() == self.sim.faults.counts["error"],
            "the client to see every injected frame fault and command error",
        )

    # -- faults ---------------------------------------------------------------------------------

    async def run(self, seconds: float) -> None:
        """Inject one of each fault (seeded order), then faults at random until ``seconds`` passed."""
        await self.until(self.connected, "the first connection")
        end = time.monotonic() + seconds
        first = self.rng.sample(self._names, len(self._names))
        while first or time.monotonic() < end:
            name = first.pop() if first else self.rng.choices(self._names, self._weights)[0]
            inject = getattr(self, f"_{name}", None)
            if inject is None:  # a frame fault with nothing more to it
                self._frame_fault(name)
            else:
                await inject()
            await asyncio.sleep(self.rng.uniform(0.02, 0.2))  # pacing between faults

    def _frame_fault(self, name: str) -> None:
        n = self.rng.randint(1, 3)
        self.asked[name] += n
        getattr(self.sim.faults, name)(n)

    async def _stall(self) -> None:
        """A stall well inside the watchdog: the connection must survive it."""
        before = self.feed.status().messages_total
        self.sim.faults.stall(self.rng.uniform(0.05, 0.3) * WATCHDOG)
        await self.until(lambda: self.feed.status().messages_total > before or not self.connected(),
                         "data after a short stall")

    async def _watchdog_stall(self) -> None:
        """A stall longer than the client's watchdog: the client must reconnect by itself."""
        await self.quiesce()
        if not self.connected():
            return
        reconnects = self.feed.reconnects
        self.long_stalls += 1
        self.sim.faults.stall(WATCHDOG + 0.5)
        await self.until(lambda: self.feed.reconnects > reconnects and self.connected(),
                         "the watchdog to reconnect after a long stall")

    async def _drop(self, status: int | None = None, count: int = 0) -> None:
        await self.quiesce()
        if status is not None:
            self.rejected[status] += count
            self.sim.faults.reject_next_handshake(status, count)
        handshakes = self.sim.handshakes_accepted
        if self.sim.faults.drop_connections():
            await self.until(lambda: self.sim.handshakes_accepted > handshakes and self.connected(),
                             "a reconnect after a drop")

    async def _drop_503(self) -> None:
        await self._drop(503, self.rng.randint(1, 3))

    async def _drop_401(self) -> None:
        await self._drop(401, 1)

    async def _hostile_text(self) -> None:
        """Control sequences in the exchange's text; in the app run, the panes that show it
        are looked at as soon as the client has it, the market paused meanwhile (so that newer
        rows do not push it out of sight)."""
        self._frame_fault("hostile_text")
        if self.pilot is None:
            return
        await self.until(lambda: self.sim.faults.counts["hostile_text"] >= self.asked["hostile_text"],
                         "the hostile text to be sent")
        self.sim.pause()
        try:
            await self.settle()
            for key in HOSTILE_TEXT_PANES:
                await self.show(key)
        finally:
            self.sim.resume()

    async def _channel_error(self) -> None:
        await self.quiesce()  # a lost delta's gap shows on its sid's next frame: before the sid ends
        subs = self.feed.subscriptions()
        if subs:
            sub = self.rng.choice(subs)
            self.sim.faults.channel_error(sub.sid, self.rng.choice(CHANNEL_ERRORS))

    async def _command_error(self) -> None:
        self.asked["error"] += 1
        self.sim.faults.error(self.rng.choice(COMMAND_ERRORS))

    async def _data_envelope(self) -> None:
        self.sim.faults.data_envelope(self.rng.random() < 0.5)

    async def _rotate_book(self) -> None:
        """Stop one order book and open another (update_subscription under faults)."""
        books = sorted(self.feed.desired().get(p.ORDERBOOK_DELTA) or ())
        candidates = [t for t in self.sim.exchange.active_tickers() if t not in books]
        if len(books) < 2 or not candidates:
            return
        for change in (self.feed.unsubscribe(p.ORDERBOOK_DELTA, [self.rng.choice(books)]),
                       self.feed.subscribe(p.ORDERBOOK_DELTA, [self.rng.choice(candidates)])):
            try:
                await change
            except FeedCommandError as exc:  # the feed makes it again; only an injected error is expected
                if exc.code in COMMAND_ERRORS:
                    self.driver_errors += 1
                elif not isinstance(exc, NotConnected):
                    self.tally.problems.append(f"changing the order book markets failed: {exc}")

    async def _key(self) -> None:
        """A key press in the dashboard: switch panes while the faults go on."""
        await self.show(self.rng.choice(PANE_KEYS))

    async def show(self, key: str) -> None:
        """Press ``key`` in the dashboard; the screen then must hold no control character."""
        await self.pilot.press(key)
        text = screen_text(self.pilot.app)
        self.tally.screens += 1
        self.tally.hostile_screens += VISIBLE_ESC in text
        controls = sorted(set(unsafe(text)))
        if controls:
            self.tally.problems.append(f"control characters {controls!r} on the screen after key {key!r}")

    async def supervise(self) -> None:
        """Run the feed; start it again after a 401 (as a user would once the key is fixed)."""
        while True:
            await self.feed.run()
            if self.finishing or self.feed.status().state is not ConnectionState.AUTH_REJECTED:
                return
            self.auth_restarts += 1


def gaps_made(counts: dict[str, int]) -> int:
    """The seq gaps the client must see for the faults ``counts`` says were injected.

    A lost fill, order or position update makes none: those frames carry no seq today.
    """
    return counts["skip_seq"] + counts["drop_book"]


def parse_errors_made(counts: dict[str, int]) -> int:
    """The frames the client cannot parse: malformed JSON, and book deltas whose seq is no number."""
    return counts["malformed"] + counts["malformed_seq"]


def invalid_times(feed: Feed) -> int:
    """The times outside 1970 .. 9999 the client's state counted."""
    return sum(feed.state.invalid_times.values())


def book_deltas(feed: Feed) -> int:
    """Frames the feed has taken on its live order book sids."""
    return sum(sub.messages for sub in feed.subscriptions() if sub.channel == p.ORDERBOOK_DELTA)


async def clean_stretch(driver: Driver, tally: Tally) -> None:
    """Step the paused simulator, with no fault, until the client applied ``CLEAN_DELTAS`` deltas.

    Nothing is lost on the way, so the client must see no gap and start no resync.
    """
    feed = driver.feed
    gaps, resyncs, start = feed.gaps, feed.resyncs, book_deltas(feed)
    while (applied := book_deltas(feed) - start) < CLEAN_DELTAS and driver.connected():
        driver.sim.step(CLEAN_STEPS)
        await driver.settle()
    tally.clean_deltas = applied
    if applied < CLEAN_DELTAS:
        tally.problems.append(f"the clean stretch ended after {applied:,} book deltas")
    tally.check("clean_gaps", feed.gaps - gaps, 0)
    tally.check("clean_resyncs", feed.resyncs - resyncs, 0)


def desired_live(feed: Feed) -> tuple[int, int]:
    """(desired subscriptions, how many of them a live sid serves with the desired markets)."""
    desired = feed.desired()
    live = {sub.channel: sub.markets for sub in feed.subscriptions()}
    served = sum(1 for channel, markets in desired.items() if channel in live and live[channel] == markets)
    return len(desired), served


def book_markets(sim: Simulator) -> list[str]:
    """The markets whose books the soak opens first: the busiest ones."""
    return sim.exchange.active_tickers()[:BOOK_MARKETS]


async def finish(driver: Driver, tally: Tally) -> None:
    """Stop injecting, let everything settle, then compare with the simulator and count."""
    sim, feed, sink = driver.sim, driver.feed, driver.sink
    await driver.quiesce()
    await driver.until(lambda: desired_live(feed)[0] == desired_live(feed)[1],
                       "every desired subscription to be live")
    sim.pause()
    await driver.settle()
    books = feed.desired().get(p.ORDERBOOK_DELTA) or set()
    await driver.until(lambda: all(feed.state.is_live(t) for t in books), "every book to be live")
    await driver.settle()
    await clean_stretch(driver, tally)
    tally.desired, tally.live = desired_live(feed)
    listed: set[str] = set()
    with contextlib.suppress(FeedCommandError):
        listed = {p.canonical_channel(row.channel) for row in await feed.list_subscriptions()}
    if listed != set(feed.desired()):
        tally.problems.append(f"the server lists {sorted(listed)}, the feed wants {sorted(feed.desired())}")
    tally.books = len(books)
    for ticker in sorted(books):
        book = feed.state.books.get(ticker)
        yes, no = sim.book_levels(ticker)
        if book is None or not feed.state.is_live(ticker):
            tally.problems.append(f"book {ticker} is not live")
        elif (book.levels("yes"), book.levels("no")) != (yes, no):
            tally.problems.append(f"book {ticker} differs from the simulator")
        elif any(size <= 0 for side in ("yes", "no") for size in book.levels(side).values()):
            tally.problems.append(f"book {ticker} holds a size <= 0")
        else:
            tally.books_equal += 1
    if driver.reconcile is not None:
        await driver.reconcile()
        check_account(sim, feed.state, tally)
    counts = sim.faults.counts
    tally.injected.update({name: count for name, count in counts.items() if count})
    tally.injected.update({f"http_{status}": n for status, n in driver.rejected.items()})
    tally.injected["watchdog_stall"] = driver.long_stalls
    tally.frames = feed.status().messages_total
    tally.resyncs = feed.resyncs
    tally.check("gaps", feed.gaps, gaps_made(counts))
    tally.check_at_least("resyncs", feed.resyncs, counts["resync_due"])
    tally.check("duplicates", feed.duplicates, counts["duplicate"])
    tally.check("parse_errors", feed.parse_errors, parse_errors_made(counts))
    for name, kind in ANOMALY_OF.items():
        tally.check(name, feed.anomalies[kind], counts[name])
    tally.check("other_anomalies", sum(feed.anomalies.values()) - sum(counts[n] for n in ANOMALY_OF), 0)
    tally.check("invalid_times", invalid_times(feed), counts["bad_time"])
    tally.check("unknown_types", feed.unknown_types, counts["unknown_type"])
    tally.check("reconnects", feed.reconnects, counts["drop"] + driver.long_stalls + driver.rejected[503])
    tally.check("auth_restarts", driver.auth_restarts, driver.rejected[401])
    tally.check("channel_errors", sum(sink.error_codes[c] for c in CHANNEL_ERRORS), counts["channel_error"])
    tally.check("command_errors", driver.command_errors_seen(), counts["error"])
    tally.check("watchdog_fires", sink.watchdog_fires, driver.long_stalls)
    tally.check("handshakes", feed.handshakes, sim.handshakes_accepted + sim.handshakes_rejected)
    tally.check("rejected_handshakes", sim.handshakes_rejected, counts["reject_handshake"])
    tally.unhandled += sink.internal_errors
    tally.feed_errors = [error.summary + (f" [{error.code}]" if error.code else "") for error in feed.errors]


def check_account(sim: Simulator, state: MarketState, tally: Tally) -> None:
    """After the last reconciliation: every position, resting order and recent fill of the
    simulator's account is the state's (a fill, order or position frame withheld is repaired)."""
    account = sim.exchange.account
    held = {ticker: holding.position for ticker, holding in account.holdings.items() if holding.position}
    shown = {ticker: m.position for (ticker, sub), m in state.positions.items() if sub == PRIMARY and m.position}
    tally.check("positions_not_as_simulator", len(set(held.items()) ^ set(shown.items())), 0)
    resting = {order_id for order_id, order in state.orders.items() if order.status == RESTING}
    tally.check("resting_orders_not_as_simulator", len(resting ^ set(account.orders)), 0)
    recent = [(fill.trade_id, fill.order_id) for fill in account.fills][-(state.fills.maxlen or 0) // 2:]
    have = {(fill.trade_id, fill.order_id) for fill in state.fills}
    tally.check("recent_fills_missing", sum(key not in have for key in recent), 0)
    tally.observed["fills_compared"] = len(recent)


async def _measure_lag(tally: Tally) -> None:
    """Keep the longest time a 10 ms sleep overslept: how long the loop was held."""
    while True:
        before = time.monotonic()
        await asyncio.sleep(0.01)
        tally.max_loop_lag = max(tally.max_loop_lag, time.monotonic() - before - 0.01)


@contextlib.contextmanager
def watching_for_unhandled(tally: Tally):
    """Collect exceptions that reach the event loop or are logged at ERROR into ``tally``."""
    loop = asyncio.get_running_loop()
    lag = loop.create_task(_measure_lag(tally))
    previous = loop.get_exception_handler()
    errors = ErrorLog()
    root = logging.getLogger()
    root.addHandler(errors)

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        tally.unhandled.append(f"{context.get('message')}: {exc!r}")

    loop.set_exception_handler(handler)
    try:
        yield
    finally:
        lag.cancel()
        loop.set_exception_handler(previous)
        root.removeHandler(errors)
        tally.unhandled += errors.records


def _parts(seed: int, rate: float) -> tuple[Simulator, rsa.RSAPrivateKey, random.Random]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    sim = Simulator(SimConfig(seed=seed, events=8, markets=64, rate=rate, settle_every=20_000))
    sim.register_key(KEY_ID, key.public_key())
    return sim, key, random.Random(seed)


def _feed_config(url: str, key: rsa.RSAPrivateKey, seed: int) -> FeedConfig:
    return FeedConfig(url=url, credentials=Credentials(KEY_ID, key), environment="SIM",
                      watchdog_timeout=WATCHDOG, backoff_initial=0.02, backoff_max=0.1,
                      command_timeout=5.0, jitter_seed=seed)


async def soak_feed(seconds: float, seed: int = 1, rate: float = 2_000.0) -> Tally:
    """The feed worker and its state against the simulator under random faults."""
    tally = Tally("feed")
    sim, key, rng = _parts(seed, rate)
    url = await sim.start()
    sink = TallySink()
    feed = Feed(_feed_config(url, key, seed), MarketState(), sink)
    driver = Driver(sim, feed, sink, rng, tally, allow_401=True)
    started = time.monotonic()
    with watching_for_unhandled(tally):
        await want_defaults(feed, None, book_markets(sim))
        task = asyncio.create_task(driver.supervise())
        try:
            await driver.run(seconds)
            await finish(driver, tally)
        finally:
            driver.finishing = True
            await feed.stop()
            await _end(task, tally)
            await sim.stop()
    tally.seconds = time.monotonic() - started
    return tally


async def soak_app(seconds: float, seed: int = 1, rate: float = 1_000.0) -> Tally:
    """The same, with the feed run by the headless dashboard app (as ``kalshi-dash`` runs it)."""
    from app.tui.main import KalshiDashApp

    tally = Tally("app")
    sim, key, rng = _parts(seed + 1, rate)
    url = await sim.start()
    feed = Feed(_feed_config(url, key, seed), MarketState())
    rest = RestClient(rest_base_url(url), Credentials(KEY_ID, key), backoff_initial=0.01, backoff_max=0.05)
    app = KalshiDashApp(feed.state, feed, markets=book_markets(sim), rest=rest)
    started = time.monotonic()
    with watching_for_unhandled(tally):
        try:
            async with app.run_test(size=(160, 50)) as pilot:
                await feed.wait_connected(GUARD)
                sink = TallySink(feed.sink)  # the app's MessageSink, counted on the way
                feed.sink = sink
                # no 401: the dashboard runs the feed once, so after a 401 it stays stopped
                assert app.exchange_sync is not None
                driver = Driver(sim, feed, sink, rng, tally, allow_401=False, pilot=pilot,
                                reconcile=app.exchange_sync.reconcile_portfolio)
                await driver.run(seconds)
                await finish(driver, tally)
                for key in PANE_KEYS:  # the hostile text injected, wherever it is shown
                    await driver.show(key)
                driver.finishing = True
                await feed.stop()
                tally.frames = feed.status().messages_total
        except Exception as exc:  # the app crashed: run_test re-raises what ended it
            tally.unhandled.append(f"the app crashed: {exc!r}")
        finally:
            await rest.aclose()
            await sim.stop()
    if app.return_code not in (0, None):
        tally.unhandled.append(f"the app ended with return code {app.return_code}")
    tally.seconds = time.monotonic() - started
    return tally


async def _end(task: asyncio.Task[None], tally: Tally) -> None:
    try:
        await asyncio.wait_for(task, GUARD)
    except Exception as exc:
        tally.unhandled.append(f"the feed ended with {exc!r}")


async def soak(seconds: float, seed: int = 1, report: Callable[[str], None] = print) -> list[Tally]:
    """Both runs: the feed for two thirds of ``seconds``, the headless app for the rest."""
    tallies = []
    for run in (soak_feed(seconds * 2 / 3, seed), soak_app(seconds / 3, seed)):
        tally = await run
        report(tally.render())
        tallies.append(tally)
    return tallies


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.soak``: run the soak, print the tally, exit 1 when a check failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 60)),
                        help="total duration (default $SOAK_SECONDS or 60)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SOAK_SEED", 1)),
                        help="seed of the simulator and of the fault driver (default $SOAK_SEED or 1)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # an unhandled exception shows
    tallies = asyncio.run(soak(args.seconds, args.seed))
    return 0 if all(t.ok for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
