"""What the benchmark scripts share: the subscriptions, the source process, clocks and statistics.

Every script prints one JSON object on its last line of output; :mod:`benchmarks.run` reads it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core import protocol as p
from app.endpoint import DEFAULT_CHANNELS

ROOT = Path(__file__).resolve().parent.parent
BOOK_MARKETS = 100
PACED_RATE = 20_000  # messages a second of the paced runs (the app benchmark's, the catalog's)

# The mixed case is what the dashboard subscribes to at start (ticker and trades for every market,
# lifecycle, the account's channels, RFQs), plus the order books of the first 100 markets.
MIXED = "mixed"
DELTAS = "deltas"


def channels(mix: str) -> list[tuple[str, bool]]:
    """``(channel, per-market)`` pairs of a traffic mix; per-market ones take the 100 books."""
    if mix == DELTAS:
        return [(p.ORDERBOOK_DELTA, True)]
    return [(channel, False) for channel in DEFAULT_CHANNELS] + [(p.ORDERBOOK_DELTA, True)]


def book_markets() -> list[str]:
    """The markets whose order books the benchmarks subscribe: the first 100 (the busiest)."""
    from benchmarks.source import market_tickers

    return market_tickers()[:BOOK_MARKETS]


def subscribe_commands(mix: str, books: list[str]) -> list[dict[str, Any]]:
    """The subscribe commands a bare client sends for ``mix``."""
    commands = []
    for cmd_id, (channel, per_market) in enumerate(channels(mix), start=1):
        commands.append(p.subscribe(cmd_id, [channel], books if per_market else None,
                                    use_yes_price=False if channel == p.ORDERBOOK_DELTA else None))
    return commands


def base_parser(description: str) -> argparse.ArgumentParser:
    """The options every measuring script takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", required=True, help="the firehose source (benchmarks.source)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the measured window")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--rate", type=float, default=None, help="paced messages/s (default: firehose)")
    parser.add_argument("--mix", choices=(MIXED, DELTAS), default=MIXED)
    return parser


def source_url(url: str, rate: float | None) -> str:
    """The source's URL for a paced run (``?rate=``) or the firehose."""
    return url if rate is None else f"{url}?rate={rate:g}"


def emit(result: dict[str, Any]) -> None:
    """Print the result line."""
    print(json.dumps(result), flush=True)


def rss_mb() -> float:
    """Resident memory of this process, MB."""
    with open("/proc/self/statm") as handle:
        resident_pages = int(handle.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


@dataclass
class Window:
    """Wall time, CPU time and a counter over a measured window."""

    started: float = field(default_factory=time.perf_counter)
    cpu_started: float = field(default_factory=time.process_time)
    count_started: int = 0

    def rate(self, count: int) -> float:
        return (count - self.count_started) / self.elapsed

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @property
    def cpu_percent(self) -> float:
        return 100 * (time.process_time() - self.cpu_started) / self.elapsed


class GcPauses:
    """Every garbage collection's duration while installed (``gc.callbacks``), ms."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []
        self._start = 0.0
        self.recording = False

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        elif self.recording:
            self.pauses.append((info["generation"], (time.perf_counter() - self._start) * 1000))

    def install(self) -> None:
        gc.callbacks.append(self._callback)

    def summary(self) -> dict[str, Any]:
        worst = max((ms for _gen, ms in self.pauses), default=0.0)
        return {
            "gc_collections": len(self.pauses),
            "gc_full_collections": sum(1 for gen, _ms in self.pauses if gen == 2),
            "gc_max_pause_ms": round(worst, 2),
        }


class Source:
    """The firehose source (or, with ``module``, another server) in its own process."""

    def __init__(self, steps: int, module: str = "benchmarks.source", *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *(["--steps", str(steps)] if module == "benchmarks.source" else []),
             *args],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("ws://"):
            self.close()
            raise RuntimeError("the firehose source did not start")

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextmanager
def source(steps: int, module: str = "benchmarks.source", *args: str) -> Iterator[Source]:
    """A running firehose source (or ``module`` with ``args``), stopped on exit."""
    running = Source(steps, module, *args)
    try:
        yield running
    finally:
        running.close()


def run_script(module: str, *args: str, timeout: float = 600) -> dict[str, Any]:
    """Run ``python -m benchmarks.<module> args`` and return its result line."""
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *args], cwd=ROOT, capture_output=True,
        text=True, timeout=timeout,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"benchmarks.{module} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])
