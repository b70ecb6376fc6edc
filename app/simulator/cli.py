"""``kalshi-dash sim``: run the exchange simulator standalone.

Prints the URL, the key id and the path of a demo private key (created once under the user data
dir, mode 0600), so any Kalshi client can connect. ``--key-id ID --public-key FILE`` (repeatable)
registers the caller's own keys instead. Every fault has a flag.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import platformdirs
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.core.bounds import DAY, flag_number, port
from app.core.small_files import FileRefused, read_small_file
from app.feed.auth import AuthError, load_private_key
from app.simulator.config import SimConfig
from app.simulator.faults import FRAME_FAULTS, HANDSHAKE_STATUSES
from app.simulator.server import Simulator

DEMO_KEY_ID = "sim-demo-key"
DEMO_KEY_FILE = "demo-key.pem"
MAX_EVENTS = 1_000
MAX_MARKETS = 20_000
MAX_RATE = 1e6  # market actions per second
count = flag_number(1, 10**9, integer=True)  # "every N-th" and "N times" fault flags


def seconds(above_zero: bool = False) -> Callable[[str], float]:
    """An argparse ``type`` for a time in seconds, up to a day."""
    return flag_number(0, DAY, above_low=above_zero)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``sim`` subcommand's options (every dest starts with ``sim_``)."""
    defaults = SimConfig()
    add = parser.add_argument
    add("--host", dest="sim_host", metavar="HOST", default="127.0.0.1", help="address to listen on")
    add("--port", dest="sim_port", metavar="PORT", type=port, default=8765, help="port (0: any free port)")
    add("--seed", dest="sim_seed", metavar="N", type=int, default=defaults.seed, help="random seed")
    add("--events", dest="sim_events", metavar="N", type=flag_number(1, MAX_EVENTS, integer=True),
        default=defaults.events, help="events")
    add("--markets", dest="sim_markets", metavar="N", type=flag_number(1, MAX_MARKETS, integer=True),
        default=defaults.markets, help="markets")
    add("--rate", dest="sim_rate", metavar="PER_SECOND", type=flag_number(0, MAX_RATE), default=defaults.rate,
        help="market actions per second (0: paused)")
    parser.add_argument("--legacy", dest="sim_legacy", action="store_true",
                        help="behave as the 2025 reference describes instead of today's production")
    parser.add_argument("--allow-anonymous", dest="sim_allow_anonymous", action="store_true",
                        help="accept unsigned connections (private channels answer error 9)")
    parser.add_argument("--firehose", dest="sim_firehose", action="store_true",
                        help="send market activity as fast as the socket takes it")
    parser.add_argument("--yes-price-only", dest="sim_yes_price_only", action="store_true",
                        help="send books' no sides in yes prices whatever use_yes_price says (its announced end)")
    add("--ping-interval", dest="sim_ping_interval", metavar="SECONDS", type=seconds(above_zero=True),
        default=defaults.ping_interval, help="seconds between heartbeat pings")
    add("--clock-skew", dest="sim_clock_skew", metavar="SECONDS", type=seconds(), default=defaults.clock_skew,
        help="largest accepted handshake timestamp skew, seconds")
    parser.add_argument("--key-id", dest="sim_key_ids", action="append", default=[], metavar="ID",
                        help="register this key id (pair each with --public-key)")
    parser.add_argument("--public-key", dest="sim_public_keys", action="append", default=[], metavar="FILE",
                        help="PEM public key for the matching --key-id")
    parser.add_argument("--data-dir", dest="sim_data_dir", metavar="DIR", type=Path, default=None,
                        help="where the demo key is kept (default: the user data dir)")
    faults = parser.add_argument_group("faults")
    faults.add_argument("--drop-every", dest="sim_drop_every", type=seconds(above_zero=True), metavar="SECONDS",
                        help="drop every connection every SECONDS")
    for name in FRAME_FAULTS:
        flag = name.replace("_", "-")
        faults.add_argument(f"--{flag}-every", dest=f"sim_{name}_every", type=count, metavar="N",
                            help=f"{name.replace('_', ' ')} fault on every N-th data frame")
    faults.add_argument("--stall-every", dest="sim_stall_every", type=seconds(above_zero=True), metavar="SECONDS",
                        help="stall every SECONDS")
    faults.add_argument("--stall-for", dest="sim_stall_for", type=seconds(), default=5.0, metavar="SECONDS",
                        help="length of each stall (default 5)")
    faults.add_argument("--data-envelope", dest="sim_data_envelope", action="store_true",
                        help="put payloads under 'data' instead of 'msg'")
    faults.add_argument("--reject-handshakes", dest="sim_reject_status", type=int, choices=HANDSHAKE_STATUSES,
                        help="reject the first handshakes with this HTTP status")
    faults.add_argument("--reject-count", dest="sim_reject_count", type=count, default=1, metavar="N",
                        help="how many handshakes --reject-handshakes rejects (default 1)")
    rest = parser.add_argument_group("REST faults (the REST API on the same port)")
    rest.add_argument("--rest-429-every", dest="sim_rest_429_every", type=int, default=0, metavar="N",
                      help="answer every Nth REST request with 429 too many requests")
    rest.add_argument("--rest-5xx-every", dest="sim_rest_5xx_every", type=int, default=0, metavar="N",
                      help="answer every Nth REST request with 503")
    rest.add_argument("--rest-slow", dest="sim_rest_slow", type=float, default=0.0, metavar="SECONDS",
                      help="delay every REST answer this long")


def config_from(args: argparse.Namespace) -> SimConfig:
    """The :class:`SimConfig` the options describe."""
    return SimConfig(
        seed=args.sim_seed, events=args.sim_events, markets=args.sim_markets, rate=args.sim_rate,
        legacy=args.sim_legacy, allow_anonymous=args.sim_allow_anonymous,
        ping_interval=args.sim_ping_interval, clock_skew=args.sim_clock_skew, firehose=args.sim_firehose,
        yes_price_only=args.sim_yes_price_only,
        rest_429_every=args.sim_rest_429_every, rest_5xx_every=args.sim_rest_5xx_every,
        rest_slow=args.sim_rest_slow,
    )


def demo_key(data_dir: Path | None = None) -> tuple[rsa.RSAPrivateKey, Path]:
    """The demo private key and its path, created (mode 0600) on first use."""
    directory = data_dir or platformdirs.user_data_path("kalshi-dash") / "simulator"
    path = directory / DEMO_KEY_FILE
    if path.exists():
        return load_private_key(path), path
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key, path


def load_public_key(path: str) -> rsa.RSAPublicKey:
    """An RSA public key from a PEM file."""
    try:
        key = serialization.load_pem_public_key(read_small_file(Path(path).expanduser()))
    except (OSError, ValueError, FileRefused) as exc:
        raise AuthError(f"cannot read a PEM public key from {path}: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise AuthError(f"{path} is not an RSA public key")
    return key


def register_keys(sim: Simulator, args: argparse.Namespace) -> Path | None:
    """Register the caller's keys, or else the demo key; the demo key's path when it is used."""
    if len(args.sim_key_ids) != len(args.sim_public_keys):
        raise AuthError("give one --public-key for each --key-id")
    for key_id, path in zip(args.sim_key_ids, args.sim_public_keys):
        sim.register_key(key_id, load_public_key(path))
    if args.sim_key_ids:
        return None
    key, path = demo_key(args.sim_data_dir)
    sim.register_key(DEMO_KEY_ID, key.public_key())
    return path


def connection_help(url: str, args: argparse.Namespace, demo_path: Path | None) -> str:
    """What to tell the user: the URL, the key id(s) and, for the demo key, its path."""
    lines = [f"kalshi-dash simulator on {url}"]
    if demo_path is None:
        pairs = zip(args.sim_key_ids, args.sim_public_keys)
        lines += [f"  key id:      {key_id} ({path})" for key_id, path in pairs]
    else:
        lines += [
            f"  key id:      {DEMO_KEY_ID}",
            f"  private key: {demo_path}",
            f"  dashboard:   kalshi-dash --url {url} --key-id {DEMO_KEY_ID} --private-key {demo_path}",
        ]
    return "\n".join(lines)


def apply_faults(sim: Simulator, args: argparse.Namespace) -> None:
    """Arm the faults the options ask for (needs a running loop)."""
    faults = sim.faults
    faults.drop_every(args.sim_drop_every)
    for name in FRAME_FAULTS:
        faults.every(name, getattr(args, f"sim_{name}_every"))
    faults.stall_every(args.sim_stall_every, args.sim_stall_for)
    faults.data_envelope(args.sim_data_envelope)
    if args.sim_reject_status:
        faults.reject_next_handshake(args.sim_reject_status, args.sim_reject_count)


async def serve(
    args: argparse.Namespace,
    out: TextIO,
    started: Callable[[Simulator], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the simulator until ``stop`` is set (forever when None)."""
    sim = Simulator(config_from(args))
    demo_path = register_keys(sim, args)
    try:
        url = await sim.start(args.sim_host, args.sim_port)
    except OSError as exc:
        raise AuthError(f"cannot listen on {args.sim_host}:{args.sim_port}: {exc.strerror or exc}; "
                        "choose another --host or --port (0: any free port)") from None
    try:
        print(connection_help(url, args, demo_path), file=out)
        apply_faults(sim, args)
        out.flush()
        if started is not None:
            started(sim)
        await (stop or asyncio.Event()).wait()
    finally:
        await sim.stop()


def run(args: argparse.Namespace) -> int:
    """Entry point of ``kalshi-dash sim``."""
    try:
        asyncio.run(serve(args, sys.stdout))
    except AuthError as exc:
        from app.cli.main import fail

        return fail("kalshi-dash sim", exc, args)
    except KeyboardInterrupt:
        pass
    return 0
