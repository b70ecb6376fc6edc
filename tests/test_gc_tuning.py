"""The app's garbage-collection settings (app/tui/gc_tuning.py) hold while it runs and are undone after."""

from __future__ import annotations

import gc

from app.tui import gc_tuning
from tests.ui_states import dashboard_app, scenario


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
