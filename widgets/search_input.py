"""A text field for filter-as-you-type whose keys repaint the field alone.

Textual's ``Input`` sets its ``virtual_size`` to the width of its text at every key, and
``virtual_size`` asks for a layout of the whole screen when it changes: each key then re-placed
every widget and redrew every line of the screen (about 50 lines at 160x50) before the frame that
shows the result. The field's box does not depend on its text (fixed width and height), so
:class:`SearchInput` changes its virtual size with a repaint of itself only. Scrolling along a
text longer than the field still works: ``Input`` scrolls to its cursor at each key, bounded by
the virtual size just set. A field given an automatic width or height is still laid out at each
key by ``Input`` itself.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchInput(Input):
    """An ``Input`` whose typing lays out nothing but repaints itself (see the module docstring)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
