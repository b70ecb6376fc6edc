"""Throttled intakes: at most ``hz`` runs a second each, and two due in one frame run in two frames."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static

from widgets.throttle import GRACE, Throttle


class Clock:
    """The throttles' clock, moved by the test one feed frame (a little over 1/30 s) at a time."""

    FRAME = 1 / 29

    def __init__(self) -> None:
        self.start = self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def frame(self) -> int:
        return round((self.now - self.start) / self.FRAME)


async def test_two_intakes_due_in_one_frame_run_in_consecutive_frames() -> None:
    clock = Clock()
    runs: list[tuple[str, int]] = []
    async with App().run_test() as pilot:
        owner = Static()
        await pilot.app.mount(owner)
        grid = Throttle(owner, 5, lambda: runs.append(("grid", clock.frame())), clock=clock)
        tape = Throttle(owner, 5, lambda: runs.append(("tape", clock.frame())), clock=clock)
        for _ in range(14):  # each frame's flush asks both
            grid.request()
            tape.request()
            clock.now += clock.FRAME
    frames_of = {name: [f for n, f in runs if n == name] for name in ("grid", "tape")}
    assert frames_of["grid"] == [0, 6, 12]
    assert frames_of["tape"] == [1, 7, 13]  # one frame later, a slot apart: never in the grid's frame


async def test_an_intake_is_put_off_one_frame_at_most() -> None:
    clock = Clock()
    runs: list[tuple[str, int]] = []
    async with App().run_test() as pilot:
        owner = Static()
        await pilot.app.mount(owner)
        throttles = [Throttle(owner, 5, lambda name=name: runs.append((name, clock.frame())), clock=clock)
                     for name in ("grid", "tape", "chart")]
        for _ in range(2):
            for throttle in throttles:
                throttle.request()
            clock.now += clock.FRAME
    assert runs == [("grid", 0), ("tape", 1), ("chart", 1)]


async def test_an_intake_put_off_with_no_request_after_runs_by_its_timer() -> None:
    clock = Clock()
    runs: list[str] = []
    async with App().run_test() as pilot:
        owner = Static()
        await pilot.app.mount(owner)
        grid = Throttle(owner, 5, lambda: runs.append("grid"), clock=clock)
        tape = Throttle(owner, 5, lambda: runs.append("tape"), clock=clock)
        grid.request()
        tape.request()
        assert runs == ["grid"] and tape.pending
        for _ in range(200):  # the timer is one frame (1/30 s) of the event loop's clock
            if not tape.pending:
                break
            await pilot.pause(GRACE / 4)
    assert runs == ["grid", "tape"]
