"""A deterministic universe of series, events and markets that look like Kalshi's.

Tickers follow Kalshi's shape (``KXFEDDECISION-26DEC-H0``, ``KXHIGHNY-26DEC31-B53.5``): a series,
a date code, a strike or outcome. Titles come from per-series templates; one of them carries a
``[`` on purpose, because exchange text must never be fed to a markup parser.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.fixed import CENT
from app.simulator.pricing import EventPricing, pricing_for

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
SUB_CENT_TICK = CENT // 10
DAY_S = 86_400


@dataclass(frozen=True, slots=True)
class Outcome:
    """One market of an event template: ticker suffix, title, sub-titles and strike metadata."""

    suffix: str
    title: str
    yes_sub_title: str
    no_sub_title: str
    strike_type: str
    floor_strike: str | None = None
    cap_strike: str | None = None


@dataclass(frozen=True, slots=True)
class Series:
    """A family of recurring events (one per day or per month) and how to name their markets."""

    ticker: str
    event_title: str  # formatted with {when}
    sub_title: str
    monthly: bool
    mutually_exclusive: bool
    outcome: Callable[[int, str], Outcome]  # (index, when) -> outcome
    category: str = "Economics"


def _choice(labels: tuple[tuple[str, str], ...], question: str) -> Callable[[int, str], Outcome]:
    def outcome(index: int, when: str) -> Outcome:
        if index < len(labels):
            suffix, label = labels[index]
        else:
            suffix, label = f"X{index}", f"Outcome {index}"
        return Outcome(suffix, question.format(label=label, when=when), label, f"Not {label}", "structured")

    return outcome


def _ladder(
    base: float, step: float, unit: str, question: str, between: bool
) -> Callable[[int, str], Outcome]:
    def outcome(index: int, when: str) -> Outcome:
        low = round(base + index * step, 2)
        high = round(low + step, 2)
        text = f"{low:g}{unit}"
        if between:
            label = f"{low:g} to {high:g}{unit}"
            return Outcome(
                f"B{low + step / 2:g}", question.format(label=label, when=when), label,
                f"Not {label}", "between", f"{low:g}", f"{high:g}",
            )
        label = f"Above {text}"
        return Outcome(
            f"T{low:g}", question.format(label=label.lower(), when=when), label, f"{text} or below",
            "greater", f"{low:g}",
        )

    return outcome


SERIES: tuple[Series, ...] = (
    Series(
        "KXFEDDECISION", "Fed rate [bps] decision in {when}", "FOMC meeting", True, True,
        _choice(
            (("H0", "Hold"), ("C25", "Cut 25bps"), ("C50", "Cut 50bps"), ("H25", "Hike 25bps"),
             ("C75", "Cut 75bps"), ("H50", "Hike 50bps"), ("C100", "Cut 100bps"), ("H75", "Hike 75bps"),
             ("C125", "Cut 125bps"), ("H100", "Hike 100bps")),
            "Fed decision in {when}: {label}?",
        ),
        category="Economics",
    ),
    Series(
        "KXHIGHNY", "Highest temperature in NYC on {when}", "Central Park", False, True,
        _ladder(48, 2, "°", "Will the high temp in NYC be {label} on {when}?", between=True),
        category="Climate and Weather",
    ),
    Series(
        "KXINXD", "S&P 500 close on {when}", "SPX daily close", False, True,
        _ladder(6400, 25, "", "Will the S&P 500 close at {label} on {when}?", between=True),
        category="Financials",
    ),
    Series(
        "KXCPI", "CPI month-over-month in {when}", "BLS release", True, False,
        _ladder(0.0, 0.1, "%", "Will CPI rise {label} in {when}?", between=False),
        category="Economics",
    ),
    Series(
        "KXBTCD", "Bitcoin price on {when} at 5pm EDT", "BRTI", False, False,
        _ladder(98000, 1000, "", "Will Bitcoin be {label} on {when}?", between=False),
        category="Crypto",
    ),
    Series(
        "KXGDP", "US GDP growth in {when}", "Advance estimate", True, False,
        _ladder(0.5, 0.5, "%", "Will GDP grow {label} in {when}?", between=False),
        category="Economics",
    ),
    Series(
        "KXOSCARPIC", "Oscar for Best Picture {when}", "Academy Awards", True, True,
        _choice(
            (("ANO", "Anora"), ("BRU", "The Brutalist"), ("CON", "Conclave"), ("DUN", "Dune: Part Two"),
             ("WIC", "Wicked"), ("EMI", "Emilia Perez"), ("SUB", "The Substance"),
             ("UNK", "A Complete Unknown"), ("NIC", "Nickel Boys"), ("ISH", "I'm Still Here")),
            "Will {label} win Best Picture ({when})?",
        ),
        category="Entertainment",
    ),
)


@dataclass(slots=True)
class Market:
    """One binary market: identity, text, strike metadata, tick size and schedule."""

    ticker: str
    market_id: str
    event_ticker: str
    series_ticker: str
    title: str
    yes_sub_title: str
    no_sub_title: str
    strike_type: str
    floor_strike: str | None
    cap_strike: str | None
    tick: int
    fair: int
    open_ts: int
    close_ts: int

    def metadata(self, event_title: str) -> dict[str, object]:
        """The ``additional_metadata`` of a ``market_lifecycle_v2`` created message."""
        data: dict[str, object] = {
            "name": event_title,
            "title": self.title,
            "yes_sub_title": self.yes_sub_title,
            "no_sub_title": self.no_sub_title,
            "rules_primary": f"If {self.yes_sub_title} at expiration, the market resolves to Yes.",
            "can_close_early": True,
            "expected_expiration_ts": self.close_ts,
            "strike_type": self.strike_type,
        }
        if self.floor_strike is not None:
            data["floor_strike"] = self.floor_strike
        if self.cap_strike is not None:
            data["cap_strike"] = self.cap_strike
        return data


@dataclass(slots=True)
class EventInfo:
    """One event: its markets (tickers, in order), their pricing and the lifecycle channel's text."""

    event_ticker: str
    series_ticker: str
    title: str
    sub_title: str
    mutually_exclusive: bool
    strike_date: int
    markets: list[str] = field(default_factory=list)
    pricing: EventPricing | None = None  # the markets' fair values, coherent across the event

    @property
    def collateral_return_type(self) -> str:
        """``MECNET`` for mutually exclusive events, ``DIRECNET`` otherwise."""
        return "MECNET" if self.mutually_exclusive else "DIRECNET"


class Universe:
    """All events and markets, generated from a seeded random source; grows as events are added."""

    def __init__(self, rng: random.Random, now_s: int, *, sub_cent: bool) -> None:
        self._rng = rng
        self._now_s = now_s
        self._sub_cent = sub_cent
        self._series_uses = [0] * len(SERIES)
        self._created = 0
        self.events: dict[str, EventInfo] = {}
        self.markets: dict[str, Market] = {}

    @classmethod
    def generate(
        cls, rng: random.Random, events: int, markets: int, now_s: int, *, sub_cent: bool
    ) -> Universe:
        """``events`` events holding ``markets`` markets between them (at least one each)."""
        if events < 1 or markets < events:
            raise ValueError("need at least one event and at least one market per event")
        universe = cls(rng, now_s, sub_cent=sub_cent)
        for index in range(events):
            universe.add_event(markets // events + (1 if index < markets % events else 0))
        return universe

    def add_event(self, size: int) -> EventInfo:
        """Create the next event (series in rotation, later dates each time) with ``size`` markets."""
        series_index = self._created % len(SERIES)
        self._created += 1
        series = SERIES[series_index]
        use = self._series_uses[series_index]
        self._series_uses[series_index] += 1
        when, code, strike_date = self._schedule(series, use)
        event = EventInfo(
            event_ticker=f"{series.ticker}-{code}",
            series_ticker=series.ticker,
            title=series.event_title.format(when=when),
            sub_title=series.sub_title,
            mutually_exclusive=series.mutually_exclusive,
            strike_date=strike_date,
        )
        self.events[event.event_ticker] = event
        for index in range(size):
            self._add_market(event, series.outcome(index, when), strike_date)
        markets = [self.markets[ticker] for ticker in event.markets]
        event.pricing = pricing_for(self._rng, [market.tick for market in markets], event.mutually_exclusive)
        for market, fair in zip(markets, event.pricing.fairs()):
            market.fair = fair
        return event

    def _schedule(self, series: Series, use: int) -> tuple[str, str, int]:
        """Human date, ticker date code and strike timestamp of a series' ``use``-th event."""
        start = dt.datetime.fromtimestamp(self._now_s, dt.UTC).date()
        if series.monthly:
            month_index = start.month - 1 + use + 1
            year, month = start.year + month_index // 12, month_index % 12 + 1
            day = dt.date(year, month, 15)
            when = f"{day:%b %Y}"
            code = f"{year % 100:02d}{MONTHS[month - 1]}"
        else:
            day = start + dt.timedelta(days=use + 1)
            when = f"{day:%b} {day.day}, {day.year}"
            code = f"{day.year % 100:02d}{MONTHS[day.month - 1]}{day.day:02d}"
        strike = int(dt.datetime(day.year, day.month, day.day, 21, tzinfo=dt.UTC).timestamp())
        return when, code, strike

    def _add_market(self, event: EventInfo, outcome: Outcome, close_ts: int) -> None:
        rng = self._rng
        tick = SUB_CENT_TICK if self._sub_cent and rng.random() < 0.2 else CENT
        ticker = f"{event.event_ticker}-{outcome.suffix}"
        self.markets[ticker] = Market(
            ticker=ticker,
            market_id=new_uuid(rng),
            event_ticker=event.event_ticker,
            series_ticker=event.series_ticker,
            title=outcome.title,
            yes_sub_title=outcome.yes_sub_title,
            no_sub_title=outcome.no_sub_title,
            strike_type=outcome.strike_type,
            floor_strike=outcome.floor_strike,
            cap_strike=outcome.cap_strike,
            tick=tick,
            fair=0,  # set by the event's pricing once all its markets exist
            open_ts=self._now_s - DAY_S,
            close_ts=close_ts,
        )
        event.markets.append(ticker)


def new_uuid(rng: random.Random) -> str:
    """A version-4-shaped UUID string drawn from ``rng`` (deterministic under the seed)."""
    text = f"{rng.getrandbits(128):032x}"
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-a{text[17:20]}-{text[20:]}"

