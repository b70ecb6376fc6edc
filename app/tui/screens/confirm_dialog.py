"""A yes/no question before an action that cannot be undone from the keyboard (quitting,
unsubscribing a channel): what it does, then the action's own button, focused, and Cancel.
``y`` or Enter confirms; ``n`` or Esc cancels."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button, Static

from app.core.sanitize import printable
from app.tui.screens.form_dialog import FormDialog


class ConfirmDialog(FormDialog[bool]):
    """Ask before a destructive action; answers True, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *FormDialog.BINDINGS,
        Binding("y", "submit", "Yes"),
        Binding("n", "cancel", "No"),
    ]

    def __init__(self, question: str, consequence: str, action_label: str) -> None:
        super().__init__(question, action_label, id="confirm-dialog")
        self.consequence = consequence

    def fields(self) -> ComposeResult:
        """The consequence, in words (plain text: it may name a ticker)."""
        yield Static(Text(printable(self.consequence)), id="confirm-consequence")

    def answer(self) -> bool:
        """Confirmed."""
        return True

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()
