"""``record -o`` never destroys what it names, and recordings are private (mode 0600).

A recording that failed to start once removed its output path: a symlink's target was
overwritten and removed, a device node deleted. Now the output is written beside the target and
renamed over it on success; a symlink, directory or device is refused; a failed start removes
only the program's own temporary file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.feed.recording import Recorder, RecordingError
from tests.cli_support import assert_one_line_error, closed_port, run_cli, write_key
from tests.conftest import KEY_ID

PATH = "/trade-api/ws/v2"


@pytest.fixture
def refused(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> list[str]:
    """Flags that make a recording fail to start: a loopback port nothing listens on."""
    key = write_key(tmp_path / "key.pem", rsa_key)
    return ["--url", f"ws://127.0.0.1:{closed_port()}{PATH}", "--key-id", KEY_ID, "--private-key", str(key)]


def _record(tmp_path: Path, output: Path | str, flags: list[str]):
    return run_cli(tmp_path, "record", "-o", str(output), *flags)


def _leftovers(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(".part")]


def test_a_failed_start_leaves_an_existing_file_as_it_was(tmp_path: Path, refused: list[str]) -> None:
    out = tmp_path / "yesterday.jsonl"
    out.write_text("yesterday's recording\n")
    assert_one_line_error(_record(tmp_path, out, refused), "cannot connect")
    assert out.read_text() == "yesterday's recording\n"
    assert _leftovers(tmp_path) == []


def test_a_symlink_is_refused_and_its_target_untouched(tmp_path: Path, refused: list[str]) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(victim)
    assert_one_line_error(_record(tmp_path, link, refused), "link.jsonl", "symlink", "choose another -o FILE")
    assert victim.read_text() == "precious\n" and link.is_symlink()
    assert _leftovers(tmp_path) == []


def test_a_directory_is_refused(tmp_path: Path, refused: list[str]) -> None:
    (tmp_path / "dir").mkdir()
    assert_one_line_error(_record(tmp_path, tmp_path / "dir", refused), "a directory")
    assert (tmp_path / "dir").is_dir()


def test_a_device_node_is_refused_and_kept(tmp_path: Path, refused: list[str]) -> None:
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a twin of /dev/null, in the test's directory
    except PermissionError:
        pytest.skip("creating a device node needs root")
    assert_one_line_error(_record(tmp_path, node, refused), "a device")
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_a_fifo_is_refused(tmp_path: Path, refused: list[str]) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert_one_line_error(_record(tmp_path, fifo, refused), "a FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("name", ["private.jsonl", "private.jsonl.gz"])
def test_a_recording_is_private_from_its_first_byte_and_replaces_the_target_when_done(
        tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    out.write_text("old\n")
    out.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        recorder = Recorder(out, {"endpoint": "SIM"})
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(recorder.partial_path).st_mode) == 0o600
    assert recorder.partial_path.parent == tmp_path and out.read_text() == "old\n"
    recorder("{}", 1.0)
    recorder.close()
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert _leftovers(tmp_path) == []


def test_discard_removes_only_its_own_file(tmp_path: Path) -> None:
    out = tmp_path / "kept.jsonl"
    out.write_text("kept\n")
    recorder = Recorder(out, {"endpoint": "SIM"})
    recorder.discard()
    assert out.read_text() == "kept\n" and _leftovers(tmp_path) == []


def test_a_target_that_became_a_symlink_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "swap.jsonl"
    recorder = Recorder(out, {"endpoint": "SIM"})
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out.symlink_to(victim)  # swapped in while recording
    with pytest.raises(OSError, match="symlink.*kept in"):
        recorder.close()
    assert victim.read_text() == "precious\n" and out.is_symlink()
    assert recorder.partial_path.exists()  # the recording is not lost


def test_refusals_are_recording_errors(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="cannot write the recording to .*: it is a directory"):
        Recorder(tmp_path, {})

