"""A private output file written beside its target and renamed over it when complete.

:class:`PrivateOutput` never opens, follows or removes anything it did not create: it refuses a
target that is a symlink, a directory, a device or anything else but a regular file; it writes to
a new temporary file in the target's directory (created exclusively, mode 0600, so a recording of
fills, positions and orders is private from its first byte); :meth:`commit` renames the temporary
file over the target, and :meth:`discard` removes the temporary file alone.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from app.core.small_files import file_kind

TEMP_SUFFIX = ".part"


class OutputError(Exception):
    """Why an output path cannot or must not be written, in a few words (without the path)."""


def refuse_unsafe_target(target: Path) -> None:
    """Raise :class:`OutputError` unless ``target`` is absent or a regular file (not a symlink)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(mode):
        raise OutputError(f"it is {file_kind(mode)}, not a regular file; name a new or regular file")


class PrivateOutput:
    """A temporary file beside ``target``, mode 0600, that becomes ``target`` on :meth:`commit`."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        refuse_unsafe_target(self.target)
        try:
            handle, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=TEMP_SUFFIX,
                                            dir=self.target.parent)  # O_EXCL, O_NOFOLLOW, mode 0600
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from None
        self.temporary = Path(name)
        self.file: BinaryIO = os.fdopen(handle, "wb")
        self.committed = False

    def commit(self) -> None:
        """Close the file and rename it over the target (raises OSError; the data stays in
        :attr:`temporary` when the target turned into something that must not be replaced)."""
        self.file.close()
        try:
            refuse_unsafe_target(self.target)
        except OutputError as exc:
            raise OSError(f"{self.target}: {exc}; the data is kept in {self.temporary}") from None
        os.replace(self.temporary, self.target)
        self.committed = True

    def discard(self) -> None:
        """Close the file and remove it; the target is left as it was."""
        self.file.close()
        self.temporary.unlink(missing_ok=True)
