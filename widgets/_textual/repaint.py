"""A view's repaint handed to its screen at once, not by a round of messages.

A widget's ``refresh`` only marks it; at its next idle Textual posts ``messages.Update`` to the
screen, whose handler adds the widget to the screen's dirty widgets and asks for an idle of its
own (a ``Prompt`` message), where the screen starts its update timer. For each view the fan-out
redraws, 30 times a second, that is two messages and an idle on the screen.
:func:`hand_repaint` does what that round ends in: the widget added to the screen's dirty
widgets, its request cleared. It is called from the screen's own handlers (the fan-out runs in
the dashboard's ``StateChanged`` handler), so the screen's idle, where Textual starts the update
timer, comes after the handler anyway. The widget's own idle still runs (its ``refresh`` posted
it) and finds nothing left to do. A request for a layout, a scroll or new styles is left to
Textual's own path.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget

from widgets._textual import capability


def hand_repaint(widget: Widget, screen: Screen[object]) -> None:
    """Mark ``widget`` (under ``screen``) dirty on ``screen`` now if it asked for a repaint, as
    its next idle would by message; when the fast paths are off, Textual's messages do it."""
    if not widget._repaint_required or not capability.active():
        return
    if widget.parent is None or widget._closing:  # as Textual's idle check: nothing to draw
        return
    widget._repaint_required = False
    if widget.display and screen in screen._compositor:
        screen._dirty_widgets.add(widget)
