"""``kalshi-dash serve``: the dashboard in one user's own browser, through textual-serve.

Each browser tab runs its own ``kalshi-dash`` process with its own connection. The server binds
to 127.0.0.1 by default: the data (and, with a key, the account) is the user's alone, so binding
to another address is allowed only with a clear warning.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``kalshi-dash serve``; anything after ``--`` goes to each tab's dashboard."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("dashboard_args", nargs=argparse.REMAINDER, metavar="-- DASHBOARD FLAGS",
                        help="flags for the dashboard in each tab, e.g. -- --market KXFED-26DEC-T4")


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def dashboard_command(dashboard_args: list[str]) -> str:
    """The shell command each browser tab runs."""
    args = dashboard_args[1:] if dashboard_args[:1] == ["--"] else dashboard_args
    return shlex.join([sys.executable, "-m", "app.cli", *args])


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    try:
        from textual_serve.server import Server
    except ImportError:
        print("kalshi-dash serve: textual-serve is not installed; run: pip install 'kalshi-dash[serve]'",
              file=sys.stderr)
        return 2
    if not 0 < args.port < 65536:
        print(f"kalshi-dash serve: bad port {args.port}: use 1-65535", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"kalshi-dash serve: WARNING: binding to {args.host} lets other machines open your "
              "dashboard and see your data; there is no login", file=sys.stderr)
    server = Server(dashboard_command(args.dashboard_args), host=args.host, port=args.port, title="kalshi-dash")
    print(f"kalshi-dash serve: open http://{args.host}:{args.port} in your browser", file=sys.stderr)
    server.serve()
    return 0
