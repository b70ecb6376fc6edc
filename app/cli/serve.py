"""``kalshi-dash serve``: the dashboard in one user's own browser, through textual-serve.

Each browser tab runs its own ``kalshi-dash`` process with its own connection. The server binds
to 127.0.0.1 by default: the data (and, with a key, the account) is the user's alone, so binding
to another address is allowed only with a clear warning. Only the URL it prints opens the
dashboard: it holds a random token of this run; requests naming another host, coming from
another site's page, or beyond ``--max-sessions`` open dashboards are refused
(:mod:`app.cli.serve_guard`).
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import socket
import sys

from app.core.bounds import flag_number, port

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
PROG = "kalshi-dash serve"
MAX_SESSIONS = 64


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of ``kalshi-dash serve``; anything after ``--`` goes to each tab's dashboard."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=port, default=8000, help="port to listen on (default 8000; 0: any free port)")
    parser.add_argument("--max-sessions", type=flag_number(1, MAX_SESSIONS, integer=True), default=2, metavar="N",
                        help="dashboards open at once, each its own process (default 2)")
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
    return shlex.join([sys.executable, "-m", "app.cli.main", *args])


def _listen(host: str, port_number: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port_number), family=family)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    try:
        from app.cli.serve_guard import Guard, GuardedServer, allowed_hosts, new_token
    except ImportError:
        print(f"{PROG}: textual-serve is not installed; run: pip install 'kalshi-dash[serve]'", file=sys.stderr)
        return 2
    loopback = is_loopback(args.host)
    try:
        listening = _listen(args.host, args.port)
    except OSError as exc:
        print(f"{PROG}: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; choose another "
              "--host or --port (0: any free port)", file=sys.stderr)
        return 2
    if not loopback:
        print(f"{PROG}: WARNING: binding to {args.host} lets other machines reach your dashboard: anyone "
              "who learns the URL printed below sees your data", file=sys.stderr)
    bound_port = listening.getsockname()[1]
    guard = Guard(new_token(), allowed_hosts(args.host, bound_port, loopback), args.max_sessions)
    server = GuardedServer(dashboard_command(args.dashboard_args), listening, guard, title="kalshi-dash")
    print(f"{PROG}: open {server.public_url}/?token={guard.token} in your browser", file=sys.stderr, flush=True)
    server.serve()
    return 0
