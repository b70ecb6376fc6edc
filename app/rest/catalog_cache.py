"""The catalog on disk, one file per environment (and custom endpoint) in the user's cache directory.

The next start shows every title at once from it while a fresh catalog loads behind. A file that
cannot be read (missing, corrupt, another version) is simply not used; one that cannot be written
is reported in one line and the dashboard goes on without it.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import msgspec
import platformdirs

from app.core.catalog import Catalog, CatalogEvent, CatalogMarket

CACHE_VERSION = 1
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]")  # what a host may hold that a file name should not


class CachedCatalog(msgspec.Struct, gc=False):
    """What the file holds."""

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
    """The cached catalog at ``path``; None when there is none usable."""
    try:
        cached = _decoder.decode(path.read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    return cached if cached.version == CACHE_VERSION else None


def write_cache(path: Path, catalog: Catalog) -> None:
    """Save ``catalog`` at ``path`` (whole or not at all: written aside, then renamed over)."""
    data = msgspec.json.encode(CachedCatalog(
        CACHE_VERSION, time.time(), list(catalog.events.values()), list(catalog.markets.values()),
    ))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, path)
