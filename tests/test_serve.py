"""Browser mode: ``kalshi-dash serve`` answers the page over HTTP on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from app.serve_cli import dashboard_command, is_loopback

pytest.importorskip("textual_serve")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch_when_up(url: str, process: subprocess.Popen[bytes], limit: float = 20.0) -> str:
    """GET ``url`` as soon as the server accepts connections (fails if it exits or never does)."""
    deadline = time.monotonic() + limit
    while True:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                return response.read().decode()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # the server gives no readiness signal: retry the connection


def test_serve_answers_the_page_on_loopback() -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--", "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        page = _fetch_when_up(f"http://127.0.0.1:{port}/", process)
        assert "kalshi-dash" in page
        assert f"ws://127.0.0.1:{port}/ws" in page
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert b"WARNING" not in err
    assert f"http://127.0.0.1:{port}".encode() in err


def test_only_loopback_counts_as_private() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.com")


def test_each_tab_runs_the_dashboard_with_the_given_flags() -> None:
    command = dashboard_command(["--", "--market", "KX-[A]", "--seed", "3"])
    assert command.endswith("-m app.cli --market 'KX-[A]' --seed 3")
