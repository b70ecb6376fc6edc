"""Each fault does what it says, and ``faults.counts`` tells how many were injected."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import websockets

from app.core import protocol as p
from app.core.state import MarketState
from app.simulator import hostile
from app.simulator.engine import Exchange
from app.simulator.session import subscriber_frames
from tests.test_simulator_support import FROZEN_MS, GUARD, connected, running, sid_of, small_config


async def _book_frames(client, sim, steps: int = 200) -> list[p.ServerMessage]:
    """Advance ``steps`` and return everything received up to a list_subscriptions answer."""
    sim.step(steps)
    command_id = client.next_id()
    await client.send(p.list_subscriptions(command_id))
    return await client.until(lambda m: m.id == command_id)


async def _subscribed_book(client, sim) -> int:
    """Subscribe to three books and read their snapshots; the sid."""
    answer = await client.subscribe([p.ORDERBOOK_DELTA], sim.market_tickers()[:3])
    await client.take(3)
    return sid_of(answer, p.ORDERBOOK_DELTA)


async def test_drop_connections_aborts_every_connection() -> None:
    async with running() as sim, connected(sim) as first, connected(sim) as second:
        for client in (first, second):
            await client.command(p.list_subscriptions(1))
        assert sim.faults.drop_connections() == 2
        async with asyncio.timeout(GUARD):
            await first.ws.wait_closed()
            await second.ws.wait_closed()
        assert first.ws.close_code == second.ws.close_code == 1006
        assert sim.faults.counts["drop"] == 2


async def test_drop_every_keeps_dropping_new_connections() -> None:
    async with running() as sim:
        sim.faults.drop_every(0.05)
        for _ in range(2):
            async with connected(sim) as client:
                async with asyncio.timeout(GUARD):
                    await client.ws.wait_closed()
        sim.faults.drop_every(None)
        assert sim.faults.counts["drop"] >= 2
        async with connected(sim) as client:
            assert isinstance((await client.command(p.list_subscriptions(1)))[0], p.Ok)


async def test_skip_seq_leaves_exactly_one_gap() -> None:
    async with running() as sim, connected(sim) as client:
        sid = await _subscribed_book(client, sim)
        sim.faults.skip_seq(1)
        await _book_frames(client, sim)
        seqs = [r.message.seq for r in client.received if r.message.sid == sid and r.message.seq is not None]
        steps = [b - a for a, b in zip(seqs, seqs[1:])]
        assert sorted(set(steps)) == [1, 2] and steps.count(2) == 1
        assert sim.faults.counts["skip_seq"] == 1


def _seq_steps(client, sid: int) -> list[int]:
    seqs = [r.message.seq for r in client.received if r.message.sid == sid and r.message.seq is not None]
    return [b - a for a, b in zip(seqs, seqs[1:])]


async def _two_subscribers(sim, channels: list[str], fault: str) -> tuple[list[str], list[str]]:
    """Two identical subscribers; ``fault`` once, which lands on the first one's stream.

    Both streams up to a listing fence, as raw frames; the first is the faulted one.
    """
    tickers = sim.market_tickers()[:3]
    async with connected(sim) as first, connected(sim) as second:
        for client in (first, second):
            await client.subscribe(channels, tickers if p.ORDERBOOK_DELTA in channels else None)
        getattr(sim.faults, fault)(1)
        sim.step(3_000)
        for client in (first, second):
            await client.command(p.list_subscriptions(99))
        return [r.raw for r in first.received], [r.raw for r in second.received]


async def test_drop_book_withholds_one_delta_and_uses_up_its_seq() -> None:
    async with running(small_config(frozen_time_ms=FROZEN_MS)) as sim:
        faulted, whole = await _two_subscribers(sim, [p.ORDERBOOK_DELTA], "drop_book")
    (lost,) = [raw for raw in whole if raw not in faulted]
    assert isinstance(p.parse(lost), p.OrderbookDelta)
    assert [raw for raw in whole if raw != lost] == faulted, "only the lost delta differs"
    assert sim.faults.counts["drop_book"] == 1 and sim.faults.counts["resync_due"] == 1


async def test_drop_private_withholds_one_fill_order_or_position_update() -> None:
    channels = [p.FILL, p.USER_ORDERS, p.MARKET_POSITIONS]
    async with running(small_config(frozen_time_ms=FROZEN_MS)) as sim:
        faulted, whole = await _two_subscribers(sim, channels, "drop_private")
    (lost,) = [raw for raw in whole if raw not in faulted]
    assert isinstance(p.parse(lost), (p.Fill, p.UserOrder, p.MarketPosition))
    assert '"seq":' not in lost, "today these carry no seq: nothing on the stream shows the loss"
    assert [raw for raw in whole if raw != lost] == faulted
    assert sim.faults.counts["drop_private"] == 1 and sim.faults.counts["resync_due"] == 0


async def test_withheld_frames_make_separate_gaps_and_a_get_snapshot_answers_them() -> None:
    async with running() as sim, connected(sim) as client:
        sid = await _subscribed_book(client, sim)
        sim.faults.drop_book(2)
        await _book_frames(client, sim)
        assert sorted(set(_seq_steps(client, sid))) == [1, 2] and _seq_steps(client, sid).count(2) == 2
        assert sim.faults.counts["resync_due"] == 1, "the second gap came before any resync"
        sim.faults.skip_seq(1)  # the paused market sends nothing: this lands on the first snapshot
        answer = await client.command(p.update_subscription(client.next_id(), "get_snapshot", sid=sid), 3)
        assert all(isinstance(m, p.OrderbookSnapshot) for m in answer)
        assert _seq_steps(client, sid).count(2) == 3
        assert sim.faults.counts["resync_due"] == 1, "a gap among the fresh snapshots needs no resync"
        sim.faults.skip_seq(1)
        await _book_frames(client, sim)
        assert _seq_steps(client, sid).count(2) == 4
        assert sim.faults.counts["resync_due"] == 2, "a gap after the get_snapshot needs a resync of its own"


async def test_duplicate_sends_one_frame_twice_with_the_same_seq() -> None:
    async with running() as sim, connected(sim) as client:
        await _subscribed_book(client, sim)
        sim.faults.duplicate(1)
        start = len(client.received)
        await _book_frames(client, sim)
        raws = [r.raw for r in client.received[start:]]
        repeats = [a for a, b in zip(raws, raws[1:]) if a == b]
        assert len(repeats) == 1 and '"seq":' in repeats[0]
        assert sim.faults.counts["duplicate"] == 1


async def test_malformed_and_unknown_type_frames_go_out_before_the_next_data() -> None:
    async with running() as sim, connected(sim) as client:
        await _subscribed_book(client, sim)
        sim.faults.malformed(2)
        sim.faults.unknown_type(1)
        sim.step(100)
        raws = [await client.recv_raw() for _ in range(5)]
        for raw in raws[0], raws[3]:
            with pytest.raises(p.ProtocolError, match="not valid JSON"):
                p.parse(raw)
        unknown = p.parse(raws[1])
        assert isinstance(unknown, p.UnknownMessage) and unknown.type == "sim_surprise"
        assert all(isinstance(p.parse(raw), p.OrderbookDelta) for raw in (raws[2], raws[4]))
        assert sim.faults.counts["malformed"] == 2 and sim.faults.counts["unknown_type"] == 1


async def test_periodic_frame_faults_fire_on_every_nth_data_frame() -> None:
    async with running() as sim, connected(sim) as client:
        await _subscribed_book(client, sim)
        sim.faults.every("unknown_type", 10)
        messages = await _book_frames(client, sim, 300)
        data = [m for m in messages if isinstance(m, p.OrderbookDelta)]
        unknown = [m for m in messages if isinstance(m, p.UnknownMessage)]
        assert len(unknown) == len(data) // 10 == sim.faults.counts["unknown_type"]


async def test_stall_sends_nothing_and_answers_no_pings_then_resumes() -> None:
    config = small_config(ping_interval=0.05, ping_timeout=0.1)
    async with running(config) as sim, connected(sim) as client:
        await client.command(p.list_subscriptions(1))
        sim.faults.stall(0.5)
        started = time.monotonic()
        pong = await client.ws.ping(b"are you there")
        answer = await client.command(p.list_subscriptions(2))
        assert isinstance(answer[-1], p.Ok)
        assert time.monotonic() - started >= 0.4, "nothing was answered during the stall"
        async with asyncio.timeout(GUARD):
            await pong
        assert sim.faults.counts["stall"] == 1 and sim.connection_count == 1, "a stall is not a drop"


async def test_data_envelope_puts_payloads_under_data() -> None:
    async with running() as sim, connected(sim) as client:
        sim.faults.data_envelope(True)
        await client.subscribe([p.ORDERBOOK_DELTA], sim.market_tickers()[:1])
        snapshot = await client.recv()
        raw = client.received[-1].raw
        assert '"data":{' in raw and '"msg":' not in raw
        assert isinstance(snapshot, p.OrderbookSnapshot) and snapshot.yes
        sim.faults.data_envelope(False)
        await client.command(p.list_subscriptions(7))
        assert '"msg":' in client.received[-1].raw
        assert sim.faults.counts["data_envelope"] == 2


@pytest.mark.parametrize("status", [401, 503])
async def test_reject_next_handshakes(status: int) -> None:
    async with running() as sim:
        sim.faults.reject_next_handshake(status, count=2)
        for _ in range(2):
            with pytest.raises(websockets.InvalidStatus) as caught:
                async with connected(sim):
                    pass
            assert caught.value.response.status_code == status
        async with connected(sim) as client:
            assert isinstance((await client.command(p.list_subscriptions(1)))[0], p.Ok)
        assert sim.faults.counts["reject_handshake"] == 2
        assert (sim.handshakes_rejected, sim.handshakes_accepted) == (2, 1)


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
@pytest.mark.parametrize("code", [10, 25])
async def test_channel_error_ends_the_subscription(code: int, legacy: bool) -> None:
    async with running(small_config(legacy=legacy)) as sim, connected(sim) as client:
        sid = await _subscribed_book(client, sim)
        assert sim.faults.channel_error(sid, code) == 1
        messages = await _book_frames(client, sim)
        errors = [m for m in messages if isinstance(m, p.ErrorMessage)]
        assert [(e.code, e.sid) for e in errors] == [(code, sid)]
        after = messages[messages.index(errors[0]) + 1:]
        assert not any(isinstance(m, p.OrderbookDelta) for m in after)
        assert messages[-1].subscriptions == ()
        assert sim.faults.counts["channel_error"] == 1


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
@pytest.mark.parametrize("code", [1, 18])
async def test_error_answers_the_next_command(code: int, legacy: bool) -> None:
    async with running(small_config(legacy=legacy)) as sim, connected(sim) as client:
        sim.faults.error(code)
        error = await client.error(p.subscribe(3, [p.TICKER]))
        assert (error.code, error.id) == (code, 3)
        assert isinstance((await client.subscribe([p.TICKER]))[0], p.Subscribed)
        assert sim.faults.counts["error"] == 1


async def test_a_connection_that_falls_behind_loses_its_subscriptions_with_error_25() -> None:
    async with running(small_config(send_buffer=50)) as sim, connected(sim) as client:
        sid = await _subscribed_book(client, sim)
        messages = await _book_frames(client, sim, 2_000)
        errors = [m for m in messages if isinstance(m, p.ErrorMessage)]
        assert [(e.code, e.sid) for e in errors] == [(25, sid)]
        assert messages[-1].subscriptions == ()


async def test_firehose_keeps_the_send_buffer_bounded_and_loses_nothing() -> None:
    config = small_config(firehose=True, send_buffer=200)
    async with running(config) as sim, connected(sim) as client:
        sid = await _subscribed_book(client, sim)
        await client.take(500)
        sim.faults.stall(0.3)  # the server writes nothing: its buffer fills and the firehose waits
        async with asyncio.timeout(GUARD):
            while not sim.firehose_waiting:
                await asyncio.sleep(0.01)
        assert config.send_buffer < sim.pending_frames <= config.send_buffer + 64 * 20
        await client.take(2_000)
        seqs = [r.message.seq for r in client.received if r.message.sid == sid and r.message.seq is not None]
        assert seqs == list(range(1, len(seqs) + 1))


def test_a_session_without_hooks_injects_nothing() -> None:
    frames = subscriber_frames(Exchange(events=2, markets=4), [p.TRADE], steps=500)
    seqs = [p.parse(frame).seq for frame in frames[1:]]
    assert len(seqs) > 20 and seqs == list(range(1, len(seqs) + 1))


async def _raw_frames(client, sim, steps: int = 300) -> list[str]:
    """Advance ``steps`` and return every frame's text up to a list_subscriptions answer."""
    sim.step(steps)
    await client.send(p.list_subscriptions(99))
    frames = []
    while '"id":99' not in (frames[-1] if frames else ""):
        frames.append(await client.recv_raw())
    return frames


def _seqs(frames: list[str], sid: int) -> list[int]:
    """The integer seqs of the frames on ``sid`` (a malformed seq is left out)."""
    envelopes = [json.loads(frame) for frame in frames]
    return [e["seq"] for e in envelopes if e.get("sid") == sid and isinstance(e.get("seq"), int)]


def _seq_steps_of(frames: list[str], sid: int) -> set[int]:
    """The distinct steps between consecutive integer seqs on ``sid``."""
    seqs = _seqs(frames, sid)
    return {b - a for a, b in zip(seqs, seqs[1:])}


async def test_wrong_sid_sends_a_huge_book_delta_or_a_ticker_without_seq_on_the_other_sid() -> None:
    async with running() as sim, connected(sim) as client:
        book = await _subscribed_book(client, sim)
        ticker = sid_of(await client.subscribe([p.TICKER]), p.TICKER)
        sim.faults.wrong_sid(3)
        frames = await _raw_frames(client, sim)
    home = {"orderbook_delta": book, "ticker": ticker}
    stray = [e for e in map(json.loads, frames) if e["type"] in home and e["sid"] != home[e["type"]]]
    assert len(stray) == 3 == sim.faults.counts["wrong_sid"]
    for envelope in stray:
        assert "seq" not in envelope and envelope["sid"] in (book, ticker)
        if envelope["type"] == "orderbook_delta":
            assert envelope["msg"]["delta_fp"] == hostile.HUGE_DELTA
    assert _seq_steps_of(frames, book) == {1} and _seq_steps_of(frames, ticker) <= {1}


async def test_backwards_seq_sends_an_earlier_delta_again_after_a_newer_one() -> None:
    async with running() as sim, connected(sim) as client:
        sid = await _subscribed_book(client, sim)
        sim.faults.backwards_seq(1)
        frames = await _raw_frames(client, sim)
    seqs = _seqs(frames, sid)
    back = [i for i in range(1, len(seqs)) if seqs[i] <= seqs[i - 1]]
    assert len(back) == 1 == sim.faults.counts["backwards_seq"]
    assert seqs[back[0]] <= seqs[back[0] - 1] - 1, "never the last seq again: that is a duplicate"
    assert seqs[:back[0]] + seqs[back[0] + 1:] == list(range(seqs[0], seqs[0] + len(seqs) - 1))


async def test_malformed_seq_sends_a_copy_of_a_delta_whose_seq_is_not_a_number() -> None:
    async with running() as sim, connected(sim) as client:
        sid = await _subscribed_book(client, sim)
        sim.faults.malformed_seq(1)
        frames = await _raw_frames(client, sim)
    (bad,) = [frame for frame in frames if '"seq":"x"' in frame]
    with pytest.raises(p.ProtocolError) as caught:
        p.parse(bad)
    assert caught.value.sid == sid and sim.faults.counts["malformed_seq"] == 1
    assert _seq_steps_of(frames, sid) == {1}, "no seq number is used up"


async def test_hostile_text_and_bad_times_reach_the_state_as_sent_and_are_counted() -> None:
    channels = [p.TRADE, p.FILL, p.COMMUNICATIONS, p.MARKET_LIFECYCLE_V2]
    async with running() as sim, connected(sim) as client:
        await client.subscribe(channels)
        sim.faults.hostile_text(2)
        sim.faults.bad_time(4)
        frames = await _raw_frames(client, sim, 3_000)
        sim.faults.hostile_text(1)
        sim.faults.error(1)
        error = await client.error(p.list_subscriptions(100))
    state = MarketState()
    for frame in frames:
        state.apply(p.parse(frame))
    assert sum(state.invalid_times.values()) == 4 == sim.faults.counts["bad_time"]
    poisoned = [frame for frame in frames if "\\u001b]52;c;" in frame]
    assert len(poisoned) == 2 and sim.faults.counts["hostile_text"] == 3
    assert error.message.startswith(hostile.CONTROL_SEQUENCES)
