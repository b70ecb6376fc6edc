"""The one sanitiser for text from outside: every control character shown, never sent raw."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli.main import PrintableFormatter
from app.core.sanitize import is_printable, printable, printable_lines
from tests.cli_support import assert_one_line_error, run_cli

C0_PICTURES = "␀␁␂␃␄␅␆␇␈␉␊␋␌␍␎␏␐␑␒␓␔␕␖␗␘␙␚␛␜␝␞␟"


def raw_controls(text: str) -> list[str]:
    """What a terminal would obey: C0, DEL and C1 characters."""
    return [ch for ch in text if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F]


@pytest.mark.parametrize("code", range(0x00, 0xA0))
def test_every_code_point_up_to_0x9f_is_shown_visibly_or_kept(code: int) -> None:
    char = chr(code)
    shown = printable(f"a{char}b")
    if code < 0x20:
        assert shown == f"a{C0_PICTURES[code]}b"
    elif code == 0x7F:
        assert shown == "a␡b"
    elif code >= 0x80:
        assert shown == f"a\\x{code:02x}b"
    else:
        assert shown == f"a{char}b"  # printable ASCII as it is
    assert raw_controls(shown) == []
    assert is_printable(f"a{char}b") == (shown == f"a{char}b")


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]52;c;SGVsbG8=\x07", "␛]52;c;SGVsbG8=␇"),  # OSC 52: write the clipboard
    ("\x1b]0;title\x1b\\", "␛]0;title␛\\"),  # OSC 0: set the window title, ST-terminated
    ("\x1b[2J\x1b[H", "␛[2J␛[H"),  # CSI: clear the screen, home the cursor
    ("\x1bP1$r0m\x1b\\", "␛P1$r0m␛\\"),  # DCS
    ("\x1bXs\x1b\\\x1b^p\x1b\\\x1b_a\x1b\\", "␛Xs␛\\␛^p␛\\␛_a␛\\"),  # SOS, PM, APC
    ("\x1b", "␛"),  # a lone ESC
    ("\x9b2J\x9d0;t\x9c\x90q\x9c", "\\x9b2J\\x9d0;t\\x9c\\x90q\\x9c"),  # 8-bit CSI, OSC, ST, DCS
    ("a\tb\nc\r", "a␉b␊c␍"),  # a cell is one line
    ("abc\u202edcba", "abc\\u202edcba"),  # a right-to-left override would reorder what follows
    ("x\u200by\ufeff", "x\\u200by\\ufeff"),  # invisible: zero width, BOM
    ("a\u2028b", "a\\u2028b"),  # a line separator
    ("\ud800", "\\ud800"),  # a lone surrogate cannot be written to a UTF-8 terminal
])
def test_escape_sequences_and_hidden_characters_are_shown(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert not is_printable(raw)


@pytest.mark.parametrize("clean", ["KXFEDDECISION-26DEC-H0", "Will the Fed cut? [yes]", "41.5¢ ▲ — ★", "日本語",
                                   ""])
def test_clean_text_is_the_same_object(clean: str) -> None:
    assert printable(clean) is clean
    assert printable_lines(clean) is clean
    assert is_printable(clean)


def test_lines_keep_their_breaks_and_nothing_else() -> None:
    assert printable_lines("error 6\nserver said: \x1b[2J\tx") == "error 6\nserver said: ␛[2J␉x"


def test_text_that_isprintable_rejects_but_is_harmless_is_kept() -> None:
    assert printable("a\u00a0b\u00adc") == "a\u00a0b\u00adc"  # no-break space, soft hyphen
    assert is_printable("a\u00a0b")


@given(st.text())
def test_nothing_a_terminal_obeys_survives(text: str) -> None:
    shown = printable(text)
    assert raw_controls(shown) == []
    assert "\u202e" not in shown and "\u2066" not in shown
    assert printable(shown) == shown  # shown text is clean: sanitising twice changes nothing
    assert raw_controls(printable_lines(text).replace("\n", "")) == []


def test_log_lines_are_printable_and_keep_a_traceback_s_lines() -> None:
    formatter = PrintableFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord("feed", logging.WARNING, __file__, 1, "server said: %s", ("\x1b]52;c;eA==\x07",), None)
    assert formatter.format(record) == "WARNING server said: ␛]52;c;eA==␇"
    try:
        raise ValueError("bad \x9b2J")
    except ValueError:
        record = logging.LogRecord("feed", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    lines = formatter.format(record).split("\n")
    assert lines[0] == "ERROR failed" and lines[1] == "Traceback (most recent call last):"
    assert lines[-1] == "ValueError: bad \\x9b2J"


def test_a_command_line_error_naming_a_hostile_file_is_one_printable_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--config", str(tmp_path / "x\x1b[2J\x9d0;t\x07.toml"))
    line = assert_one_line_error(result, "config file not found", "x␛[2J\\x9d0;t␇.toml")
    assert raw_controls(line) == []
