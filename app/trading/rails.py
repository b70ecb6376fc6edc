"""The rails every order passes before it is sent: the production gate, replay, limits, confirmation.

On production trading is off unless both the ``--trade`` flag and ``trading.enabled = true`` in the
config are given, and the session's first order needs the word :data:`CONFIRM_WORD` typed. A replay
never trades. Configured limits refuse an order before it is sent, saying which limit and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from app.core.fixed import format_count, format_money
from app.trading.ticket import OrderTicket

CONFIRM_WORD = "TRADE"
PRODUCTION, DEMO, SIMULATOR = "production", "demo", "simulator"
_DEMO_HOSTS = frozenset({"demo-api.kalshi.co", "external-api-ws.demo.kalshi.co"})
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def environment_of(rest_url: str) -> str:
    """Which exchange a REST base URL trades on; any host not known to be safe is production."""
    host = urlsplit(rest_url).hostname or ""
    if host in _LOOPBACK_HOSTS:
        return SIMULATOR
    if host in _DEMO_HOSTS:
        return DEMO
    return PRODUCTION


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-order limits (None: no limit) in app.core.fixed units: counts, money."""

    max_contracts: int | None = None
    max_dollars: int | None = None
    max_open_orders_per_market: int | None = None


class Rails:
    """Decides whether an order may be sent (see the module docstring)."""

    def __init__(
        self, environment: str, limits: Limits | None = None, *, trade_flag: bool = False,
        config_enabled: bool = False, replay: bool = False,
    ) -> None:
        self.environment = environment
        self.limits = limits or Limits()
        self.trade_flag = trade_flag
        self.config_enabled = config_enabled
        self.replay = replay
        self._confirmed = environment != PRODUCTION

    def gate(self) -> str | None:
        """Why trading is off in this session, or None when it is on."""
        if self.replay:
            return "this is a replay: orders are never sent from a recording"
        if self.environment == PRODUCTION and not (self.trade_flag and self.config_enabled):
            missing = [name for name, given in (("--trade", self.trade_flag),
                                                ("trading.enabled = true in the config", self.config_enabled))
                       if not given]
            return "trading on production is off: it needs " + " and ".join(missing)
        return None

    @property
    def needs_confirmation(self) -> bool:
        """True until the session's first order was confirmed by typing :data:`CONFIRM_WORD`."""
        return not self._confirmed

    def confirm(self, typed: str) -> bool:
        """Accept the typed confirmation when it is exactly :data:`CONFIRM_WORD`."""
        if typed.strip() == CONFIRM_WORD:
            self._confirmed = True
        return self._confirmed

    def check(self, ticket: OrderTicket, open_in_market: int) -> str | None:
        """Why ``ticket`` is refused before sending (gate, confirmation, limits), or None."""
        closed = self.gate()
        if closed is not None:
            return closed
        if self.needs_confirmation:
            return f"the first order of the session needs {CONFIRM_WORD} typed to confirm it"
        limits = self.limits
        if limits.max_contracts is not None and ticket.count > limits.max_contracts:
            return (f"{format_count(ticket.count)} contracts is over the limit of "
                    f"{format_count(limits.max_contracts)} per order")
        if limits.max_dollars is not None and ticket.cost > limits.max_dollars:
            return f"{format_money(ticket.cost)} is over the limit of {format_money(limits.max_dollars)} per order"
        if limits.max_open_orders_per_market is not None and open_in_market >= limits.max_open_orders_per_market:
            return (f"{open_in_market} orders already open in {ticket.ticker}: the limit is "
                    f"{limits.max_open_orders_per_market} per market")
        return None
