"""The look the focusable list panes share (the grid, the tape, the state tables, subscriptions)."""

from __future__ import annotations


def focusable_pane_css(type_name: str, *rules: str) -> str:
    """``DEFAULT_CSS`` for the widget class ``type_name``: a rounded border in the panel colour,
    the accent colour while it has the focus, an accent title, the full height it is given, and
    ``rules`` (declarations of its own)."""
    own = "".join(f"\n        {rule}" for rule in rules)
    return f"""
    {type_name} {{
        height: 1fr;
        border: round $panel;
        border-title-color: $text-accent;{own}
        &:focus {{
            border: round $accent;
        }}
    }}
    """
