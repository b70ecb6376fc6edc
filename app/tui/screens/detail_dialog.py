"""The detail view of one fill, order or position: every field at full precision.

The tables round money to the cent and prices to a tenth of a cent so columns line up; Enter on a
row of Positions, Fills or Orders opens this, where nothing is rounded (app.core.exact_fields). Esc,
Enter or ``q`` closes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from app.core.sanitize import printable


class DetailDialog(ModalScreen[None]):
    """A record's fields as ``label  value`` lines under a title (plain text: never markup)."""

    DEFAULT_CSS = """
    DetailDialog {
        #detail-box {
            border: thick $accent;
            background: $surface;
            padding: 0 1;
        }
        #detail-title {
            text-style: bold;
            color: $text-accent;
        }
        #detail-hint {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "dismiss", "Close"),
    ]

    def __init__(self, title: str, fields: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.heading = title
        self.fields = list(fields)

    def compose(self) -> ComposeResult:
        with Vertical(id="detail-box"):
            yield Static(Text(printable(self.heading)), id="detail-title")
            with VerticalScroll(id="detail-fields"):
                yield Static(self.text(), id="detail-text")
            yield Static(Text("exact values, as the exchange sent them · Esc closes"), id="detail-hint")

    def text(self) -> Text:
        """The fields, one a line, the values lined up after the longest label."""
        width = max((cell_len(label) for label, _value in self.fields), default=0)
        text = Text()
        for index, (label, value) in enumerate(self.fields):
            if index:
                text.append("\n")
            text.append(label.ljust(width), style="bold")
            text.append("  ")
            text.append(printable(value))
        return text
