"""Cold start: from process start to the first frame showing a live ladder, against the simulator.

The child process is the real ``kalshi-dash --sim --market TICKER`` entry point (``app.cli.main``:
imports, the in-process simulator with its fresh signing key, the signed handshake, the
subscriptions, the snapshot), run headless; a hook on ``App._display`` notes the first frame in
which the ladder is live. The parent takes the time from just before starting the child.
"""

from __future__ import annotations

import time

STARTED = time.time()  # noqa: E402  (before any other import: the child's own start)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks.common import ROOT, emit  # noqa: E402


def child(ticker: str) -> None:
    from textual.app import App

    from app.cli import main as cli
    from app.tui.main import KalshiDashApp

    imported = time.time()

    def headless_run(self: KalshiDashApp, **kwargs: Any) -> Any:
        return App.run(self, headless=True, size=(160, 50))

    display = App._display

    def watch(self: App[Any], screen: Any, renderable: Any) -> None:
        display(self, screen, renderable)
        ladder = self.dashboard.ladders().get(ticker) if isinstance(self, KalshiDashApp) else None
        if renderable is not None and ladder is not None and ladder.live and not getattr(self, "_seen", False):
            self._seen = True
            print(json.dumps({"live_at": time.time(), "imported_at": imported, "child_started": STARTED}),
                  flush=True)
            self.call_later(self.action_quit)

    KalshiDashApp.run = headless_run  # type: ignore[method-assign]
    App._display = watch  # type: ignore[method-assign]
    cli.main(["--sim", "--market", ticker])


def measure(runs: int) -> dict[str, Any]:
    from app.simulator.config import SimConfig
    from app.simulator.engine import Exchange

    defaults = SimConfig()
    ticker = Exchange(defaults.seed, defaults.events, defaults.markets).market_tickers()[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KALSHI_")}
    totals, imports = [], []
    for _ in range(runs):
        started = time.time()
        done = subprocess.run([sys.executable, "-m", "benchmarks.cold_start", "--child", ticker], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, env=env)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise RuntimeError(f"cold start child failed ({done.returncode}):\n{done.stderr[-3000:]}")
        marks = json.loads(lines[-1])
        totals.append(marks["live_at"] - started)
        imports.append(marks["imported_at"] - started)
    return {
        "runs": runs,
        "cold_start_s": round(statistics.median(totals), 3),
        "cold_start_max_s": round(max(totals), 3),
        "imports_done_s": round(statistics.median(imports), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", metavar="TICKER", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        child(args.child)
    else:
        emit(measure(args.runs))


if __name__ == "__main__":
    main()
