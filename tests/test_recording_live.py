"""Record from the live simulator, replay at full speed: the replayed state equals the live one."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from app.core import protocol as p
from app.core.state import MarketState
from app.endpoint import want_defaults
from app.feed.auth import Credentials
from app.feed.feed import Feed, FeedConfig
from app.feed.recording import Recorder, RecordingFile, Replay
from tests.conftest import KEY_ID, running_feed

PASSPHRASE = "correct horse battery staple"


def fingerprint(state: MarketState) -> dict[str, Any]:
    """Everything the screens show, as plain comparable data."""
    return {
        "books": {t: (b.levels("yes"), b.levels("no")) for t, b in state.books.items()},
        "status": dict(state.book_status),
        "tickers": dict(state.tickers),
        "trades": list(state.trades),
        "fills": list(state.fills),
        "positions": dict(state.positions),
        "orders": dict(state.orders),
        "rfqs": {k: (r.status, list(r.history), {q: x.status for q, x in r.quotes.items()})
                 for k, r in state.rfqs.items()},
        "markets": dict(state.markets),
        "log": len(state.lifecycle_log),
    }


@pytest.mark.parametrize("name", ["live.jsonl", "live.jsonl.gz"])
async def test_replay_equals_live_state(rsa_key, tmp_path: Path, name: str) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    key_file.chmod(0o600)
    credentials = Credentials.load(KEY_ID, key_file, PASSPHRASE)
    path = tmp_path / name
    async with running_feed(rsa_key, credentials=credentials) as h:
        recorder = Recorder(path, {"endpoint": "SIM", "url": h.feed.config.url})
        h.feed.recorder = recorder
        # The recorder is attached after connecting: reconnect so the file starts with the acks.
        accepted = h.sim.handshakes_accepted
        h.sim.faults.drop_connections()
        await h.feed.wait_for(lambda: h.sim.handshakes_accepted > accepted, 5)
        await want_defaults(h.feed, None, h.sim.market_tickers()[:3])
        await h.feed.wait_for(lambda: len(h.state.trades) >= 40 and len(h.state.tickers) >= 10, 15)
        h.sim.pause()
        await h.feed.settle()
        live = fingerprint(h.state)
        recorder.close()
    assert recorder.frames > 80

    replayed = MarketState()
    feed = Feed(FeedConfig(url="ws://replay", environment="REPLAY"), replayed)
    recording = RecordingFile.load(path)
    assert recording.skipped == 0
    await feed.replay(Replay(recording, feed, speed=0))
    assert fingerprint(replayed) == live
    assert feed.parse_errors == 0

    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    pem_body = b"".join(key_file.read_bytes().splitlines()[1:-1])
    for secret in (PASSPHRASE.encode(), pem_body[:40], pem_body[-40:], b"KALSHI-ACCESS-SIGNATURE"):
        assert secret not in raw
    assert b"PRIVATE KEY" not in raw


async def test_a_recording_started_mid_session_fetches_snapshots_without_counting_resyncs(
        rsa_key, tmp_path: Path) -> None:
    async with running_feed(rsa_key, sim_options={"rate": 0.0, "settle_every": 0}) as h:
        await h.feed.wait_connected(5)
        tickers = h.sim.market_tickers()[:3]
        await h.feed.subscribe(p.ORDERBOOK_DELTA, tickers)
        await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
        path = tmp_path / "mid.jsonl"
        h.feed.start_recording(Recorder(path, h.feed.recording_header()))
        await h.feed.wait_for(lambda: all(h.state.is_live(t) for t in tickers), 5)
        h.feed.stop_recording()
        (sub,) = h.feed.subscriptions()
        assert (h.feed.resyncs, sub.resyncs, h.feed.status().resyncs) == (0, 0, 0)
        assert h.feed.market_resyncs == {} and h.feed.resynced_at == {}
        # the snapshots the recording needs are in it all the same
        recorded = RecordingFile.load(path)
        frames = [json.loads(recorded_frame.frame) for recorded_frame in recorded.frames()]
        snapshots = {f["msg"]["market_ticker"] for f in frames if f.get("type") == "orderbook_snapshot"}
        assert snapshots == set(tickers)
