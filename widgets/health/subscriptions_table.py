"""The live subscriptions: sid, channel, markets, last seq, messages; one keyed row per sid.

Rows are added, updated cell by cell and removed as subscriptions come and go; the cursor row is
the subscription the ``u`` / ``a`` / ``d`` keys act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowKey

from app.core.integrity import SubscriptionCounters as SubscriptionView
from app.core.sanitize import printable
from widgets.formatting import EMPTY
from widgets.pane_css import focusable_pane_css
from widgets.tables.list_keys import DATA_TABLE_KEYS

MARKETS_SHOWN = 6


def markets_text(markets: set[str] | None) -> str:
    """``all markets`` for no filter, else the first few tickers and how many more."""
    if markets is None:
        return "all markets"
    if not markets:
        return EMPTY
    names = sorted(markets)
    shown = ", ".join(names[:MARKETS_SHOWN])
    more = len(names) - MARKETS_SHOWN
    return f"{shown} (+{more})" if more > 0 else shown


def row_cells(sub: SubscriptionView) -> tuple[str, ...]:
    """The texts of one subscription's row, column by column."""
    return (
        str(sub.sid),
        sub.channel,
        "◌ resyncing" if sub.resyncing else "● live",
        f"{sub.last_seq:,}",
        f"{sub.messages:,}",
        f"{sub.gaps:,}",
        f"{sub.resyncs:,}",
        markets_text(sub.markets),
    )


class SubscriptionsTable(DataTable):
    """One row per live subscription, keyed by sid."""

    BINDINGS: ClassVar[list[BindingType]] = [*DATA_TABLE_KEYS]

    DEFAULT_CSS = focusable_pane_css("SubscriptionsTable", "border-subtitle-color: $text-muted;")

    # (key, label, width (None: as wide as the text), numeric); the markets list goes last.
    COLUMNS: ClassVar[tuple[tuple[str, str, int | None, bool], ...]] = (
        ("sid", "SID", 5, True),
        ("channel", "Channel", 29, False),
        ("state", "State", 11, False),
        ("seq", "Last seq", 9, True),
        ("messages", "Messages", 9, True),
        ("gaps", "Gaps", 5, True),
        ("resyncs", "Resyncs", 7, True),
        ("markets", "Markets", None, False),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._shown: dict[int, tuple[str, ...]] = {}
        self._channels: dict[int, str] = {}

    def on_mount(self) -> None:
        self.border_title = "Subscriptions"
        self.border_subtitle = "u ends the focused one · a / d add / remove a market"
        for key, label, width, numeric in self.COLUMNS:
            self.add_column(Text(label, justify="right" if numeric else "left"), width=width, key=key)

    def show(self, subscriptions: Iterable[SubscriptionView]) -> None:
        """Show exactly ``subscriptions``, touching only rows and cells that changed."""
        if not self.columns:
            return
        wanted = {sub.sid: sub for sub in subscriptions}
        for sid in [sid for sid in self._shown if sid not in wanted]:
            self.remove_row(str(sid))
            del self._shown[sid]
            self._channels.pop(sid, None)
        for sid, sub in wanted.items():
            cells = row_cells(sub)
            self._channels[sid] = sub.channel
            old = self._shown.get(sid)
            if old is None:
                self.add_row(*(self._text(i, cell) for i, cell in enumerate(cells)), key=str(sid))
            else:
                for i, (before, after) in enumerate(zip(old, cells)):
                    if before != after:
                        key, _label, width, _numeric = self.COLUMNS[i]
                        # only the markets column (rarely changed) may widen
                        self.update_cell(str(sid), key, self._text(i, after), update_width=width is None)
            self._shown[sid] = cells

    def _text(self, index: int, value: str) -> Text:
        return Text(printable(value), justify="right" if self.COLUMNS[index][3] else "left")

    def cursor_sid(self) -> int | None:
        """The sid of the row under the cursor, if any."""
        if not self.row_count:
            return None
        try:
            key: RowKey = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except CellDoesNotExist:
            return None
        return int(str(key.value))

    def cursor_channel(self) -> str | None:
        """The channel of the row under the cursor, if any."""
        sid = self.cursor_sid()
        return None if sid is None else self._channels.get(sid)

    @property
    def sids(self) -> list[int]:
        """The sids shown, top to bottom."""
        return [int(str(row.key.value)) for row in self.ordered_rows]
