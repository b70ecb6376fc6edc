"""Whether the Textual internals this package uses are there, in the shape it expects.

:func:`start` (called once as the app starts) checks every private name listed in ``COMPAT.md``;
when one is missing or changed, or when :data:`STOCK_ENV` is set, the package's fast paths switch
off and every widget renders through Textual's stock paths instead (stock ``Compositor``, stock
line rendering, stock ``DataTable``); :func:`start` then returns the one warning line to show.
:func:`active` is what the fast paths ask on every use.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterable

STOCK_ENV = "KALSHI_DASH_STOCK_TEXTUAL"
"""Set (to anything but empty or ``0``) to render through Textual's stock paths only."""

_active: bool | None = None


def _has_parameters(function: object, names: Iterable[str]) -> bool:
    """Whether ``function`` is callable and takes ``names`` first, in this order."""
    if not callable(function):
        return False
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return False
    wanted = list(names)
    return parameters[: len(wanted)] == wanted


def _compositor_problems() -> list[str]:
    """``widgets._textual.compositor``: the compositor it subclasses, and the screen's slot for it."""
    try:
        from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
        from textual.screen import Screen
    except ImportError:
        return ["textual._compositor"]
    problems = []
    if not _has_parameters(ChopsUpdate, ("chops", "spans", "chop_ends")):
        problems.append("ChopsUpdate(chops, spans, chop_ends)")
    if not isinstance(LayoutUpdate, type):
        problems.append("LayoutUpdate")
    if not _has_parameters(getattr(Compositor, "_regions_to_spans", None), ("regions",)):
        problems.append("Compositor._regions_to_spans")
    for method, parameters in (("update_widgets", ("self", "widgets")),
                               ("render_full_update", ("self", "simplify")),
                               ("render_partial_update", ("self",)),
                               ("_render_chops", ("self", "crop", "is_rendered_line")),
                               ("render_strips", ("self", "size"))):
        if not _has_parameters(getattr(Compositor, method, None), parameters):
            problems.append(f"Compositor.{method}")
    compositor = Compositor()
    if not isinstance(getattr(compositor, "_dirty_regions", None), set):
        problems.append("Compositor._dirty_regions")
    if not isinstance(getattr(Screen(), "_compositor", None), Compositor):
        problems.append("Screen._compositor")
    return problems


def _border_problems() -> list[str]:
    """``widgets._textual.direct_lines``: the box segments of a border, and the styles' change count."""
    try:
        from rich.segment import Segment
        from textual._border import get_box
        from textual.style import Style
    except ImportError:
        return ["textual._border.get_box"]
    try:
        box = get_box("solid", Style(), Style(), Style())
    except TypeError:
        return ["textual._border.get_box(name, inner, outer, style)"]
    rows_of_three = len(box) == 3 and all(len(row) == 3 for row in box)
    if not rows_of_three or not all(isinstance(segment, Segment) for row in box for segment in row):
        return ["textual._border.get_box(...) -> 3 rows of 3 segments"]
    from textual.widget import Widget

    styles = Widget().styles
    before = getattr(styles, "_cache_key", None)
    styles.background = "red"
    after = getattr(styles, "_cache_key", None)
    if not isinstance(before, int) or not isinstance(after, int) or before == after:
        return ["RenderStyles._cache_key: an int that moves when a style is set"]
    return []


DATA_TABLE_ATTRIBUTES = ("_row_locations", "_column_locations", "_data", "_update_count",
                         "_row_render_cache", "_cell_render_cache", "_line_cache",
                         "_require_update_dimensions", "_show_hover_cursor", "_pseudo_class_state",
                         "_row_label_column_width", "_total_row_height")
"""The ``DataTable`` members ``widgets._textual.data_table`` reads or sets."""


def _data_table_problems() -> list[str]:
    """``widgets._textual.data_table``: the cell renderer it wraps and the members it reads."""
    try:
        from textual._two_way_dict import TwoWayDict
        from textual.widgets import DataTable
    except ImportError:
        return ["textual._two_way_dict.TwoWayDict"]
    problems = []
    if not _has_parameters(getattr(DataTable, "_render_cell", None), ("self", "row_index", "column_index", "base_style",
                                                    "width", "cursor", "hover")):
        problems.append("DataTable._render_cell")
    if not _has_parameters(getattr(DataTable, "_update_dimensions", None), ("self", "new_rows")):
        problems.append("DataTable._update_dimensions")
    table = DataTable[object]()
    problems += [f"DataTable.{name}" for name in DATA_TABLE_ATTRIBUTES if not hasattr(table, name)]
    if not isinstance(getattr(table, "_row_locations", None), TwoWayDict) or not callable(
        getattr(TwoWayDict, "get_key", None)
    ):
        problems.append("DataTable._row_locations: TwoWayDict")
    return problems


def _crash_problems() -> list[str]:
    """``widgets._textual.crash``: the hooks Textual calls with an unhandled exception."""
    from textual.app import App

    return [f"App.{method}" for method, parameters in (("_handle_exception", ("self", "error")),
                                                       ("_fatal_error", ("self",)),
                                                       ("_close_messages_no_wait", ("self",)))
            if not _has_parameters(getattr(App, method, None), parameters)]


def _virtual_size_problems() -> list[str]:
    """``widgets._textual.virtual_size``: the scroll step of a layout, called without one."""
    from textual.scroll_view import ScrollView

    if not _has_parameters(getattr(ScrollView, "_scroll_update", None), ("self", "virtual_size")):
        return ["ScrollView._scroll_update"]
    return []


def _border_title_problems() -> list[str]:
    """``widgets._textual.border_title``: where ``Widget.border_subtitle`` keeps the subtitle."""
    from textual.content import Content
    from textual.widget import Widget

    widget = Widget()
    widget.border_subtitle = "x"
    stored = getattr(widget, "_border_subtitle", None)
    if not isinstance(stored, Content) or stored.plain != "x":
        return ["Widget._border_subtitle"]
    return []


CHECKS: dict[str, Callable[[], list[str]]] = {
    "compositor.py": _compositor_problems,
    "direct_lines.py": _border_problems,
    "data_table.py": _data_table_problems,
    "crash.py": _crash_problems,
    "virtual_size.py": _virtual_size_problems,
    "border_title.py": _border_title_problems,
}
"""Each module of this package and the check of the internals it uses."""


def problems() -> list[str]:
    """Every internal that is missing or not in the shape expected (empty: all are as expected)."""
    found: list[str] = []
    for module, check in CHECKS.items():
        try:
            found += check()
        except Exception as exc:  # an internal changed so much that looking at it failed
            found.append(f"{module} ({type(exc).__name__}: {exc})")
    return found


def forced_stock() -> bool:
    """Whether :data:`STOCK_ENV` asks for Textual's stock paths."""
    return os.environ.get(STOCK_ENV, "") not in ("", "0")


def start() -> str | None:
    """Decide (again) whether the fast paths run; the one warning line to show when they do not."""
    global _active
    if forced_stock():
        _active = False
        return f"Textual's stock rendering ({STOCK_ENV} is set): the fast paths are off"
    found = problems()
    _active = not found
    if found:
        return ("Textual's internals changed (" + ", ".join(found)
                + "): drawing with Textual's stock paths, more slowly")
    return None


def active() -> bool:
    """Whether the fast paths run (decided by :func:`start`; before it, by the checks)."""
    if _active is None:
        start()
    return bool(_active)
