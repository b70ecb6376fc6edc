"""The alert rules, one row each: what it watches, how often it fired, and when it last did."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from app.core.alerts import AlertCenter
from widgets.tables import cells
from widgets.tables.cells import Cell, Tone
from widgets.tables.pushed_table import PushedTable
from widgets.tables.state_table import ColumnSpec


class AlertRulesTable(PushedTable):
    """The rules of an :class:`app.core.alerts.AlertCenter`; ``delete`` removes the one under the cursor."""

    BORDER_TITLE = "Alert rules"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "remove_rule", "Remove rule"),
    ]
    COLUMNS = (
        ColumnSpec("id", "#", 4, numeric=True),
        ColumnSpec("rule", "Rule", 64),
        ColumnSpec("fired", "Fired", 7, numeric=True),
        ColumnSpec("last", "Last (UTC)", 10),
    )

    class RemoveRequested(Message):
        """The user asked to remove rule ``rule_id``."""

        def __init__(self, rule_id: int) -> None:
            super().__init__()
            self.rule_id = rule_id

    def show(self, center: AlertCenter) -> None:
        """Show the rules of ``center``."""
        self.show_rows(
            (
                str(rule_id),
                (
                    Cell(str(rule_id)),
                    cells.text(rule.describe()),
                    Cell(f"{center.fired_by_rule.get(rule_id, 0):,}"),
                    cells.clock(int(center.last_fired[rule_id] * 1000)) if rule_id in center.last_fired
                    else Cell("never", Tone.MUTED),
                ),
            )
            for rule_id, rule in center.rules.items()
        )

    def cursor_rule(self) -> int | None:
        """The id of the rule under the cursor, if any."""
        keys = self.row_keys
        return int(keys[self.cursor_row]) if 0 <= self.cursor_row < len(keys) else None

    def action_remove_rule(self) -> None:
        """Ask to remove the rule under the cursor."""
        rule_id = self.cursor_rule()
        if rule_id is not None:
            self.post_message(self.RemoveRequested(rule_id))
