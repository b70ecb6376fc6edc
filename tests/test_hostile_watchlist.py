"""Saving the watchlist: any text round-trips, the work is linear, the screen never waits.

Starring a ticker with an emoji once wrote a surrogate pair (``"\\ud83d\\ude80"``) that the TOML
reader rejects: the app crashed. A watchlist of 2,000 entries written one per line took 4 s to
save, on the UI thread.
"""

from __future__ import annotations

import asyncio
import threading
import tomllib
from pathlib import Path

import pytest

from app import config as config_module
from app.config import ConfigError, load_preferences, save_watchlist, toml_string
from app.core.watchlist import BackgroundSaver
from tests.test_ui_alerts_watchlist import SIZE, with_preferences
from widgets.market.ticker_grid import TickerGrid

ROCKET = "KX-\N{ROCKET}"


@pytest.mark.parametrize("ticker", [ROCKET, 'KX-"Q"', "KX-\\", "KX-\x00\x1b[2J\x7f", "KX-\u00e9\u4e2d\U0001f600"])
def test_any_ticker_round_trips_through_save_and_load(tmp_path: Path, ticker: str) -> None:
    path = tmp_path / "config.toml"
    save_watchlist(path, [ticker, "KXA-1"])
    assert load_preferences(path).watchlist == (ticker.upper(), "KXA-1")
    assert "\\ud83d" not in path.read_text(encoding="utf-8")


def test_text_that_is_not_unicode_is_refused_in_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not valid text"):
        toml_string("KX-\ud83d")  # a lone surrogate, as a broken JSON escape makes


def test_saving_a_long_multi_line_watchlist_is_linear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: the TOML text parsed to save is a small multiple of the file."""
    path = tmp_path / "config.toml"
    entries = [f'  "KX-{n:05d}",  # [note {n}]' for n in range(2_000)]
    path.write_text('# mine\nwatchlist = [\n' + "\n".join(entries)
                    + '\n]\nother = """a\n[b]"""\n\n[alerts]\nbell = true\n')
    size = len(path.read_text())
    parsed: list[int] = []
    real_loads = tomllib.loads

    def counting_loads(text: str, **kwargs):
        parsed.append(len(text))
        return real_loads(text, **kwargs)

    monkeypatch.setattr(config_module.tomllib, "loads", counting_loads)
    tickers = [f"KX-{n:05d}" for n in range(2_001)]
    save_watchlist(path, tickers)
    monkeypatch.undo()
    assert len(parsed) <= 2 and sum(parsed) <= 3 * size, parsed
    saved = tomllib.loads(path.read_text())
    assert saved["watchlist"] == tickers and saved["other"] == "a\n[b]" and saved["alerts"] == {"bell": True}
    assert path.read_text().startswith("# mine\nwatchlist = [")


async def test_saves_run_in_a_thread_in_order_and_the_superseded_are_skipped() -> None:
    saver = BackgroundSaver()
    written: list[tuple[int, int]] = []
    gate = threading.Event()

    def write(n: int):
        def run() -> None:
            if n == 1:
                gate.wait(5)  # the first save is slow: the next two queue behind it
            written.append((n, threading.get_ident()))
        return run

    first = asyncio.create_task(saver.save(write(1)))
    await asyncio.sleep(0)
    second = asyncio.create_task(saver.save(write(2)))
    third = asyncio.create_task(saver.save(write(3)))
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(first, second, third) == [True, False, True]
    assert [n for n, _ in written] == [1, 3]
    assert all(ident != threading.get_ident() for _, ident in written)


async def test_starring_next_to_an_emoji_ticker_saves_and_the_app_lives_on(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    save_watchlist(config, [ROCKET])
    app, _sim = with_preferences(load_preferences(config))
    async with app.run_test(size=SIZE) as pilot:
        grid = app.dashboard.query_one(TickerGrid)
        grid.focus()
        await pilot.press("f")
        await app.workers.wait_for_complete()
        assert app.is_running
        assert load_preferences(config).watchlist == (ROCKET, grid.cursor_ticker())
        assert not [n for n in app._notifications if n.title == "watchlist not saved"]
