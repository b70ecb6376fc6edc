"""Runs of adjacent line numbers: what the ladder refreshes and the compositor asks for at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from textual.geometry import Region
from textual.scroll_view import ScrollView


def line_runs(ys: list[int]) -> Iterator[tuple[int, int]]:
    """Ascending line numbers as runs of adjacent lines: ``(first, last + 1)``."""
    if not ys:
        return
    top = previous = ys[0]
    for y in ys[1:]:
        if y != previous + 1:
            yield top, previous + 1
            top = y
        previous = y
    yield top, previous + 1


def refresh_lines(view: ScrollView, ys: Iterable[int]) -> None:
    """Repaint the virtual lines ``ys`` of ``view`` in one refresh, a region a run of adjacent
    lines (the regions ``ScrollView.refresh_lines`` marks; a call of it per run, or per line,
    cleared the widget's caches and asked for an idle check each time: ~30 µs a call)."""
    runs = list(line_runs(sorted(ys)))
    if runs:
        top = view.scroll_offset.y
        width = max(view.virtual_size.width, view.size.width)
        view.refresh(*(Region(0, first - top, width, end - first) for first, end in runs))
