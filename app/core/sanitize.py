"""Text from outside (the exchange, recordings, config, the command line) made safe for a terminal.

A terminal obeys the control characters in what it is sent: an ESC starts an escape sequence that
can clear the screen, retitle the window, or write the clipboard (OSC 52); C1 characters are the
same commands in one byte. :func:`printable` shows every such character *visibly* instead, so the
text still says what was sent and nothing in it acts on the terminal:

* C0 controls (U+0000–U+001F, tab and newline included: a cell or a title is one line) as their
  Unicode control pictures: ESC is ``␛``, tab ``␉``, newline ``␊``; DEL (U+007F) as ``␡``;
* C1 controls (U+0080–U+009F) as ``\\x9b``-style escapes;
* characters that reorder or hide text (bidi marks, overrides and isolates, zero-width
  characters, line and paragraph separators, the BOM) and lone surrogates (which cannot be
  written to a UTF-8 terminal at all) as ``\\u202e``-style escapes.

Every escape sequence (CSI, OSC, DCS, SOS, PM, APC, a lone ESC) starts with ESC or a C1
character, so it is shown whole and harmless: ``\\x1b[2J`` reads ``␛[2J``.

Clean text, nearly all of it, costs one ``str.isprintable()`` call. Pure: no I/O, no Textual.
"""

from __future__ import annotations

import re

# Everything shown escaped. `str.isprintable()` is False for each of these (they are Cc, Cf, Zl,
# Zp or Cs), so text it passes needs no look here.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)
_CONTROL_PICTURES = 0x2400  # U+2400 SYMBOL FOR NULL ... U+241F SYMBOL FOR UNIT SEPARATOR
_DELETE_PICTURE = "\u2421"  # ␡


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(_CONTROL_PICTURES + code)
    if code == 0x7F:
        return _DELETE_PICTURE
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown visibly (see the module); clean text as is."""
    if text.isprintable():
        return text
    return _UNSAFE.sub(_visible, text)


def printable_lines(text: str) -> str:
    """:func:`printable` for text of several lines: each newline stays a line break."""
    if text.isprintable():
        return text
    return "\n".join(_UNSAFE.sub(_visible, line) for line in text.split("\n"))


def is_printable(text: str) -> bool:
    """True when :func:`printable` leaves ``text`` as it is (it can be shown, typed and sent)."""
    return text.isprintable() or _UNSAFE.search(text) is None
