"""Snapshots of every table widget at 120×14, from the same deterministic state."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests import table_states as ts
from widgets.account.event_positions_table import EventPositionsTable
from widgets.account.fills_table import FillsTable
from widgets.account.orders_table import OrdersTable
from widgets.account.positions_table import PositionsTable
from widgets.account.rfq_inbox import RfqInbox
from widgets.account.settlements_table import SettlementsTable
from widgets.health.lifecycle_log import LifecycleLog
from widgets.market.trade_tape import TradeTape
from widgets.tables.state_table import StateTable

SIZE = (120, 14)


@pytest.mark.parametrize(
    "table_class",
    [TradeTape, FillsTable, PositionsTable, RfqInbox, LifecycleLog, OrdersTable, SettlementsTable, EventPositionsTable],
)
def test_table_snapshot(snap_compare: Any, table_class: type[StateTable]) -> None:
    assert snap_compare(ts.TableApp(table_class(), ts.sample_state()), terminal_size=SIZE)


def test_trade_tape_focused_on_one_market(snap_compare: Any) -> None:
    async def focus(pilot: Pilot[None]) -> None:
        tape = pilot.app.query_one(TradeTape)
        tape.focus_market("KXCPI-25NOV-B3.1")
        await pilot.press("f")

    app = ts.TableApp(TradeTape(), ts.sample_state())
    assert snap_compare(app, terminal_size=SIZE, run_before=focus)


def test_positions_light_theme(snap_compare: Any) -> None:
    def light(pilot: Pilot[None]) -> None:
        pilot.app.theme = "textual-light"

    app = ts.TableApp(PositionsTable(), ts.sample_state())
    assert snap_compare(app, terminal_size=SIZE, run_before=light)
