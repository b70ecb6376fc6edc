"""``make screenshots`` also takes these: the order ticket, and a ladder with working orders,
from a real session on the simulator (placed through its REST API, shown from the socket).

Usage: ``python -m tests.trading_screenshots [FOLDER]`` (default ``screenshots``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from textual.widgets import Input

from app.tui.screens.order_ticket import OrderTicketDialog
from tests.screenshots import to_png
from tests.test_ui_orders import SIZE, TIMEOUT, ladder_ready, trading_app
from tests.ui_states import until


async def main(folder: Path) -> int:
    """Save ``ladder-orders`` and ``order-ticket`` (SVG, and PNG where cairosvg is installed)."""
    folder.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as audit:
        async with trading_app(Path(audit)) as (_sim, app, _ticker):
            async with app.run_test(size=SIZE) as pilot:
                ladder = await ladder_ready(pilot, app, _ticker)
                await pilot.press("down", "b", "down", "down", "b", "b")
                await until(pilot, lambda: len(ladder.mine) == 2, TIMEOUT)
                await pilot.press("up")
                await pilot.pause()
                saved.append(Path(app.save_screenshot("ladder-orders.svg", str(folder))))
                await pilot.press("o")
                await until(pilot, lambda: isinstance(app.screen, OrderTicketDialog), TIMEOUT)
                app.screen.query_one("#ticket-count", Input).value = "25"
                await pilot.pause()
                saved.append(Path(app.save_screenshot("order-ticket.svg", str(folder))))
                await app.action_quit()
    for svg in saved:
        png = to_png(svg)
        print(svg if png is None else f"{svg} {png}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))))
