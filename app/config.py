"""Where to connect and with which key: command-line flags, environment, and a TOML config.

Precedence: flags, then ``KALSHI_*`` environment variables, then the chosen profile of the config
file (``config.toml`` in the platform config dir, or ``--config FILE``). Without a key id and key
file the dashboard uses the built-in simulator. With a key the default environment is demo;
production needs an explicit ``--env prod``.

Config file::

    default_profile = "demo"

    [profiles.demo]
    env = "demo"
    key_id = "abcd-..."
    private_key = "~/.kalshi/demo.pem"

    [profiles.prod]
    env = "prod"
    key_id = "..."
    private_key = "~/.kalshi/prod.pem"
"""

from __future__ import annotations

import argparse
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import platformdirs

from app.auth import ENV_KEY_ID, ENV_KEY_PATH, WS_PATH
from app.feed import DEMO_URL, PROD_URL

ENVIRONMENT_URLS = {"demo": DEMO_URL, "prod": PROD_URL}
PROFILE_KEYS = frozenset({"env", "key_id", "private_key", "url"})
TOP_LEVEL_KEYS = frozenset({"default_profile", "profiles"})


class ConfigError(Exception):
    """A flag, URL or config file that cannot be used; one line saying what and how to fix it."""


@dataclass(frozen=True)
class ConnectionSettings:
    """The resolved endpoint: ``url`` None means the built-in simulator."""

    environment: str  # SIM, DEMO, PROD or CUSTOM
    url: str | None
    key_id: str | None
    private_key: str | None


def default_config_path() -> Path:
    """``config.toml`` in the platform's config directory for kalshi-dash."""
    return Path(platformdirs.user_config_dir("kalshi-dash")) / "config.toml"


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags every connecting command shares."""
    group = parser.add_argument_group("connection")
    group.add_argument("--key-id", help=f"Kalshi API key id (or ${ENV_KEY_ID})")
    group.add_argument("--private-key", metavar="PATH", help=f"PEM private key file (or ${ENV_KEY_PATH})")
    group.add_argument("--env", choices=sorted(ENVIRONMENT_URLS), help="Kalshi environment (default with a key: demo)")
    group.add_argument("--url", help="any ws:// or wss:// endpoint ending in /trade-api/ws/v2")
    group.add_argument("--profile", help="a named profile of the config file")
    group.add_argument("--config", metavar="FILE", help=f"config file (default {default_config_path()})")
    group.add_argument("--sim", action="store_true", help="use the built-in simulator even if a key is configured")


def load_profile(path: Path, name: str | None, explicit: bool) -> dict[str, str]:
    """The settings of profile ``name`` (or the default profile) from the TOML file at ``path``."""
    if not path.exists():
        if explicit:
            raise ConfigError(f"config file not found: {path}")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} has a syntax error: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    unknown = set(data) - TOP_LEVEL_KEYS
    if unknown:
        raise ConfigError(f"config file {path}: unknown key(s) {', '.join(sorted(unknown))}; "
                          f"allowed: {', '.join(sorted(TOP_LEVEL_KEYS))}")
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(f"config file {path}: 'profiles' must be a table of [profiles.NAME]")
    name = name or data.get("default_profile")
    if name is None:
        return {}
    profile = profiles.get(name)
    if not isinstance(profile, dict):
        known = ", ".join(sorted(profiles)) or "none"
        raise ConfigError(f"config file {path}: no profile {name!r} (profiles: {known})")
    unknown = set(profile) - PROFILE_KEYS
    if unknown:
        raise ConfigError(f"config file {path}, profile {name!r}: unknown key(s) {', '.join(sorted(unknown))}; "
                          f"allowed: {', '.join(sorted(PROFILE_KEYS))}")
    return {key: str(value) for key, value in profile.items()}


def check_url(url: str) -> str:
    """``url`` if it is a ws/wss URL; raise ConfigError saying what is wrong otherwise."""
    parsed = urlparse(url)
    expected = f"expected ws://HOST[:PORT]{WS_PATH} or wss://HOST{WS_PATH}"
    if parsed.scheme not in ("ws", "wss") or not parsed.hostname:
        raise ConfigError(f"bad URL {url!r}: {expected}")
    try:
        parsed.port
    except ValueError:
        raise ConfigError(f"bad URL {url!r}: the port is not a number; {expected}") from None
    if not parsed.path.endswith(WS_PATH):  # the handshake signs this path: no other can succeed
        raise ConfigError(f"bad URL {url!r}: the path must end in {WS_PATH}; {expected}")
    return url


def resolve(args: argparse.Namespace) -> ConnectionSettings:
    """Combine flags, environment and config file into one :class:`ConnectionSettings`."""
    explicit_config = args.config is not None
    path = Path(args.config).expanduser() if explicit_config else default_config_path()
    profile = load_profile(path, args.profile, explicit_config or args.profile is not None)
    key_id = args.key_id or os.environ.get(ENV_KEY_ID) or profile.get("key_id")
    key_path = args.private_key or os.environ.get(ENV_KEY_PATH) or profile.get("private_key")
    env = args.env or profile.get("env")
    url = args.url or profile.get("url")
    if env is not None and env not in ENVIRONMENT_URLS:
        raise ConfigError(f"unknown environment {env!r}: use demo or prod")
    if args.sim or (not key_id and not key_path and not url and env is None):
        return ConnectionSettings("SIM", None, None, None)
    if url:
        return ConnectionSettings("CUSTOM", check_url(url), key_id, key_path)
    if not key_id or not key_path:
        missing = "--key-id (or $KALSHI_API_KEY_ID)" if not key_id else "--private-key (or $KALSHI_PRIVATE_KEY_PATH)"
        raise ConfigError(f"connecting to Kalshi needs a key: missing {missing}")
    env = env or "demo"
    return ConnectionSettings(env.upper(), ENVIRONMENT_URLS[env], key_id, key_path)
