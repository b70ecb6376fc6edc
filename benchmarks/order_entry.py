"""Key press to order resting on the ladder, under the paced load: ``python -m benchmarks.order_entry``.

The dashboard (``App.run_test()``) takes the same load as the paced rows of ``make bench``: its
feed reads the firehose source at ``--rate`` messages a second (20,000 by default; the source of
``--url``, or one started here), subscribed to the same 100 books. Orders go to the simulator, in
its own process (:mod:`benchmarks.order_sim`), which holds the same universe (seed, events,
markets): a second feed, signed with a fresh RSA key, brings its ``user_orders``, ``fill`` and
``market_positions`` into the same state, and the order service writes to its REST API. The ladder
of one market shows the source's book (the account feed keeps a state of its own, as a feed marks
every book of its state as awaiting a snapshot when it connects: :class:`AccountBridge` carries its
orders, positions and fills over, as one feed would have set them); before each press the cursor is
put one or two cents under the simulator's best yes bid (read from its REST API, untimed), so the
order rests there; the ladder is the price ladder (``p``), whose rows reach from the touch to the
cursor, and the cursor's row is scrolled into view (untimed, as moving the cursor there would).
Each press of ``b`` buys one contract at the cursor; its latency is the time from the key event to
the first frame drawn with the new order's size on the ladder (a line of the ladder drawn with the
contract at the cursor's price: :class:`Drawn`). Figures: p50/p95 of the presses, the messages per
second the app took meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from textual.strip import Strip

from app.core import protocol as p
from app.core.fixed import CENT, parse_price
from app.core.state import Kind, MarketState
from app.feed.auth import Credentials
from app.feed.feed import Feed, FeedConfig
from app.rest.client import RestClient
from app.trading.audit import AuditLog
from app.trading.orders import OrderService
from app.trading.rails import SIMULATOR, Rails
from app.tui.feed_bridge import MessageSink
from app.tui.main import KalshiDashApp
from app.tui.screens.order_entry import OrderEntry
from benchmarks.app_load import PROBE, SIZE, install_hooks, press, wait_until
from benchmarks.common import Window, book_markets, emit, percentile, source, source_url
from widgets.market.depth_ladder import HEADER_LINES, DepthLadder, RowLook


class AccountBridge:
    """The account feed's sink: what it changed in its own state goes into the app's (orders and
    positions as the socket last sent them, new fills), and the app is told, at the feed's own pace."""

    def __init__(self, mine: MarketState, app_state: MarketState, sink: MessageSink) -> None:
        self.mine, self.app_state, self.sink = mine, app_state, sink

    def on_changes(self, kinds: Kind, books: frozenset[str]) -> None:
        changed = Kind.NONE
        for held, shown in ((self.mine.orders, self.app_state.orders), (self.mine.positions, self.app_state.positions)):
            for key, message in held.items():
                if shown.get(key) != message:  # type: ignore[call-overload]
                    changed |= self.app_state.apply(message)
        if self.app_state.merge_fills(list(self.mine.fills)):
            changed |= Kind.FILL
        if changed:
            self.sink.on_changes(changed, frozenset())

    def on_status(self, status: object) -> None:
        """The account feed's status is not the app's."""

    def on_subscriptions(self) -> None:
        """Nor are its subscriptions."""

    def on_error(self, error: object) -> None:
        """Nor its errors."""


class Drawn:
    """The trader's contracts on each line the ladder last drew, by the line's price (a hook on
    :meth:`DepthLadder.render_line`, which the compositor calls for every line it repaints)."""

    def __init__(self) -> None:
        self.lines: dict[int, tuple[int, int]] = {}  # view line: (price, contracts of the trader's)

    def install(self) -> None:
        render_line, drawn = DepthLadder.render_line, self

        def noted_line(ladder: DepthLadder, y: int) -> Strip:
            look = ladder._body_look(y - HEADER_LINES + int(ladder.scroll_offset.y)) if y >= HEADER_LINES else None
            if isinstance(look, RowLook):
                drawn.lines[y] = look.row.price, look.mine
            else:
                drawn.lines.pop(y, None)
            return render_line(ladder, y)

        DepthLadder.render_line = noted_line  # type: ignore[method-assign]

    def mine(self, price: int | None = None) -> int:
        """The trader's contracts drawn at ``price`` (None: at any price)."""
        return sum(mine for at, mine in self.lines.values() if price is None or at == price)


class Stages:
    """When each press reached the order desk and how long its POST took (seconds, perf_counter),
    noted by hooks on the ladder's buy key, :meth:`OrderEntry.handle` and :meth:`RestClient.write`."""

    def __init__(self) -> None:
        self.acted: list[float] = []  # the ladder's action ran
        self.handled: list[float] = []
        self.posts: list[tuple[float, float]] = []  # (sent, answered)

    def install(self) -> None:
        handle, write, act = OrderEntry.handle, RestClient.write, DepthLadder.action_trade
        stages = self

        def noted_act(ladder: DepthLadder, action: str) -> None:
            stages.acted.append(time.perf_counter())
            act(ladder, action)

        def noted_handle(entry: OrderEntry, *args: Any, **kwargs: Any) -> None:
            stages.handled.append(time.perf_counter())
            handle(entry, *args, **kwargs)

        async def noted_write(client: RestClient, method: str, path: str, body: Any = None) -> Any:
            sent = time.perf_counter()
            answer = await write(client, method, path, body)
            if method == "POST" and path == "/portfolio/orders":
                stages.posts.append((sent, time.perf_counter()))
            return answer

        DepthLadder.action_trade = noted_act  # type: ignore[method-assign]
        OrderEntry.handle = noted_handle  # type: ignore[method-assign]
        RestClient.write = noted_write  # type: ignore[method-assign]


def p50_p95_ms(values: list[float]) -> str:
    return f"{(percentile(values, 50) or 0) * 1000:.1f} / {(percentile(values, 95) or 0) * 1000:.1f}"


async def best_yes_bid(client: RestClient, ticker: str) -> int:
    """The simulator's best yes bid in ``ticker`` (its REST market)."""
    return parse_price((await client.get(f"/markets/{ticker}"))["market"]["yes_bid_dollars"])


async def in_view(ladder: DepthLadder, price: int) -> None:
    """Wait for the price ladder's row at ``price`` (it stretches to the cursor), scroll it to the
    middle of the view, as moving the cursor there would, and wait for the frame."""
    await wait_until(lambda: price in {row.price for row in ladder.ladder.rows}, 5, "the cursor's row")
    index = [row.price for row in ladder.ladder.rows].index(price)
    frames = len(PROBE.frames)
    ladder.scroll_to(y=max(0, ladder._line_of(index) - (ladder.size.height - HEADER_LINES) // 2), animate=False,
                     immediate=True)
    await wait_until(lambda: len(PROBE.frames) > frames, 5, "a frame")


async def measure(load_url: str, sim_url: str, rest_url: str, ticker: str, key: rsa.RSAPrivateKey, presses: int,
                  warmup: float, audit: Path) -> dict[str, Any]:
    install_hooks()
    stages, drawn = Stages(), Drawn()
    stages.install()
    drawn.install()
    credentials = Credentials("bench", key)
    state = MarketState()
    feed = Feed(FeedConfig(url=load_url), state)  # the paced load, as app_load subscribes it
    await feed.subscribe(p.ORDERBOOK_DELTA, book_markets())
    account_state = MarketState()
    account = Feed(FeedConfig(url=sim_url, credentials=credentials, environment="SIM"), account_state)
    for channel in (p.USER_ORDERS, p.FILL, p.MARKET_POSITIONS):
        await account.subscribe(channel)
    client = RestClient(rest_url, credentials)
    service = OrderService(client, Rails(SIMULATOR), AuditLog(audit))
    app = KalshiDashApp(state, feed=feed, markets=[ticker], orders=service)
    latencies: list[float] = []
    async with app.run_test(headless=True, size=SIZE):
        account.sink = AccountBridge(account_state, state, MessageSink(app.dashboard))  # type: ignore[assignment]
        account_run = asyncio.create_task(account.run())
        await account.wait_connected(30)
        await wait_until(lambda: ticker in app.dashboard.ladders() and app.dashboard.ladders()[ticker].live,
                         30, "the ladder live")
        ladder = app.dashboard.ladders()[ticker]
        ladder.focus()
        # the price ladder: a row at every tick from the touch of the ladder's book (the source's)
        # to the cursor (the simulator's), whatever the book does between the cursor's move and the
        # press (the depth ladder's rows move as levels come and go, and the source's touch is far
        # from the simulator's: the order's row could be pushed out of view)
        ladder.action_toggle_price_ladder()
        await asyncio.sleep(warmup)
        window = Window(count_started=feed.status().messages_total)
        to_ladder, to_desk, post, answer_to_frame = [], [], [], []
        for index in range(presses):
            price = ladder.cursor = max(CENT, await best_yes_bid(client, ticker) - (1 + index % 2) * CENT)
            await in_view(ladder, price)
            stages.acted.clear()
            stages.handled.clear()
            stages.posts.clear()
            pressed = time.perf_counter()
            latencies.append(await press(app, "b", lambda price=price: drawn.mine(price) > 0))
            if stages.acted and stages.handled and stages.posts:
                sent, answered = stages.posts[0]
                to_ladder.append(stages.acted[0] - pressed)
                to_desk.append(stages.handled[0] - stages.acted[0])
                post.append(answered - sent)
                answer_to_frame.append(pressed + latencies[-1] - answered)
            await service.cancel_all(ticker)  # the next press starts from an empty row again
            await wait_until(lambda: not ladder.mine and not drawn.mine(), 30, "the orders canceled and gone")
        rate = window.rate(feed.status().messages_total)
        await account.stop()
        await account_run
        await feed.stop()
    await client.aclose()
    return {
        "presses": presses,
        "order_p50_ms": round((percentile(latencies, 50) or 0) * 1000, 1),
        "order_p95_ms": round((percentile(latencies, 95) or 0) * 1000, 1),
        "timeouts": sum(1 for value in latencies if value >= 5.0),
        "messages_per_second": round(rate),
        # where the time goes, p50 / p95 ms: key to the ladder's action, on to the order desk, the
        # POST, its answer to the frame
        "stages_ms": {"key_to_ladder": p50_p95_ms(to_ladder), "ladder_to_desk": p50_p95_ms(to_desk),
                      "post": p50_p95_ms(post),
                      "answer_to_frame": p50_p95_ms(answer_to_frame)},
        "frames": len(PROBE.frames),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="a running firehose source (default: start one)")
    parser.add_argument("--rate", type=float, default=20_000, help="the load: messages a second from the source")
    parser.add_argument("--steps", type=int, default=150_000, help="engine steps the source started here records")
    parser.add_argument("--sim-rate", type=float, default=200, help="the simulator's engine actions a second")
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with contextlib.ExitStack() as stack:
        load = args.url or stack.enter_context(source(args.steps)).url
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        pem = folder / "bench.pem"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        pem.chmod(0o600)
        sim = subprocess.Popen([sys.executable, "-m", "benchmarks.order_sim", str(pem), str(args.sim_rate)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert sim.stdout is not None
            url, rest_url, ticker = sim.stdout.readline().split()
            started = time.perf_counter()
            result = asyncio.run(measure(source_url(load, args.rate), url, rest_url, ticker, key, args.presses,
                                         args.warmup, folder / "audit.jsonl"))
            result["seconds"] = round(time.perf_counter() - started, 1)
            result["load_rate"] = args.rate
        finally:
            if sim.stdin is not None:
                sim.stdin.close()
            sim.wait(timeout=30)
    emit(result)


if __name__ == "__main__":
    main()
