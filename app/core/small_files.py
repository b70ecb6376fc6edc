"""Opening files named by the user safely: regular files only, and small files never more than
a limit.

A path that names a FIFO, a device or a directory is refused without blocking (the file is
opened with ``O_NONBLOCK`` and checked with ``fstat`` before any read), and a file larger than
the limit is refused without being read whole: ``--private-key /dev/zero`` or a FIFO is an error
line, not an endless read or a hang.
"""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from typing import BinaryIO

MAX_SMALL_FILE = 2**20  # 1 MiB: a PEM key is a few KB, a config file a few KB


class FileRefused(Exception):
    """A file that is not read: not a regular file, or too large; the message says which."""


def file_kind(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words: "a symlink", "a directory", ..."""
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """The regular file at ``path`` open for reading; :class:`FileRefused` when it is anything
    else (checked before any read, without blocking); OSError when it cannot be opened."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(f"it is {file_kind(mode)}, not a regular file")
        fcntl.fcntl(descriptor, fcntl.F_SETFL, fcntl.fcntl(descriptor, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_small_file(path: str | os.PathLike[str], limit: int = MAX_SMALL_FILE) -> bytes:
    """The bytes of the regular file at ``path``; :class:`FileRefused` when it is not a regular
    file or holds more than ``limit`` bytes; OSError when it cannot be opened or read."""
    with open_regular(path) as file:
        data = file.read(limit + 1)
    size = len(data)
    if size > limit:
        raise FileRefused(f"it is larger than {limit // 1024:,} KiB")
    return data


def read_small_text(path: Path, limit: int = MAX_SMALL_FILE) -> str:
    """:func:`read_small_file` decoded as UTF-8 (:class:`FileRefused` when it is not UTF-8)."""
    data = read_small_file(path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRefused(f"it is not UTF-8 text (byte {exc.start + 1} cannot be decoded)") from None
