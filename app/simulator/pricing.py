"""Coherent fair values across an event's strikes, deterministic under the seed.

The markets of one event are not priced independently:

* mutually exclusive strikes (``MECNET``: ``between`` buckets, one-of-many outcomes) share one
  probability distribution. Each market has a log-weight that random-walks (and drifts back to
  where it started); the fair values are the weights' shares of $1, each at least two of its
  ticks, rounded to the market's tick so that they add up to $1 (to a tick at worst);
* threshold strikes (``DIRECNET``: ``greater`` than X, not exclusive) are points of one survival
  curve: P(value > strike) for a normal value whose centre and spread random-walk. A higher
  strike never has a higher fair value.

Pure arithmetic on a ``random.Random``: no I/O, no clock.
"""

from __future__ import annotations

import math
import random
from typing import Protocol

from app.core.fixed import CENT, ONE_DOLLAR

WEIGHT_STEP = 0.06  # a log-weight moves by this much, either way, two times in three
WEIGHT_PULL = 0.01  # and drifts back towards where it started by this share of the gap
CENTRE_STEP = 0.03  # the threshold curve's centre moves by this share of its spread
SPREAD_STEP = 0.01  # and its spread's logarithm by this much
THRESHOLD_FLOOR = 2 * CENT  # threshold fairs stay within [2c, 98c] whatever the tick


class EventPricing(Protocol):
    """The fair values of one event's markets, in the event's market order."""

    def fairs(self) -> list[int]: ...

    def step(self, rng: random.Random, index: int) -> list[int]: ...


class ExclusivePricing:
    """Mutually exclusive markets: fair values that add up to $1."""

    __slots__ = ("_ticks", "_weights", "_start", "_fairs")

    def __init__(self, rng: random.Random, ticks: list[int]) -> None:
        self._ticks = list(ticks)
        count = len(ticks)
        peak = rng.uniform(0, count - 1) if count > 1 else 0.0
        width = rng.uniform(0.6, 0.25 * count + 0.8)
        # a bell over the buckets plus noise: one or two favourites, long tails
        self._weights = [
            -0.5 * ((index - peak) / width) ** 2 + rng.gauss(0, 0.35) for index in range(count)
        ]
        self._start = list(self._weights)
        self._fairs = self._compute()

    def fairs(self) -> list[int]:
        return list(self._fairs)

    def step(self, rng: random.Random, index: int) -> list[int]:
        """Market ``index``'s weight moves; every share renormalises."""
        weights = self._weights
        move = rng.choice((-WEIGHT_STEP, 0.0, WEIGHT_STEP))
        weights[index] += move + WEIGHT_PULL * (self._start[index] - weights[index])
        self._fairs = self._compute()
        return self.fairs()

    def _compute(self) -> list[int]:
        ticks = self._ticks
        floors = [2 * tick for tick in ticks]
        spare = ONE_DOLLAR - sum(floors)
        if spare <= 0 or len(ticks) == 1:  # too many strikes for $1, or a lone one
            share = ONE_DOLLAR // len(ticks)
            return [min(max(share // tick * tick, low), ONE_DOLLAR - low) for tick, low in zip(ticks, floors)]
        top = max(self._weights)
        exps = [math.exp(weight - top) for weight in self._weights]
        total = sum(exps)
        targets = [low + spare * value / total for low, value in zip(floors, exps)]
        fairs = [int(target // tick) * tick for target, tick in zip(targets, ticks)]
        # largest remainders first: hand out what rounding down left over, a tick at a time
        left = ONE_DOLLAR - sum(fairs)
        order = sorted(range(len(ticks)), key=lambda i: (fairs[i] - targets[i], i))
        for i in order:
            if ticks[i] <= left and fairs[i] + ticks[i] <= ONE_DOLLAR - floors[i]:
                fairs[i] += ticks[i]
                left -= ticks[i]
        return fairs


class ThresholdPricing:
    """"Greater than X" markets, lowest strike first: fair values that never rise with the strike."""

    __slots__ = ("_ticks", "_centre", "_spread", "_start", "_fairs")

    def __init__(self, rng: random.Random, ticks: list[int]) -> None:
        self._ticks = list(ticks)
        count = len(ticks)
        self._centre = rng.uniform(-0.5, count - 0.5)
        self._spread = math.log(rng.uniform(1.0, 0.3 * count + 1.0))
        self._start = (self._centre, self._spread)
        self._fairs = self._compute()

    def fairs(self) -> list[int]:
        return list(self._fairs)

    def step(self, rng: random.Random, index: int) -> list[int]:
        """The curve moves: its centre (mostly) and its spread."""
        spread = math.exp(self._spread)
        self._centre += rng.choice((-CENTRE_STEP, 0.0, CENTRE_STEP)) * spread
        self._centre += WEIGHT_PULL * (self._start[0] - self._centre)
        self._spread += rng.choice((-SPREAD_STEP, 0.0, SPREAD_STEP))
        self._spread += WEIGHT_PULL * (self._start[1] - self._spread)
        self._fairs = self._compute()
        return self.fairs()

    def _compute(self) -> list[int]:
        spread = math.exp(self._spread)
        fairs: list[int] = []
        for index, tick in enumerate(self._ticks):
            above = 0.5 * math.erfc((index - self._centre) / (spread * math.sqrt(2)))
            target = THRESHOLD_FLOOR + (ONE_DOLLAR - 2 * THRESHOLD_FLOOR) * above
            fair = min(max(round(target / tick) * tick, THRESHOLD_FLOOR), ONE_DOLLAR - THRESHOLD_FLOOR)
            if fairs and fair > fairs[-1]:  # rounding (to a coarser tick) must not reverse the order
                fair = fairs[-1] // tick * tick
            fairs.append(fair)
        return fairs


def pricing_for(rng: random.Random, ticks: list[int], exclusive: bool) -> EventPricing:
    """The pricing of an event whose markets have ``ticks`` (mutually exclusive or thresholds)."""
    return ExclusivePricing(rng, ticks) if exclusive else ThresholdPricing(rng, ticks)
