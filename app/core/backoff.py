"""Exponential backoff with full jitter: the one delay formula of every retry in the app (the
feed's reconnects, REST requests, order sends). Pure: no I/O."""

from __future__ import annotations

import random


def full_jitter(rng: random.Random, attempt: int, initial: float, maximum: float) -> float:
    """Seconds to wait before retry number ``attempt`` (0 first): uniform between 0 and
    ``initial * 2**attempt``, capped at ``maximum``."""
    return rng.uniform(0, min(maximum, initial * 2**attempt))
