"""Runs of adjacent lines, and repainting them in one refresh."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView

from widgets.line_runs import line_runs, refresh_lines


def test_line_runs_joins_adjacent_lines() -> None:
    assert list(line_runs([1, 2, 3, 7, 9, 10])) == [(1, 4), (7, 8), (9, 11)]
    assert list(line_runs([])) == []


class Tall(App[None]):
    def compose(self) -> ComposeResult:
        view = ScrollView()
        view.virtual_size = Size(200, 500)
        yield view


async def test_one_refresh_marks_the_regions_a_refresh_lines_per_run_would() -> None:
    app = Tall()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(ScrollView)
        view.scroll_to(y=30, animate=False)
        await pilot.pause()
        calls: list[tuple[Region, ...]] = []

        def noted(*regions: Region, **_kwargs: Any) -> ScrollView:
            calls.append(regions)
            return view

        view.refresh = noted  # type: ignore[method-assign]
        for first, end in ((31, 33), (36, 37)):
            ScrollView.refresh_lines(view, first, end - first)
        one_by_one = [region for regions in calls for region in regions]
        calls.clear()
        refresh_lines(view, [36, 32, 31])
        assert calls == [tuple(one_by_one)] and one_by_one[0] == Region(0, 1, 200, 2)
        calls.clear()
        refresh_lines(view, [])
        assert calls == []
