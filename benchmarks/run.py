"""Run every benchmark in one go and write the figures into ``BENCHMARKS.md``.

``python -m benchmarks.run`` (what ``make bench`` runs) takes a few minutes on 2 cores; ``--short``
runs each script briefly (the test suite does) and writes nothing unless ``--output`` is given.
Each measurement runs in a fresh process against one firehose source process (the other core), and
the ceiling is measured at the start and at the end: ratios use their mean, so a machine that is
busier in one part of the run shows as a gap between the two ceilings rather than as a wrong ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import PACED_RATE, ROOT, run_script, source

START, END = "<!-- bench:start -->", "<!-- bench:end -->"

FULL = {"steps": 150_000, "seconds": 5.0, "warmup": 1.0, "app_seconds": 8.0, "presses": 100,
        "messages": 1_000_000, "paced_seconds": 8.0, "paced_rounds": 3, "cold_runs": 3,
        "cost_frames": 150_000, "catalog": (2_000, 20_000), "order_presses": 40}
SHORT = {"steps": 3_000, "seconds": 0.5, "warmup": 0.2, "app_seconds": 0.8, "presses": 2,
         "messages": 20_000, "paced_seconds": 0.8, "paced_rounds": 1, "cold_runs": 1,
         "cost_frames": 3_000, "catalog": (20, 200), "order_presses": 2}


def measure(plan: dict[str, Any], log: Any) -> dict[str, Any]:
    """Every figure of the issue, as one dictionary."""
    window = ["--seconds", str(plan["seconds"]), "--warmup", str(plan["warmup"])]
    results: dict[str, Any] = {}

    def step(name: str, module: str, *args: str) -> dict[str, Any]:
        started = time.perf_counter()
        results[name] = run_script(module, *args)
        log(f"  {name}: {json.dumps(results[name])} ({time.perf_counter() - started:.1f} s)")
        return results[name]

    log("the simulator's own firehose (reference)")
    with source(0, "benchmarks.sim_source") as sim:
        step("sim_firehose", "ceiling", "--url", sim.url, *window)
    log("pre-generated firehose source")
    with source(plan["steps"]) as src:
        url = ["--url", src.url]
        step("ceiling_start", "ceiling", *url, *window)
        step("ceiling_deltas", "ceiling", *url, *window, "--mix", "deltas")
        step("ceiling_batch", "ceiling", *url, *window, "--reader", "batch")
        step("cost_mixed", "process_cost", *url, "--frames", str(plan["cost_frames"]))
        step("feed_mixed", "feed_state", *url, *window, "--messages", str(plan["messages"]))
        step("feed_deltas", "feed_state", *url, *window, "--mix", "deltas")
        step("app_firehose", "app_load", *url, "--seconds", str(plan["app_seconds"]), "--warmup",
             str(plan["warmup"]), "--presses", str(plan["presses"]), "--messages", str(plan["messages"]))
        paced = ["--rate", str(PACED_RATE), "--seconds", str(plan["paced_seconds"]), "--warmup", str(plan["warmup"])]
        # The paced comparison is the noisiest figure (a few points of a core between runs here):
        # bare client and app take turns, and the rounds' median is what counts.
        rounds = []
        for index in range(plan["paced_rounds"]):
            rounds.append((step(f"bare_paced_{index}", "ceiling", *url, *paced),
                           step(f"app_paced_{index}", "app_load", *url, *paced)))
        results["paced_rounds"] = rounds
        step("bare_paced_batch", "ceiling", *url, *paced, "--reader", "batch")
        step("order_entry", "order_entry", *url, "--rate", str(PACED_RATE), "--presses", str(plan["order_presses"]),
             "--warmup", str(plan["warmup"]))
        step("ceiling_end", "ceiling", *url, *window)
    step("cold_start", "cold_start", "--runs", str(plan["cold_runs"]))
    events, markets = plan["catalog"]
    log(f"the simulator at exchange scale: {markets:,} markets in {events:,} events")
    # the paced market beside it keeps the screen changing, so the frame rate measures the load
    with source(0, "benchmarks.catalog_sim", "--events", str(events), "--markets", str(markets)) as sim, \
            source(plan["steps"]) as src:
        step("catalog", "catalog_load", "--url", sim.url, "--feed", src.url, "--markets", str(markets))
    return results


def ratio(value: float, ceiling: float) -> float:
    return value / ceiling if ceiling else 0.0


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def table(results: dict[str, Any]) -> tuple[str, list[tuple[str, bool]]]:
    """The figures as Markdown, and each target with whether it holds."""
    ceiling = statistics.mean([results["ceiling_start"]["messages_per_second"],
                               results["ceiling_end"]["messages_per_second"]])
    deltas_ceiling = results["ceiling_deltas"]["messages_per_second"]
    feed, feed_deltas = results["feed_mixed"], results["feed_deltas"]
    app = results["app_firehose"]
    rounds = results["paced_rounds"]
    bare_cpus = [bare["cpu_percent"] for bare, _app in rounds]
    app_cpus = [paced["cpu_percent"] for _bare, paced in rounds]
    paced_frames = statistics.median(paced["frames_per_second"] for _bare, paced in rounds)
    paced_ingested = min(paced["messages_per_second"] for _bare, paced in rounds)
    keys, memory, cold = app.get("keys", {}), app.get("memory", {}), results["cold_start"]
    feed_memory = feed.get("memory", {})
    cost = results["cost_mixed"]
    catalog = results["catalog"]
    orders = results["order_entry"]
    cpu_over = statistics.median(a - b for a, b in zip(app_cpus, bare_cpus))
    batch, bare_batch = results["ceiling_batch"]["messages_per_second"], results["bare_paced_batch"]
    targets = [
        ("Feed + state >= 80% of the ceiling (mixed)", ratio(feed["messages_per_second"], ceiling) >= 0.8),
        ("Whole app >= 65% of the ceiling", ratio(app["messages_per_second"], ceiling) >= 0.65),
        ("Whole app draws >= 27 frames/s under firehose", app["frames_per_second"] >= 27),
        ("Frame lag p99 <= 50 ms", app["frame_lag_p99_ms"] <= 50),
        ("Paced 20k msg/s: >= 29 frames/s", paced_frames >= 29),
        ("Paced 20k msg/s: app CPU <= bare client + 15 points", cpu_over <= 15),
        ("Key latency p95 < 100 ms under firehose", bool(keys) and keys["switch_p95_ms"] < 100
         and keys["cursor_p95_ms"] < 100),
        ("Worst GC pause <= 10 ms during the firehose",
         max(app["gc_max_pause_ms"], keys.get("gc_max_pause_ms", 0)) <= 10),
        ("RSS < 250 MB at 1M messages (whole app)", bool(memory) and memory["rss_mb"] < 250
         and memory["messages"] >= 1_000_000),
        ("RSS flat over the last 500k of 1M messages, < 10 MB growth (whole app)", bool(memory)
         and memory["growth_last_half_mb"] < 10 and memory["messages"] >= 1_000_000),
        ("Cold start to live ladder < 1.5 s", cold["cold_start_s"] < 1.5),
        ("Catalog load: >= 27 frames/s, frame interval p99 <= 50 ms", catalog["load_frames_per_second"] >= 27
         and catalog["load_frame_interval_p99_ms"] <= 50),
        ("Filter as you type (grid and finder) p95 <= 50 ms per key", catalog["grid_key_p95_ms"] <= 50
         and catalog["finder_key_p95_ms"] <= 50),
        ("RSS <= 300 MB with the catalog loaded", catalog["rss_mb"] <= 300),
        ("Titles within 0.5 s of start from the disk cache", catalog["cached_titles_s"] <= 0.5),
        (f"Order key to resting on the ladder p95 <= 150 ms, paced {PACED_RATE:,} msg/s",
         orders["order_p95_ms"] <= 150 and not orders["timeouts"]),
    ]
    rows = [
        ("1", "Ceiling: bare websockets + json.loads, mixed (start / end of run)",
         f"{results['ceiling_start']['messages_per_second']:,} / "
         f"{results['ceiling_end']['messages_per_second']:,} msg/s "
         f"(client CPU {results['ceiling_start']['cpu_percent']}%)", "1.00"),
        ("1", "Ceiling, deltas only", f"{deltas_ceiling:,} msg/s", ""),
        ("1", "The same bare client receiving through the feed's frame reader (FeedConnection.batch), "
         "mixed (reference: the limit for the feed as built)", f"{batch:,} msg/s", f"{ratio(batch, ceiling):.2f}"),
        ("1", "The simulator's own firehose to the same bare client (reference)",
         f"{results['sim_firehose']['messages_per_second']:,} msg/s",
         f"{ratio(results['sim_firehose']['messages_per_second'], ceiling):.2f}"),
        ("2", "Feed + state, mixed (deltas over 100 books, ticker and trades for 1,000 markets, account, lifecycle)",
         f"{feed['messages_per_second']:,} msg/s (CPU {feed['cpu_percent']}%)",
         f"{ratio(feed['messages_per_second'], ceiling):.2f} ({ratio(feed['messages_per_second'], batch):.2f} of the "
         "feed reader's)"),
        ("2", "Feed + state, deltas only", f"{feed_deltas['messages_per_second']:,} msg/s",
         f"{ratio(feed_deltas['messages_per_second'], ceiling):.2f} "
         f"({ratio(feed_deltas['messages_per_second'], deltas_ceiling):.2f} of the deltas ceiling)"),
        ("2", "CPU per message, socket-free: json.loads / protocol.parse / feed processing",
         f"{cost['json_loads_us']} / {cost['parse_us']} / {cost['feed_process_us']} µs", ""),
        ("3", "Whole app under firehose: messages ingested",
         f"{app['messages_per_second']:,} msg/s (CPU {app['cpu_percent']}%)",
         f"{ratio(app['messages_per_second'], ceiling):.2f}"),
        ("3", "Whole app under firehose: frames drawn", f"{app['frames_per_second']} frames/s "
         f"({app['bytes_per_frame']:,} bytes/frame)", ""),
        ("4", "Key latency under firehose, switch market (Enter) p50 / p95",
         f"{keys.get('switch_p50_ms')} / {keys.get('switch_p95_ms')} ms ({keys.get('presses')} presses)", ""),
        ("4", "Key latency under firehose, cursor to next market (Down/Up) p50 / p95",
         f"{keys.get('cursor_p50_ms')} / {keys.get('cursor_p95_ms')} ms", ""),
        ("4", "Frame lag (change announced -> frame drawn) p50 / p99",
         f"{app['frame_lag_p50_ms']} / {app['frame_lag_p99_ms']} ms", ""),
        ("4", "Frame interval p99", f"{app['frame_interval_p99_ms']} ms", ""),
        ("4", "Longest GC pause (firehose window / during key presses)",
         f"{app['gc_max_pause_ms']} / {keys.get('gc_max_pause_ms')} ms ({app['gc_full_collections']} full "
         f"collections of {app['gc_collections']})", ""),
        ("5", f"Paced {PACED_RATE:,} msg/s: app frames drawn (median of {len(rounds)} runs)",
         f"{paced_frames} frames/s (at least {paced_ingested:,} msg/s ingested)", ""),
        ("5", f"Paced {PACED_RATE:,} msg/s: CPU, app vs bare client, median of {len(rounds)} "
         "alternating rounds (each round's app / bare)",
         f"{statistics.median(app_cpus)}% vs {statistics.median(bare_cpus)}% ({cpu_over:+.1f} points; "
         + ", ".join(f"{a} / {b}" for a, b in zip(app_cpus, bare_cpus)) + ")", ""),
        ("5", f"Paced {PACED_RATE:,} msg/s: CPU of the bare client on the feed's frame reader (reference)",
         f"{bare_batch['cpu_percent']}% "
         f"(app {statistics.median(app_cpus) - bare_batch['cpu_percent']:+.1f} points)", ""),
        ("6", f"Resident memory after {memory.get('messages', 0):,} messages over 1,000 markets",
         f"{memory.get('rss_mb')} MB", ""),
        ("6", "Growth over the last half of those messages",
         f"{memory.get('growth_last_half_mb')} MB (from {memory.get('rss_at_half_mb')} MB)", ""),
        ("6", f"Feed + state alone after {feed_memory.get('messages', 0):,} messages: RSS, growth over the last half",
         f"{feed_memory.get('rss_mb')} MB, {feed_memory.get('growth_last_half_mb')} MB "
         f"({feed_memory.get('trades_kept')} trades and {feed_memory.get('orders_kept')} orders kept)", ""),
        ("7", "Cold start to live ladder (median of runs)",
         f"{cold['cold_start_s']} s (imports done at {cold['imports_done_s']} s; {cold['runs']} runs)", ""),
    ]
    rows += [
        ("8", f"Catalog of {catalog['catalog_markets']:,} markets loaded while the app runs a paced "
         f"{PACED_RATE:,} msg/s market (ladder open): frames drawn, frame interval p99; the same screen "
         "just before the load (reference)", f"{catalog['load_frames_per_second']} frames/s, "
         f"{catalog['load_frame_interval_p99_ms']} ms (loaded in {catalog['catalog_seconds']} s); before: "
         f"{catalog['busy_frames_per_second']} frames/s, {catalog['busy_frame_interval_p99_ms']} ms", ""),
        ("8", "Filter as you type over the catalog, per key p50 / p95: grid (/), finder (m)",
         f"{catalog['grid_key_p50_ms']} / {catalog['grid_key_p95_ms']} ms, "
         f"{catalog['finder_key_p50_ms']} / {catalog['finder_key_p95_ms']} ms", ""),
        ("8", "Resident memory with the catalog loaded", f"{catalog['rss_mb']} MB", ""),
        ("8", "Every title shown from the disk cache, from the app's start (imports done)",
         f"{catalog['cached_titles_s']} s", ""),
        ("9", f"Order key (b) to the order resting on the ladder, paced {PACED_RATE:,} msg/s, p50 / p95",
         f"{orders['order_p50_ms']} / {orders['order_p95_ms']} ms ({orders['presses']} presses, "
         f"{orders['timeouts']} timed out; {orders['messages_per_second']:,} msg/s ingested)", ""),
    ]
    lines = ["| # | measure | figure | ratio to ceiling |", "| --- | --- | --- | --- |"]
    lines += [f"| {n} | {what} | {figure} | {r} |" for n, what, figure, r in rows]
    lines += ["", "| target | |", "| --- | --- |"]
    lines += [f"| {name} | {verdict(ok)} |" for name, ok in targets]
    return "\n".join(lines), targets


def write(path: Path, section: str) -> None:
    """Put ``section`` between the markers of ``path`` (appended when the markers are missing)."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{START}\n{section}\n{END}"
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="a quick run of every script")
    parser.add_argument("--output", type=Path, default=None, help="file to write the figures into "
                        "(default: BENCHMARKS.md, or nothing with --short)")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw results here")
    parser.add_argument("--presses", type=int, default=None, help="key presses (default 100)")
    parser.add_argument("--messages", type=int, default=None, help="messages for memory (default 1,000,000)")
    args = parser.parse_args()
    plan = dict(SHORT if args.short else FULL)
    for name in ("presses", "messages"):
        if getattr(args, name) is not None:
            plan[name] = getattr(args, name)
    output = args.output or (None if args.short else ROOT / "BENCHMARKS.md")

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    results = measure(plan, log)
    figures, targets = table(results)
    command = (
        "make bench" if os.environ.get("MAKELEVEL") else "python " + shlex.join(["-m", "benchmarks.run", *sys.argv[1:]])
    )
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"Measured {when} with `{command}` ({time.perf_counter() - started:.0f} s; "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average at the end {os.getloadavg()[0]:.2f}).")
    section = header + "\n\n" + figures
    print(section)
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1))
    if output is not None:
        write(output, section)
        log(f"wrote {output}")
    log(f"{sum(ok for _name, ok in targets)}/{len(targets)} targets met")


if __name__ == "__main__":
    main()
