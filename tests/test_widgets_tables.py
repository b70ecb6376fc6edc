"""The table widgets, each in a one-table app, fed from states built by applying real frames."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
from textual.geometry import Region
from textual.pilot import Pilot

from app.core.fixed import format_money_cents
from app.core.protocol import Trade, parse
from app.core.state import Kind, MarketState
from tests import table_states as ts
from tests.ui_states import until
from widgets.account.event_positions_table import EventPositionsTable
from widgets.account.fills_table import FillsTable
from widgets.account.orders_table import OrdersTable
from widgets.account.positions_table import TOTAL_KEY, PositionsTable
from widgets.account.rfq_inbox import RfqInbox
from widgets.account.settlements_table import SettlementsTable
from widgets.health.lifecycle_log import LifecycleLog
from widgets.market.trade_tape import TradeTape
from widgets.tables.line_table import Cells, LineTable
from widgets.tables.state_table import StateTable

SIZE = (120, 24)


def shown(table: StateTable | LineTable) -> list[list[str]]:
    """The text of every cell the table holds, top row first."""
    if isinstance(table, LineTable):
        return [row_text(table, key) for key in table.row_keys]
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def row_text(table: LineTable, key: str) -> list[str]:
    """The text of each cell of one row of a line table."""
    return [table.get_cell(key, column.key) for column in table.COLUMNS]


def counting_cells(tape: TradeTape) -> list[str]:
    """Make the tape note the market of each trade it turns into cells; return that list."""
    made: list[str] = []
    cells = tape.cells

    def counted(item: Trade) -> Cells:
        made.append(item.market_ticker)
        return cells(item)

    tape.cells = counted  # type: ignore[method-assign]
    return made


def column(table: StateTable | LineTable, key: str) -> list[str]:
    """One column's text, top row first."""
    index = [c.key for c in table.COLUMNS].index(key)
    return [row[index] for row in shown(table)]


def screen_text(table: StateTable | LineTable) -> str:
    """What the table paints, line by line."""
    strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return "\n".join(strip.text for strip in strips)


def update(table: StateTable, state: MarketState, *frames: str) -> None:
    """Apply ``frames`` and tell the table what changed, as the dashboard does."""
    table.state_changed(ts.apply(state, *frames), frozenset())


async def taken_in(pilot: Pilot[None], table: StateTable) -> None:
    """Wait for the tape's next intake of new trades (it takes them in at most 5 times a second)."""
    await until(pilot, lambda: not getattr(table, "intake_pending", False))


def forbid_clear(table: StateTable) -> None:
    """Make ``clear()`` fail the test: tables must update in place."""

    def clear(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a state table was cleared")

    table.clear = clear  # type: ignore[method-assign]


# -- trade tape -------------------------------------------------------------------------------


async def test_tape_shows_both_wire_forms_newest_first() -> None:
    state = MarketState()
    ts.apply(
        state,
        ts.trade_reference("KXA-1", 36, 136, "no", 1_669_149_841),
        ts.trade_current("KXB-2", "0.4150", "0.5850", "12.50", "yes", 1_669_149_900_000),
    )
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE):
        assert shown(app.table) == [
            ["20:45:00", "41.5¢", "58.5¢", "12.50", "YES", "KXB-2", "—"],
            ["20:44:01", "36¢", "64¢", "136", "NO", "KXA-1", "—"],
        ]


async def test_tape_rows_end_with_the_title_known_when_the_row_was_made() -> None:
    state = MarketState()
    ts.apply(state, ts.market_lifecycle("KXA-1", "created", "Rain in [NYC]\x1b[31m?"),
             ts.trade_reference("KXA-1", 36, 136, "no", 1_669_149_841))
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=(160, 24)) as pilot:
        await pilot.pause()
        assert column(app.table, "title") == ["Rain in [NYC]␛[31m?"]  # made printable
        assert "Rain in [NYC]␛[31m?" in screen_text(app.table)


async def test_tape_adds_only_new_trades_and_keeps_the_old_rows() -> None:
    state = MarketState()
    ts.apply(state, *(ts.numbered_trade(n) for n in range(1, 4)))
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        assert column(table, "count") == ["3", "2", "1"]
        made = counting_cells(table)
        update(table, state, ts.numbered_trade(4), ts.numbered_trade(5))
        await taken_in(pilot, table)
        await pilot.pause()  # drawn
        assert column(table, "count") == ["5", "4", "3", "2", "1"]
        assert len(made) == 2  # only the two new trades were turned into cells


async def test_tape_is_bounded_by_its_rows_and_by_the_state_ring() -> None:
    state = MarketState(trade_capacity=8)
    app = ts.TableApp(TradeTape(max_rows=5), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        for n in range(1, 13):
            update(table, state, ts.numbered_trade(n))
        await taken_in(pilot, table)
        assert column(table, "count") == ["12", "11", "10", "9", "8"]
        # More trades than the ring holds between two updates: the tape shows the newest.
        update(table, state, *(ts.numbered_trade(n) for n in range(13, 30)))
        await taken_in(pilot, table)
        assert column(table, "count") == ["29", "28", "27", "26", "25"]
        assert table.row_count == 5
        await pilot.pause()
        assert table.virtual_size.height == 1 + 5  # the header and five rows
        assert screen_text(table).count(" KXA-1 ") == 5


async def test_tape_shows_at_most_what_the_state_ring_holds() -> None:
    state = MarketState(trade_capacity=4)
    ts.apply(state, *(ts.numbered_trade(n) for n in range(1, 10)))
    app = ts.TableApp(TradeTape(max_rows=50), state)
    async with app.run_test(size=SIZE):
        assert column(app.table, "count") == ["9", "8", "7", "6"]


async def test_tape_takes_in_at_most_max_rows_of_a_burst_the_newest() -> None:
    state = MarketState()
    ts.apply(state, ts.numbered_trade(1))
    app = ts.TableApp(TradeTape(max_rows=5), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        made = counting_cells(table)
        # 40 trades arrive between two intakes, each announced on its own
        ts.apply(state, *(ts.numbered_trade(n) for n in range(2, 42)))
        for _ in range(40):
            table.state_changed(Kind.TRADE, frozenset())
        await taken_in(pilot, table)
        assert column(table, "count") == ["41", "40", "39", "38", "37"]
        assert len(made) <= 5
        assert table.row_count == 5


def two_market_trades() -> MarketState:
    """Trades 1 to 7: every third one (3 and 6) in KXB-2, the others in KXA-1."""
    state = MarketState()
    ts.apply(state, *(ts.numbered_trade(n, "KXA-1" if n % 3 else "KXB-2") for n in range(1, 8)))
    return state


async def test_tape_toggles_between_all_markets_and_the_focused_one() -> None:
    state = two_market_trades()
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.focus_market("KXB-2")
        assert column(table, "count") == ["7", "6", "5", "4", "3", "2", "1"]
        b_rows = {key: row_text(table, key) for key in ("6", "3")}
        await pilot.press("f")
        assert not table.show_all
        assert column(table, "market") == ["KXB-2", "KXB-2"]
        assert table.row_keys == ["6", "3"]
        assert all(row_text(table, key) == cells for key, cells in b_rows.items())
        update(table, state, ts.numbered_trade(8, "KXA-1"), ts.numbered_trade(9, "KXB-2"))
        await taken_in(pilot, table)
        assert column(table, "count") == ["9", "6", "3"]
        table.focus_market("KXA-1")
        assert column(table, "count") == ["8", "7", "5", "4", "2", "1"]
        await pilot.press("f")
        assert table.show_all
        assert column(table, "count") == [str(n) for n in range(9, 0, -1)]


async def test_tape_title_names_the_scope_literally() -> None:
    state = MarketState()
    trade = ts.trade_current(ts.BRACKET_TICKER, "0.0050", "0.9950", "1.00", "yes", ts.T0_MS)
    ts.apply(state, trade)
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.focus_market(ts.BRACKET_TICKER)
        await pilot.press("f")
        await pilot.pause()
        assert f"Trades · {ts.BRACKET_TICKER}" in screen_text(table)
        assert column(table, "market") == [ts.BRACKET_TICKER]


async def test_focused_tape_without_a_focused_market_is_empty() -> None:
    state = MarketState()
    ts.apply(state, ts.numbered_trade(1))
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        assert app.table.row_count == 0
        await pilot.pause()
        assert "no market focused" in screen_text(app.table)


async def test_new_trades_keep_the_cursor_on_its_trade() -> None:
    state = MarketState()
    ts.apply(state, *(ts.numbered_trade(n) for n in range(1, 7)))
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.press("down", "down")
        assert table.row_keys[table.cursor_row] == "4"
        update(table, state, ts.numbered_trade(7), ts.numbered_trade(8))
        await taken_in(pilot, table)
        assert table.cursor_row == 4
        assert table.row_keys[table.cursor_row] == "4"


async def test_cursor_stays_within_the_rows_when_they_shrink() -> None:
    state = two_market_trades()
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.focus_market("KXB-2")
        await pilot.press(*["down"] * 5)
        assert table.cursor_row == 5
        await pilot.press("f")
        assert table.row_count == 2
        assert table.cursor_row == 1


async def test_cursor_on_the_top_row_follows_the_newest_trade() -> None:
    state = MarketState()
    ts.apply(state, ts.numbered_trade(1))
    app = ts.TableApp(TradeTape(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        update(table, state, ts.numbered_trade(2))
        await taken_in(pilot, table)
        assert table.cursor_row == 0
        assert column(table, "count")[0] == "2"


# -- fills ------------------------------------------------------------------------------------


async def test_fills_from_both_forms_newest_first() -> None:
    state = MarketState()
    ts.apply(state, ts.fill_reference("KXA-1", "yes", 75, 278, 1_671_899_397))
    app = ts.TableApp(FillsTable(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        forbid_clear(table)
        update(table, state, ts.fill_current("KXB-2", "no", "0.6050", "3.00", "0.012345", ts.T0_MS))
        assert shown(table) == [
            ["09:40:00", "KXB-2", "NO", "BUY", "39.5¢", "3", "$0.01", "maker", "NO 1", "—"],
            ["16:29:57", "KXA-1", "YES", "BUY", "75¢", "278", "—", "taker", "YES 278", "—"],
        ]


async def test_fills_end_with_the_market_title_cut_with_an_ellipsis() -> None:
    state = MarketState()
    long_title = "Will the highest temperature in New York City's Central Park be above 52°F tomorrow?"
    ts.apply(state, ts.market_lifecycle("KXA-1", "created", long_title),
             ts.fill_reference("KXA-1", "yes", 75, 278, 1_671_899_397))
    app = ts.TableApp(FillsTable(), state)
    async with app.run_test(size=(200, 24)) as pilot:
        await pilot.pause()
        assert shown(app.table)[0][-1] == long_title
        painted = screen_text(app.table)
        assert long_title[:30] in painted and long_title not in painted and "…" in painted


@pytest.mark.parametrize("action", ["buy", "sell", "sell_partial", "sell_to_close", "", "sell_all_later"])
async def test_a_fill_with_any_action_reaches_the_fills_table(action: str) -> None:
    state = MarketState()
    app = ts.TableApp(FillsTable(), state)
    async with app.run_test(size=SIZE):
        update(app.table, state, ts.frame("fill", {
            "trade_id": "t", "order_id": "o", "market_ticker": "KXA-1", "is_taker": True, "side": "yes",
            "action": action, "outcome_side": "no" if action.startswith("sell") else "yes",
            "book_side": "ask" if action.startswith("sell") else "bid", "purchased_side": "yes",
            "yes_price_dollars": "0.7500", "count_fp": "2.00", "fee_cost": "0.010000",
            "post_position_fp": "3.00", "ts_ms": ts.T0_MS,
        }))
        # the word as sent when the protocol lists it; worked out from the sides when it is "";
        # an unlisted word: worked out too (the fill counts as read in part)
        word = action if action in ("buy", "sell", "sell_partial", "sell_to_close") else (
            "buy" if action == "" else "sell")
        assert shown(app.table) == [
            ["09:40:00", "KXA-1", "YES", word.replace("_", " ").upper(), "75¢", "2", "$0.01", "taker", "YES 3", "—"],
        ]


async def test_a_fill_whose_price_cannot_be_read_is_shown_with_what_is_known() -> None:
    state = MarketState()
    app = ts.TableApp(FillsTable(), state)
    async with app.run_test(size=SIZE):
        update(app.table, state, ts.frame("fill", {
            "market_ticker": "KXA-1", "yes_price_dollars": "", "count_fp": 7, "outcome_side": "yes",
            "ts_ms": ts.T0_MS,
        }))
        assert shown(app.table) == [["09:40:00", "KXA-1", "YES", "BUY", "—", "—", "—", "—", "—", "—"]]
        assert state.fills[0].problems


async def test_the_subaccount_column_appears_once_a_second_account_is_seen() -> None:
    state = MarketState()
    positions, fills = PositionsTable(), FillsTable()
    app = ts.TableApp(positions, state)
    async with app.run_test(size=SIZE):
        update(positions, state, ts.position_current("KXA-1", "1.00", "0.500000", "0", "0"))
        assert [c.label.plain for c in positions.columns.values()][-1] == "Title"
        update(positions, state, ts.frame("market_position", {
            "market_ticker": "KXA-1", "position_fp": "-4.00", "position_cost_dollars": "2.000000",
            "subaccount": 2,
        }))
        assert [c.label.plain for c in positions.columns.values()][-1] == "Sub"
        rows = shown(positions)
        assert [(r[0], r[1], r[2], r[-1]) for r in rows] == [
            ("KXA-1", "YES 1", "50¢", "0"), ("KXA-1", "NO 4", "50¢", "2"),
            ("TOTAL sub 0", "", "", ""), ("TOTAL sub 2", "", "", ""), ("TOTAL", "", "", ""),
        ]
        assert rows[2][3] == "$0.50" and rows[3][3] == "$2.00" and rows[4][3] == "$2.50"
    async with ts.TableApp(fills, state).run_test(size=SIZE):  # the fills table shows it too
        assert [c.label.plain for c in fills.columns.values()][-1] == "Sub"


# -- positions --------------------------------------------------------------------------------


def positions_state() -> MarketState:
    state = MarketState()
    ts.apply(
        state,
        ts.book_snapshot("KXA-1", [(40, 100), (41, 50)], [(57, 80)]),  # mid 42¢
        ts.ticker_current("KXB-2", "0.6150", "0.6250"),  # mid 62¢
        ts.position_reference("KXA-1", 100, 500_000, 100_000, 10_000),
        ts.position_current("KXB-2", "-2.50", "0.950000", "-0.300000", "0.012345"),
    )
    return state


async def test_positions_show_dollars_from_centi_cents_and_dollar_strings() -> None:
    app = ts.TableApp(PositionsTable(), positions_state())
    async with app.run_test(size=SIZE):
        rows = shown(app.table)
        assert rows[0] == [
            "KXA-1", "YES 100", "50¢", "$50.00", "+$10.00", "$1.00", "42¢", "-$8.00", "—"
        ]
        # 2.5 no contracts bought at 38¢ (the no side's price), marked at the no mid 38¢: flat;
        # fees to the cent.
        assert rows[1] == ["KXB-2", "NO 2.50", "38¢", "$0.95", "-$0.30", "$0.01", "38¢", "$0.00", "—"]


async def test_positions_show_the_market_title_once_known() -> None:
    state = positions_state()
    app = ts.TableApp(PositionsTable(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        assert shown(table)[0][-1] == "—"
        update(table, state, ts.market_lifecycle("KXA-1", "created", "Rain in [NYC]?"))
        assert shown(table)[0][-1] == "Rain in [NYC]?"


async def test_positions_totals_row_is_the_sum() -> None:
    state = positions_state()
    app = ts.TableApp(PositionsTable(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        assert table.row_keys[-1] == TOTAL_KEY
        positions = state.positions.values()
        unrealized = sum((state.unrealized_pnl(t, s) for t, s in state.positions), Fraction(0))
        assert unrealized == -8_000_000
        assert shown(table)[-1] == [
            "TOTAL",
            "",
            "",
            format_money_cents(sum(p.position_cost for p in positions)),
            f"+{format_money_cents(sum(p.realized_pnl for p in positions))}",
            format_money_cents(sum(p.fees_paid for p in positions)),
            "",
            format_money_cents(unrealized),
            "",
        ]


async def test_positions_mark_to_the_moving_mid_in_place() -> None:
    state = positions_state()
    app = ts.TableApp(PositionsTable(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        forbid_clear(table)
        market_cell = table.get_cell("KXA-1", "market")
        state.apply(parse(ts.book_snapshot("KXA-1", [(45, 10)], [(54, 10)])))  # mid 45.5¢
        table.state_changed(Kind.BOOK, frozenset({"KXA-1"}))
        assert table.get_cell("KXA-1", "mark").plain == "45.5¢"
        assert table.get_cell("KXA-1", "unrealized").plain == "-$4.50"
        assert table.get_cell("KXA-1", "market") is market_cell


async def test_positions_without_a_mid_are_left_out_of_the_unrealized_total() -> None:
    state = positions_state()
    ts.apply(state, ts.position_current("KXC-3", "1.00", "0.500000", "0", "0"))
    app = ts.TableApp(PositionsTable(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        assert table.get_cell("KXC-3", "unrealized").plain == "—"
        assert table.get_cell(TOTAL_KEY, "unrealized").plain == "-$8.00"
        assert table.get_cell(TOTAL_KEY, "cost").plain == "$51.45"


async def test_a_new_position_keeps_the_cursor_on_its_market() -> None:
    state = positions_state()
    app = ts.TableApp(PositionsTable(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.press("down")
        assert table.row_keys[table.cursor_row] == "KXB-2"
        update(table, state, ts.position_current("KXAA-0", "1.00", "0.500000", "0", "0"))
        assert table.row_keys[:3] == ["KXA-1", "KXAA-0", "KXB-2"]
        assert table.row_keys[table.cursor_row] == "KXB-2"


# -- RFQ inbox --------------------------------------------------------------------------------


@pytest.mark.parametrize("current", [True, False], ids=["current", "reference"])
async def test_rfq_status_moves_from_open_to_executed(current: bool) -> None:
    state = MarketState()
    app = ts.TableApp(RfqInbox(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        forbid_clear(table)
        update(table, state, ts.rfq_created("rfq-1", "KXA-1", current))
        assert column(table, "status") == ["○ OPEN"]
        assert shown(table)[0][:5] == ["09:40:00", "rfq-1", "KXA-1", "100", "$0.35"]
        update(table, state, ts.quote("quote_created", "q-1", "rfq-1", "KXA-1", current))
        assert table.row_keys == ["rfq:rfq-1", "quote:rfq-1:q-1"]
        yes_bid = "35.5¢×100" if current else "35¢×100"
        quote_row = ["└ q-1", "KXA-1", "", "", yes_bid, "63¢×200", "◐ QUOTED", ""]
        assert shown(table)[1][1:] == quote_row
        assert column(table, "status") == ["◐ QUOTED", "◐ QUOTED"]
        update(table, state, ts.quote("quote_accepted", "q-1", "rfq-1", "KXA-1", current))
        assert column(table, "status") == ["◉ ACCEPTED", "◉ ACCEPTED YES"]
        update(table, state, ts.quote("quote_executed", "q-1", "rfq-1", "KXA-1", current))
        assert column(table, "status") == ["● EXECUTED", "● EXECUTED YES"]


async def test_rfqs_newest_first_with_quotes_nested_and_deletion() -> None:
    state = MarketState()
    ts.apply(
        state,
        ts.rfq_created("rfq-1", "KXA-1"),
        ts.rfq_created("rfq-2", "KXB-2"),
        ts.quote("quote_created", "q-a", "rfq-1", "KXA-1"),
        ts.quote("quote_created", "q-b", "rfq-1", "KXA-1"),
    )
    app = ts.TableApp(RfqInbox(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        assert table.row_keys == ["rfq:rfq-2", "rfq:rfq-1", "quote:rfq-1:q-b", "quote:rfq-1:q-a"]
        update(table, state, ts.rfq_deleted("rfq-2", "KXB-2"))
        assert column(table, "status")[0] == "✕ DELETED"
        update(table, state, ts.rfq_created("rfq-3", "KXC-3"))
        assert table.row_keys[0] == "rfq:rfq-3"


async def test_an_rfq_shows_its_market_title_once_known() -> None:
    state = MarketState()
    ts.apply(state, ts.rfq_created("rfq-1", "KXA-1"))
    app = ts.TableApp(RfqInbox(), state)
    async with app.run_test(size=(160, 24)):
        table = app.table
        assert column(table, "title") == ["—"]
        update(table, state, ts.market_lifecycle("KXA-1", "created", "Rain in [NYC]?"))
        assert column(table, "title") == ["Rain in [NYC]?"]


# -- lifecycle log ----------------------------------------------------------------------------


async def test_lifecycle_log_newest_first_with_literal_exchange_text() -> None:
    state = MarketState()
    ts.apply(state, ts.market_lifecycle(ts.BRACKET_TICKER, "created", ts.BRACKET_TITLE))
    app = ts.TableApp(LifecycleLog(), state)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        update(
            table,
            state,
            ts.event_lifecycle("KXRAIN-25NOV26", "Rain in [NYC]"),
            ts.multivariate_lookup("KXCOMBO-25-X1"),
            ts.order_group("og-7", "limit_updated", "250.00"),
        )
        assert shown(table) == [
            ["order group", "og-7", "limit_updated", "limit 250"],
            ["multivariate", "KXCOMBO-25-X1", "lookup", "KXCOMBO-25 · KXA-1 YES · KXB-2 NO"],
            ["event", "KXRAIN-25NOV26", "event", "Rain in [NYC]"],
            ["market", ts.BRACKET_TICKER, "created", ts.BRACKET_TITLE],
        ]
        await pilot.pause()
        painted = screen_text(table)
        assert ts.BRACKET_TICKER in painted
        assert ts.BRACKET_TITLE in painted


# -- orders -----------------------------------------------------------------------------------


async def test_orders_update_in_place_as_they_fill() -> None:
    state = MarketState()
    ts.apply(state, ts.user_order("ord-1", "KXA-1", "resting", "10.00", "0.00"))
    app = ts.TableApp(OrdersTable(), state)
    async with app.run_test(size=SIZE):
        table = app.table
        forbid_clear(table)
        update(table, state, ts.user_order("ord-[2]", "KXB-2", "resting", "10.00", "0.00"))
        assert table.row_keys == ["ord-[2]", "ord-1"]
        market_cell = table.get_cell("ord-1", "market")
        update(table, state, ts.user_order("ord-1", "KXA-1", "executed", "0.00", "10.00"))
        assert table.row_keys == ["ord-[2]", "ord-1"]
        assert shown(table)[1] == ["09:40:00", "ord-1", "KXA-1", "YES", "BUY", "42.5¢", "10", "0",
                                  "$0.07", "executed", "—"]
        assert table.get_cell("ord-1", "market") is market_cell


async def test_an_order_reads_at_the_price_of_the_side_it_names() -> None:
    """The orders table follows the fills: a no buy at yes 42.5¢ reads NO BUY 57.5¢."""
    state = MarketState()
    ts.apply(state, ts.user_order("ord-1", "KXA-1", "resting", "10.00", "0.00", side="no"))
    app = ts.TableApp(OrdersTable(), state)
    async with app.run_test(size=SIZE):
        assert shown(app.table)[0][3:6] == ["NO", "BUY", "57.5¢"]
        assert app.table.columns["price"].label.plain == "Price"


# -- every table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table_class", "literal"),
    [
        (TradeTape, ts.BRACKET_TICKER),
        (FillsTable, ts.BRACKET_TICKER),
        (PositionsTable, ts.BRACKET_TICKER),
        (RfqInbox, "rfq-[2]"),
        (LifecycleLog, ts.BRACKET_TITLE),
        (OrdersTable, "ord-[2]"),
    ],
)
async def test_exchange_text_with_brackets_is_painted_literally(
    table_class: type[StateTable], literal: str
) -> None:
    app = ts.TableApp(table_class(), ts.sample_state())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert literal in screen_text(app.table)


async def test_a_table_bound_before_it_mounts_draws_on_mount() -> None:
    state = ts.sample_state()
    table = OrdersTable()
    table.bind_state(state, time.time)
    app = ts.TableApp(table, state)
    async with app.run_test(size=SIZE):
        assert table.row_keys == ["ord-[2]", "ord-1"]


async def test_tones_follow_the_theme() -> None:
    app = ts.TableApp(FillsTable(), ts.sample_state())
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        key = table.row_keys[0]
        dark = table.get_cell(key, "side").style
        app.theme = "textual-light"
        await pilot.pause()
        light = table.get_cell(key, "side").style
        assert dark != light
        assert light == table.get_component_rich_style("state-table--yes", partial=True)


async def test_line_table_tones_follow_the_theme() -> None:
    app = ts.TableApp(TradeTape(), ts.sample_state())
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        key = table.row_keys[1]  # the second row: the cursor's colours win on the first
        taker = table.row_cells(key)[[c.key for c in table.COLUMNS].index("taker")]
        assert taker.tone is not None

        def taker_colour() -> object:
            line = table.render_line(2)  # the second row, under the header
            return next(seg.style.color for seg in line if taker.text in seg.text and seg.style)

        dark = taker_colour()
        app.theme = "textual-light"
        await pilot.pause()
        light = taker_colour()
        assert dark != light
        assert light == table.get_component_rich_style(taker.tone.component, partial=True).color


async def test_settlements_newest_first_in_the_side_convention_from_both_forms() -> None:
    """``/portfolio/settlements`` records of today's form and the older integers read alike: the
    side held as in Positions, the side that won, cost, fees, payout, and P&L after fees."""
    state = MarketState()
    ts.load_account_history(state)
    app = ts.TableApp(SettlementsTable(), state)
    async with app.run_test(size=SIZE):
        assert shown(app.table) == [
            ["11-26 09:41", "KXFED-25DEC-T4.00", "YES 10", "YES", "$4.10", "$0.07", "$10.00", "+$5.83", "—"],
            ["11-25 16:00", "KXCPI-25NOV-B3.1", "NO 1", "YES", "$0.40", "$0.01", "$0.00", "-$0.41", "—"],
            ["11-24 12:30", ts.BRACKET_TICKER, "YES 5", "VOID", "$0.03", "$0.00", "$0.03", "$0.00", "—"],
        ]
        ts.apply(state, ts.market_lifecycle(ts.BRACKET_TICKER, "created", ts.BRACKET_TITLE))
        app.table.state_changed(Kind.LIFECYCLE, frozenset())
        assert shown(app.table)[2][-1] == ts.BRACKET_TITLE  # the title once known, literally


async def test_event_positions_by_event_with_the_event_title() -> None:
    state = MarketState()
    ts.apply(state, ts.event_lifecycle("KXRAIN-25NOV26", "Rain in [NYC]"))
    ts.load_account_history(state)
    app = ts.TableApp(EventPositionsTable(), state)
    async with app.run_test(size=SIZE):
        assert shown(app.table) == [
            ["KXFED-25DEC", "$4.10", "+$1.25", "$4.10", "$0.07", "—"],
            ["KXRAIN-25NOV26", "$0.02", "-$0.05", "$0.12", "$0.00", "Rain in [NYC]"],
        ]
