"""Feed errors to notifications: not again while one recurs, a few at a time, memory bounded."""

from __future__ import annotations

from app.core.error_notices import ErrorNotices


def test_an_error_recurring_is_notified_once_until_it_stops_for_the_repeat_time() -> None:
    notices = ErrorNotices(repeat=30.0)
    assert notices.admit("host unreachable", 0.0) == 0
    assert [notices.admit("host unreachable", t) for t in (20.0, 40.0, 60.0)] == [None] * 3
    assert notices.admit("host unreachable", 95.0) == 0  # 35 s since it was last seen


def test_a_flood_of_distinct_errors_makes_a_burst_then_tells_how_many_were_held_back() -> None:
    notices = ErrorNotices(burst=5, window=10.0)
    admitted = [notices.admit(f"server error {n}", n * 0.001) for n in range(1_000)]
    assert admitted[:5] == [0] * 5 and admitted[5:] == [None] * 995
    assert notices.admit("a new error", 10.5) == 995


def test_a_fatal_error_is_notified_even_in_a_flood() -> None:
    notices = ErrorNotices(burst=2)
    for n in range(10):
        notices.admit(f"error {n}", 0.0)
    assert notices.admit("authentication rejected", 0.1, fatal=True) == 8


def test_the_summaries_remembered_are_bounded_the_least_recently_seen_forgotten_first() -> None:
    notices = ErrorNotices(remembered=100)
    for n in range(10_000):
        notices.admit(f"server error {n}", float(n))
        notices.admit("every time", float(n))
    assert len(notices) == 100
    assert notices.admit("every time", 10_000.0) is None, "still remembered: it recurs"
    assert notices.admit("server error 0", 10_000.0) is not None, "forgotten, so new again"
