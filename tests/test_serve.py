"""Browser mode: ``kalshi-dash serve`` answers only its own page, with this run's token.

Every test runs the real command in a subprocess and talks to it over loopback with real HTTP and
WebSocket clients (aiohttp). A page on another origin once drove the dashboard (read the screen,
typed keys, quit it) and six sockets started six dashboard processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

from app.cli.serve import dashboard_command, is_loopback
from app.cli.serve_guard import COOKIE, allowed_hosts
from tests.cli_support import ROOT, TIMEOUT, clean_env

pytest.importorskip("textual_serve")

REPLAY = ROOT / "tests" / "data" / "sim-session.jsonl.gz"


@dataclass
class Served:
    """A running ``kalshi-dash serve``: its base URL (``http://127.0.0.1:PORT``) and token."""

    base: str
    token: str
    process: asyncio.subprocess.Process

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc


@contextlib.asynccontextmanager
async def serving(tmp_path: Path, *flags: str) -> AsyncIterator[Served]:
    """Start ``kalshi-dash serve --port 0 FLAGS``; the URL it prints is live when printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli.main", "serve", "--port", "0", *flags,
        "--", "--replay", str(REPLAY), "--speed", "0",
        cwd=ROOT, env=clean_env(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert process.stderr is not None
        async with asyncio.timeout(TIMEOUT):
            line = (await process.stderr.readline()).decode()
        found = re.search(r"open (http://\S+)/\?token=(\S+) in your browser", line)
        assert found, line
        yield Served(found.group(1), found.group(2), process)
    finally:
        process.terminate()
        async with asyncio.timeout(TIMEOUT):
            await process.communicate()


async def test_the_printed_url_opens_the_page_and_sets_a_private_cookie(tmp_path: Path) -> None:
    jar = aiohttp.CookieJar(unsafe=True)  # keeps cookies of IP-address hosts, as a browser does
    async with serving(tmp_path) as served, aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(f"{served.base}/?token={served.token}", allow_redirects=False) as response:
            assert response.status == 303 and response.headers["Location"] == "/"
            cookie = response.cookies[COOKIE]
            assert cookie.value == served.token and cookie["httponly"] and cookie["samesite"] == "Strict"
        async with http.get(f"{served.base}/") as response:  # the cookie, now
            page = await response.text()
            assert response.status == 200 and "kalshi-dash" in page
            assert f"ws://{served.host}/ws" in page and served.token not in page


def wrong_first_character(token: str) -> str:
    """``token`` with its first character changed (to one it is not: a random token may start with x)."""
    return ("y" if token.startswith("x") else "x") + token[1:]


async def test_foreign_hosts_origins_and_missing_or_wrong_tokens_are_refused(tmp_path: Path) -> None:
    async with serving(tmp_path) as served, aiohttp.ClientSession() as http:
        port = served.host.rsplit(":", 1)[1]
        token = {"token": served.token}
        refused = [
            ("no token", f"{served.base}/", {}, {}),
            ("wrong token", f"{served.base}/", {"token": wrong_first_character(served.token)}, {}),
            ("rebound name", f"{served.base}/", token, {"Host": f"attacker.example:{port}"}),
            ("foreign origin", f"{served.base}/", token, {"Origin": "http://attacker.example"}),
            ("ws: no token", f"{served.base}/ws", {}, {"Origin": served.base}),
            ("ws: wrong token", f"{served.base}/ws", {"token": served.token[:-1]}, {"Origin": served.base}),
            ("ws: foreign origin", f"{served.base}/ws", token, {"Origin": "http://attacker.example"}),
            ("ws: rebound name", f"{served.base}/ws", token,
             {"Host": f"attacker.example:{port}", "Origin": f"http://attacker.example:{port}"}),
            ("download", f"{served.base}/download/anything", {}, {}),
        ]
        for what, url, query, headers in refused:
            async with http.get(url, params=query, headers=headers, allow_redirects=False) as response:
                assert response.status == 403, what
                assert served.token not in await response.text(), what
        async with http.get(f"{served.base}/static/js/textual.js") as response:
            assert response.status == 200  # textual-serve's own script needs no token


async def test_the_right_token_opens_a_session_and_the_cap_holds(tmp_path: Path) -> None:
    async with serving(tmp_path, "--max-sessions", "1") as served, aiohttp.ClientSession() as http:
        url = f"{served.base}/ws?width=80&height=24"
        headers = {"Cookie": f"{COOKIE}={served.token}"}
        async with http.ws_connect(url, origin=served.base, headers=headers) as first:
            async with asyncio.timeout(TIMEOUT):
                message = await first.receive()  # the dashboard process draws its first screen
            assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(url, origin=served.base, headers=headers)
            assert refused.value.status == 503
        async with asyncio.timeout(TIMEOUT):  # the first closed: its place is free again
            while True:
                try:
                    second = await http.ws_connect(url, origin=served.base, headers=headers)
                except aiohttp.WSServerHandshakeError as exc:
                    assert exc.status == 503
                    await asyncio.sleep(0.05)  # the server has not yet seen the close
                    continue
                await second.close()
                break


def test_the_names_that_reach_the_server() -> None:
    assert allowed_hosts("127.0.0.1", 8000, loopback=True) == {
        "127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert allowed_hosts("192.168.1.5", 80, loopback=False) == {"192.168.1.5:80", "192.168.1.5"}
    assert allowed_hosts("0.0.0.0", 8000, loopback=False) is None  # any name: the token still guards


def test_only_loopback_counts_as_private() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.com")


def test_each_tab_runs_the_dashboard_with_the_given_flags() -> None:
    command = dashboard_command(["--", "--market", "KX-[A]", "--seed", "3"])
    assert command.endswith("-m app.cli.main --market 'KX-[A]' --seed 3")
