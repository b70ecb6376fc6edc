"""The benchmark scripts run (short mode) and print their figures; nothing here is timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = {
    "sim_firehose": ["messages_per_second", "cpu_percent"],
    "ceiling_start": ["messages_per_second", "cpu_percent"],
    "ceiling_deltas": ["messages_per_second"],
    "cost_mixed": ["json_loads_us", "parse_us", "feed_process_us"],
    "feed_mixed": ["messages_per_second", "cpu_percent"],
    "feed_deltas": ["messages_per_second"],
    "app_firehose": ["messages_per_second", "frames_per_second", "frame_lag_p99_ms", "gc_max_pause_ms",
                     "keys", "memory"],
    "bare_paced_0": ["messages_per_second", "cpu_percent"],
    "app_paced_0": ["messages_per_second", "frames_per_second", "cpu_percent"],
    "ceiling_end": ["messages_per_second"],
    "cold_start": ["cold_start_s"],
    "catalog": ["busy_frames_per_second", "load_frames_per_second", "load_frame_interval_p99_ms", "grid_key_p95_ms",
                "finder_key_p95_ms", "rss_mb", "cached_titles_s"],
    "order_entry": ["order_p50_ms", "order_p95_ms", "timeouts", "messages_per_second"],
}


def test_every_benchmark_runs_and_prints_its_figures(tmp_path: Path) -> None:
    raw, report = tmp_path / "results.json", tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--short", "--json", str(raw), "--output", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(raw.read_text())
    for name, keys in FIGURES.items():
        for key in keys:
            assert results[name][key] is not None, (name, key)
    app = results["app_firehose"]
    assert app["messages_per_second"] > 0 and app["frames_per_second"] > 0
    assert app["gaps"] == 0 and app["parse_errors"] == 0
    assert app["keys"]["presses"] > 0 and app["memory"]["messages"] > 0
    assert len(results["paced_rounds"]) == 1  # short mode: one round of bare client and app
    assert results["order_entry"]["presses"] == 2 and results["order_entry"]["timeouts"] == 0
    for table_line in ("| 1 | Ceiling", "| 3 | Whole app", "| 5 | Paced", "| 7 | Cold start", "| 9 | Order key",
                       "| target | |"):
        assert table_line in done.stdout
    text = report.read_text()
    assert "<!-- bench:start -->" in text and "| 1 | Ceiling" in text
