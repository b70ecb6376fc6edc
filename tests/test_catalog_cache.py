"""Where the catalog is cached: one file per environment, and per host for a custom endpoint."""

from __future__ import annotations

import pytest

from app.config import ENVIRONMENT_URLS
from app.rest.catalog_cache import cache_path


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
