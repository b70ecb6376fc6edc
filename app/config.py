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

The same file holds the watchlist (``f`` on the grid stars a market and saves it here) and alert
rules (see :mod:`app.core.alerts`); both apply whatever the profile::

    watchlist = ["KXFEDDECISION-26DEC-H0"]

    [alerts]
    bell = true          # ring the terminal bell with each notified alert
    cooldown = 10        # seconds between two notifications of one rule
    burst = 5            # at most this many notifications ...
    window = 10          # ... in this many seconds

    [[alerts.rules]]
    market = "KXFEDDECISION-26DEC-H0"
    last_crosses = 45    # cents; or spread_below = 2, print_at_least = 500 (contracts),
                         # lifecycle = "settled" (or "any"), fill = true
"""

from __future__ import annotations

import argparse
import os
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from app.core.alerts import DEFAULT_BURST, DEFAULT_COOLDOWN, DEFAULT_WINDOW, Rule, RuleError, rule_from_table
from app.core.bounds import DAY, number_problem, range_text
from app.core.small_files import FileRefused, read_small_text
from app.feed.auth import ENV_KEY_ID, ENV_KEY_PATH
from app.feed.feed import DEMO_URL, PROD_URL
from app.feed.ws_url import UrlError, check_ws_url

ENVIRONMENT_URLS = {"demo": DEMO_URL, "prod": PROD_URL}
PROFILE_KEYS = frozenset({"env", "key_id", "private_key", "url"})
TOP_LEVEL_KEYS = frozenset({"default_profile", "profiles", "watchlist", "alerts", "trading"})
ALERTS_KEYS = frozenset({"bell", "cooldown", "burst", "window", "rules"})
MAX_BURST = 10_000


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
    group.add_argument("--rest-url", metavar="URL",
                       help="the REST API's base (default: beside --url, http[s]://HOST/trade-api/v2)")
    group.add_argument("--profile", help="a named profile of the config file")
    group.add_argument("--config", metavar="FILE", help=f"config file (default {default_config_path()})")
    group.add_argument("--sim", action="store_true", help="use the built-in simulator even if a key is configured")


def check_rest_url(url: str) -> str:
    """``url`` (``--rest-url``) if it is an http(s) URL with a host; raise ConfigError saying what is
    wrong otherwise."""
    try:
        parsed = urlsplit(url)
        usable = parsed.scheme in ("http", "https") and bool(parsed.hostname)
    except ValueError:  # an unclosed IPv6 bracket
        usable = False
    if not usable:
        raise ConfigError(f"bad --rest-url {url!r}: expected http[s]://HOST/trade-api/v2")
    return url


def config_path(args: argparse.Namespace) -> tuple[Path, bool]:
    """The config file the flags name (``--config``), else the default one; and whether named."""
    if args.config is not None:
        return Path(args.config).expanduser(), True
    return default_config_path(), False


def read_config(path: Path, explicit: bool) -> dict[str, Any]:
    """The TOML file at ``path`` (empty when it does not exist and was not named explicitly)."""
    text = _config_text(path, explicit)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} has a syntax error: {exc}") from None
    except RecursionError:
        raise ConfigError(f"config file {path} nests arrays or tables too deeply") from None
    _no_unknown(path, "", data, TOP_LEVEL_KEYS)
    return data


def _config_text(path: Path, explicit: bool) -> str:
    """The text of the config file ("" when it does not exist and was not named explicitly)."""
    try:
        return read_small_text(path)
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"config file not found: {path}") from None
        return ""
    except FileRefused as exc:
        raise ConfigError(f"cannot use config file {path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None


def _no_unknown(path: Path, where: str, table: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise ConfigError(f"config file {path}{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                          f"allowed: {', '.join(sorted(allowed))}")


def load_profile(path: Path, name: str | None, explicit: bool) -> dict[str, str]:
    """The settings of profile ``name`` (or the default profile) from the TOML file at ``path``."""
    data = read_config(path, explicit)
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
    _no_unknown(path, f", profile {name!r}", profile, PROFILE_KEYS)
    return {key: str(value) for key, value in profile.items()}


@dataclass(frozen=True)
class Preferences:
    """The watchlist and the alert settings and rules; ``path``: where the watchlist is saved."""

    watchlist: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    bell: bool = False
    cooldown: float = DEFAULT_COOLDOWN
    burst: int = DEFAULT_BURST
    window: float = DEFAULT_WINDOW
    path: Path | None = None


def load_preferences(path: Path, explicit: bool = False) -> Preferences:
    """The watchlist and alerts of the config file at ``path`` (defaults when it has none)."""
    data = read_config(path, explicit)
    watchlist = data.get("watchlist", [])
    if not isinstance(watchlist, list) or not all(isinstance(t, str) for t in watchlist):
        raise ConfigError(f"config file {path}: watchlist must be a list of tickers, like [\"KXA-1-B51\"]")
    alerts = data.get("alerts", {})
    if not isinstance(alerts, dict):
        raise ConfigError(f"config file {path}: 'alerts' must be a table: [alerts]")
    _no_unknown(path, ", [alerts]", alerts, ALERTS_KEYS)
    tables = alerts.get("rules", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"config file {path}: alert rules are [[alerts.rules]] tables")
    rules = []
    for number, table in enumerate(tables, start=1):
        try:
            rules.append(rule_from_table(table))
        except RuleError as exc:
            raise ConfigError(f"config file {path}, alert rule {number}: {exc}") from None
    bell = alerts.get("bell", False)
    if not isinstance(bell, bool):
        raise ConfigError(f"config file {path}: [alerts] bell is true or false")
    limits: dict[str, Any] = {}  # cooldown and window in seconds (float), burst a count (int)
    for key, default, kind, high in (("cooldown", DEFAULT_COOLDOWN, float, DAY), ("window", DEFAULT_WINDOW, float, DAY),
                                     ("burst", DEFAULT_BURST, int, MAX_BURST)):
        value = alerts.get(key, default)
        problem = number_problem(value, 0, high, integer=kind is int)
        if problem:
            unit = "notifications" if kind is int else "seconds"
            raise ConfigError(f"config file {path}: [alerts] {key} must be a number of {unit} "
                              f"{range_text(0, high)}; {value!r} {problem}")
        limits[key] = kind(value)
    return Preferences(
        watchlist=tuple(dict.fromkeys(t.strip().upper() for t in watchlist if t.strip())),
        rules=tuple(rules),
        bell=bell,
        path=path,
        **limits,
    )


def preferences(args: argparse.Namespace) -> Preferences:
    """The preferences of the config file the flags name (or the default one)."""
    path, explicit = config_path(args)
    return load_preferences(path, explicit)


def save_watchlist(path: Path, tickers: Iterable[str]) -> None:
    """Write ``watchlist = [...]`` into the config file at ``path``, leaving the rest as it is.

    The file is created if missing (mode 0600: it may name key files); an existing watchlist is
    replaced where it stands, else the line goes before the first table. The result is read back
    before it replaces the file, atomically. Raises ConfigError when it cannot be done.
    """
    wanted = list(dict.fromkeys(tickers))
    line = "watchlist = [" + ", ".join(toml_string(t) for t in wanted) + "]"
    text = _config_text(path, explicit=False)
    try:
        before = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise ConfigError(f"cannot save the watchlist: {path} cannot be read ({exc})") from None
    updated = _with_top_level_line(text, "watchlist", line)
    try:
        after: dict[str, Any] | None = tomllib.loads(updated)
    except (tomllib.TOMLDecodeError, RecursionError):
        after = None
    before["watchlist"] = wanted
    if after != before:
        raise ConfigError(f"cannot save the watchlist: {path} has a layout this writer does not know")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
        handle, temporary = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(updated)
            os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(f"cannot save the watchlist to {path}: {exc.strerror or exc}") from None


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and control characters escaped, any
    other character (an emoji too) written as itself, for the UTF-8 file.

    Raises ConfigError for text that is not valid Unicode (a lone surrogate from a broken escape).
    """
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ConfigError(f"cannot save the watchlist: {ascii(text)} is not valid text")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _with_top_level_line(text: str, key: str, line: str) -> str:
    """``text`` with the top-level assignment of ``key`` (possibly over several lines) replaced by
    ``line``, or ``line`` added before the first table."""
    lines = text.splitlines()
    first_table = next((i for i, row in enumerate(lines) if row.lstrip().startswith("[")), len(lines))
    for start in range(first_table):
        name = lines[start].split("=", 1)[0].strip()
        if "=" not in lines[start] or name.strip('"\'') != key:
            continue
        end = _value_end(lines, start)
        return "\n".join([*lines[:start], line, *lines[end:]]) + "\n"
    head = lines[:first_table]
    while head and not head[-1].strip():
        head.pop()
    tail = lines[first_table:]
    return "\n".join([*head, line, *([""] if tail else []), *tail]) + "\n"


def _value_end(lines: list[str], start: int) -> int:
    """The index of the line after the value assigned on ``lines[start]``, found in one pass.

    A TOML value spans several lines only inside brackets or braces, or inside a multi-line
    string; comments and strings may hold brackets. The caller checks the result by parsing it.
    """
    text = "\n".join(lines[start:]) + "\n"
    position, line, depth = text.index("=") + 1, start, 0
    while position < len(text):
        char = text[position]
        if char in "\"'":
            end = _string_end(text, position)
            line += text.count("\n", position, end)
            position = end
            continue
        if char == "#":
            position = text.index("\n", position)
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "\n":
            line += 1
            if depth <= 0:
                return line
        position += 1
    return len(lines)


def _string_end(text: str, start: int) -> int:
    """The index after the TOML string opening at ``text[start]``: basic or literal, on one line
    or multi-line (whose closing quotes may be followed by up to two more quotes)."""
    quote = text[start]
    delimiter = quote * 3 if text.startswith(quote * 3, start) else quote
    position = start + len(delimiter)
    while position < len(text):
        if quote == '"' and text[position] == "\\":
            position += 2
            continue
        if text.startswith(delimiter, position):
            end = position + len(delimiter)
            while len(delimiter) == 3 and end < len(text) and text[end] == quote and end - position < 5:
                end += 1
            return end
        if len(delimiter) == 1 and text[position] == "\n":  # unterminated: the parser says so
            return position
        position += 1
    return len(text)


def check_url(url: str) -> str:
    """``url`` if it is a usable ws/wss endpoint URL (see :mod:`app.feed.ws_url`); else ConfigError."""
    try:
        return check_ws_url(url)
    except UrlError as exc:
        raise ConfigError(str(exc)) from None


def resolve(args: argparse.Namespace) -> ConnectionSettings:
    """Combine flags, environment and config file into one :class:`ConnectionSettings`."""
    path, explicit_config = config_path(args)
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
