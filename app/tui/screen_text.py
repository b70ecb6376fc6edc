"""What a Textual app sends the terminal, as text: for checks that no control character gets there.

The app's screen is drawn as strips of segments; their text, row after row, is what the terminal
is written (styles aside). :func:`unsafe` names the characters in it a terminal would obey.
"""

from __future__ import annotations

from typing import Any

from widgets._textual.compositor import screen_strips

VISIBLE_ESC = "\u241b"  # ␛: how app.core.sanitize shows an ESC


def screen_text(app: Any) -> str:
    """Everything on ``app``'s screen now (a running Textual app), its rows one after another."""
    strips = screen_strips(app.screen)
    return "".join(segment.text for strip in strips for segment in strip)


def unsafe(text: str) -> list[str]:
    """The C0, DEL and C1 characters in ``text``."""
    return [ch for ch in text if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F]
