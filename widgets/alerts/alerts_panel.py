"""The alerts screen: the settings line, the rules, and every alert that fired."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from app.core.alerts import AlertCenter
from app.core.state import Kind
from widgets.alerts.alert_log import AlertLog
from widgets.alerts.alert_rules_table import AlertRulesTable


def settings_text(center: AlertCenter) -> str:
    """Bell, rate limit and counts, one line."""
    limit = center.limit
    return (
        f"bell {'on' if center.bell else 'off'} (B) · ! new rule · del removes one · a rule is shown "
        f"once per {limit.cooldown:g} s, ≤{limit.burst} alerts per {limit.window:g} s · "
        f"{center.fired:,} fired, {center.suppressed:,} held back"
    )


class AlertsPanel(Vertical):
    """Settings, rules and the log of an :class:`app.core.alerts.AlertCenter`."""

    DEFAULT_CSS = """
    AlertsPanel {
        #alerts-settings {
            height: 1;
            padding: 0 1;
            color: $text-muted;
        }
        #alert-rules {
            height: 1fr;
        }
        #alert-log {
            height: 2fr;
        }
    }
    """

    def __init__(self, center: AlertCenter, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.center = center

    def compose(self) -> ComposeResult:
        yield Static(Text(settings_text(self.center)), id="alerts-settings")
        yield AlertRulesTable(id="alert-rules")
        yield AlertLog(self.center, id="alert-log")

    def on_mount(self) -> None:
        self.refresh_alerts()

    def refresh_alerts(self) -> None:
        """Show the center as it is now."""
        self.query_one("#alerts-settings", Static).update(Text(settings_text(self.center)), layout=False)
        self.query_one(AlertRulesTable).show(self.center)
        self.query_one(AlertLog).state_changed(Kind.NONE, frozenset())
