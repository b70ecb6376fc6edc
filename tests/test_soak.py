"""The soak's 15-second mode: the feed, then the headless app, under every fault at random.

``make soak`` runs the same for 60 s (``SOAK_SECONDS`` to lengthen). See :mod:`app.soak` for what
is injected and what each tally line checks.
"""

from __future__ import annotations

import pytest

from app.soak import CLEAN_DELTAS, soak

pytestmark = pytest.mark.asyncio

SECONDS = 15.0
SEED = 1


async def test_soak_under_every_fault_balances_its_tally_and_ends_equal_to_the_simulator():
    feed, app = await soak(SECONDS, SEED, report=print)
    for tally in (feed, app):
        assert tally.ok, tally.render()
        assert tally.books == tally.books_equal > 0, tally.render()
        assert tally.desired == tally.live > 0, tally.render()
        assert tally.clean_deltas >= CLEAN_DELTAS, tally.render()
        # every fault happened in both runs (each starts with one of each), so the balanced
        # counters mean something: lost deltas among the gaps, and resyncs that repaired them
        assert tally.injected["drop_book"] > 0 and tally.injected["watchdog_stall"] > 0, tally.render()
        for counter in ("gaps", "resyncs", "duplicates", "parse_errors", "unknown_types", "reconnects",
                        "watchdog_fires", "channel_errors", "command_errors"):
            assert tally.observed[counter] > 0, (counter, tally.render())
