"""The catalog on disk, one file per environment (and custom endpoint) in the user's cache directory.

The next start shows every title at once from it while a fresh catalog loads behind. The file is
JSON lines, each a :class:`CachedCatalog` holding a part of the catalog, its records as arrays
(``array_like`` structs: no field names, half the size of objects and quicker to decode): the
parts are encoded one at a time between yields to the event loop (:func:`encode_cache`), so
saving 20,000 markets never holds up a frame, and the whole file is decoded in one call at start.
A file that cannot be read (corrupt, another version) is not used, with a log line; one that
cannot be written is reported in one line and the dashboard goes on without it.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
import platformdirs

from app.core.catalog import Catalog, CatalogEvent, CatalogMarket

CACHE_VERSION = 2  # 2: JSON lines of parts, records as arrays (1: one JSON object, records as objects)
PART_MARKETS = 1_000  # markets in one line of the file: encoded in ~1 ms, then a yield
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")  # what a host may hold that a file name should not

log = logging.getLogger("kalshi_dash.rest")


class CachedCatalog(msgspec.Struct, gc=False):
    """One line of the file: a part of the catalog's events and markets (or all of them, joined)."""

    version: int
    saved: float
    events: list[CatalogEvent]
    markets: list[CatalogMarket]


_decoder = msgspec.json.Decoder(CachedCatalog)


def cache_path(environment: str, url: str | None) -> Path | None:
    """``<user cache dir>/kalshi-dash/catalog-<environment>.json`` for the socket at ``url``; a
    custom endpoint's file is named after its host and port too (two hosts list different markets).
    None for the built-in simulator (``url`` None): its markets are made anew at every start."""
    if url is None:
        return None
    name = environment.lower()
    if environment.upper() == "CUSTOM":
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = None
        name += "-" + _UNSAFE.sub("_", f"{parts.hostname or ''}-{port or ''}")
    return Path(platformdirs.user_cache_dir("kalshi-dash")) / f"catalog-{name}.json"


def read_cache(path: Path) -> CachedCatalog | None:
    """The cached catalog at ``path`` (its parts joined); None when there is none usable."""
    try:
        parts = _decoder.decode_lines(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as exc:
        log.warning("catalog cache %s not used (%s); the catalog comes from the exchange", path, exc)
        return None
    if not parts or any(part.version != CACHE_VERSION for part in parts):
        log.warning("catalog cache %s not used (empty or another version); the catalog comes from the exchange",
                    path)
        return None
    return CachedCatalog(CACHE_VERSION, parts[0].saved, [event for part in parts for event in part.events],
                         [market for part in parts for market in part.markets])


async def encode_cache(catalog: Catalog, pause: Callable[[], Awaitable[None]]) -> bytes:
    """The file's bytes for ``catalog``: :data:`PART_MARKETS` markets a line (the events spread
    over the lines alike), awaiting ``pause`` after each line."""
    events, markets = list(catalog.events.values()), list(catalog.markets.values())
    count = max(1, -(-len(markets) // PART_MARKETS))  # lines: at least one, even when empty
    per_line = -(-len(events) // count)
    saved = time.time()
    lines = []
    for line in range(count):
        lines.append(msgspec.json.encode(CachedCatalog(
            CACHE_VERSION, saved, events[line * per_line:(line + 1) * per_line],
            markets[line * PART_MARKETS:(line + 1) * PART_MARKETS],
        )))
        await pause()
    return b"\n".join(lines) + b"\n"


def write_cache(path: Path, data: bytes) -> None:
    """Save ``data`` at ``path`` (whole or not at all: written aside, then renamed over)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
