"""Running the real ``kalshi-dash`` command line in a subprocess, and writing key files for it.

No tests here. The subprocess gets a clean environment: no ``KALSHI_*`` variables, and config and
data directories of its own, so a developer's own config never leaks into a test.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = "correct horse battery staple"
TIMEOUT = 60.0  # seconds: a failure guard for a hung command, never a synchronisation


@dataclass
class Result:
    """What a finished command left: its exit status and both output streams."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess: no KALSHI_* variables, its own config and data dirs."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KALSHI_")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               PYTHONWARNINGS="default", COLUMNS="100")
    env.update(extra)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli.main", *args]


def run_cli(home: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``kalshi-dash ARGS`` to completion."""
    done = subprocess.run(command(*args), cwd=ROOT, env=env or clean_env(home), capture_output=True,
                          text=True, timeout=TIMEOUT)
    return Result(done.returncode, done.stdout, done.stderr)


async def run_cli_async(home: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """The same, without blocking the event loop (a simulator in this process keeps serving)."""
    process = await asyncio.create_subprocess_exec(
        *command(*args), cwd=ROOT, env=env or clean_env(home),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(TIMEOUT):
        stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Result(process.returncode, stdout.decode(), stderr.decode())


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_key(path: Path, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, passphrase: str | None = None,
              mode: int = 0o600) -> Path:
    """A PEM private key file (PKCS#8, encrypted with ``passphrase`` when given)."""
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    path.chmod(mode)
    return path


def pem_secrets(path: Path) -> list[str]:
    """Pieces of a PEM file that must never be shown: each base64 line of its body."""
    lines = path.read_text().splitlines()
    return [line for line in lines if line and not line.startswith("-----")]


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit status 2, no traceback, and exactly one line on stderr holding every fragment."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.output, result.stderr
    lines = stderr_lines(result)
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith("kalshi-dash"), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def assert_usage_error(result: Result, *fragments: str) -> str:
    """argparse's form: the usage, then one error line that holds every fragment; exit status 2."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.output, result.stderr
    lines = stderr_lines(result)
    assert lines[0].startswith("usage: kalshi-dash"), lines
    assert all(line.startswith(" ") for line in lines[1:-1]), lines  # the usage's own lines
    line = lines[-1]
    assert line.startswith("kalshi-dash") and ": error: " in line and "--help" in line, line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line
