"""Bad configuration gets a clear answer: one line on stderr saying what and how, exit status 2.

Every case runs the real command line in a subprocess. argparse's own errors keep their usage
block; every other error is exactly one line, never a traceback. ``--debug`` adds the traceback
(without secrets). Unreachable hosts and a rejected key end ``kalshi-dash record`` the same way; the
dashboard shows them in its UI instead (see ``test_dashboard_shows_*`` at the end).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.config import ConnectionSettings
from app.core import protocol as p
from app.core.feed_status import ConnectionState
from app.core.state import MarketState
from app.endpoint import open_endpoint
from app.simulator import SimConfig, Simulator
from app.tui.main import KalshiDashApp
from tests.cli_support import (
    PASSPHRASE,
    assert_one_line_error,
    assert_usage_error,
    clean_env,
    closed_port,
    pem_secrets,
    run_cli,
    run_cli_async,
    write_key,
)
from tests.conftest import KEY_ID

SIM_URL = "ws://127.0.0.1:{port}/trade-api/ws/v2"


@pytest.fixture
def key_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    return write_key(tmp_path / "key.pem", rsa_key)


# -- argparse ----------------------------------------------------------------------------------


def test_unknown_flag(tmp_path: Path) -> None:
    assert_usage_error(run_cli(tmp_path, "--bogus"), "unrecognized arguments: --bogus")


def test_unknown_flag_of_a_subcommand(tmp_path: Path) -> None:
    assert_usage_error(run_cli(tmp_path, "record", "-o", "x.jsonl", "--bogus"), "--bogus")


def test_unknown_env(tmp_path: Path) -> None:
    assert_usage_error(run_cli(tmp_path, "--env", "staging"), "invalid choice: 'staging'", "demo", "prod")


def test_missing_required_option(tmp_path: Path) -> None:
    assert_usage_error(run_cli(tmp_path, "record"), "-o/--output")


def test_port_out_of_range(tmp_path: Path) -> None:
    assert_usage_error(run_cli(tmp_path, "sim", "--port", "99999"), "99999 is not a port", "0 for any free port")


# -- flags and keys ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://example.com/trade-api/ws/v2", "ws://", "wss://host:port/trade-api/ws/v2",
                                 "example.com", "ws://127.0.0.1:8765/"])
def test_bad_url(tmp_path: Path, url: str) -> None:
    assert_one_line_error(run_cli(tmp_path, "--url", url), "bad URL", "ws://HOST")


def test_missing_key_file(tmp_path: Path) -> None:
    line = assert_one_line_error(run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(tmp_path / "absent.pem")),
                                 "not found", "absent.pem")
    assert "--private-key" in line  # how to fix it


def test_key_id_without_key_file(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(tmp_path, "--key-id", KEY_ID), "missing --private-key")


def test_key_file_without_key_id(tmp_path: Path, key_file: Path) -> None:
    assert_one_line_error(run_cli(tmp_path, "--private-key", str(key_file)), "missing --key-id")


def test_unreadable_key_file(tmp_path: Path) -> None:
    loop = tmp_path / "loop.pem"
    loop.symlink_to(loop)  # unreadable even for root, unlike a chmod 000 file
    line = assert_one_line_error(run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(loop)), "cannot read")
    assert "chmod 600" in line


def test_key_path_is_a_directory(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(tmp_path)), "directory")


def test_file_that_is_not_a_key(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a key\n")
    notes.chmod(0o600)
    assert_one_line_error(run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(notes)),
                          "not a PEM file", "PRIVATE KEY")


def test_wrong_key_type(tmp_path: Path) -> None:
    path = write_key(tmp_path / "ec.pem", ec.generate_private_key(ec.SECP256R1()))
    assert_one_line_error(run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(path)),
                          "not an RSA key", "Kalshi API keys are RSA")


def test_wrong_passphrase(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    path = write_key(tmp_path / "locked.pem", rsa_key, PASSPHRASE)
    env = clean_env(tmp_path, KALSHI_PRIVATE_KEY_PASSPHRASE="not the passphrase")
    result = run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(path), env=env)
    assert_one_line_error(result, "wrong passphrase", "KALSHI_PRIVATE_KEY_PASSPHRASE")
    assert "not the passphrase" not in result.output


def test_encrypted_key_without_passphrase(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    path = write_key(tmp_path / "locked.pem", rsa_key, PASSPHRASE)
    assert_one_line_error(run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(path)),
                          "is encrypted", "KALSHI_PRIVATE_KEY_PASSPHRASE")


def test_debug_shows_the_traceback_but_no_secret(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    path = write_key(tmp_path / "locked.pem", rsa_key, PASSPHRASE)
    env = clean_env(tmp_path, KALSHI_PRIVATE_KEY_PASSPHRASE="wrong-" + PASSPHRASE)
    result = run_cli(tmp_path, "--debug", "--key-id", KEY_ID, "--private-key", str(path), env=env)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr and "AuthError" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("kalshi-dash: wrong passphrase")
    for secret in [PASSPHRASE, *pem_secrets(path)]:
        assert secret not in result.output


def test_debug_after_the_subcommand(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "record", "--debug", "-o", str(tmp_path / "no" / "such" / "dir.jsonl"))
    assert result.returncode == 2 and "Traceback" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("kalshi-dash record: cannot write the recording")


# -- config files ------------------------------------------------------------------------------


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_config_with_a_syntax_error(tmp_path: Path) -> None:
    path = config(tmp_path, 'default_profile = "demo"\n[profiles.demo\nenv = "demo"\n')
    assert_one_line_error(run_cli(tmp_path, "--config", str(path)), "syntax error", "line 2")


def test_config_with_an_unknown_top_level_key(tmp_path: Path) -> None:
    path = config(tmp_path, 'default_profile = "demo"\ntheme = "dark"\n')
    assert_one_line_error(run_cli(tmp_path, "--config", str(path)), "unknown key(s) theme", "allowed:")


def test_config_profile_with_an_unknown_key(tmp_path: Path, key_file: Path) -> None:
    path = config(tmp_path, f'default_profile = "demo"\n[profiles.demo]\nenv = "demo"\nkey_id = "{KEY_ID}"\n'
                            f'private_key = "{key_file}"\npassphrase = "hunter2"\n')
    result = run_cli(tmp_path, "--config", str(path))
    assert_one_line_error(result, "profile 'demo'", "unknown key(s) passphrase", "allowed:")
    assert "hunter2" not in result.output


def test_config_profile_with_an_unknown_env(tmp_path: Path) -> None:
    path = config(tmp_path, 'default_profile = "x"\n[profiles.x]\nenv = "staging"\n')
    assert_one_line_error(run_cli(tmp_path, "--config", str(path)), "unknown environment 'staging'", "demo or prod")


def test_config_file_not_found(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(tmp_path, "--config", str(tmp_path / "absent.toml")), "config file not found")


def test_unknown_profile(tmp_path: Path) -> None:
    path = config(tmp_path, '[profiles.demo]\nenv = "demo"\n')
    assert_one_line_error(run_cli(tmp_path, "--config", str(path), "--profile", "prod"),
                          "no profile 'prod'", "profiles: demo")


def test_default_config_file_is_read_too(tmp_path: Path) -> None:
    default = tmp_path / "config" / "kalshi-dash" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text("this is = not toml =\n")
    assert_one_line_error(run_cli(tmp_path), "syntax error", str(default))


# -- record: files, hosts, keys ----------------------------------------------------------------


def test_record_to_a_file_that_cannot_be_written(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.jsonl"
    assert_one_line_error(run_cli(tmp_path, "record", "-o", str(target), "--duration", "1"),
                          "cannot write the recording", "choose another -o FILE")


def test_record_orderbook_without_a_market(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(tmp_path, "record", "-o", str(tmp_path / "x.jsonl"), "--channels", p.ORDERBOOK_DELTA),
                          "orderbook_delta needs at least one --market")


def test_record_an_unknown_channel(tmp_path: Path) -> None:
    assert_one_line_error(run_cli(tmp_path, "record", "-o", str(tmp_path / "x.jsonl"), "--channels", "tickers"),
                          "unknown channel(s) tickers", "known:")


def test_record_from_a_host_that_refuses(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "out.jsonl"
    url = SIM_URL.format(port=closed_port())
    result = run_cli(tmp_path, "record", "-o", str(out), "--url", url, "--key-id", KEY_ID,
                     "--private-key", str(key_file))
    assert_one_line_error(result, f"cannot connect to {url}", "connection refused", "--url")
    assert not out.exists()  # nothing recorded, nothing left behind


def test_record_from_a_host_that_does_not_exist(tmp_path: Path, key_file: Path) -> None:
    result = run_cli(tmp_path, "record", "-o", str(tmp_path / "out.jsonl"), "--url",
                     "wss://no-such-host.invalid/trade-api/ws/v2", "--key-id", KEY_ID, "--private-key", str(key_file))
    assert_one_line_error(result, "cannot connect to wss://no-such-host.invalid", "host name not found")


@pytest.mark.asyncio
async def test_record_with_a_key_the_exchange_rejects(tmp_path: Path, key_file: Path) -> None:
    sim = Simulator(SimConfig(events=2, markets=4, rate=50.0))
    sim.register_key("some-other-key", rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key())
    url = await sim.start()
    try:
        result = await run_cli_async(tmp_path, "record", "-o", str(tmp_path / "out.jsonl"), "--url", url,
                                     "--key-id", KEY_ID, "--private-key", str(key_file))
    finally:
        await sim.stop()
    assert_one_line_error(result, "authentication rejected", "key id", "clock", "HTTP 401")
    assert sim.handshakes_rejected == 1  # said once, not retried in a loop


def test_simulator_port_in_use(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(tmp_path, "sim", "--port", str(port), "--data-dir", str(tmp_path / "sim"))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}", "--port")


# -- the dashboard shows connection problems in its UI -------------------------------------------


def notes(app: KalshiDashApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def _dashboard_until(app: KalshiDashApp, pilot, predicate) -> None:
    async with asyncio.timeout(10):
        while not predicate():
            await pilot.pause(0.05)


@pytest.mark.asyncio
async def test_dashboard_shows_an_unreachable_host_and_keeps_retrying(key_file: Path) -> None:
    url = SIM_URL.format(port=closed_port())
    settings = ConnectionSettings("CUSTOM", url, KEY_ID, str(key_file))
    app = KalshiDashApp(MarketState(), environment="CUSTOM", connect=lambda: open_endpoint(settings))
    async with app.run_test(size=(120, 40)) as pilot:
        await _dashboard_until(app, pilot, lambda: app.feed is not None and app.feed.handshakes >= 4)
        await _dashboard_until(app, pilot, lambda: "connection refused" in notes(app))
        assert app.feed.status().state in (ConnectionState.RECONNECTING, ConnectionState.CONNECTING)
        refused = [n for n in app._notifications if "connection refused" in n.title]
        assert len(refused) == 1  # shown once, not once per retry
        assert app.is_running
        await app.action_quit()


@pytest.mark.asyncio
async def test_dashboard_shows_a_rejected_key_and_stops(key_file: Path) -> None:
    sim = Simulator(SimConfig(events=2, markets=4, rate=50.0))
    sim.register_key("some-other-key", rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key())
    url = await sim.start()
    settings = ConnectionSettings("CUSTOM", url, KEY_ID, str(key_file))
    app = KalshiDashApp(MarketState(), environment="CUSTOM", connect=lambda: open_endpoint(settings))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _dashboard_until(app, pilot, lambda: "authentication rejected" in notes(app))
            assert app.feed.status().state is ConnectionState.AUTH_REJECTED
            assert sim.handshakes_rejected == 1
            await app.action_quit()
    finally:
        await sim.stop()
