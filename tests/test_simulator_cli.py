"""``kalshi-dash sim``: options, the demo key, caller-registered keys, fault flags."""

from __future__ import annotations

import argparse
import asyncio
import io
import re
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import websockets
from cryptography.hazmat.primitives import serialization

from app.core import protocol as p
from app.feed.auth import Credentials
from app.simulator import Simulator, cli
from tests.test_simulator_support import GUARD, KEY, Client


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(["--port", "0", "--rate", "0", *argv])


@asynccontextmanager
async def _serving(args: argparse.Namespace) -> AsyncIterator[tuple[Simulator, str]]:
    """Run ``cli.serve`` until the block ends; the simulator and what it printed."""
    out = io.StringIO()
    started: asyncio.Future[Simulator] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    task = asyncio.create_task(cli.serve(args, out, started.set_result, stop))
    try:
        async with asyncio.timeout(GUARD):
            sim = await started
        yield sim, out.getvalue()
    finally:
        stop.set()
        async with asyncio.timeout(GUARD):
            await task


async def _list(url: str, credentials: Credentials) -> p.ServerMessage:
    async with websockets.connect(url, additional_headers=credentials.headers()) as ws:
        client = Client(ws)
        return (await client.command(p.list_subscriptions(1)))[0]


def test_the_sim_subcommand_is_wired_to_this_module() -> None:
    from app.cli.main import build_parser

    parser, handlers = build_parser()
    args = parser.parse_args(["sim", "--port", "0", "--seed", "3", "--legacy", "--drop-every", "5"])
    assert handlers["sim"] is cli
    config = cli.config_from(args)
    assert (config.seed, config.legacy, args.sim_drop_every) == (3, True, 5.0)


def test_demo_key_is_created_private_and_reused(tmp_path: Path) -> None:
    key, path = cli.demo_key(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, same_path = cli.demo_key(tmp_path)
    assert same_path == path
    assert again.public_key().public_numbers() == key.public_key().public_numbers()


async def test_standalone_run_prints_url_key_id_and_a_usable_demo_key(tmp_path: Path) -> None:
    async with _serving(_args("--seed", "5", "--data-dir", str(tmp_path))) as (sim, printed):
        url = re.search(r"ws://127\.0\.0\.1:\d+/trade-api/ws/v2", printed)
        key_path = re.search(r"private key: (\S+)", printed)
        assert url and key_path and cli.DEMO_KEY_ID in printed
        assert url.group(0) == sim.url and sim.config.seed == 5
        credentials = Credentials.load(cli.DEMO_KEY_ID, key_path.group(1))
        assert isinstance(await _list(url.group(0), credentials), p.Ok)


async def test_caller_keys_are_registered_instead_of_the_demo_key(tmp_path: Path) -> None:
    public = tmp_path / "mine.pub"
    public.write_bytes(KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ))
    data_dir = tmp_path / "data"
    args = _args("--key-id", "mine", "--public-key", str(public), "--data-dir", str(data_dir))
    async with _serving(args) as (sim, printed):
        assert "mine" in printed and "private key" not in printed
        assert not data_dir.exists(), "no demo key is made when the caller brings keys"
        assert isinstance(await _list(sim.url, Credentials("mine", KEY)), p.Ok)


async def test_fault_flags_arm_the_faults(tmp_path: Path) -> None:
    args = _args("--data-dir", str(tmp_path), "--reject-handshakes", "503", "--data-envelope",
                 "--unknown-type-every", "3")
    async with _serving(args) as (sim, printed):
        key_path = re.search(r"private key: (\S+)", printed).group(1)
        credentials = Credentials.load(cli.DEMO_KEY_ID, key_path)
        with pytest.raises(websockets.InvalidStatus) as caught:
            await _list(sim.url, credentials)
        assert caught.value.response.status_code == 503
        async with websockets.connect(sim.url, additional_headers=credentials.headers()) as ws:
            client = Client(ws)
            await client.subscribe([p.TRADE])
            sim.step(300)
            await client.send(p.list_subscriptions(50))
            messages = await client.until(lambda m: m.id == 50)
        assert '"data":' in client.received[0].raw
        unknown = [m for m in messages if isinstance(m, p.UnknownMessage)]
        trades = [m for m in messages if isinstance(m, p.Trade)]
        assert trades and len(unknown) == len(trades) // 3


def test_unpaired_key_options_fail_with_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(_args("--key-id", "a", "--key-id", "b", "--public-key", str(tmp_path / "a.pub"))) == 2
    assert "--public-key" in capsys.readouterr().err
