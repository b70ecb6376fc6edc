"""The simulator over a real socket: handshake, subscriptions, acks, seq, snapshots, books."""

from __future__ import annotations

import asyncio
import time

import pytest
import websockets
from cryptography.hazmat.primitives.asymmetric import rsa
from websockets.frames import Frame, Opcode

from app.core import protocol as p
from app.core.book import OrderBook
from app.core.fixed import ONE_DOLLAR
from app.feed.auth import HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, WS_PATH, Credentials, sign
from tests.test_simulator_support import (
    CREDENTIALS,
    GUARD,
    KEY,
    KEY_ID,
    Client,
    connected,
    running,
    sid_of,
    small_config,
)

# -- handshake ------------------------------------------------------------------------------


async def raw_answer(sim_url: str, request: bytes) -> bytes:
    """The status line the simulator's port answers ``request`` with (b"" if it just closes)."""
    host, port = sim_url.removeprefix("ws://").split("/", 1)[0].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(request)
        await writer.drain()
        return (await asyncio.wait_for(reader.readline(), 5)).strip()
    finally:
        writer.close()


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 404 Not Found"),
    (b"GET " + WS_PATH.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 401 Unauthorized"),
    (b"GET /trade-api/v2/exchange/status HTTP/1.1\r\nHost: x\r\n\r\n", b"HTTP/1.1 200 OK"),
    (b"POST /trade-api/v2/portfolio/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
     b"HTTP/1.1 401 Unauthorized"),
    (b"not http at all\r\n\r\n", b""),
    (b"GET /" + b"x" * 70_000, b"HTTP/1.1 414 Request-URI Too Long"),
], ids=["other-path", "socket-path-unsigned", "rest-read", "rest-write-unsigned", "garbage", "endless-head"])
async def test_one_port_sends_each_request_its_way(request_bytes: bytes, status: bytes) -> None:
    async with running() as sim:
        assert sim.url is not None
        assert await raw_answer(sim.url, request_bytes) == status


async def test_good_signature_is_accepted_and_answers_commands() -> None:
    async with running() as sim, connected(sim) as client:
        answer = await client.command(p.list_subscriptions(1))
        assert isinstance(answer[0], p.Ok) and answer[0].subscriptions == ()
        assert sim.handshakes_accepted == 1 and sim.handshakes_rejected == 0
        assert sim.connection_count == 1
        assert sim.received_commands == [p.list_subscriptions(1)]


def _headers(**changes: str | None) -> dict[str, str]:
    headers = CREDENTIALS.headers()
    for name, value in changes.items():
        header = {"key": HEADER_KEY, "timestamp": HEADER_TIMESTAMP, "signature": HEADER_SIGNATURE}[name]
        if value is None:
            del headers[header]
        else:
            headers[header] = value
    return headers


def _stale() -> dict[str, str]:
    old = str(int(time.time() * 1000) - 31_000)
    return _headers(timestamp=old, signature=sign(KEY, old, "GET", WS_PATH))


def _wrong_path() -> dict[str, str]:
    now = str(int(time.time() * 1000))
    return _headers(timestamp=now, signature=sign(KEY, now, "GET", "/trade-api/v2/portfolio"))


def _other_key() -> dict[str, str]:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Credentials(KEY_ID, stranger).headers()


@pytest.mark.parametrize(
    "make_headers",
    [
        pytest.param(lambda: _headers(key="nobody"), id="unknown-key-id"),
        pytest.param(_stale, id="stale-timestamp"),
        pytest.param(_wrong_path, id="wrong-path-signed"),
        pytest.param(_other_key, id="signed-by-another-key"),
        pytest.param(lambda: _headers(signature=None), id="missing-signature"),
        pytest.param(lambda: _headers(key=None), id="missing-key"),
        pytest.param(lambda: _headers(timestamp=None), id="missing-timestamp"),
        pytest.param(lambda: _headers(timestamp="soon"), id="timestamp-not-a-number"),
    ],
)
async def test_bad_handshakes_get_401_before_the_upgrade(make_headers) -> None:
    async with running() as sim:
        with pytest.raises(websockets.InvalidStatus) as caught:
            async with websockets.connect(sim.url, additional_headers=make_headers()):
                pass
        assert caught.value.response.status_code == 401
        assert sim.handshakes_rejected == 1 and sim.handshakes_accepted == 0


async def test_unsigned_connection_is_refused_unless_anonymous_allowed() -> None:
    async with running() as sim:
        with pytest.raises(websockets.InvalidStatus) as caught:
            async with websockets.connect(sim.url):
                pass
        assert caught.value.response.status_code == 401
    async with running(small_config(allow_anonymous=True)) as sim:
        async with websockets.connect(sim.url) as ws:
            client = Client(ws)
            public = await client.subscribe(["ticker"])
            assert isinstance(public[0], p.Subscribed)
            for channel in sorted(p.PRIVATE_CHANNELS):
                error = await client.error(p.subscribe(client.next_id(), [channel]))
                assert error.code == 9


def _watch_pings(client: Client, *, answer: bool) -> asyncio.Future[bytes]:
    """A future set to the body of the first ping the server sends; pongs stop unless ``answer``."""
    seen: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
    protocol = client.ws.protocol
    original = protocol.recv_frame

    def spy(frame: Frame) -> None:
        if frame.opcode is Opcode.PING:
            if not seen.done():
                seen.set_result(bytes(frame.data))
            if not answer:
                return
        original(frame)

    protocol.recv_frame = spy  # type: ignore[method-assign]
    return seen


async def test_server_pings_with_heartbeat_body() -> None:
    async with running(small_config(ping_interval=0.05)) as sim, connected(sim) as client:
        ping = _watch_pings(client, answer=True)
        async with asyncio.timeout(GUARD):
            assert await ping == b"heartbeat"
        answer = await client.command(p.list_subscriptions(1))
        assert isinstance(answer[0], p.Ok), "a client that answers pings stays connected"


async def test_client_that_stops_answering_pings_is_dropped() -> None:
    async with running(small_config(ping_interval=0.05, ping_timeout=0.1)) as sim, connected(sim) as client:
        _watch_pings(client, answer=False)
        async with asyncio.timeout(GUARD):
            await client.ws.wait_closed()
        assert client.ws.close_code in (1006, 1011)


# -- subscriptions, acks and seq ---------------------------------------------------------------


async def test_subscribe_acks_each_channel_and_orderbook_snapshots_come_first() -> None:
    async with running() as sim, connected(sim) as client:
        tickers = sim.market_tickers()[:2]
        answer = await client.subscribe(["orderbook_delta", "ticker", "trade"], tickers)
        sids = [sid_of(answer, channel) for channel in ("orderbook_delta", "ticker", "trade")]
        assert len(set(sids)) == 3
        expected = [p.Subscribed, p.OrderbookSnapshot, p.OrderbookSnapshot, p.Subscribed, p.Subscribed]
        assert [type(m) for m in answer] == expected
        snapshots = answer[1:3]
        assert [m.market_ticker for m in snapshots] == tickers
        assert [m.seq for m in snapshots] == [1, 2] and {m.sid for m in snapshots} == {sids[0]}


async def test_seq_is_consecutive_per_sid_including_ok_and_unsubscribed_acks() -> None:
    async with running() as sim, connected(sim) as client:
        tickers = sim.market_tickers()
        answer = await client.subscribe(["orderbook_delta", "trade", "ticker"], tickers[:3])
        book_sid = sid_of(answer, "orderbook_delta")
        sim.step(300)
        await client.send(p.update_subscription(50, "add_markets", sid=book_sid, market_tickers=[tickers[3]]))
        sim.step(300)
        await client.send(p.unsubscribe(51, [book_sid]))
        await client.until(lambda m: isinstance(m, p.Unsubscribed))
        messages = [r.message for r in client.received]
        seqs: dict[int, list[int]] = {}
        for message in messages:
            if message.seq is not None:
                seqs.setdefault(message.sid, []).append(message.seq)
        assert seqs[book_sid] == list(range(1, len(seqs[book_sid]) + 1))
        acks = [m for m in messages if isinstance(m, (p.Ok, p.Unsubscribed))]
        assert [type(m) for m in acks] == [p.Ok, p.Unsubscribed]
        assert all(m.sid == book_sid and m.seq is not None for m in acks)
        assert acks[0].market_tickers == tuple(tickers[:4])
        tickers_seen = [m for m in messages if isinstance(m, p.Ticker)]
        assert tickers_seen and all(m.seq is None for m in tickers_seen)
        assert all(m.seq is not None for m in messages if isinstance(m, p.Trade))


async def test_repeated_subscribe_merges_and_snapshots_only_new_markets() -> None:
    async with running() as sim, connected(sim) as client:
        tickers = sim.market_tickers()
        first = await client.subscribe(["orderbook_delta"], tickers[:2])
        sid = sid_of(first, "orderbook_delta")
        await client.take(2)
        again = await client.subscribe(["orderbook_delta"], tickers[1:3])
        assert isinstance(again[-1], p.Ok) and again[-1].sid == sid and again[-1].seq == 3
        assert again[-1].market_tickers == tuple(tickers[:3])
        snapshot = await client.recv()
        assert isinstance(snapshot, p.OrderbookSnapshot)
        assert snapshot.market_ticker == tickers[2] and snapshot.seq == 4
        listing = await client.command(p.list_subscriptions(client.next_id()))
        assert listing[-1].subscriptions == (p.SubscriptionInfo("orderbook_delta", sid),)


async def test_get_snapshot_answers_with_the_command_id() -> None:
    async with running() as sim, connected(sim) as client:
        tickers = sim.market_tickers()[:2]
        sid = sid_of(await client.subscribe(["orderbook_delta"], tickers), "orderbook_delta")
        await client.take(2)
        sim.step(100)
        command = p.update_subscription(77, "get_snapshot", sids=[sid], market_tickers=[tickers[1]])
        answer = await client.command(command)
        snapshot = answer[-1]
        assert isinstance(snapshot, p.OrderbookSnapshot) and snapshot.id == 77
        assert snapshot.market_ticker == tickers[1]
        yes, no = sim.book_levels(tickers[1])
        assert dict(snapshot.yes) == yes and dict(snapshot.no) == no


async def test_delete_markets_stops_their_deltas() -> None:
    async with running() as sim, connected(sim) as client:
        tickers = sim.market_tickers()
        sid = sid_of(await client.subscribe(["orderbook_delta"], tickers[:2]), "orderbook_delta")
        await client.take(2)
        ok = await client.command(p.update_subscription(9, "delete_markets", sid=sid, market_tickers=tickers[:1]))
        assert ok[-1].market_tickers == (tickers[1],)
        sim.step(400)
        await client.send(p.list_subscriptions(10))
        messages = await client.until(lambda m: m.id == 10)
        deltas = [m for m in messages if isinstance(m, p.OrderbookDelta)]
        assert deltas and {m.market_ticker for m in deltas} == {tickers[1]}


async def test_initial_ticker_snapshot_only_for_markets_named() -> None:
    """As production: ``send_initial_snapshot`` applies to the markets named; a subscription to
    every market sends changes only (current prices of all markets are REST's job)."""
    async with running() as sim, connected(sim) as client:
        named = sim.market_tickers()[:2]
        answer = await client.subscribe(["ticker"], named, send_initial_snapshot=True)
        initial = await client.take(2)
        assert isinstance(answer[0], p.Subscribed)
        assert [m.market_ticker for m in initial] == named
        state = sim.ticker_state(initial[0].market_ticker)
        assert initial[0].yes_bid == state["yes_bid"] and initial[0].volume == state["volume"]
        await client.send(p.unsubscribe(20, [answer[0].sid]))
        await client.until(lambda m: m.id == 20)
        await client.subscribe(["ticker"], send_initial_snapshot=True)
        await client.send(p.list_subscriptions(21))
        follow = await client.until(lambda m: m.id == 21)
        assert not [m for m in follow if isinstance(m, p.Ticker)]


async def test_use_yes_price_reports_no_bids_at_yes_prices() -> None:
    async with running() as sim, connected(sim) as client:
        ticker = sim.market_tickers()[0]
        await client.subscribe(["orderbook_delta"], [ticker], use_yes_price=True)
        snapshot = await client.recv()
        _, no = sim.book_levels(ticker)
        assert dict(snapshot.no) == {ONE_DOLLAR - price: size for price, size in no.items()}


# -- books ------------------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
async def test_books_never_cross_and_equal_snapshot_plus_deltas(legacy: bool) -> None:
    async with running(small_config(legacy=legacy)) as sim, connected(sim) as client:
        tickers = sim.market_tickers()
        await client.subscribe(["orderbook_delta"], tickers)
        books = {}
        for message in await client.take(len(tickers)):
            book = OrderBook(message.market_ticker)
            book.load_snapshot(message.yes, message.no)
            books[message.market_ticker] = book
        for _ in range(20):
            sim.step(100)
            for ticker in tickers:
                yes, no = sim.book_levels(ticker)
                assert not yes or not no or max(yes) + max(no) < ONE_DOLLAR
        await client.send(p.list_subscriptions(99))
        for message in await client.until(lambda m: m.id == 99):
            if isinstance(message, p.OrderbookDelta):
                books[message.market_ticker].apply_delta(message.side, message.price, message.delta)
                assert not books[message.market_ticker].crossed
        for ticker in tickers:
            assert (books[ticker].levels("yes"), books[ticker].levels("no")) == sim.book_levels(ticker)


async def test_current_mode_sends_only_string_forms_with_fractions_and_sub_cent_ticks() -> None:
    async with running(small_config(events=4, markets=40)) as sim, connected(sim) as client:
        tickers = sim.market_tickers()
        await client.subscribe(["orderbook_delta", "trade"], tickers)
        sim.step(500)
        await client.send(p.list_subscriptions(99))
        await client.until(lambda m: m.id == 99)
        raws = [r.raw for r in client.received]
        assert not any('"yes":' in raw or '"price":' in raw or '"count":' in raw for raw in raws)
        prices = [m.message.price for m in client.received if isinstance(m.message, p.OrderbookDelta)]
        sizes = [m.message.delta for m in client.received if isinstance(m.message, p.OrderbookDelta)]
        assert any(price % 100 for price in prices), "some market trades on sub-cent ticks"
        assert any(size % 100 for size in sizes), "some sizes are fractional"


async def test_legacy_mode_sends_integers_beside_strings() -> None:
    async with running(small_config(legacy=True)) as sim, connected(sim) as client:
        ticker = sim.market_tickers()[0]
        await client.subscribe(["orderbook_delta"], [ticker])
        raw = await client.recv_raw()
        assert '"yes":[[' in raw and '"yes_dollars_fp"' in raw


@pytest.mark.parametrize("legacy", [False, True], ids=["current", "legacy"])
async def test_every_command_round_trips(legacy: bool) -> None:
    async with running(small_config(legacy=legacy)) as sim, connected(sim) as client:
        tickers = sim.market_tickers()
        answer = await client.subscribe([p.ORDERBOOK_DELTA, p.TICKER], tickers[:1])
        book, ticker = sid_of(answer, p.ORDERBOOK_DELTA), sid_of(answer, p.TICKER)
        add = p.update_subscription(2, "add_markets", sid=book, market_tickers=tickers[1:2])
        added = await client.command(add)
        assert added[-1].market_tickers == tuple(tickers[:2])
        assert isinstance(await client.recv(), p.OrderbookSnapshot)
        delete = p.update_subscription(3, "delete_markets", sids=[book], market_tickers=tickers[:1])
        removed = await client.command(delete)
        assert removed[-1].market_tickers == (tickers[1],)
        snapshot = await client.command(p.update_subscription(4, "get_snapshot", sid=book))
        if legacy:  # the reference knows only add_markets and delete_markets
            assert isinstance(snapshot[-1], p.ErrorMessage) and snapshot[-1].code == 13
        else:
            assert isinstance(snapshot[-1], p.OrderbookSnapshot) and snapshot[-1].market_ticker == tickers[1]
        listed = await client.command(p.list_subscriptions(5))
        rows = {(row.channel, row.sid) for row in listed[-1].subscriptions}
        assert rows == {(p.ORDERBOOK_DELTA, book), (p.TICKER, ticker)}
        sim.step(200)
        gone = await client.command(p.unsubscribe(6, [book, ticker]), answers=2)
        acks = [m for m in gone if isinstance(m, p.Unsubscribed)]
        assert [m.sid for m in acks] == [book, ticker]
        sequenced = [m for m in [*answer, *added, *removed, *snapshot, *listed, *gone] if m.seq is not None]
        update_acks = [added[-1], removed[-1], *acks]
        tickers_sequenced = any(isinstance(m, p.Ticker) for m in sequenced)
        if legacy:  # the reference: seq on every data message, none on acks
            assert all(m.seq is None for m in update_acks) and tickers_sequenced
        else:  # today: acks consume a seq, ticker carries none
            assert all(m.seq is not None for m in update_acks) and not tickers_sequenced


async def test_markets_by_id_and_skip_ticker_ack_trims_the_market_list() -> None:
    async with running() as sim, connected(sim) as client:
        ticker, other = sim.market_tickers()[2:4]
        market_id = sim.ticker_state(ticker)["market_id"]
        answer = await client.subscribe([p.ORDERBOOK_DELTA], market_ids=[market_id])
        assert isinstance(answer[0], p.Subscribed)
        snapshot = await client.recv()
        assert isinstance(snapshot, p.OrderbookSnapshot) and snapshot.market_ticker == ticker
        # the subscription is acknowledged as usual; its ok answers leave out the market list
        answer = await client.command(p.subscribe(8, [p.TICKER], [ticker], skip_ticker_ack=True))
        subscribed = answer[-1]
        assert isinstance(subscribed, p.Subscribed) and subscribed.channel == p.TICKER
        answer = await client.command(p.update_subscription(9, "add_markets", sid=subscribed.sid,
                                                             market_tickers=[other]))
        ok = answer[-1]
        assert isinstance(ok, p.Ok) and ok.market_tickers is None
        listing = await client.command(p.list_subscriptions(10))
        assert {row.channel for row in listing[-1].subscriptions} == {p.ORDERBOOK_DELTA, p.TICKER}
