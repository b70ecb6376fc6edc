"""Hostile files and numbers: bounded reads, no hangs, one line and exit status 2 for each.

``--private-key /dev/zero`` was read whole and a FIFO hung the start; a non-UTF-8 or unreadable
config was an "unexpected error" (exit 1); ``--speed nan|inf``, ``--duration nan|-5`` and
``cooldown = nan`` were accepted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.config import ConfigError, load_preferences
from app.core.small_files import MAX_SMALL_FILE, FileRefused, read_small_file
from tests.cli_support import assert_one_line_error, assert_usage_error, run_cli, write_key
from tests.conftest import KEY_ID

# -- key and config files ------------------------------------------------------------------------


@pytest.mark.parametrize("make, says", [
    (lambda path: os.mkfifo(path), "a FIFO"),
    (lambda path: path.write_bytes(b"-----BEGIN PRIVATE KEY-----\n" + b"A" * (MAX_SMALL_FILE + 1)), "larger than"),
])
def test_a_key_file_that_is_a_fifo_or_huge_is_one_line(tmp_path: Path, make, says: str) -> None:
    key = tmp_path / "key.pem"
    make(key)
    result = run_cli(tmp_path, "--key-id", KEY_ID, "--private-key", str(key))
    assert_one_line_error(result, "cannot use private key file", says)


def test_a_device_is_refused_before_any_read() -> None:
    with pytest.raises(FileRefused, match="a device"):
        read_small_file("/dev/zero")  # endless: read whole, it would take all the memory


def test_a_file_is_read_up_to_the_limit_only(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_small_file(path, limit=100) == b"x" * 100
    with pytest.raises(FileRefused, match="larger than"):
        read_small_file(path, limit=99)


@pytest.mark.parametrize("make, says", [
    (lambda path: path.write_bytes(b'watchlist = ["\xff\xfe"]\n'), "not UTF-8 text (byte 15"),
    (lambda path: os.mkfifo(path), "a FIFO"),
    (lambda path: path.mkdir(), "a directory"),
    (lambda path: path.write_text("# " + "x" * MAX_SMALL_FILE + "\n"), "larger than"),
    (lambda path: path.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n"), "nests arrays or tables too deeply"),
])
@pytest.mark.parametrize("command", [[], ["record", "-o", "out.jsonl"]])
def test_every_config_file_failure_is_one_line_exit_2(tmp_path: Path, make, says: str, command: list[str]) -> None:
    config = tmp_path / "config.toml"
    make(config)
    assert_one_line_error(run_cli(tmp_path, *command, "--config", str(config)), str(config), says)


@pytest.mark.parametrize("text, says", [("cooldown = nan", "cooldown must be a number of seconds"),
                                        ("window = inf", "window must be a number of seconds")])
def test_a_bad_alert_number_is_one_line_exit_2(tmp_path: Path, text: str, says: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[alerts]\n{text}\n")
    assert_one_line_error(run_cli(tmp_path, "--config", str(config)), says, "is not a finite number")


@pytest.mark.parametrize("text, says", [
    ("cooldown = nan", "nan is not a finite number"),
    ("cooldown = -inf", "is not a finite number"),
    ("cooldown = 1e9", "is not from 0 to 86,400"),
    ("window = -1", "is not from 0 to 86,400"),
    ("burst = 1.5", "is not a whole number"),
    ("burst = 1_000_000", "is not from 0 to 10,000"),
])
def test_alert_numbers_are_finite_and_in_range(tmp_path: Path, text: str, says: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f"[alerts]\n{text}\n")
    with pytest.raises(ConfigError, match=says):
        load_preferences(config, explicit=True)


# -- numeric flags -------------------------------------------------------------------------------


@pytest.mark.parametrize("args, says", [
    (["--speed", "nan"], "'nan' is not a finite number"),
    (["--speed", "inf"], "'inf' is not a finite number"),
    (["--speed", "1e400"], "is not a finite number"),
    (["--speed", "-1"], "'-1' is not from 0 to 1,024"),
    (["record", "-o", "x.jsonl", "--duration", "nan"], "is not a finite number"),
    (["record", "-o", "x.jsonl", "--duration", "-5"], "'-5' is not more than 0"),
    (["record", "-o", "x.jsonl", "--duration", "0"], "'0' is not more than 0"),
    (["sim", "--rate", "nan"], "is not a finite number"),
    (["sim", "--events", "0"], "'0' is not from 1 to 1,000"),
    (["sim", "--markets", "10000000"], "is not from 1 to 20,000"),
    (["sim", "--ping-interval", "0"], "is not more than 0"),
    (["sim", "--clock-skew", "inf"], "is not a finite number"),
    (["sim", "--drop-every", "-1"], "is not more than 0"),
    (["sim", "--stall-every", "nan"], "is not a finite number"),
    (["sim", "--stall-for", "1e9"], "is not from 0 to 86,400"),
    (["sim", "--skip-seq-every", "0"], "is not from 1 to"),
    (["sim", "--reject-count", "-2"], "is not from 1 to"),
    (["serve", "--max-sessions", "0"], "is not from 1 to 64"),
    (["serve", "--max-sessions", "inf"], "is not a whole number"),
])
def test_numeric_flags_are_finite_and_in_range(tmp_path: Path, args: list[str], says: str) -> None:
    assert_usage_error(run_cli(tmp_path, *args), says)


def test_a_key_file_others_can_read_still_only_warns(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    """The bounded read keeps the permission warning (and reads a real key)."""
    key = write_key(tmp_path / "key.pem", rsa_key, mode=0o644)
    from app.feed.auth import load_private_key

    with pytest.warns(UserWarning, match="chmod 600"):
        loaded = load_private_key(key)
    assert loaded.private_numbers() == rsa_key.private_numbers()
