"""Hostile endpoint URLs: checked completely before any connection, credentials never kept.

A malformed host (``ws://a..b``) once reached the connect, crashed on IDNA with the signed
headers in the traceback and exited 0; ``record`` exited 0 having recorded nothing. Credentials
in a URL (``ws://user:pw@host``) were kept in recording headers and shown on screen.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.cli import record as record_cli
from app.config import ConnectionSettings
from app.feed.recording import Recorder, RecordingFile
from app.feed.ws_url import UrlError, check_ws_url, without_credentials
from tests.cli_support import assert_one_line_error, closed_port, run_cli, write_key
from tests.conftest import KEY_ID

PATH = "/trade-api/ws/v2"


@pytest.fixture
def key_file(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> Path:
    return write_key(tmp_path / "key.pem", rsa_key)


@pytest.mark.parametrize("url, says", [
    (f"ws://a..b{PATH}", "not a valid name"),
    (f"ws://.{PATH}", "not a valid name"),
    (f"ws://-host-.example{PATH}", "not a valid name"),
    (f"ws://{'x' * 64}.example{PATH}", "not a valid name"),
    (f"ws://host_name.example{PATH}", "not a valid name"),
    (f"ws://1.2.3.999{PATH}", "neither an IP address nor a name"),
    (f"ws://[not-ipv6]{PATH}", "IPv6 address"),
    (f"ws://[::1{PATH}", "bad URL"),
    (f"ws://host:0{PATH}", "1 to 65535"),
    (f"ws://host:65536{PATH}", "1 to 65535"),
    (f"ws://host:-1{PATH}", "1 to 65535"),
    (f"ws://ho st{PATH}", "spaces or control characters"),
    (f"ws://host{PATH}\x1b[2J", "spaces or control characters"),
    (f"ws://host{PATH}#top", "no #fragment"),
    (f"ws://host{PATH}/extra", f"must end in {PATH}"),
])
def test_bad_urls_are_refused_with_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(UrlError, match=says) as info:
        check_ws_url(url)
    assert "\n" not in str(info.value) and "\x1b" not in str(info.value)


@pytest.mark.parametrize("url", [
    f"wss://api.elections.kalshi.com{PATH}", f"ws://127.0.0.1:8765{PATH}", f"ws://[::1]:8765{PATH}",
    f"ws://localhost{PATH}", f"wss://bücher.example{PATH}", f"wss://host.example.{PATH}",
    f"wss://proxy.example/kalshi{PATH}?region=us",
])
def test_good_urls_pass(url: str) -> None:
    assert check_ws_url(url) == url


def test_a_malformed_host_is_one_line_exit_2_before_any_signature(tmp_path: Path, key_file: Path) -> None:
    result = run_cli(tmp_path, "--url", f"ws://a..b{PATH}", "--key-id", KEY_ID, "--private-key", str(key_file))
    assert_one_line_error(result, "bad URL", "a..b", "not a valid name")
    assert "KALSHI-ACCESS" not in result.output


def test_record_refuses_a_malformed_host_and_leaves_no_file(tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run_cli(tmp_path, "record", "-o", str(out), "--url", f"ws://a..b{PATH}", "--key-id", KEY_ID,
                     "--private-key", str(key_file))
    assert_one_line_error(result, "bad URL", "a..b")
    assert sorted(tmp_path.iterdir()) == [key_file]  # neither the file nor a temporary


async def test_record_that_never_connected_exits_non_zero_whatever_stopped_it(
        tmp_path: Path, key_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Past the URL check (settings made directly), a connect that raises is still a failed start."""
    out = tmp_path / "out.jsonl"
    settings = ConnectionSettings("CUSTOM", f"ws://a..b{PATH}", KEY_ID, str(key_file))
    args = argparse.Namespace(output=str(out), market=[], duration=5.0, rest_url=None)
    assert await record_cli._record(args, settings, None) == 2
    err = capsys.readouterr().err
    assert "cannot connect to ws://a..b" in err and "recorded" not in err
    assert sorted(tmp_path.iterdir()) == [key_file]  # neither the file nor its temporary


@pytest.mark.parametrize("where", ["flag", "profile"])
def test_credentials_in_a_url_are_refused_and_never_shown(tmp_path: Path, key_file: Path, where: str) -> None:
    url = f"ws://trader:hunter2secret@127.0.0.1:{closed_port()}{PATH}"
    if where == "flag":
        args = ["--url", url, "--key-id", KEY_ID, "--private-key", str(key_file)]
    else:
        config = tmp_path / "config.toml"
        config.write_text(f'[profiles.p]\nurl = "{url}"\nkey_id = "{KEY_ID}"\nprivate_key = "{key_file}"\n')
        args = ["--config", str(config), "--profile", "p"]
    out = tmp_path / "out.jsonl"
    result = run_cli(tmp_path, "record", "-o", str(out), *args)
    assert_one_line_error(result, "credentials in a URL", "--key-id")
    assert "hunter2secret" not in result.output and "trader" not in result.output
    assert not out.exists()


def test_a_recording_never_keeps_url_credentials(tmp_path: Path) -> None:
    """Written by this program (the header is cleaned) or by another (cleaned when read)."""
    path = tmp_path / "r.jsonl.gz"
    recorder = Recorder(path, {"endpoint": "CUSTOM", "url": f"wss://me:hunter2secret@host.example{PATH}"})
    recorder.close()
    assert b"hunter2secret" not in gzip.decompress(path.read_bytes())
    assert RecordingFile.load(path).header["url"] == f"wss://host.example{PATH}"

    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text(json.dumps({"kalshi_dash_recording": 1, "url": f"ws://u:hunter2secret@h{PATH}"}) + "\n")
    assert RecordingFile.load(foreign).header["url"] == f"ws://h{PATH}"


def test_without_credentials() -> None:
    assert without_credentials(f"ws://u:p@h:1{PATH}?q=1") == f"ws://h:1{PATH}?q=1"
    assert without_credentials(f"ws://h{PATH}") == f"ws://h{PATH}"
