"""A token bucket: Kalshi bills each request in tokens from a bucket refilled every second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Basic tier: 200 read tokens a second; most requests cost 10 (about 20 reads a second).
BASIC_READ_TOKENS = 200
BASIC_WRITE_TOKENS = 100  # writes are billed from their own bucket
REQUEST_COST = 10


class TokenBucket:
    """Holds at most one second of tokens; :meth:`acquire` waits until enough have accrued.

    ``rate`` is tokens per second (the account's ``read_limit``). Requests made one after another
    at the bucket's pace never see a 429 from a server that bills the same way.
    """

    def __init__(
        self,
        rate: float = BASIC_READ_TOKENS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._rate = float(rate)
        self._tokens = float(rate)
        self._stamp = clock()
        self._lock = asyncio.Lock()
        self.waited = 0.0  # seconds spent waiting for tokens, in total

    @property
    def rate(self) -> float:
        """Tokens added per second (also the bucket's size)."""
        return self._rate

    def set_rate(self, rate: float) -> None:
        """Resize the bucket (from ``/account/limits``); the tokens held are kept, up to the size."""
        if rate <= 0:
            raise ValueError("a token bucket needs a positive rate")
        self._refill()
        self._rate = float(rate)
        self._tokens = min(self._tokens, self._rate)

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._rate, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now

    def drain(self) -> None:
        """Spend every token held (after a 429: the server's bucket is empty, so is ours)."""
        self._refill()
        self._tokens = 0.0

    async def acquire(self, cost: float = REQUEST_COST) -> None:
        """Take ``cost`` tokens, waiting as long as it takes for them to accrue (callers queue)."""
        async with self._lock:
            cost = min(cost, self._rate)
            self._refill()
            if self._tokens < cost:
                wait = (cost - self._tokens) / self._rate
                self.waited += wait
                await self._sleep(wait)
                self._refill()
            # after the wait the tokens are there (to rounding): a hair of debt is paid next time
            self._tokens -= cost

    def try_take(self, cost: float = REQUEST_COST) -> bool:
        """Take ``cost`` tokens if the bucket holds them now (a server billing its clients)."""
        self._refill()
        if self._tokens >= cost:
            self._tokens -= cost
            return True
        return False
