"""The app's garbage-collection settings (app/tui/gc_tuning.py) hold while it runs and are undone after;
its frames leave no strip for the cycle collector."""

from __future__ import annotations

import gc

from textual.strip import Strip

from app.tui import gc_tuning
from tests.ui_states import advance, dashboard_app, scenario, until


async def test_the_app_collects_less_often_while_it_runs_and_puts_the_collector_back() -> None:
    before = gc.get_threshold()
    assert before[0] != gc_tuning.YOUNG_THRESHOLD
    app = dashboard_app(scenario())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert gc.get_threshold() == (gc_tuning.YOUNG_THRESHOLD, *before[1:])
        gc_tuning.freeze_survivors()
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


async def test_frames_under_market_activity_leave_no_strip_for_the_cycle_collector() -> None:
    """The span compositor and the line tables never make a strip whose cache holds itself
    (widgets/_textual/strips.py): every strip of these frames is freed by reference counting."""
    sim = scenario()
    app = dashboard_app(sim)
    async with app.run_test(size=(160, 50)) as pilot:
        await until(pilot, lambda: bool(app.dashboard.is_mounted and app.dashboard.ladders()))
        advance(app, sim, 40)
        await pilot.pause()
        gc.unfreeze()
        gc.collect()
        gc.garbage.clear()
        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector frees goes to gc.garbage instead
        try:
            cycle: list[object] = []
            cycle.append(cycle)  # one cycle of our own: proof that the collector's finds are seen
            witness = id(cycle)
            del cycle
            for _ in range(30):
                advance(app, sim, 40)
                await pilot.pause()
            gc.unfreeze()
            gc.collect()
            strips = [garbage for garbage in gc.garbage if isinstance(garbage, Strip)]
            seen = any(id(garbage) == witness for garbage in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert seen  # what the collector freed was looked at: no strip among it
    assert strips == []
