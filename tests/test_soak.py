"""The soak's 15-second mode: the feed, then the headless app, under every fault at random,
a hostile server's frames among them.

``make soak`` runs the same for 60 s (``SOAK_SECONDS`` to lengthen). See :mod:`benchmarks.soak` for what
is injected and what each tally line checks.
"""

from __future__ import annotations

import pytest

from benchmarks.soak import CLEAN_DELTAS, soak

pytestmark = pytest.mark.asyncio

SECONDS = 15.0
SEED = 1
HOSTILE_FAULTS = ("wrong_sid", "backwards_seq", "malformed_seq", "hostile_text", "bad_time")
HOSTILE_COUNTER = {"invalid_times": "bad_time"}  # a client counter -> the fault it counts


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
        # the hostile server's frames: each was injected and each showed as what it is (tally.ok
        # holds the relations: anomalies of each kind = injected, no other anomaly, parse errors =
        # malformed + malformed seqs, invalid times = bad times)
        for fault in HOSTILE_FAULTS:
            assert tally.injected[fault] > 0, (fault, tally.render())
        for counter in ("wrong_sid", "backwards_seq", "malformed_seq", "invalid_times"):
            assert tally.observed[counter] == tally.injected[HOSTILE_COUNTER.get(counter, counter)] > 0, (
                counter, tally.render())
        assert tally.observed["other_anomalies"] == 0, tally.render()
    # the app showed the control sequences visibly, and never raw, on the screens looked at
    assert app.screens > 0 and app.hostile_screens > 0, app.render()
    # the app run loses fill, order and position frames (no seq shows it): its REST
    # reconciliation repairs them, so its account ends equal to the simulator's
    assert app.injected["drop_private"] > 0, app.render()
    assert app.observed["fills_compared"] > 0, app.render()
    for counter in ("positions_not_as_simulator", "resting_orders_not_as_simulator", "recent_fills_missing"):
        assert app.observed[counter] == 0, (counter, app.render())
