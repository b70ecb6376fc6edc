"""Checking a WebSocket endpoint URL completely before anything connects to it.

A URL from a flag, the environment or a config file is checked here once: scheme, host syntax
(IP addresses, DNS names label by label, internationalised names through IDNA), port range and
path. Credentials in a URL (``ws://user:password@host``) are refused, so they can never reach a
recording header, a log or the screen; :func:`without_credentials` strips them from a URL that
did not come through this check (the header of a recording made by another program).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit, urlunsplit

from app.feed.auth import WS_PATH

SCHEMES = ("ws", "wss")
MAX_NAME_LENGTH = 253  # a DNS name, without its trailing dot
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")  # one label of a DNS name (letters, digits, hyphens)
EXPECTED = f"expected ws://HOST[:PORT]{WS_PATH} or wss://HOST{WS_PATH}"


class UrlError(ValueError):
    """A URL that cannot be used; the message is one line and never holds its credentials."""


def check_ws_url(url: str) -> str:
    """``url`` if it is a usable ws/wss endpoint URL; raise :class:`UrlError` saying what is wrong."""
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise UrlError(f"bad URL {without_credentials(url)!r}: it holds spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unbalanced "[" of an IPv6 address
        raise UrlError(f"bad URL {without_credentials(url)!r}: {exc}; {EXPECTED}") from None
    shown = without_credentials(url)
    if parts.scheme not in SCHEMES:
        raise UrlError(f"bad URL {shown!r}: {EXPECTED}")
    if "@" in parts.netloc:
        raise UrlError(f"bad URL {shown!r}: credentials in a URL (user:password@) are not accepted; "
                       "Kalshi authenticates with --key-id and --private-key")
    host = parts.hostname
    if not host:
        raise UrlError(f"bad URL {shown!r}: no host; {EXPECTED}")
    problem = host_problem(host, bracketed=parts.netloc.startswith("["))
    if problem:
        raise UrlError(f"bad URL {shown!r}: {problem}; {EXPECTED}")
    try:
        port = parts.port
    except ValueError:
        raise UrlError(f"bad URL {shown!r}: the port must be a number from 1 to 65535; {EXPECTED}") from None
    if port == 0:
        raise UrlError(f"bad URL {shown!r}: the port must be a number from 1 to 65535; {EXPECTED}")
    if not parts.path.endswith(WS_PATH):  # the handshake signs this path: no other can succeed
        raise UrlError(f"bad URL {shown!r}: the path must end in {WS_PATH}; {EXPECTED}")
    if parts.fragment or url.endswith("#"):
        raise UrlError(f"bad URL {shown!r}: a WebSocket URL has no #fragment; {EXPECTED}")
    return url


def host_problem(host: str, bracketed: bool = False) -> str:
    """What is wrong with ``host`` (an IP address or a DNS name), or "" when nothing is."""
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"{host!r} in [brackets] is not an IPv6 address"
        return ""
    try:
        ipaddress.IPv4Address(host)
        return ""
    except ValueError:
        pass
    try:
        name = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return f"the host {host!r} is not a valid name (an empty or over-long part between dots?)"
    name = name.removesuffix(".")
    labels = name.split(".")
    if len(name) > MAX_NAME_LENGTH or not all(_LABEL.fullmatch(label) for label in labels):
        return (f"the host {host!r} is not a valid name: parts between dots are 1-63 letters, digits "
                "or hyphens")
    if labels[-1].isdigit():
        return f"the host {host!r} is neither an IP address nor a name"
    return ""


def without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed (unchanged when it has none or does not parse)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.rpartition("@")[2] if "@" in url else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
