"""Where the catalog is cached (one file per environment, and per host for a custom endpoint), how
it is saved and read back, and that a file that cannot be used is said and replaced."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.config import ENVIRONMENT_URLS
from app.core.catalog import Catalog, CatalogEvent, CatalogMarket
from app.core.state import MarketState
from app.rest.catalog_cache import CACHE_VERSION, PART_MARKETS, cache_path, encode_cache, read_cache, write_cache
from app.rest.client import RestClient, rest_base_url
from app.rest.sync import ExchangeSync
from app.simulator import SimConfig, Simulator


def test_each_environment_and_custom_host_has_its_own_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    paths = [
        cache_path("DEMO", ENVIRONMENT_URLS["demo"]),
        cache_path("PROD", ENVIRONMENT_URLS["prod"]),
        cache_path("CUSTOM", "ws://127.0.0.1:8765/trade-api/ws/v2"),
        cache_path("CUSTOM", "ws://127.0.0.1:9000/trade-api/ws/v2"),
        cache_path("CUSTOM", "wss://exchange.example/trade-api/ws/v2"),
    ]
    assert all(p is not None and p.parent == tmp_path / "kalshi-dash" for p in paths)
    assert len(set(paths)) == len(paths)
    assert paths[0] is not None and paths[0].name == "catalog-demo.json"
    assert paths[3] is not None and paths[3].name == "catalog-custom-127.0.0.1-9000.json"


def test_the_built_in_simulator_is_not_cached() -> None:
    """Its markets are made anew at every start: a cache would show markets that do not exist."""
    assert cache_path("SIM", None) is None


def test_a_host_never_names_a_file_outside_the_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = cache_path("CUSTOM", "ws://[::1]:8765/trade-api/ws/v2")
    assert path is not None and path.parent == tmp_path / "kalshi-dash" and "/" not in path.name


def small_catalog(markets: int, events: int) -> Catalog:
    catalog = Catalog()
    for e in range(events):
        numbers = range(e * markets // events, (e + 1) * markets // events)
        tickers = tuple(f"KXE{e}-M{m}" for m in numbers)
        catalog.events[f"KXE{e}"] = CatalogEvent(f"KXE{e}", title=f"Event {e}", markets=tickers)
        for m in numbers:
            catalog.markets[f"KXE{e}-M{m}"] = CatalogMarket(f"KXE{e}-M{m}", f"KXE{e}", title=f"Market {m}",
                                                            status="active", close_ts=1_800_000_000 + m, yes_bid=4_200)
    return catalog


async def test_the_cache_is_saved_a_part_at_a_time_and_read_back_whole(tmp_path: Path) -> None:
    catalog = small_catalog(markets=PART_MARKETS * 2 + 500, events=30)
    pauses = 0

    async def pause() -> None:
        nonlocal pauses
        pauses += 1

    path = tmp_path / "catalog.json"
    write_cache(path, await encode_cache(catalog, pause))
    assert pauses == 3 and len(path.read_bytes().splitlines()) == 3  # a line a part, a yield after each
    cached = read_cache(path)
    assert cached is not None and cached.version == CACHE_VERSION
    assert cached.markets == list(catalog.markets.values())
    assert cached.events == list(catalog.events.values())


@pytest.mark.parametrize("content", [
    b'{"version":2,"saved":1.0,"events":[],"markets":[["KXA-1"',  # cut short
    b"\x00\xff not json",
    # the first format: one object, records as objects
    b'{"version":1,"saved":1.0,"events":[],"markets":[{"ticker":"KXA-1","event_ticker":"KXA"}]}',
    b'[1,1.0,[],[]]\n',  # the arrays of another version
    b"",  # written empty
])
def test_a_corrupt_or_old_cache_is_not_used_and_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                        content: bytes) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="kalshi_dash.rest"):
        assert read_cache(path) is None
    assert any("catalog cache" in r.getMessage() and "not used" in r.getMessage() for r in caplog.records)


def test_no_cache_yet_is_not_worth_a_log_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kalshi_dash.rest"):
        assert read_cache(tmp_path / "catalog.json") is None
    assert not caplog.records


async def test_a_corrupt_cache_is_replaced_by_the_catalog_from_the_exchange(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(b'{"version":1,"saved":1.0,"events":[],"markets":[]}')
    sim = Simulator(SimConfig(seed=3, events=10, markets=100, rate=0.0, allow_anonymous=True))
    url = await sim.start()
    try:
        async with RestClient(rest_base_url(url)) as client:
            sync = ExchangeSync(client, MarketState(), lambda kinds: None, lambda line: None, cache=path)
            assert sync.load_cached() == 0
            assert await sync.load_catalog()
    finally:
        await sim.stop()
    cached = read_cache(path)
    assert cached is not None and len(cached.markets) == 100
