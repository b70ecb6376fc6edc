"""The frame every small dialog shares: a title, its fields, a line for what is wrong, and
OK / Cancel. Enter in the last field or OK submits; Esc or Cancel dismisses with None.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from app.core.sanitize import printable

AnswerT = TypeVar("AnswerT")


class FormDialog(ModalScreen[AnswerT | None], Generic[AnswerT]):
    """A modal form; subclasses yield their fields from :meth:`fields` and build the answer in
    :meth:`answer` (or return a string saying what is wrong)."""

    # The box's look; its size and place are in styles/dialogs.tcss.
    DEFAULT_CSS = """
    FormDialog {
        #dialog-box {
            border: thick $accent;
            background: $surface;
            padding: 0 1;
        }
        #dialog-title {
            text-style: bold;
            color: $text-accent;
            padding: 0 1;
        }
        #dialog-error {
            color: $text-error;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, action_label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.action_label = action_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static(Text(self.title_text), id="dialog-title")
            yield from self.fields()
            yield Static("", id="dialog-error")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.action_label, variant="primary", id="ok")
                yield Button("Cancel", id="cancel")

    def fields(self) -> ComposeResult:
        """The dialog's own fields."""
        raise NotImplementedError

    def answer(self) -> AnswerT | str:
        """What the fields ask for, or why it cannot be answered."""
        raise NotImplementedError

    def on_mount(self) -> None:
        field = self.first_field()
        if field is not None:
            field.focus()

    def first_field(self) -> Input | None:
        """The field that has the focus when the dialog opens (the first text field)."""
        inputs = self.query(Input)
        return inputs.first() if inputs else None

    def action_submit(self) -> None:
        """Answer, or say why not."""
        answer = self.answer()
        if isinstance(answer, str):
            self.query_one("#dialog-error", Static).update(Text(printable(answer)))
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, _event: Input.Submitted) -> None:
        self.action_submit()

    @on(Button.Pressed, "#ok")
    def _ok(self, _event: Button.Pressed) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self, _event: Button.Pressed) -> None:
        self.action_cancel()
