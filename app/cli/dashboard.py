"""``kalshi-dash`` (no subcommand): the dashboard.

Without a key it starts the built-in simulator on loopback and connects to it (the status bar says
SIM); with ``--key-id`` and ``--private-key`` (or the environment, or a config profile) it connects
to demo (the default with a key) or ``--env prod``, or to any ``--url``; with ``--replay FILE`` it
plays a recording (REPLAY). Bad flags, unusable keys and unreadable recordings end with one line
on stderr and exit status 2, before the screen is taken over.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.config import ConfigError, add_connection_arguments, check_rest_url, preferences, resolve
from app.core.bounds import flag_number
from app.core.state import MarketState
from app.endpoint import Endpoint, load_key, open_endpoint
from app.feed.auth import AuthError
from app.feed.recording import MAX_SPEED, RecordingError, RecordingFile
from app.rest.catalog_cache import cache_path
from app.trading.settings import trading_settings

PROG = "kalshi-dash"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Flags of the dashboard."""
    parser.add_argument("--market", action="append", default=[], metavar="TICKER",
                        help="open this market's depth ladder at start (repeatable)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="simulator seed (the simulator is used when no key is given)")
    parser.add_argument("--light", action="store_true", help="start with the light theme")
    parser.add_argument("--trade", action="store_true",
                        help="allow orders on production (also needs trading.enabled = true in the config)")
    parser.add_argument("--replay", metavar="FILE",
                        help="play a recording (from `kalshi-dash record`) instead of connecting")
    parser.add_argument("--speed", type=flag_number(0, MAX_SPEED), default=1.0, metavar="X",
                        help="replay speed: 1 as recorded, 10 ten times faster, 0 as fast as possible")
    parser.add_argument("--record", metavar="FILE",
                        help="record every frame to FILE while the dashboard runs (R starts/stops)")
    parser.add_argument("--my-rfqs", action="store_true",
                        help="RFQ inbox: only the RFQs you created, not every user's (quotes are always yours)")
    add_connection_arguments(parser)


def sim_options(args: argparse.Namespace) -> dict[str, Any]:
    """Options for the simulator from the flags."""
    return {} if args.seed is None else {"seed": args.seed}


def run(args: argparse.Namespace) -> int:
    """Start the dashboard; 2 for bad flags, keys or recordings, else the app's return code."""
    try:
        recording = RecordingFile.load(args.replay) if args.replay else None
        if recording is not None and args.record:
            raise ConfigError("--record and --replay cannot be used together")
        settings = resolve(args)
        rest_url = check_rest_url(args.rest_url) if args.rest_url else None
        prefs = preferences(args)
        trading = trading_settings(args) if recording is None else None
        # The key is loaded once, now: an unusable one is reported before the screen is taken
        # over, and the app's worker never reads the key file.
        key = load_key(settings) if recording is None else None
    except (ConfigError, AuthError, RecordingError) as exc:
        from app.cli.main import fail

        return fail(PROG, exc, args)
    for note in key.warnings if key is not None else ():
        print(f"{PROG}: warning: {note}", file=sys.stderr)  # and once in the UI, from the endpoint
    from app.tui.main import DARK_THEME, LIGHT_THEME, KalshiDashApp

    async def connect() -> Endpoint:
        return await open_endpoint(settings, sim_options(args), key, rest_url, own_rfqs_only=args.my_rfqs)

    app = KalshiDashApp(
        MarketState(),
        environment="REPLAY" if recording is not None else settings.environment,
        markets=[ticker.upper() for ticker in args.market],
        connect=None if recording is not None else connect,
        theme=LIGHT_THEME if args.light else DARK_THEME,
        replay=recording,
        replay_speed=args.speed,
        record_path=args.record,
        preferences=prefs,
        catalog_cache=cache_path(settings.environment, settings.url) if recording is None else None,
        trading=trading,
    )
    result = app.run()
    if app.crash is not None:
        from app.cli.main import report_crash

        return report_crash(PROG, app.crash, args)
    return result if isinstance(result, int) else app.return_code or 0
