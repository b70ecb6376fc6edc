"""The ``kalshi-dash`` command line: the dashboard by default, and its subcommands."""

from __future__ import annotations

import argparse
import sys

from app import __version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``kalshi-dash`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="kalshi-dash",
        description="A terminal dashboard for Kalshi's WebSocket API v2.",
    )
    parser.add_argument("--version", action="version", version=f"kalshi-dash {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kalshi-dash`` console script."""
    parser = build_parser()
    parser.parse_args(argv)
    print("kalshi-dash: the dashboard is not built yet; see README.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
