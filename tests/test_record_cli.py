"""``kalshi-dash record`` in a subprocess against the simulator on loopback: the recording carries the
REST responses the session used (catalog, account), and a replay of it in the app shows the same
titles and account."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from app.core.fixed import MONEY_SCALE
from app.core.state import PRIMARY, MarketState
from app.feed.recording import RecordingFile
from app.simulator import SimConfig, Simulator
from app.tui.main import KalshiDashApp
from tests.cli_support import ROOT, TIMEOUT, assert_one_line_error, clean_env, closed_port, command, run_cli, write_key
from tests.test_simulator_support import KEY, KEY_ID
from tests.ui_states import until
from widgets.account.positions_table import PositionsTable

SIZE = (140, 40)
MONEY_PER_CENT = MONEY_SCALE // 100


async def progress_until(stream: asyncio.StreamReader, done: str, *wanted: str) -> tuple[str, str]:
    """Read the progress line (rewritten in place with ``\\r``) until one holds every ``wanted``
    fragment and not ``done``; that line, and all that was read."""
    seen = b""
    while True:
        chunk = await stream.read(4096)
        assert chunk, f"stderr ended before {wanted}: {seen.decode()[-500:]}"
        seen += chunk
        lines = [part.decode() for part in seen.replace(b"\n", b"\r").split(b"\r")[:-1]]
        for line in lines:
            if all(w in line for w in wanted) and done not in line:
                return line, seen.decode()


async def test_a_recording_made_by_the_cli_replays_with_its_titles_and_account(tmp_path: Path) -> None:
    sim = Simulator(SimConfig(seed=11, events=12, markets=96, rate=0.0, settle_every=0))
    sim.register_key(KEY_ID, KEY.public_key())
    url = await sim.start()
    sim.step(3_000)  # the account holds positions and resting orders before the recording starts
    held = {t: h.position for t, h in sim.exchange.account.holdings.items() if h.position}
    titles = {t: sim.exchange.universe.markets[t].title for t in sim.market_tickers()}
    balance = sim.exchange.account.balance // MONEY_PER_CENT * MONEY_PER_CENT  # REST says whole cents
    assert held and titles
    path = tmp_path / "session.jsonl.gz"
    key = write_key(tmp_path / "key.pem", KEY)
    try:
        process = await asyncio.create_subprocess_exec(
            *command("record", "-o", str(path), "--url", url, "--key-id", KEY_ID, "--private-key", str(key)),
            cwd=ROOT, env=clean_env(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert process.stderr is not None
        async with asyncio.timeout(TIMEOUT):
            line, _ = await progress_until(process.stderr, "…", "catalog 96 markets", "balance $")
            process.send_signal(signal.SIGINT)  # Ctrl-C: the recording ends and takes its name
            _, rest = await process.communicate()
    finally:
        await sim.stop()
    assert "recording:" in line and "frames" in line
    said = (rest.decode()).replace("\r", "\n").splitlines()
    summary = [s for s in said if s.startswith("recorded ")]
    assert summary and "REST responses" in summary[0] and str(path) in summary[0], said
    assert not [s for s in said if s.startswith("kalshi-dash")], said  # no failure was reported
    assert process.returncode == 0  # a recording that was saved, however it was stopped

    recording = RecordingFile.load(path)
    asked = {r.path for r in recording.responses}
    assert {"/events", "/portfolio/balance", "/portfolio/positions", "/portfolio/orders",
            "/portfolio/fills", "/portfolio/settlements"} <= asked
    assert recording.total > 0  # and the socket's frames, as before

    replay = KalshiDashApp(MarketState(), environment="REPLAY", replay=recording, replay_speed=0)
    replay.animation_level = "none"
    async with replay.run_test(size=SIZE) as pilot:
        state = replay.market_state
        await until(pilot, lambda: state.catalog.complete and state.portfolio.reconciled_at is not None, TIMEOUT)
        assert {t: state.markets[t].title for t in titles} == titles
        assert state.portfolio.balance == balance
        assert {t: state.positions[t, PRIMARY].position for t in held} == held
        await pilot.press("2")
        table = replay.dashboard.query_one(PositionsTable)
        await until(pilot, lambda: set(held) <= {str(k.value) for k in table.rows}, TIMEOUT)
        shown = {str(k.value): [str(c) for c in table.get_row(k)] for k in table.rows}
        assert all(titles[t] in shown[t] for t in held)  # the position's title, from the recorded catalog
        await replay.action_quit()


async def test_record_asks_the_rest_url_given_and_says_each_failure_in_one_line(tmp_path: Path) -> None:
    """``--rest-url`` names where the REST API is: here a port that refuses. The socket's frames
    are recorded all the same; each REST failure is one line on stderr."""
    sim = Simulator(SimConfig(seed=3, events=2, markets=6, rate=0.0, settle_every=0))
    sim.register_key(KEY_ID, KEY.public_key())
    url = await sim.start()
    rest_url = f"http://127.0.0.1:{closed_port()}/trade-api/v2"
    path = tmp_path / "session.jsonl"
    key = write_key(tmp_path / "key.pem", KEY)
    try:
        process = await asyncio.create_subprocess_exec(
            *command("record", "-o", str(path), "--url", url, "--rest-url", rest_url, "--key-id", KEY_ID,
                     "--private-key", str(key)),
            cwd=ROOT, env=clean_env(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert process.stderr is not None
        async with asyncio.timeout(TIMEOUT):
            _, before = await progress_until(process.stderr, "\x00", "kalshi-dash record: catalog not loaded: GET /")
            process.send_signal(signal.SIGINT)
            _, after = await process.communicate()
    finally:
        await sim.stop()
    assert sum(sim.rest.requests.values()) == 0  # nothing was asked beside the socket
    text = before + after.decode()
    assert process.returncode == 0 and "Traceback" not in text
    said = [s for s in text.replace("\r", "\n").splitlines() if s.startswith("kalshi-dash")]
    assert any("rate limits not read" in s for s in said), said
    assert said and all("no answer" in s and rest_url.split("/")[2] in s for s in said), said
    assert RecordingFile.load(path).responses == [] and RecordingFile.load(path).total > 0


def test_a_bad_rest_url_is_one_line(tmp_path: Path) -> None:
    for args in (("record", "-o", str(tmp_path / "x.jsonl")), ()):
        assert_one_line_error(run_cli(tmp_path, *args, "--rest-url", "ftp://host/x"),
                              "bad --rest-url 'ftp://host/x'", "http[s]://HOST/trade-api/v2")
