"""The ``?`` help screen, generated from the bindings themselves (nothing written twice).

:func:`help_sections` lists the bindings the app and the dashboard screen declare, then those of
each widget that has keys of its own; the help screen shows them in one table, and the command
palette offers them from the same list (a widget's keys act on the widget of that kind that has
the focus, else on the dashboard's one: the grid, the active ladder, the tape...).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Static

from widgets.account.fills_table import FillsTable
from widgets.account.orders_table import OrdersTable
from widgets.account.positions_table import PositionsTable
from widgets.alerts.alert_rules_table import AlertRulesTable
from widgets.market.depth_ladder import DepthLadder
from widgets.market.event_strip import EventStrip
from widgets.market.ticker_grid import TickerGrid
from widgets.market.trade_tape import TradeTape

if TYPE_CHECKING:
    from textual.app import App

    from app.tui.screens.dashboard import DashboardScreen

# Widgets with keys of their own, in the order the help shows them.
WIDGET_SECTIONS: tuple[tuple[str, type[Widget]], ...] = (
    ("Ticker grid", TickerGrid),
    ("Depth ladder", DepthLadder),
    ("Trade tape", TradeTape),
    ("Event view", EventStrip),
    ("Alert rules", AlertRulesTable),
    ("Positions", PositionsTable),
    ("Fills", FillsTable),
    ("Orders", OrdersTable),
)


@dataclass(frozen=True)
class HelpRow:
    """One key: how it is shown, what it does, how to run it, and the widget it belongs to (None
    for the app's and the dashboard's keys)."""

    key: str
    description: str
    action: str
    run: Callable[[], Awaitable[Any]]
    widget: type[Widget] | None = None


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings ``cls`` itself declares (not those it inherits)."""
    return list(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))


def help_sections(app: App[Any], dashboard: DashboardScreen) -> list[tuple[str, list[HelpRow]]]:
    """Sections of the help: everywhere (app), dashboard (screen), then each widget's keys."""

    def rows(cls: type[DOMNode], namespace: DOMNode) -> list[HelpRow]:
        return [
            HelpRow(app.get_key_display(binding), binding.description or binding.action, binding.action,
                    partial(app.run_action, binding.action, namespace))
            for binding in own_bindings(cls)
        ]

    def widget_rows(cls: type[Widget]) -> list[HelpRow]:
        return [
            HelpRow(app.get_key_display(binding), binding.description or binding.action, binding.action,
                    partial(run_on_widget, app, dashboard, cls, binding.action), cls)
            for binding in own_bindings(cls)
        ]

    sections = [
        ("Everywhere", rows(type(app), app)),
        ("Dashboard", rows(type(dashboard), dashboard)),
    ]
    sections.extend((title, widget_rows(cls)) for title, cls in WIDGET_SECTIONS)
    return sections


async def run_on_widget(app: App[Any], dashboard: DashboardScreen, cls: type[Widget], action: str) -> None:
    """Run a widget's ``action`` on the dashboard's widget of kind ``cls`` (if there is one)."""
    target = dashboard.key_target(cls)
    if target is not None:
        await app.run_action(action, target)


class HelpScreen(ModalScreen[None]):
    """Every key of the dashboard, by where it works."""

    # The box's look; its size and place are in styles/dialogs.tcss.
    DEFAULT_CSS = """
    HelpScreen {
        #help-box {
            border: thick $accent;
            background: $surface;
        }
        #help-title {
            text-style: bold;
            color: $text-accent;
            padding: 0 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close help"),
    ]

    def __init__(self, sections: list[tuple[str, list[HelpRow]]]) -> None:
        super().__init__(id="help")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys · Esc closes · Ctrl+P opens the command palette"), id="help-title")
            yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Where", key="where")
        table.add_column("Key", key="key")
        table.add_column("Does", key="does")
        for title, rows in self.sections:
            for row in rows:
                table.add_row(Text(title), Text(row.key), Text(row.description))
        table.focus()

    def listed(self) -> list[tuple[str, str, str]]:
        """``(where, key, description)`` of every row shown."""
        table = self.query_one(DataTable)
        return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]  # type: ignore[misc]
