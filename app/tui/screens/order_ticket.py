"""The order ticket: every field of a limit order, with its cost, maximum loss and maximum payout
worked out as you type, and the typed confirmation when the session's first order needs one."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Static

from app.core.fixed import format_count, format_money, format_price_dollars, parse_count, parse_price
from app.trading.rails import CONFIRM_WORD
from app.trading.ticket import TIME_IN_FORCE, OrderTicket, oversold
from app.tui.screens.form_dialog import FormDialog

TIF_SHORT = {"gtc": "good_till_canceled", "ioc": "immediate_or_cancel", "fok": "fill_or_kill"}


@dataclass(frozen=True, slots=True)
class TicketAnswer:
    """The ticket filled in, and what was typed to confirm it (empty when not asked)."""

    ticket: OrderTicket
    confirmation: str = ""


class OrderTicketDialog(FormDialog[TicketAnswer]):
    """A limit order on ``ticker`` prefilled from the ladder's cursor and last quantity."""

    def __init__(self, ticker: str, side: str, action: str, price: int | None, count: int,
                 *, confirm: bool = False, title: str = "Order ticket", position: int = 0) -> None:
        super().__init__(f"{title} · {ticker}", "Send", id="order-ticket")
        self.ticker = ticker
        self.start = (side, action, price, count)
        self.confirm = confirm
        self.position = position  # signed contracts held in the market: what a sale sells first

    def fields(self) -> ComposeResult:
        side, action, price, count = self.start
        yield Input(action, placeholder="buy or sell", id="ticket-action")
        yield Input(side, placeholder="yes or no", id="ticket-side")
        yield Input(format_price_dollars(price) if price else "", placeholder="price in dollars, e.g. 0.41",
                    id="ticket-price")
        yield Input(format_count(count).replace(",", ""), placeholder="contracts", id="ticket-count")
        yield Input("gtc", placeholder="gtc, ioc or fok", id="ticket-tif")
        with Horizontal(id="ticket-flags"):
            yield Checkbox("post only", id="ticket-post-only")
            yield Checkbox("reduce only", id="ticket-reduce-only")
        if self.confirm:
            yield Input("", placeholder=f"first order of the session: type {CONFIRM_WORD}", id="ticket-confirm")
        yield Static("", id="ticket-sums")

    DEFAULT_CSS = """
    OrderTicketDialog {
        #ticket-flags { height: auto; }
        #ticket-flags Checkbox { width: 1fr; }
    }
    """
    LABELS = {"action": "action: buy or sell", "side": "side: yes or no", "price": "limit price ($)",
              "count": "contracts", "tif": "time in force: gtc, ioc, fok", "confirm": "confirmation"}

    def on_mount(self) -> None:
        super().on_mount()
        for name, label in self.LABELS.items():
            for field in self.query(f"#ticket-{name}"):
                field.border_title = label
        self._show_sums()

    def _value(self, name: str) -> str:
        return self.query_one(f"#ticket-{name}", Input).value.strip()

    def ticket(self) -> OrderTicket | str:
        """The ticket the fields describe, or what is wrong with them."""
        try:
            price = parse_price(self._value("price"))
            count = parse_count(self._value("count"))
        except ValueError:
            return "the price and the count must be numbers (price in dollars, like 0.41)"
        tif = TIF_SHORT.get(self._value("tif").lower(), self._value("tif").lower())
        if tif not in TIME_IN_FORCE:
            return "time in force: gtc, ioc or fok"
        try:
            return OrderTicket(
                self.ticker, self._value("side").lower(), self._value("action").lower(), count, price, tif,
                self.query_one("#ticket-post-only", Checkbox).value,
                self.query_one("#ticket-reduce-only", Checkbox).value, self.position,
            )
        except ValueError as exc:
            return str(exc)

    def answer(self) -> TicketAnswer | str:
        ticket = self.ticket()
        if isinstance(ticket, str):
            return ticket
        typed = self._value("confirm") if self.confirm else ""
        if self.confirm and typed != CONFIRM_WORD:
            return f"type {CONFIRM_WORD} to confirm the session's first order"
        return TicketAnswer(ticket, typed)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _changed(self, _event: object) -> None:
        self._show_sums()

    def _show_sums(self) -> None:
        ticket = self.ticket()
        self.query_one("#ticket-sums", Static).update(Text(ticket if isinstance(ticket, str) else sums(ticket)))


def sums(ticket: OrderTicket) -> str:
    """Cost, maximum loss and maximum payout; what a closing order brings back; the flag on a
    sale of more than is held."""
    text = (f"cost {format_money(ticket.cost)} · max loss {format_money(ticket.max_loss)} · "
            f"max payout {format_money(ticket.max_payout)}")
    if ticket.closes:
        text += f" · closes {format_count(ticket.closes)} held for {format_money(ticket.proceeds)}"
    if ticket.oversells:
        text += f" · {oversold(ticket)}"
    return text
