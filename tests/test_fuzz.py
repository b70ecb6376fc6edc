"""Hostile input: the parser, the state and the feed's frame processing never break on it.

Only :class:`app.core.protocol.ProtocolError` may come out of ``parse`` (and
:class:`app.core.book.BookInconsistency` out of ``MarketState.apply``, which the feed turns into a
resync); no exception escapes ``Feed.process_frame``; a frame that does not parse changes no book,
and no book ever holds a size of zero or less or a price outside $0..$1.

The valid frames every test starts from are the simulator's own, of every type it sends, in
today's form and the reference's (legacy) form, plus the acks and errors of both.
"""

from __future__ import annotations

import asyncio
import functools
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core import protocol as p
from app.core.book import NO, YES, BookInconsistency
from app.core.fixed import ONE_DOLLAR
from app.core.state import MarketState
from app.feed.feed import Feed, FeedConfig
from app.feed.recording import Recorder, RecordingFile, Replay
from app.simulator.engine import Exchange
from app.simulator.session import Session

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOOK = "KX-FUZZ-1"


# -- the simulator's frames --------------------------------------------------------------------


def _simulator_frames(legacy: bool) -> list[str]:
    exchange = Exchange(3, 4, 16, legacy=legacy, settle_every=500)
    session = Session(exchange, legacy=legacy)
    channels = sorted(session._channels - {p.ORDERBOOK_DELTA})
    books = exchange.market_tickers()[:4]
    frames = session.handle(json.dumps({"id": 1, "cmd": "subscribe", "params": {"channels": channels}}))
    frames += session.handle(json.dumps(
        {"id": 2, "cmd": "subscribe", "params": {"channels": [p.ORDERBOOK_DELTA], "market_tickers": books}}))
    for _ in range(3_000):
        frames += session.publish(exchange.step())
    frames += session.handle(json.dumps({"id": 3, "cmd": "list_subscriptions"}))
    frames += session.handle(json.dumps({"id": 4, "cmd": "update_subscription",
                                         "params": {"sid": 11, "action": "delete_markets",
                                                    "market_tickers": books[:1]}}))
    frames += session.handle(json.dumps({"id": 5, "cmd": "unsubscribe", "params": {"sids": [1]}}))
    frames += session.handle(json.dumps({"id": 6, "cmd": "frobnicate"}))
    return frames


def _samples() -> list[dict[str, Any]]:
    """Up to two frames of each type the simulator sends, in each form."""
    chosen: list[dict[str, Any]] = []
    for legacy in (False, True):
        seen: dict[str, int] = {}
        for text in _simulator_frames(legacy):
            frame = json.loads(text)
            if seen.get(frame["type"], 0) < 2:
                seen[frame["type"]] = seen.get(frame["type"], 0) + 1
                chosen.append(frame)
    return chosen


SAMPLES = _samples()
SAMPLE_TEXTS = [json.dumps(frame) for frame in SAMPLES]
FIELD_NAMES = sorted({key for frame in SAMPLES for body in (frame.get("msg"),) if isinstance(body, dict)
                      for key in body})

WRONG_VALUES: list[Any] = [
    None, True, False, 0, -1, 1, 101, -(2**63), 2**63, 2**64 + 1, -(10**30), 1.5, -0.0, 1e308, "", "x", "-1",
    "1e3", "0.12345", "-0.5000", "1.0001", "NaN", "९", [], [1], [[1, 2, 3]], [["0.5", "-1.00"]], {}, {"a": 1},
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys and list indexes), the root excluded."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        yield path + (key,)
        yield from _paths(item, path + (key,))


def _replaced(frame: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(frame))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return copy


# -- invariants --------------------------------------------------------------------------------


def parse_or_none(raw: str | bytes) -> p.Message | None:
    """The parsed message, or None for a ProtocolError; any other exception fails the test."""
    try:
        message = p.parse(raw)
    except p.ProtocolError:
        return None
    assert isinstance(message, p.Message)
    return message


def check_parsed(message: p.Message) -> None:
    """A parsed message holds only prices within $0..$1 and book sizes that are not negative."""
    for name in ("price", "yes_price", "no_price", "yes_bid", "yes_ask", "no_bid"):
        value = getattr(message, name, None)
        assert value is None or 0 <= value <= ONE_DOLLAR, (name, value, message)
    if isinstance(message, p.OrderbookSnapshot):
        for price, size in message.yes + message.no:
            assert 0 <= price <= ONE_DOLLAR and size >= 0, message


def book_levels(state: MarketState) -> dict[str, tuple[dict[int, int], dict[int, int]]]:
    return {ticker: (book.levels(YES), book.levels(NO)) for ticker, book in state.books.items()}


def check_books(state: MarketState) -> None:
    """No book holds a size of zero or less, or a price outside $0..$1."""
    for ticker, (yes, no) in book_levels(state).items():
        for price, size in list(yes.items()) + list(no.items()):
            assert size > 0 and 0 <= price <= ONE_DOLLAR, (ticker, price, size)


def apply_checked(state: MarketState, message: p.Message) -> None:
    """Apply; only BookInconsistency may come out, and then no book has changed."""
    before = book_levels(state)
    try:
        state.apply(message)
    except BookInconsistency:
        assert book_levels(state) == before
    check_books(state)


def parse_and_apply(frame: dict[str, Any]) -> None:
    """Parse ``frame``; when it parses, check the message and apply it to a state with a book."""
    message = parse_or_none(json.dumps(frame))
    if message is not None:
        check_parsed(message)
        apply_checked(booked_state(), message)


def booked_state() -> MarketState:
    """A state with one live book, for deltas to land on."""
    state = MarketState()
    snapshot = p.parse(json.dumps({"type": "orderbook_snapshot", "sid": 1, "seq": 1, "msg": {
        "market_ticker": BOOK, "yes_dollars_fp": [["0.4000", "10.00"], ["0.4100", "5.00"]],
        "no_dollars_fp": [["0.5500", "7.00"]]}}))
    state.apply(snapshot)
    return state


# -- parse: wrong types in every field, truncation, bad bytes ------------------------------------


def test_the_samples_cover_every_message_type() -> None:
    kinds = {frame["type"] for frame in SAMPLES}
    assert kinds == p.KNOWN_TYPES
    for text in SAMPLE_TEXTS:
        message = parse_or_none(text)
        assert message is not None and not isinstance(message, p.UnknownMessage), text


def test_every_field_of_every_type_with_every_wrong_value() -> None:
    """Each value of each sample replaced by each of WRONG_VALUES: a message or a ProtocolError."""
    parsed = rejected = 0
    for frame in SAMPLES:
        for path in _paths(frame):
            for value in WRONG_VALUES:
                message = parse_or_none(json.dumps(_replaced(frame, path, value)))
                if message is None:
                    rejected += 1
                    continue
                parsed += 1
                check_parsed(message)
                apply_checked(booked_state(), message)
    assert parsed and rejected > parsed / 10  # both outcomes happen: the cases mean something


def test_every_field_missing_in_turn() -> None:
    for frame in SAMPLES:
        for path in _paths(frame):
            copy = json.loads(json.dumps(frame))
            parent = copy
            for step in path[:-1]:
                parent = parent[step]
            del parent[path[-1]]
            message = parse_or_none(json.dumps(copy))
            if message is not None:
                check_parsed(message)
                apply_checked(booked_state(), message)


def test_every_truncation_of_every_sample_is_a_protocol_error() -> None:
    for text in SAMPLE_TEXTS:
        data = text.encode()
        for end in range(len(data)):
            with pytest.raises(p.ProtocolError):
                p.parse(data[:end])


@FUZZ
@given(sample=st.sampled_from(SAMPLE_TEXTS), at=st.integers(min_value=0), junk=st.binary(min_size=1, max_size=8))
def test_bytes_that_are_not_utf8_anywhere_in_a_frame(sample: str, at: int, junk: bytes) -> None:
    data = sample.encode()
    at %= len(data) + 1
    raw = data[:at] + junk + data[at:]
    message = parse_or_none(raw)
    if message is not None:  # e.g. the bytes landed in a key nobody reads (msgspec skips it)
        check_parsed(message)


def test_bytes_that_are_not_utf8_in_a_value_that_is_read() -> None:
    for text in SAMPLE_TEXTS:
        for key in ('"type": "', '"market_ticker": "', '"channel": "'):
            if key in text:
                with pytest.raises(p.ProtocolError, match="UTF-8"):
                    p.parse(text.encode().replace(key.encode(), key.encode() + b"\xc3\x28", 1))


def test_lone_surrogates_in_a_text_frame() -> None:
    for text in SAMPLE_TEXTS[:20]:
        with pytest.raises(p.ProtocolError):
            p.parse(text.replace('"type"', '"ty\ud800pe"', 1))
        message = parse_or_none(text.replace('":"', '":"\udfff', 1))
        if message is not None:
            check_parsed(message)


# -- parse: arbitrary JSON, absurd numbers, huge frames ----------------------------------------

SCALARS = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) \
    | st.floats(allow_nan=False) | st.text(max_size=12)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
# a frame that looks like one: a known type, envelope fields, a body of known field names
FRAMES = st.fixed_dictionaries(
    {"type": st.sampled_from(sorted(p.KNOWN_TYPES)) | st.text(max_size=10)},
    optional={
        "sid": SCALARS, "seq": SCALARS, "id": SCALARS,
        "msg": st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUES, max_size=10) | JSON_VALUES,
        "data": st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUES, max_size=6),
    },
)


@FUZZ
@given(value=JSON_VALUES)
def test_arbitrary_json_values(value: Any) -> None:
    message = parse_or_none(json.dumps(value))
    if message is not None:
        check_parsed(message)


@FUZZ
@given(frame=FRAMES)
def test_arbitrary_frames_of_known_types(frame: dict[str, Any]) -> None:
    parse_and_apply(frame)


DECIMALS = st.one_of(
    st.integers(min_value=-(10**24), max_value=10**24).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
    st.from_regex(r"-?[0-9]{1,30}(\.[0-9]{0,8})?", fullmatch=True),
)
NUMBERS = st.integers(min_value=-(10**24), max_value=10**24) | DECIMALS


@FUZZ
@given(side=st.sampled_from(["yes", "no", "bid", "", "YES"]), price=NUMBERS, delta=NUMBERS,
       legacy=st.booleans())
def test_deltas_with_absurd_prices_and_sizes(side: str, price: Any, delta: Any, legacy: bool) -> None:
    body: dict[str, Any] = {"market_ticker": BOOK, "side": side}
    if legacy:
        body.update(price=price, delta=delta)
    else:
        body.update(price_dollars=price, delta_fp=delta)
    parse_and_apply({"type": "orderbook_delta", "sid": 1, "seq": 2, "msg": body})


LEVEL = st.tuples(NUMBERS, NUMBERS).map(list)


@FUZZ
@given(yes=st.lists(LEVEL, max_size=6), no=st.lists(LEVEL, max_size=6),
       form=st.sampled_from(["yes", "yes_dollars", "yes_dollars_fp"]))
def test_snapshots_with_absurd_levels(yes: list[Any], no: list[Any], form: str) -> None:
    body = {"market_ticker": BOOK, form: yes, form.replace("yes", "no"): no}
    parse_and_apply({"type": "orderbook_snapshot", "sid": 1, "seq": 2, "msg": body})


def test_huge_frames_parse_quickly_or_are_refused() -> None:
    import time

    levels = [[f"0.{i % 10_000:04d}", "1.00"] for i in range(200_000)]
    huge = [
        json.dumps({"type": "orderbook_snapshot", "sid": 1, "seq": 1,
                    "msg": {"market_ticker": BOOK, "yes_dollars_fp": levels, "no_dollars_fp": levels}}),
        json.dumps({"type": "ticker", "sid": 2, "msg": {"market_ticker": "X" * 16_000_000}}),
        json.dumps({"type": "event_fee_update", "sid": 3, "seq": 1, "msg": {"list": list(range(1_000_000))}}),
        '{"type":"trade","msg":' + "[" * 100_000 + "]" * 100_000 + "}",
        "[" * 1_000_000,
        '{"type":"sim_surprise","deep":' + "{\"a\":" * 50_000 + "1" + "}" * 50_000 + "}",
        b'{"type":"x\xff","deep":' + b"[" * 900 + b"]" * 900 + b"}",
        json.dumps({"type": "orderbook_delta", "sid": 1, "seq": 1, "msg": {
            "market_ticker": BOOK, "side": "yes", "price_dollars": "0.5", "delta_fp": "9" * 5_000}}),
    ]
    for raw in huge:
        started = time.perf_counter()
        message = parse_or_none(raw)
        assert time.perf_counter() - started < 5.0
        if message is not None:
            check_parsed(message)
            apply_checked(booked_state(), message)


def test_a_frame_nested_too_deeply_is_a_protocol_error() -> None:
    """msgspec raises RecursionError past its nesting limit: parse turns it into ProtocolError."""
    for raw in ("[" * 10_000 + "]" * 10_000,
                '{"type":"orderbook_snapshot","msg":{"yes":' + "[" * 5_000 + "]" * 5_000 + "}}",
                '{"type":"nope","x":' + "[" * 5_000 + "]" * 5_000 + "}"):
        with pytest.raises(p.ProtocolError, match="nested too deeply"):
            p.parse(raw)


# -- the state under a stream of deltas ----------------------------------------------------------


@FUZZ
@given(steps=st.lists(st.tuples(st.sampled_from([YES, NO]), st.integers(0, 100), st.integers(-30, 30)), max_size=60))
def test_a_stream_of_deltas_never_leaves_a_negative_or_empty_level(steps: list[tuple[str, int, int]]) -> None:
    """Against a model: a delta either fits (model updated) or raises and changes nothing."""
    state = booked_state()
    model = {side: dict(levels) for side, levels in zip((YES, NO), book_levels(state)[BOOK])}
    for seq, (side, cents, delta) in enumerate(steps, start=2):
        message = p.parse(json.dumps({"type": "orderbook_delta", "sid": 1, "seq": seq, "msg": {
            "market_ticker": BOOK, "side": side, "price": cents, "delta": delta}}))
        price, size = message.price, message.delta
        try:
            state.apply(message)
        except BookInconsistency:
            assert model[side].get(price, 0) + size < 0
        else:
            model[side][price] = model[side].get(price, 0) + size
            if not model[side][price]:
                del model[side][price]
        assert book_levels(state)[BOOK] == (model[YES], model[NO])
        check_books(state)


# -- the feed's frame processing ----------------------------------------------------------------


def _enveloped(sample: dict[str, Any], sid: int) -> dict[str, Any]:
    frame = json.loads(json.dumps(sample))
    if "sid" in frame:
        frame["sid"] = sid
    body = frame.get("msg") if isinstance(frame.get("msg"), dict) else None
    if body is not None and "market_ticker" in body and frame["type"].startswith("orderbook"):
        body["market_ticker"] = BOOK
    return frame


def _hostile(data: st.DataObject) -> str | bytes:
    """One frame: a simulator sample (maybe on our book's sid), mutated, truncated or garbage."""
    kind = data.draw(st.sampled_from(["sample", "mutated", "truncated", "junk", "json", "frame"]))
    sample = data.draw(st.sampled_from(SAMPLES))
    frame = _enveloped(sample, data.draw(st.sampled_from([1, 2, 99])))
    if kind == "sample":
        return json.dumps(frame)
    if kind == "mutated":
        paths = list(_paths(frame))
        path = data.draw(st.sampled_from(paths))
        return json.dumps(_replaced(frame, path, data.draw(st.sampled_from(WRONG_VALUES) | JSON_VALUES)))
    if kind == "truncated":
        text = json.dumps(frame).encode()
        return text[: data.draw(st.integers(0, len(text) - 1))]
    if kind == "junk":
        return data.draw(st.binary(max_size=40))
    if kind == "json":
        return json.dumps(data.draw(JSON_VALUES))
    return json.dumps(data.draw(FRAMES))


@functools.cache
def _two_subscriptions() -> Path:
    """A recording (written once per run) of two subscribe answers: sids 1 (orderbook) and 2 (trade)."""
    path = Path(tempfile.mkdtemp(prefix="fuzz-")) / "start.jsonl"
    recorder = Recorder(path, {})
    recorder('{"type":"subscribed","id":1,"msg":{"channel":"orderbook_delta","sid":1}}', 0.0)
    recorder('{"type":"subscribed","id":2,"msg":{"channel":"trade","sid":2}}', 0.0)
    recorder.close()
    return path


async def _process(frames: list[str | bytes]) -> tuple[Feed, int]:
    """A feed replaying a recording of two subscriptions (sids 1 and 2), then ``frames``.

    A replay sends no command: every resync a frame starts fails at once, as it would offline.
    """
    state = booked_state()
    feed = Feed(FeedConfig(url="ws://replay", environment="REPLAY"), state)
    await feed.replay(Replay(RecordingFile.load(_two_subscriptions()), feed, speed=0))
    assert [sub.sid for sub in feed.subscriptions()] == [1, 2]
    earlier = asyncio.all_tasks()
    bad = 0
    for raw in frames:
        before = book_levels(state)
        errors = feed.parse_errors
        feed.process_frame(raw)  # nothing may escape
        if parse_or_none(raw) is None:
            bad += 1
            assert feed.parse_errors == errors + 1
            assert book_levels(state) == before, "a frame that does not parse changed a book"
        check_books(state)
    tasks = asyncio.all_tasks() - earlier  # the resyncs and remakes the frames started
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert not [r for r in results if isinstance(r, BaseException)]  # resync tasks end cleanly
    return feed, bad


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_exception_escapes_the_feeds_frame_processing(data: st.DataObject) -> None:
    frames = [_hostile(data) for _ in range(data.draw(st.integers(1, 25)))]
    feed, bad = asyncio.run(_process(frames))
    assert feed.parse_errors == bad
    assert feed.status().messages_total == len(frames) + 2


def test_the_feed_survives_a_frame_nested_too_deeply() -> None:
    feed, bad = asyncio.run(_process(["[" * 100_000, '{"type":"orderbook_delta","sid":1,"seq":2,"msg":'
                                      + "{\"a\":" * 10_000 + "}" * 10_000 + "}"]))
    assert feed.parse_errors == bad == 2
