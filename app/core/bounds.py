"""Numbers from flags and config files: finite and within a range, or one line saying so.

:func:`number_problem` checks a value already parsed (a TOML number); :func:`flag_number` makes an
argparse ``type`` that parses and checks a flag's text, so a bad value is argparse's one-line
usage error (exit status 2). ``nan``, ``inf`` and ``1e400`` are never accepted.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

DAY = 86_400.0


def number_problem(value: object, low: float, high: float, *, integer: bool = False,
                   above_low: bool = False) -> str:
    """What is wrong with ``value`` as a number in ``[low, high]`` (``(low, high]`` when
    ``above_low``; whole when ``integer``), as "is not ...", or "" when nothing is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        return "is not a whole number" if integer else "is not a number"
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number"
    if value < low or (above_low and value == low) or value > high:
        return f"is not {range_text(low, high, above_low=above_low)}"
    return ""


def range_text(low: float, high: float, *, above_low: bool = False) -> str:
    """``"from 0 to 86,400"``, or ``"more than 0 and at most 86,400"`` when ``above_low``."""
    if above_low:
        return f"more than {_shown(low)} and at most {_shown(high)}"
    return f"from {_shown(low)} to {_shown(high)}"


def _shown(bound: float) -> str:
    return f"{bound:,.0f}" if float(bound).is_integer() else f"{bound:g}"


def flag_number(low: float, high: float, *, integer: bool = False,
                above_low: bool = False) -> Callable[[str], float]:
    """An argparse ``type``: the flag's value as a number in range (see :func:`number_problem`)."""

    def parse(text: str) -> float:
        try:
            value: float = int(text) if integer else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a {'whole number' if integer else 'number'}") from None
        problem = number_problem(value, low, high, integer=integer, above_low=above_low)
        if problem:
            raise argparse.ArgumentTypeError(f"{text!r} {problem}")
        return value

    parse.__name__ = "whole number" if integer else "number"  # argparse names the type in its errors
    return parse


def port(text: str) -> int:
    """A TCP port number (0: any free port), for argparse."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port: use 1-65535, or 0 for any free port")
    return value
