"""Every message the AsyncAPI file describes is decoded without loss, and the simulator sends
exactly what it describes.

The spec is the project's own description in :mod:`tests.asyncapi_spec`; frames are made from it
with every optional field absent and present, each number-as-string field empty, each nullable
field null and each enumeration value.
"""

from __future__ import annotations

import json
import pathlib
from collections import Counter
from typing import Any

import pytest

from app.core import fixed
from app.core import protocol as p
from app.simulator.engine import Exchange
from app.simulator.session import Session
from tests import asyncapi_spec as spec

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASES = [case for s in spec.RECEIVED for case in spec.frames(s)]


def _expected(f: spec.Field, value: Any) -> Any:
    """What the parsed message holds for ``value`` of field ``f``, in app.core.fixed units."""
    read = {
        spec.PRICE: fixed.parse_price, spec.COUNT: fixed.parse_count, spec.MONEY: fixed.parse_money,
        spec.STRS: tuple,
        spec.LEVELS: lambda v: tuple((fixed.parse_price(a), fixed.parse_count(b)) for a, b in v),
        spec.RANGES: lambda v: tuple(p.PriceRange(*(fixed.parse_price(r[k]) for k in ("start", "end", "step")))
                                     for r in v),
        spec.LEGS: lambda v: tuple(
            p.RfqLeg(leg["event_ticker"], leg["market_ticker"], leg["side"],
                     fixed.parse_price(leg["yes_settlement_value_dollars"])
                     if "yes_settlement_value_dollars" in leg else None)
            for leg in v),
    }.get(f.type)
    return value if read is None else read(value)


def _attribute(message: p.Message, path: str) -> Any:
    name, _, key = path.partition(".")
    value = getattr(message, name)
    return value.get(key) if key and value is not None else value


@pytest.mark.parametrize("case", CASES, ids=[f"{c.spec.type}{'/' + c.spec.variant if c.spec.variant else ''}: "
                                             f"{c.what}" for c in CASES])
def test_every_frame_the_spec_allows_is_decoded_without_loss(case: spec.Case) -> None:
    raw = json.dumps(case.frame)
    empties = [f for f in case.spec.fields if isinstance(case.body, dict) and case.body.get(f.name) == ""
               and f.type in spec.NUMBER_TEXTS]
    if any(f.empty == "refused" for f in empties):
        with pytest.raises(p.ProtocolError):
            p.parse(raw)
        return
    message = p.parse(raw)
    if case.spec.ignored is not None:
        assert isinstance(message, p.UnknownMessage) and message.type == case.spec.type
        return
    assert message.type_name == case.spec.parsed_as
    if any(f.empty == "problem" for f in empties):
        assert message.problems, "a fill or position without its price, count or position is read in part"
    else:
        assert message.problems == ()
    if not isinstance(case.body, dict):
        return
    for f in case.spec.fields:
        value = case.body.get(f.name)
        if f.to is None or value in ("", None):
            continue  # an empty value is no value; "" in a direction word: not known
        assert _attribute(message, f.to) == _expected(f, value), f.name


def test_every_frame_made_from_the_spec_passes_the_spec_check() -> None:
    checked = [case for case in CASES if not case.spec.ignored]
    assert [(case.what, spec.problems(case.frame)) for case in checked
            if spec.problems(case.frame)] == []
    assert spec.problems({"type": "fill", "sid": 1, "msg": {"market_ticker": "M", "invented": 1}})


def test_every_field_is_decoded_or_listed_as_ignored_in_the_coverage_doc() -> None:
    doc = (ROOT / "docs" / "protocol-coverage.md").read_text()
    rows = {tuple(cell.strip(" `") for cell in line.strip("|").split("|")[:2])
            for line in doc.splitlines() if line.startswith("| `")}
    missing = []
    for s in spec.SPECS:
        if s.ignored is not None and (s.type, "*") not in rows:
            missing.append((s.type, "*"))
        for f in s.fields:
            assert (f.to, f.via, f.ignored).count(None) == 2, f"{s.type}.{f.name}: read one way"
            if f.ignored is not None and s.ignored is None and (s.type, f.name) not in rows:
                missing.append((s.type, f.name))
    assert missing == []


# -- the simulator --------------------------------------------------------------------------------

CURRENT_CHANNELS = [p.ORDERBOOK_DELTA, p.TICKER, p.TRADE, p.FILL, p.MARKET_POSITIONS, p.MARKET_LIFECYCLE_V2,
                    p.MULTIVARIATE_MARKET_LIFECYCLE, p.COMMUNICATIONS, p.ORDER_GROUP_UPDATES, p.USER_ORDERS]


def _simulator_frames() -> list[str]:
    """A subscriber to every channel over many steps, then commands and their answers."""
    exchange = Exchange(seed=11, events=4, markets=60, settle_every=1_500)
    tickers = exchange.market_tickers()
    session = Session(exchange)
    frames = session.handle(json.dumps(p.subscribe(1, [p.ORDERBOOK_DELTA], tickers[:12])))
    frames += session.handle(json.dumps(p.subscribe(2, CURRENT_CHANNELS[1:])))
    for _ in range(8_000):
        frames += session.publish(exchange.step())
    commands = Session(exchange)
    for command in (
        p.subscribe(1, [p.ORDERBOOK_DELTA], tickers[:2]),
        p.subscribe(2, [p.TICKER], tickers[:1], send_initial_snapshot=True, skip_ticker_ack=True),
        p.update_subscription(3, "add_markets", sid=1, market_tickers=tickers[2:3]),
        p.update_subscription(4, "get_snapshot", sids=[1], market_tickers=tickers[:1]),
        p.list_subscriptions(5),
        p.subscribe(6, ["no_such_channel"]),
        p.unsubscribe(7, [2]),
    ):
        frames += commands.handle(json.dumps(command))
    return frames


@pytest.fixture(scope="module")
def simulator_frames() -> list[str]:
    return _simulator_frames()


def test_the_simulators_frames_meet_the_spec(simulator_frames: list[str]) -> None:
    bad = Counter(problem for raw in simulator_frames for problem in spec.problems(json.loads(raw)))
    assert dict(bad) == {}
    sent = {json.loads(raw)["type"] for raw in simulator_frames}
    assert sent >= {s.type for s in spec.RECEIVED if s.ignored is None}


def test_the_simulator_sends_the_odd_values_production_sends(simulator_frames: list[str]) -> None:
    bodies = [(frame["type"], frame.get("msg")) for frame in map(json.loads, simulator_frames)]
    actions = Counter(body["action"] for kind, body in bodies if kind == "fill")
    assert set(actions) == {"buy", "sell", "sell_partial", "sell_to_close", ""}, actions
    assert actions["buy"] > actions[""] > 0  # the unknown action is the exception
    tickers = [body for kind, body in bodies if kind == "ticker"]
    never_traded = [body for body in tickers if body["price_dollars"] == ""]
    assert 0 < len(never_traded) < len(tickers) / 5
    cleared = [body for kind, body in bodies if kind == "event_fee_update" and body["fee_type_override"] is None]
    assert cleared


def test_the_simulators_frames_are_read_whole(simulator_frames: list[str]) -> None:
    messages = [p.parse(raw) for raw in simulator_frames]
    assert [m for m in messages if m.problems or isinstance(m, p.UnknownMessage)] == []
    fills = [m for m in messages if isinstance(m, p.Fill)]
    assert all(m.outcome_side in ("yes", "no") and m.side in ("yes", "no") and m.action for m in fills)


# -- what kalshi-dash sends -----------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    p.subscribe(1, [p.ORDERBOOK_DELTA, p.TICKER], ["KX-A", "KX-B"], use_yes_price=True, send_initial_snapshot=True),
    p.subscribe(2, [p.COMMUNICATIONS], user_filter="self", shard_factor=4, shard_key=1),
    p.subscribe(3, [p.FILL], ["KX-A"]),
    p.unsubscribe(4, [1, 2]),
    p.update_subscription(5, "add_markets", sid=1, market_tickers=["KX-C"]),
    p.update_subscription(6, "get_snapshot", sids=[1], market_tickers=["KX-C"]),
    p.list_subscriptions(7),
], ids=["subscribe", "communications", "fill filter", "unsubscribe", "add", "snapshot", "list"])
def test_every_command_we_send_is_one_the_spec_allows(command: dict[str, Any]) -> None:
    described = spec.SENT[command["cmd"]]
    assert [key for key in described.envelope if key not in command] == []
    params = command.get("params", {})
    listed = {f.name: f for f in described.fields}
    assert sorted(set(params) - set(listed)) == []
    assert [f.name for f in described.fields if not f.optional and f.name not in params] == []
    for name, value in params.items():
        assert not listed[name].enum or value in listed[name].enum, name
    assert set(params.get("channels", ())) <= set(spec.CHANNELS)
