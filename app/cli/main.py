"""The ``kalshi-dash`` command line: the dashboard by default, and its subcommands.

Each subcommand lives in its own module with two functions, ``add_arguments(parser)`` and
``run(args) -> int``; this module only wires them up, importing each lazily so that a quick
``--help`` does not pay for Textual or the simulator.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
import warnings
from types import ModuleType
from typing import TextIO

from app import __version__
from app.core.sanitize import printable, printable_lines

# subcommand name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sim": ("app.simulator.cli", "run the built-in exchange simulator standalone"),
    "record": ("app.cli.record", "connect headless and record every frame to a file"),
    "serve": ("app.cli.serve", "serve the dashboard to your own browser (textual-serve)"),
}
DASHBOARD_MODULE = "app.cli.dashboard"


PROG = "kalshi-dash"
DEBUG_HELP = "on an error show its traceback, and log at debug level (never keys, passphrases or signatures)"


class _Parser(argparse.ArgumentParser):
    """argparse, with a pointer to ``--help`` after its one-line error (exit status 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, ModuleType]]:
    """The parser, and the module that handles each subcommand."""
    parser = _Parser(
        prog=PROG,
        description="A terminal dashboard for Kalshi's WebSocket API v2.",
    )
    parser.add_argument("--version", action="version", version=f"kalshi-dash {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers: dict[str, ModuleType] = {}
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = _load(module_name)
        if module is None:
            continue
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        # also accepted after the subcommand; SUPPRESS keeps a --debug given before it
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        module.add_arguments(sub)
        handlers[name] = module
    dashboard = _load(DASHBOARD_MODULE)
    if dashboard is not None:
        dashboard.add_arguments(parser)
        handlers[""] = dashboard
    return parser, handlers


def _load(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def print_traceback(exc: BaseException) -> None:
    """``exc``'s traceback on stderr in Python's own form (never a frame's local variables), its
    text made printable."""
    print(printable_lines("".join(traceback.format_exception(exc))), end="", file=sys.stderr)


def fail(prog: str, exc: BaseException, args: argparse.Namespace) -> int:
    """Say what is wrong in one line on stderr (after its traceback with ``--debug``); return 2."""
    if getattr(args, "debug", False):
        print_traceback(exc)
    print(f"{prog}: {printable(str(exc))}", file=sys.stderr)
    return 2


def report_crash(prog: str, exc: BaseException, args: argparse.Namespace) -> int:
    """A bug, not a bad flag: one line on stderr, after the traceback with ``--debug`` (Python's
    own form: never a frame's local variables); return 1."""
    debug = getattr(args, "debug", False)
    if debug:
        print_traceback(exc)
    hint = "" if debug else " (run with --debug for the traceback)"
    print(f"{prog}: unexpected error: {type(exc).__name__}: {printable(str(exc))}{hint}", file=sys.stderr)
    return 1


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Logs to whatever ``sys.stderr`` is when a record comes (Textual swaps it while it runs)."""

    @property
    def stream(self) -> TextIO:  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


class PrintableFormatter(logging.Formatter):
    """Log lines made printable (a frame's text, a server's words): nothing logged acts on the
    terminal; the line breaks of a traceback stay."""

    def format(self, record: logging.LogRecord) -> str:
        return printable_lines(super().format(record))


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Our own warnings (an exposed key file) as one line, not Python's two-line form."""
    from app.feed.auth import KeyPermissionWarning

    if issubclass(category, KeyPermissionWarning):
        print(f"{PROG}: warning: {message}", file=sys.stderr)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kalshi-dash`` console script."""
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    handler = handlers.get(args.command or "")
    if handler is None:
        parser.print_help()
        return 0
    warnings.showwarning = _show_warning
    if args.debug:
        handler_ = _StderrHandler()
        handler_.setFormatter(PrintableFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.basicConfig(level=logging.DEBUG, handlers=[handler_])
    else:  # what the user must know is said in one line; the log is for --debug
        logging.basicConfig(handlers=[logging.NullHandler()])
    try:
        code: int = handler.run(args)
        return code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not a bad flag: still one line
        return report_crash(PROG, exc, args)


if __name__ == "__main__":
    sys.exit(main())
