"""``kalshi-dash record`` in a subprocess against the simulator on loopback: the recording carries the
REST responses the session used (catalog, account), and a replay of it in the app shows the same
titles and account."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from app.fixed import MONEY_SCALE
from app.main import KalshiDashApp
from app.recording import RecordingFile
from app.simulator import SimConfig, Simulator
from app.state import PRIMARY, MarketState
from tests.cli_support import ROOT, TIMEOUT, clean_env, command, write_key
from tests.test_simulator_support import KEY, KEY_ID
from tests.ui_states import until
from widgets.positions_table import PositionsTable

SIZE = (140, 40)
MONEY_PER_CENT = MONEY_SCALE // 100


async def progress_until(stream: asyncio.StreamReader, done: str, *wanted: str) -> str:
    """Read the progress line (rewritten in place with ``\\r``) until one holds every ``wanted``
    fragment and not ``done``; that line."""
    seen = b""
    while True:
        chunk = await stream.read(4096)
        assert chunk, f"stderr ended before {wanted}: {seen.decode()[-500:]}"
        seen += chunk
        lines = [part.decode() for part in seen.replace(b"\n", b"\r").split(b"\r")[:-1]]
        for line in lines:
            if all(w in line for w in wanted) and done not in line:
                return line


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
            line = await progress_until(process.stderr, "…", "catalog 96 markets", "balance $")
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
