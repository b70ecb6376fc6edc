"""Every error code a bad command can cause, in today's mode and in the reference (legacy) mode."""

from __future__ import annotations

from typing import Any

import pytest
import websockets

from app.core import protocol as p
from tests.test_simulator_support import Client, connected, running, small_config

MODES = [pytest.param(False, id="current"), pytest.param(True, id="legacy")]

# Each case runs after a setup subscription: ticker on the first market (sid 1).
BOTH: list[tuple[int, dict[str, Any]]] = [
    (2, {"cmd": "subscribe"}),
    (2, {"cmd": "unsubscribe"}),
    (2, {"cmd": "update_subscription"}),
    (3, {"cmd": "subscribe", "params": {}}),
    (3, {"cmd": "subscribe", "params": {"channels": []}}),
    (4, {"cmd": "unsubscribe", "params": {}}),
    (5, {"cmd": "cancel_everything", "params": {}}),
    (5, {"params": {"channels": ["ticker"]}}),
    (5, {"cmd": ["subscribe"], "params": {"channels": ["ticker"]}}),
    (7, {"cmd": "unsubscribe", "params": {"sids": [99]}}),
    (7, {"cmd": "update_subscription", "params": {"sid": 99, "action": "add_markets", "market_ticker": "X"}}),
    (8, {"cmd": "subscribe", "params": {"channels": ["orderbook_deltas"]}}),
    (8, {"cmd": "subscribe", "params": {"channels": ["ticker", "weather"]}}),
    (11, {"cmd": "subscribe", "params": {"channels": "ticker"}}),
    (11, {"cmd": "subscribe", "params": "ticker"}),
    (11, {"cmd": "subscribe", "params": {"channels": ["trade"], "market_tickers": "ONE"}}),
    (11, {"cmd": "subscribe", "params": {"channels": ["trade"], "use_yes_price": "yes"}}),
    (11, {"cmd": "unsubscribe", "params": {"sids": ["1"]}}),
    (11, {"cmd": "update_subscription", "params": {"sid": "1", "action": "add_markets"}}),
    (11, {"cmd": "update_subscription", "params": {"sid": 1, "action": {"add": "markets"}}}),
    (11, {"cmd": "unsubscribe", "params": {"sids": [True]}}),
    (11, {"cmd": "subscribe", "params": {"channels": [["ticker"]]}}),
    (12, {"cmd": "update_subscription", "params": {"sids": [1, 2], "action": "add_markets"}}),
    (12, {"cmd": "update_subscription", "params": {"action": "add_markets", "market_tickers": ["X"]}}),
    (13, {"cmd": "update_subscription", "params": {"sid": 1, "action": "rename"}}),
    (13, {"cmd": "update_subscription", "params": {"sid": 1, "action": "get_snapshot"}}),
    (14, {"cmd": "subscribe", "params": {"channels": ["orderbook_delta"]}}),
    (14, {"cmd": "update_subscription", "params": {"sid": 1, "action": "add_markets"}}),
    (15, {"cmd": "update_subscription", "params": {"sid": 1}}),
    (19, {"cmd": "subscribe", "params": {"channels": ["communications"], "shard_factor": 0}}),
    (20, {"cmd": "subscribe", "params": {"channels": ["communications"], "shard_key": 1}}),
    (21, {"cmd": "subscribe", "params": {"channels": ["communications"], "shard_factor": 4, "shard_key": 4}}),
    (22, {"cmd": "subscribe", "params": {"channels": ["communications"], "shard_factor": 101}}),
    (26, {"cmd": "subscribe", "params": {"channels": ["trade"], "market_tickers": "FOUR"}}),
]
CURRENT_ONLY: list[tuple[int, dict[str, Any]]] = [
    (8, {"cmd": "subscribe", "params": {"channels": ["multivariate"]}}),
    (8, {"cmd": "subscribe", "params": {"channels": ["trades"]}}),
]
LEGACY_ONLY: list[tuple[int, dict[str, Any]]] = [
    (6, {"cmd": "subscribe", "params": {"channels": ["ticker"]}}),
    (8, {"cmd": "subscribe", "params": {"channels": ["multivariate_market_lifecycle"]}}),
    (16, {"cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_ticker": "NO-SUCH"}}),
    (16, {"cmd": "update_subscription", "params": {"sid": 1, "action": "add_markets", "market_ticker": "NO"}}),
]
MARKET_LIMIT = 3


def _cases(legacy: bool) -> list[Any]:
    extra = LEGACY_ONLY if legacy else CURRENT_ONLY
    return [
        pytest.param(legacy, code, command, id=f"{'legacy' if legacy else 'current'}-{code}-{index}")
        for index, (code, command) in enumerate(BOTH + extra)
    ]


@pytest.mark.parametrize(("legacy", "code", "command"), _cases(False) + _cases(True))
async def test_bad_command_gets_its_error_code_with_the_command_id(
    legacy: bool, code: int, command: dict[str, Any]
) -> None:
    config = small_config(legacy=legacy, market_limit=MARKET_LIMIT)
    async with running(config) as sim, connected(sim) as client:
        tickers = sim.market_tickers()
        setup = await client.subscribe(["ticker"], tickers[:1])
        assert isinstance(setup[0], p.Subscribed) and setup[0].sid == 1
        params = command.get("params")
        if isinstance(params, dict) and params.get("market_tickers") == "FOUR":
            command = {**command, "params": {**params, "market_tickers": tickers[:MARKET_LIMIT]}}
        error = await client.error({"id": 41, **command})
        assert (error.code, error.id) == (code, 41)
        assert error.message
        listing = await client.command(p.list_subscriptions(42))
        assert [row.sid for row in listing[-1].subscriptions] == [1], "a refused command changes nothing"


@pytest.mark.parametrize("legacy", MODES)
async def test_unparsable_command_is_error_1(legacy: bool) -> None:
    async with running(small_config(legacy=legacy)) as sim, connected(sim) as client:
        assert (await client.error("{not json")).code == 1
        assert (await client.error("[1, 2]")).code == 1


@pytest.mark.parametrize("legacy", MODES)
async def test_private_channels_need_authentication(legacy: bool) -> None:
    async with running(small_config(legacy=legacy, allow_anonymous=True)) as sim:
        async with websockets.connect(sim.url) as ws:
            client = Client(ws)
            error = await client.error(p.subscribe(5, [p.FILL, p.TICKER]))
            assert (error.code, error.id) == (9, 5)
        async with connected(sim) as client:
            answer = await client.subscribe([p.FILL])
            assert isinstance(answer[0], p.Subscribed), "a signed connection may use private channels"


@pytest.mark.parametrize("legacy", MODES)
async def test_too_many_requests_is_error_27(legacy: bool) -> None:
    async with running(small_config(legacy=legacy, command_rate=2)) as sim, connected(sim) as client:
        for command_id in (1, 2, 3):
            await client.send(p.list_subscriptions(command_id))
        answers = await client.take(3)
        assert [type(m) for m in answers] == [p.Ok, p.Ok, p.ErrorMessage]
        assert (answers[2].code, answers[2].id) == (27, 3)


async def test_legacy_accepts_trades_and_multivariate() -> None:
    async with running(small_config(legacy=True)) as sim, connected(sim) as client:
        answer = await client.subscribe(["trades", "multivariate"])
        assert [m.channel for m in answer] == ["trade", "multivariate"]
        assert '"channel":"trades"' in client.received[0].raw, "acked under the name the client used"
        sim.step(600)
        await client.send(p.list_subscriptions(9))
        seen = await client.until(lambda m: m.id == 9)
        assert any(isinstance(m, p.Trade) for m in seen)
        assert any(isinstance(m, p.MultivariateLookup) and m.selected_markets for m in seen)


async def test_current_multivariate_market_lifecycle_works() -> None:
    async with running() as sim, connected(sim) as client:
        await client.subscribe([p.MULTIVARIATE_MARKET_LIFECYCLE])
        sim.step(600)
        await client.send(p.list_subscriptions(9))
        seen = await client.until(lambda m: m.id == 9)
        lookups = [m for m in seen if isinstance(m, p.MultivariateMarketLifecycle)]
        assert lookups and all(m.seq is not None and m.event_ticker and m.metadata for m in lookups)


async def test_current_unknown_market_gets_an_empty_snapshot() -> None:
    async with running() as sim, connected(sim) as client:
        await client.subscribe([p.ORDERBOOK_DELTA], ["NO-SUCH-MARKET"])
        snapshot = await client.recv()
        assert isinstance(snapshot, p.OrderbookSnapshot)
        assert (snapshot.market_id, snapshot.yes, snapshot.no) == ("", (), ())
