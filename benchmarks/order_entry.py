"""Key press to order resting on the ladder, under load: ``python -m benchmarks.order_entry``.

The simulator runs in its own process (:mod:`benchmarks.order_sim`) stepping its market at
``--rate`` actions a second; the real dashboard (``App.run_test()``) has one ladder open, its feed
signed with a fresh RSA key (so ``user_orders`` arrive) and the order service on the simulator's
REST API. Each press of ``b`` buys one contract at the ladder's cursor, alternately one and two rows
under the best bid; its latency is the time from the key event to the first frame that shows the
new order's size on the ladder (the order placed through REST, its ``user_order`` received on the
socket). Figures: p50/p95 of the presses, the messages per second the feed took meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.feed.auth import Credentials
from app.feed.feed import Feed, FeedConfig
from app.tui.main import KalshiDashApp
from app.rest.client import RestClient
from app.core.state import MarketState
from app.trading.audit import AuditLog
from app.trading.orders import OrderService
from app.trading.rails import SIMULATOR, Rails
from benchmarks.app_load import PROBE, SIZE, install_hooks, press, wait_until
from benchmarks.common import Window, emit, percentile


async def measure(url: str, rest_url: str, ticker: str, key: rsa.RSAPrivateKey, presses: int, warmup: float,
                  audit: Path) -> dict[str, Any]:
    install_hooks()
    credentials = Credentials("bench", key)
    state = MarketState()
    feed = Feed(FeedConfig(url=url, credentials=credentials, environment="SIM"), state)
    client = RestClient(rest_url, credentials)
    service = OrderService(client, Rails(SIMULATOR), AuditLog(audit))
    app = KalshiDashApp(state, feed=feed, markets=[ticker], orders=service)
    latencies: list[float] = []
    async with app.run_test(headless=True, size=SIZE):
        await wait_until(lambda: ticker in app.dashboard.ladders() and app.dashboard.ladders()[ticker].live,
                         30, "the ladder live")
        ladder = app.dashboard.ladders()[ticker]
        ladder.focus()
        await asyncio.sleep(warmup)
        window = Window(count_started=feed.status().messages_total)
        for index in range(presses):
            ladder.cursor = None
            for _ in range(1 + index % 2):
                await press(app, "down", lambda: ladder.cursor is not None)
            before = sum(ladder.mine.values())
            latencies.append(await press(app, "b", lambda before=before: sum(ladder.mine.values()) > before))
            await service.cancel_all(ticker)  # the next press starts from an empty row again
            await wait_until(lambda: not ladder.mine, 10, "the orders canceled")
        rate = window.rate(feed.status().messages_total)
        await feed.stop()
    await client.aclose()
    return {
        "presses": presses,
        "order_p50_ms": round((percentile(latencies, 50) or 0) * 1000, 1),
        "order_p95_ms": round((percentile(latencies, 95) or 0) * 1000, 1),
        "timeouts": sum(1 for value in latencies if value >= 5.0),
        "messages_per_second": round(rate),
        "frames": len(PROBE.frames),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10_000, help="simulator engine actions a second")
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with tempfile.TemporaryDirectory() as folder:
        pem = Path(folder) / "bench.pem"
        pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
        pem.chmod(0o600)
        sim = subprocess.Popen([sys.executable, "-m", "benchmarks.order_sim", str(pem), str(args.rate)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert sim.stdout is not None
            url, rest_url, ticker = sim.stdout.readline().split()
            started = time.perf_counter()
            result = asyncio.run(measure(url, rest_url, ticker, key, args.presses, args.warmup, Path(folder) / "audit.jsonl"))
            result["seconds"] = round(time.perf_counter() - started, 1)
        finally:
            if sim.stdin is not None:
                sim.stdin.close()
            sim.wait(timeout=30)
    emit(result)


if __name__ == "__main__":
    main()
