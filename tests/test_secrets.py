"""Secrets never leave: no key, PEM text, passphrase, signature or timestamp header in any output.

Every channel is searched: the command line's stdout and stderr (with ``--debug`` too), log records
at DEBUG level (ours and ``websockets``', both client and server side), recordings, the app's
screenshots and notifications, exception messages and reprs. The key is a real one, encrypted with
a passphrase, and the handshakes are real ones against the simulator on loopback.

Also here: the one warning for a key file that group or others can read, and production only on
an explicit ``--env prod``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.config import ConfigError, ConnectionSettings, resolve
from app.core import protocol as p
from app.core.feed_status import ConnectionState
from app.core.state import MarketState
from app.endpoint import open_endpoint
from app.feed.auth import AuthError, Credentials, load_private_key
from app.feed.feed import DEMO_URL, PROD_URL, Feed, FeedConfig
from app.simulator import SimConfig, Simulator
from app.tui.main import KalshiDashApp
from tests.cli_support import PASSPHRASE, clean_env, pem_secrets, run_cli_async, stderr_lines, write_key
from tests.conftest import KEY_ID

# A 2048-bit RSA-PSS signature is 256 bytes: 344 characters of base64.
SIGNATURE = re.compile(r"[A-Za-z0-9+/]{300,}={0,2}")
SIGNED_HEADER = re.compile(r"KALSHI-ACCESS-(SIGNATURE|TIMESTAMP)[\s:='\"]+[A-Za-z0-9+/]", re.IGNORECASE)
WARNING = "is readable by group or others"


def secrets_of(key_file: Path) -> list[str]:
    return [PASSPHRASE, *pem_secrets(key_file)]


def assert_no_secret(text: str, key_file: Path, where: str) -> None:
    for secret in secrets_of(key_file):
        assert secret not in text, f"{where} holds {secret[:12]}…"
    assert "PRIVATE KEY" not in text, where
    assert not SIGNATURE.search(text), f"{where} holds something shaped like a signature"
    match = SIGNED_HEADER.search(text)
    assert match is None, f"{where} shows a signed header: {text[match.start():match.start() + 60]!r}"


@pytest.fixture
def locked_key(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    """The session key in a PEM file encrypted with PASSPHRASE, mode 600."""
    return write_key(tmp_path / "key.pem", rsa_key, PASSPHRASE)


async def started_sim(rsa_key: rsa.RSAPrivateKey, **options) -> tuple[Simulator, str]:
    sim = Simulator(SimConfig(**{"events": 3, "markets": 9, "rate": 200.0, **options}))
    sim.register_key(KEY_ID, rsa_key.public_key())
    return sim, await sim.start()


# -- the command line: stdout, stderr with --debug, the recording ----------------------------------


async def test_record_with_debug_shows_no_secret_anywhere(tmp_path: Path, rsa_key, locked_key: Path) -> None:
    sim, url = await started_sim(rsa_key)
    out = tmp_path / "out.jsonl"
    env = clean_env(tmp_path, KALSHI_PRIVATE_KEY_PASSPHRASE=PASSPHRASE)
    try:
        result = await run_cli_async(tmp_path, "--debug", "record", "-o", str(out), "--url", url, "--key-id", KEY_ID,
                                     "--private-key", str(locked_key), "--market", sim.market_tickers()[0],
                                     "--channels", "orderbook_delta,ticker,trade,fill", "--duration", "1.5", env=env)
    finally:
        await sim.stop()
    assert result.returncode == 0, result.stderr[-2000:]
    # the debug log did show the handshake, with the signed headers redacted
    assert "> KALSHI-ACCESS-SIGNATURE: <redacted>" in result.stderr
    assert "> KALSHI-ACCESS-TIMESTAMP: <redacted>" in result.stderr
    assert f"> KALSHI-ACCESS-KEY: {KEY_ID}" in result.stderr
    assert_no_secret(result.stdout, locked_key, "stdout")
    assert_no_secret(result.stderr, locked_key, "stderr with --debug")
    recording = out.read_text()
    assert recording.count("\n") > 10 and "orderbook_snapshot" in recording
    assert_no_secret(recording, locked_key, "the recording")


# -- logs at DEBUG, in process: the feed, websockets client and server ---------------------------


async def test_debug_logs_of_handshakes_rejections_and_errors_hold_no_secret(
    locked_key: Path, rsa_key, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    credentials = Credentials.load(KEY_ID, locked_key, PASSPHRASE)
    sim, url = await started_sim(rsa_key)
    feed = Feed(FeedConfig(url=url, credentials=credentials, environment="SIM", backoff_initial=0.01,
                           backoff_max=0.02), MarketState())
    task = asyncio.create_task(feed.run())
    try:
        await feed.wait_connected(5)
        await feed.subscribe(p.ORDERBOOK_DELTA, sim.market_tickers()[:2])
        await feed.subscribe(p.FILL)
        sim.faults.malformed(1)
        sim.faults.skip_seq(1)
        await feed.wait_for(lambda: feed.parse_errors and feed.gaps, 5)
        sim.faults.reject_next_handshake(503)
        sim.faults.reject_next_handshake(401)
        sim.faults.drop_connections()
        await asyncio.wait_for(task, 10)  # ended by the 401
    finally:
        await feed.stop()
        await sim.stop()
    assert feed.status().state is ConnectionState.AUTH_REJECTED
    records = caplog.records
    shown = [r for r in records
             if r.name.startswith("websockets") and r.args and r.args[0] == "KALSHI-ACCESS-SIGNATURE"]
    assert {r.name for r in shown} == {"websockets.client", "websockets.server"}  # both sides logged it
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records)
    assert_no_secret(text, locked_key, "the DEBUG log")
    assert_no_secret("\n".join(repr(e) for e in feed.errors), locked_key, "the feed's errors")


# -- exceptions and reprs ---------------------------------------------------------------------------


async def test_exceptions_and_reprs_hold_no_secret(tmp_path: Path, rsa_key, locked_key: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    texts: list[str] = []
    plain = write_key(tmp_path / "plain.pem", rsa_key)
    ec_key = write_key(tmp_path / "ec.pem", ec.generate_private_key(ec.SECP256R1()), PASSPHRASE)
    attempts = [
        (locked_key, "wrong " + PASSPHRASE), (locked_key, None), (plain, PASSPHRASE), (ec_key, PASSPHRASE),
        (tmp_path / "absent.pem", PASSPHRASE), (tmp_path, PASSPHRASE),
    ]
    monkeypatch.delenv("KALSHI_PRIVATE_KEY_PASSPHRASE", raising=False)
    for path, passphrase in attempts:
        with pytest.raises(AuthError) as caught:
            load_private_key(path, passphrase)
        texts += [str(caught.value), repr(caught.value), repr(caught.value.__context__)]
    credentials = Credentials.load(KEY_ID, locked_key, PASSPHRASE)
    config = FeedConfig(url=DEMO_URL, credentials=credentials)
    feed = Feed(config, MarketState())
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PASSPHRASE", PASSPHRASE)
    endpoint = await open_endpoint(ConnectionSettings("DEMO", DEMO_URL, KEY_ID, str(locked_key)))
    texts += [repr(credentials), str(credentials), repr(config), repr(endpoint), repr(feed.status()),
              repr(credentials.headers().keys())]
    assert_no_secret("\n".join(texts), locked_key, "an exception or repr")
    assert "<hidden>" in repr(credentials)


# -- the app: screenshots (SVG), notifications ---------------------------------------------------


async def test_app_screens_and_notifications_hold_no_secret(rsa_key, locked_key: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PASSPHRASE", PASSPHRASE)
    sim, url = await started_sim(rsa_key)
    settings = ConnectionSettings("CUSTOM", url, KEY_ID, str(locked_key))
    app = KalshiDashApp(MarketState(), environment="CUSTOM", markets=sim.market_tickers()[:1],
                        connect=lambda: open_endpoint(settings))
    screens: list[str] = []
    try:
        async with app.run_test(size=(140, 44)) as pilot:
            async with asyncio.timeout(10):
                while app.feed is None or app.feed.status().messages_total < 50:
                    await pilot.pause(0.05)
            for pane in "123456":
                await pilot.press(pane)
                await pilot.pause()
                screens.append(app.export_screenshot())
            sim.faults.reject_next_handshake(401)
            sim.faults.drop_connections()
            async with asyncio.timeout(10):
                while app.feed.status().state is not ConnectionState.AUTH_REJECTED:
                    await pilot.pause(0.05)
            await pilot.pause(0.1)
            screens.append(app.export_screenshot())
            notes = [f"{n.title} {n.message}" for n in app._notifications]
            await app.action_quit()
    finally:
        await sim.stop()
    assert "authentication rejected" in "\n".join(notes)
    assert all("<svg" in svg for svg in screens)
    assert_no_secret("\n".join(screens + notes), locked_key, "a screenshot or notification")


# -- the key-file warning: once on stderr, once in the UI -----------------------------------------


async def test_record_warns_once_on_stderr_about_a_key_file_others_can_read(tmp_path: Path, rsa_key) -> None:
    exposed = write_key(tmp_path / "exposed.pem", rsa_key, mode=0o644)
    sim, url = await started_sim(rsa_key)
    try:
        result = await run_cli_async(tmp_path, "record", "-o", str(tmp_path / "out.jsonl"), "--url", url,
                                     "--key-id", KEY_ID, "--private-key", str(exposed), "--duration", "1")
    finally:
        await sim.stop()
    assert result.returncode == 0, result.stderr
    warnings = [line for line in stderr_lines(result) if WARNING in line]
    assert warnings == [f"kalshi-dash record: warning: private key {exposed} {WARNING}; run: chmod 600 {exposed}"]


async def test_dashboard_warns_once_in_the_ui_about_a_key_file_others_can_read(tmp_path: Path, rsa_key) -> None:
    exposed = write_key(tmp_path / "exposed.pem", rsa_key, mode=0o640)
    sim, url = await started_sim(rsa_key)
    settings = ConnectionSettings("CUSTOM", url, KEY_ID, str(exposed))
    app = KalshiDashApp(MarketState(), environment="CUSTOM", connect=lambda: open_endpoint(settings))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            async with asyncio.timeout(10):
                while app.feed is None or app.feed.status().state is not ConnectionState.LIVE:
                    await pilot.pause(0.05)
            sim.faults.drop_connections()  # a reconnect signs again, and must not warn again
            async with asyncio.timeout(10):
                while app.feed.handshakes < 2 or app.feed.status().state is not ConnectionState.LIVE:
                    await pilot.pause(0.05)
            warnings = [n for n in app._notifications if WARNING in n.message]
            await app.action_quit()
    finally:
        await sim.stop()
    assert len(warnings) == 1 and "chmod 600" in warnings[0].message


async def test_no_warning_for_a_key_file_only_its_owner_reads(tmp_path: Path, rsa_key) -> None:
    private = write_key(tmp_path / "private.pem", rsa_key, mode=0o600)
    endpoint = await open_endpoint(ConnectionSettings("DEMO", DEMO_URL, KEY_ID, str(private)))
    assert endpoint.warnings == []


# -- production only when asked for ------------------------------------------------------------


def args(**flags) -> argparse.Namespace:
    fields = dict(key_id=None, private_key=None, env=None, url=None, profile=None, config=None, sim=False)
    fields.update(flags)
    return argparse.Namespace(**fields)


@pytest.fixture
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("KALSHI_API_KEY_ID", "KALSHI_PRIVATE_KEY_PATH"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_a_key_alone_means_demo(no_config: Path) -> None:
    settings = resolve(args(key_id=KEY_ID, private_key="k.pem"))
    assert (settings.environment, settings.url) == ("DEMO", DEMO_URL)


def test_a_key_from_the_environment_means_demo(no_config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KALSHI_API_KEY_ID", KEY_ID)
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PATH", "k.pem")
    assert resolve(args()).url == DEMO_URL


def test_production_needs_env_prod(no_config: Path) -> None:
    settings = resolve(args(key_id=KEY_ID, private_key="k.pem", env="prod"))
    assert (settings.environment, settings.url) == ("PROD", PROD_URL)


def test_a_profile_that_says_prod_is_explicit(no_config: Path) -> None:
    path = no_config / "c.toml"
    path.write_text(f'[profiles.live]\nenv = "prod"\nkey_id = "{KEY_ID}"\nprivate_key = "k.pem"\n')
    assert resolve(args(config=str(path), profile="live")).url == PROD_URL
    path.write_text(f'[profiles.live]\nkey_id = "{KEY_ID}"\nprivate_key = "k.pem"\n')
    assert resolve(args(config=str(path), profile="live")).url == DEMO_URL


def test_no_key_means_the_simulator_and_never_production(no_config: Path) -> None:
    assert resolve(args()).url is None
    assert resolve(args(sim=True, key_id=KEY_ID, private_key="k.pem", env="prod")).url is None
    with pytest.raises(ConfigError):
        resolve(args(env="production", key_id=KEY_ID, private_key="k.pem"))


@pytest.mark.parametrize("flags", [
    {}, {"key_id": KEY_ID}, {"private_key": "k.pem"}, {"key_id": KEY_ID, "private_key": "k.pem"},
    {"key_id": KEY_ID, "private_key": "k.pem", "env": "demo"}, {"url": "wss://example.com/trade-api/ws/v2"},
    {"key_id": KEY_ID, "private_key": "k.pem", "sim": True},
])
def test_without_env_prod_the_production_url_is_never_chosen(no_config: Path, flags: dict) -> None:
    try:
        settings = resolve(args(**flags))
    except ConfigError:
        return
    assert settings.url != PROD_URL and settings.environment != "PROD"
