"""Carries out the ladder's order actions with the order service and tells the trader the answer.

Buy and sell keys send at once with the ladder's last quantity (through the ticket instead while
the session's first order still needs its typed confirmation); the ticket remembers the count it
sent as the ladder's quantity. A sale of more than is held is flagged as it is sent. Cancel-all
asks first. The order in an accepted answer is shown at once (merged into the state by update
time, so the socket's copy, as new or newer, wins). Answers are notified in plain words: accepted
(resting, filled, partially filled), rejected with Kalshi's reason, refused by the rails with
theirs, canceled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.fixed import format_count, parse_count
from app.core.portfolio_state import merge_order
from app.core.protocol import UserOrder
from app.core.state import PRIMARY, Kind
from app.core.working_orders import ladder_price, orders_at, working
from app.rest.portfolio import parse_order
from app.trading.orders import Answer, OrderService
from app.trading.ticket import OrderTicket, oversold
from app.tui.screens.confirm_dialog import ConfirmDialog
from app.tui.screens.order_ticket import OrderTicketDialog, TicketAnswer

if TYPE_CHECKING:
    from textual.app import App

    from widgets.market.depth_ladder import DepthLadder


def describe(answer: Answer) -> tuple[str, str]:
    """What to tell the trader about ``answer`` and how loudly (a notification severity)."""
    if answer.outcome != "accepted":
        return f"order {answer.outcome}: {answer.reason}", "error" if answer.outcome != "refused" else "warning"
    order = answer.order or {}
    status = str(order.get("status", ""))
    filled = parse_count(str(order.get("fill_count_fp") or "0"))
    left = parse_count(str(order.get("remaining_count_fp") or "0"))
    if status == "canceled" and not filled:
        return "order canceled", "information"
    if status == "executed" or (filled and not left):
        return f"order filled: {format_count(filled)} contracts", "information"
    if filled:
        return f"order partially filled: {format_count(filled)} filled, {format_count(left)} resting", "information"
    return f"order accepted: {format_count(left)} resting", "information"


class OrderEntry:
    """The app's order desk: ladder actions in, order service calls and notifications out."""

    def __init__(self, app: App[int], service: OrderService) -> None:
        self.app = app
        self.service = service

    def handle(self, ladder: DepthLadder, verb: str, side: str, price: int | None) -> None:
        """One :class:`~widgets.market.depth_ladder.DepthLadder.OrderAction`."""
        ticker = ladder.ticker
        if verb in ("buy", "sell"):
            if price is None:
                self.app.notify("no price at the cursor", severity="warning", markup=False)
            elif self.service.rails.needs_confirmation and self.service.rails.gate() is None:
                self._ticket(ladder, side, verb, price)
            else:
                try:
                    ticket = OrderTicket(ticker, side, verb, ladder.quantity, price, position=self._position(ticker))
                except ValueError as exc:  # a cursor price no order can have ($0 or $1)
                    self.app.notify(f"order not sent: {exc}", severity="warning", markup=False)
                    return
                self._place(ticket)
        elif verb == "ticket":
            self._ticket(ladder, side, "buy", price)
        elif verb == "cancel_all":
            self.handle_order("cancel_all", ticker, None)
        else:
            mine = orders_at(self._orders(), ticker, side, price) if price is not None else []
            if not mine:
                self.app.notify("no order of yours at the cursor", severity="warning", markup=False)
            for order in mine if verb == "cancel" else mine[:1]:
                self.handle_order(verb, ticker, order)

    def handle_order(self, verb: str, ticker: str, order: UserOrder | None) -> None:
        """``cancel`` or ``amend`` one order, or ``cancel_all`` of ``ticker`` (the Orders table's keys)."""
        if verb == "cancel_all":
            self._confirm_cancel_all(ticker)
        elif order is not None and verb == "cancel":
            self._run(self.service.cancel(ticker, order.order_id))
        elif order is not None and verb == "amend":
            self._amend(ticker, order)

    def _orders(self) -> list:
        return list(self.app.market_state.orders.values())  # type: ignore[attr-defined]

    def _position(self, ticker: str) -> int:
        """The signed contracts held in ``ticker`` (primary account): what a sale sells first."""
        held = self.app.market_state.positions.get((ticker, PRIMARY))  # type: ignore[attr-defined]
        return (held.position or 0) if held is not None else 0

    def _ticket(self, ladder: DepthLadder, side: str, action: str, price: int | None) -> None:
        rails = self.service.rails

        def sent(answer: TicketAnswer | None) -> None:
            if answer is None:
                return
            if answer.confirmation:
                rails.confirm(answer.confirmation)
            ladder.quantity = answer.ticket.count
            self._place(answer.ticket)

        dialog = OrderTicketDialog(ladder.ticker, side, action, price, ladder.quantity,
                                   confirm=rails.needs_confirmation and rails.gate() is None,
                                   position=self._position(ladder.ticker))
        self.app.push_screen(dialog, sent)

    def _amend(self, ticker: str, order: UserOrder) -> None:
        """The ticket prefilled with the order's side, action, price and what is left; its price
        and count are sent as an amend (an amend keeps the order's side and action)."""
        side, action = order.side or order.outcome_side or "yes", order.action or "buy"

        def amended(answer: TicketAnswer | None) -> None:
            if answer is not None:
                t = answer.ticket
                total = (order.fill_count or 0) + t.count
                self._run(self.service.amend(ticker, order.order_id, side, action, t.price, total))

        self.app.push_screen(OrderTicketDialog(
            ticker, side, action, ladder_price(order, side), order.remaining_count or 0, title="Amend order",
        ), amended)

    def _place(self, ticket: OrderTicket) -> None:
        if ticket.oversells:
            self.app.notify(oversold(ticket), severity="warning", markup=False)
        state = self.app.market_state  # type: ignore[attr-defined]
        open_orders = len(working(state.orders.values(), ticket.ticker))
        self._run(self.service.place(ticket, open_orders))

    def _run(self, action: object) -> None:
        async def report() -> None:
            answer = await action  # type: ignore[misc]
            self._show([answer])
            self._tell(answer)
        self.app.run_worker(report(), group="orders")

    def _show(self, answers: list[Answer]) -> None:
        """The orders of accepted answers into the state at once, as the exchange answered them:
        the ladder and Orders need not wait for the socket's ``user_order`` (a copy the socket
        brought as new or newer is kept)."""
        kinds = Kind.NONE
        for answer in answers:
            order = parse_order(answer.order) if answer.outcome == "accepted" and answer.order else None
            if order is not None:
                kinds |= merge_order(self.app.market_state, order, replace_equal=False)  # type: ignore[attr-defined]
        if kinds:  # handed to the views now, not queued behind the feed's messages (same loop)
            self.app.dashboard.fanout.dispatch(kinds, frozenset())  # type: ignore[attr-defined]

    def _confirm_cancel_all(self, ticker: str) -> None:
        """Ask before cancelling every order of the user in ``ticker`` (none: say so, ask nothing)."""
        count = len(working(self._orders(), ticker))
        if not count:
            self.app.notify(f"no orders of yours resting in {ticker}", severity="warning", markup=False)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.run_worker(self._cancel_all(ticker), group="orders")

        self.app.push_screen(ConfirmDialog(
            f"Cancel all your orders in {ticker}?",
            f"{count} resting order{'s' if count != 1 else ''} of yours in {ticker} will be canceled at the exchange.",
            "Cancel all",
        ), confirmed)

    async def _cancel_all(self, ticker: str) -> None:
        answers = await self.service.cancel_all(ticker)
        self._show(answers)
        canceled = sum(a.outcome == "accepted" for a in answers)
        self.app.notify(f"{canceled} orders canceled in {ticker}", markup=False)

    def _tell(self, answer: Answer) -> None:
        words, severity = describe(answer)
        self.app.notify(words, severity=severity, markup=False)  # type: ignore[arg-type]
