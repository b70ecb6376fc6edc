"""The [trading] table of the config file and the --trade flag become the session's rails."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError
from app.core.fixed import COUNT_SCALE, MONEY_SCALE
from app.trading.rails import PRODUCTION, SIMULATOR
from app.trading.settings import load_trading


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_limits_and_switches_from_the_config(tmp_path: Path) -> None:
    path = config(tmp_path, '[trading]\nenabled = true\nmax_contracts = 25\nmax_dollars = "12.50"\n'
                            'max_open_orders_per_market = 3\naudit_log = "' + str(tmp_path / "a.jsonl") + '"\n')
    settings = load_trading(path, True, trade_flag=True)
    assert settings.limits.max_contracts == 25 * COUNT_SCALE
    assert settings.limits.max_dollars == 12 * MONEY_SCALE + MONEY_SCALE // 2
    assert settings.limits.max_open_orders_per_market == 3
    assert settings.audit_path == tmp_path / "a.jsonl"
    production = settings.service("https://api.elections.kalshi.com/trade-api/v2", None)
    assert production.rails.environment == PRODUCTION and production.rails.gate() is None
    assert production.rails.needs_confirmation


def test_no_table_means_production_is_off(tmp_path: Path) -> None:
    settings = load_trading(config(tmp_path, 'watchlist = []\n'), True, trade_flag=True)
    production = settings.service("https://api.elections.kalshi.com/trade-api/v2", None)
    assert "trading.enabled = true" in (production.rails.gate() or "")
    simulator = settings.service("http://127.0.0.1:1/trade-api/v2", None)
    assert simulator.rails.environment == SIMULATOR and simulator.rails.gate() is None
    assert not simulator.rails.needs_confirmation


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[trading]\nmax_dollars = 12.5\n", "never a float"),
        ("[trading]\nmax_contracts = 0\n", "whole number above 0"),
        ("[trading]\nenabled = \"yes\"\n", "true or false"),
        ("[trading]\nmax_orders = 3\n", "unknown key"),
    ],
)
def test_bad_trading_settings_say_what_is_wrong(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load_trading(config(tmp_path, text), True, trade_flag=False)
