"""The alert dialog (``!``): what to watch, on which market, at which level.

A rule kind, a market (completed from the known tickers; empty means any market where the kind
allows it) and a value: a price in cents, a number of contracts, or a lifecycle event type. It
answers an :class:`app.core.alerts.Rule`, or None when cancelled; a value that cannot be used is said
under the fields (:func:`app.core.alerts.parse_rule`).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from app.core.alerts import Rule, RuleError, RuleKind, parse_rule
from app.tui.screens.form_dialog import FormDialog
from app.tui.screens.subscribe import MarketSuggester, field_market


class AlertDialog(FormDialog[Rule]):
    """Set an alert rule; answers a :class:`Rule` or None."""

    def __init__(self, tickers: Iterable[str], market: str | None = None,
                 kind: RuleKind = RuleKind.LAST_CROSSES) -> None:
        super().__init__("New alert", "Add alert", id="alert-dialog")
        self.tickers = list(tickers)
        self.initial_market = field_market(market)
        self.initial_kind = kind

    def fields(self) -> ComposeResult:
        """The kind, the market and the value."""
        yield Label("Alert when")
        yield Select([(kind.label, kind) for kind in RuleKind], value=self.initial_kind, allow_blank=False,
                     id="kind")
        yield Label("Market (→ completes; empty: any market)")
        yield Input(value=self.initial_market, placeholder="e.g. KXFEDDECISION-26DEC-H0",
                    suggester=MarketSuggester(self.tickers), id="market")
        yield Label("Level: ¢ (45, 41.5) · contracts (500) · event (settled, any)")
        yield Input(placeholder="e.g. 45", id="value")

    def first_field(self) -> Input | None:
        """The value: the market is usually filled in already."""
        return self.query_one("#value", Input)

    def answer(self) -> Rule | str:
        """The rule, or what is wrong with the fields."""
        kind = self.query_one("#kind", Select).value
        assert isinstance(kind, RuleKind)
        try:
            return parse_rule(kind, self.query_one("#market", Input).value, self.query_one("#value", Input).value)
        except RuleError as exc:
            return str(exc)
