"""A crash of the dashboard exits non-zero with one line on stderr, and never shows a secret.

Textual's own report of an unhandled exception is a traceback with every frame's local variables,
which printed the start of a request's signature, with exit status 0. Here the real command line
runs in a subprocess (headless, through Textual's ``TEXTUAL_DRIVER``) with a dashboard whose
mount handler fails while a freshly signed request's headers are among its local variables: no
value an exchange can send crashes the app any more, so the bug is put there by the test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.cli_support import ROOT, TIMEOUT, Result, clean_env, pem_secrets, stderr_lines, write_key

# The real `kalshi-dash` entry point, its dashboard replaced by one with a bug in a handler that
# holds a signed request's headers (the signature is written to a file, for the test to look for).
CRASHING_CLI = """
import sys
from pathlib import Path

from app.tui import main as app_main
from app.feed.auth import Credentials, load_private_key
from app.cli.main import main


class CrashingApp(app_main.KalshiDashApp):
    def on_mount(self) -> None:
        headers = Credentials("crash-key", load_private_key(sys.argv[1])).headers()
        Path(sys.argv[2]).write_text(headers["KALSHI-ACCESS-SIGNATURE"])
        raise RuntimeError("a bug in a handler")


app_main.KalshiDashApp = CrashingApp
sys.exit(main(sys.argv[3:]))
"""
HEADLESS = "textual.drivers.headless_driver:HeadlessDriver"


def run_crashing_dashboard(home: Path, key: Path, *args: str) -> tuple[Result, str]:
    """Run the crashing dashboard with ``args``; what it left, and the signature it held."""
    signature_file = home / "signature"
    done = subprocess.run([sys.executable, "-c", CRASHING_CLI, str(key), str(signature_file), *args], cwd=ROOT,
                          env=clean_env(home, TEXTUAL_DRIVER=HEADLESS), capture_output=True, text=True,
                          timeout=TIMEOUT)
    return Result(done.returncode, done.stdout, done.stderr), signature_file.read_text()


def assert_no_secret(result: Result, signature: str, key: Path) -> None:
    for secret in [signature, signature[:16], signature[-16:], *pem_secrets(key)]:
        assert secret not in result.output


@pytest.fixture
def key_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    return write_key(tmp_path / "key.pem", rsa_key)


def test_a_crash_exits_1_with_one_line_and_no_secret(tmp_path: Path, key_file: Path) -> None:
    result, signature = run_crashing_dashboard(tmp_path, key_file)
    assert result.returncode == 1, result
    assert stderr_lines(result) == [
        "kalshi-dash: unexpected error: RuntimeError: a bug in a handler (run with --debug for the traceback)"
    ]
    assert "Traceback" not in result.output and "headers" not in result.output
    assert_no_secret(result, signature, key_file)


def test_with_debug_the_traceback_has_no_local_variables(tmp_path: Path, key_file: Path) -> None:
    result, signature = run_crashing_dashboard(tmp_path, key_file, "--debug")
    assert result.returncode == 1, result
    lines = stderr_lines(result)
    assert lines[-1] == "kalshi-dash: unexpected error: RuntimeError: a bug in a handler"
    assert "Traceback (most recent call last):" in result.stderr
    assert ", in on_mount\nRuntimeError: a bug in a handler\n" in result.stderr
    assert "KALSHI-ACCESS" not in result.output  # the headers dict, a local, is not shown
    assert_no_secret(result, signature, key_file)
