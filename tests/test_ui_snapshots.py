"""Snapshots of every dashboard screen (:data:`tests.ui_shots.SHOTS`): 120×40, one at 80×24,
the light theme, and the stale, resyncing, auth-rejected and reconnecting states.

The clock is frozen, there is no feed (statuses are fixed snapshots), animations are off and the
one text cursor does not blink. Review and rewrite them with ``--snapshot-update``; they change
when the simulator's engine does, since it makes the data.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui_shots import SHOTS, Shot


@pytest.mark.parametrize("shot", SHOTS, ids=[shot.name for shot in SHOTS])
def test_screen(snap_compare: Any, shot: Shot) -> None:
    app, run_before = shot.app()
    assert snap_compare(app, terminal_size=shot.size, run_before=run_before)
