"""Trading settings: the ``[trading]`` table of the config file, the ``--trade`` flag, and the
order service they build once the session knows where its REST API is.

    [trading]
    enabled = true                    # production trades only with this and --trade
    max_contracts = 100               # per order
    max_dollars = "250"               # per order: a string or a whole number (money is never a float)
    max_open_orders_per_market = 10
    audit_log = "~/kalshi-orders.jsonl"   # default: orders.jsonl in the platform's state dir
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from app.config import ConfigError, _no_unknown, config_path, read_config
from app.core.fixed import COUNT_SCALE, parse_money
from app.feed.auth import Credentials
from app.rest.client import RestClient
from app.trading.audit import AuditLog
from app.trading.orders import OrderService
from app.trading.rails import Limits, Rails, environment_of

TRADING_KEYS = frozenset({"enabled", "max_contracts", "max_dollars", "max_open_orders_per_market", "audit_log"})


def default_audit_path() -> Path:
    """``orders.jsonl`` in the platform's state directory for kalshi-dash."""
    return Path(platformdirs.user_state_dir("kalshi-dash")) / "orders.jsonl"


@dataclass(frozen=True)
class TradingSettings:
    """What the session may trade and how it records it."""

    trade_flag: bool = False
    config_enabled: bool = False
    limits: Limits = field(default_factory=Limits)
    audit_path: Path = field(default_factory=default_audit_path)

    def service(self, rest_url: str, credentials: Credentials | None, *, replay: bool = False) -> OrderService:
        """The order service for the REST API at ``rest_url``, its rails set for where that is."""
        rails = Rails(environment_of(rest_url), self.limits, trade_flag=self.trade_flag,
                      config_enabled=self.config_enabled, replay=replay)
        return OrderService(RestClient(rest_url, credentials), rails, AuditLog(self.audit_path))


def _whole(path: Path, table: dict[str, Any], key: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"config file {path}: [trading] {key} must be a whole number above 0")
    return value


def load_trading(path: Path, explicit: bool, trade_flag: bool) -> TradingSettings:
    """The ``[trading]`` table of the config file at ``path`` with the ``--trade`` flag."""
    table = read_config(path, explicit).get("trading", {})
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: 'trading' must be a table: [trading]")
    _no_unknown(path, ", [trading]", table, TRADING_KEYS)
    enabled = table.get("enabled", False)
    if not isinstance(enabled, bool):
        raise ConfigError(f"config file {path}: [trading] enabled is true or false")
    dollars = table.get("max_dollars")
    if dollars is not None:
        if isinstance(dollars, bool) or not isinstance(dollars, (int, str)):
            raise ConfigError(f"config file {path}: [trading] max_dollars is a string like \"250.50\" "
                              "or a whole number (money is never a float)")
        try:
            dollars = parse_money(str(dollars))
        except ValueError:
            raise ConfigError(f"config file {path}: [trading] max_dollars {dollars!r} is not an amount") from None
    contracts = _whole(path, table, "max_contracts")
    limits = Limits(
        max_contracts=contracts * COUNT_SCALE if contracts is not None else None,
        max_dollars=dollars, max_open_orders_per_market=_whole(path, table, "max_open_orders_per_market"),
    )
    audit = table.get("audit_log")
    if audit is not None and not isinstance(audit, str):
        raise ConfigError(f"config file {path}: [trading] audit_log is a file path")
    return TradingSettings(trade_flag, enabled, limits, Path(audit).expanduser() if audit else default_audit_path())


def trading_settings(args: Any) -> TradingSettings:
    """The trading settings of the config file the flags name, with ``--trade``."""
    path, explicit = config_path(args)
    return load_trading(path, explicit, bool(getattr(args, "trade", False)))
