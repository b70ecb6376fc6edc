"""An app that keeps the exception that ended it, and does not print Textual's report of it."""

from __future__ import annotations

from typing import TypeVar

from textual.app import App

ReturnType = TypeVar("ReturnType")


class KeepsItsCrash(App[ReturnType]):
    """Textual's ``App``; an unhandled exception still ends it with return code 1, as Textual
    does, and is kept in :attr:`crash` for the command line to report (one line, the traceback
    only when asked). Textual's own report is not printed: its traceback shows every frame's local
    variables, which may hold a request's signature or a key.

    Textual calls the two private hooks overridden here (listed in ``COMPAT.md``); were they gone,
    Textual's own report would be printed, and the start-up check says so.
    """

    crash: Exception | None = None
    """The unhandled exception that ended the app, if one did."""

    def _handle_exception(self, error: Exception) -> None:
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        self.bell()
        self._close_messages_no_wait()
