"""The ``kalshi-dash`` command line: the dashboard by default, and its subcommands.

Each subcommand lives in its own module with two functions, ``add_arguments(parser)`` and
``run(args) -> int``; this module only wires them up, importing each lazily so that a quick
``--help`` does not pay for Textual or the simulator.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from app import __version__

# subcommand name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sim": ("app.simulator.cli", "run the built-in exchange simulator standalone"),
    "record": ("app.record_cli", "connect headless and record every frame to a file"),
    "serve": ("app.serve_cli", "serve the dashboard to your own browser (textual-serve)"),
}
DASHBOARD_MODULE = "app.dashboard_cli"


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    """The parser, and the module that handles each subcommand."""
    parser = argparse.ArgumentParser(
        prog="kalshi-dash",
        description="A terminal dashboard for Kalshi's WebSocket API v2.",
    )
    parser.add_argument("--version", action="version", version=f"kalshi-dash {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers: dict[str, object] = {}
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = _load(module_name)
        if module is None:
            continue
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        handlers[name] = module
    dashboard = _load(DASHBOARD_MODULE)
    if dashboard is not None:
        dashboard.add_arguments(parser)
        handlers[""] = dashboard
    return parser, handlers


def _load(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kalshi-dash`` console script."""
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    handler = handlers.get(args.command or "")
    if handler is None:
        parser.print_help()
        return 0
    return handler.run(args)


if __name__ == "__main__":
    sys.exit(main())
