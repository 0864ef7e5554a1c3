"""Atomic output files: every file ``diagnose`` writes appears whole or not at all.

Response files (after every answer), score tables, blank survey sheets, workbooks and PDFs all
go through ``write_atomic``: the content goes to a hidden temp file with a unique name
(``.NAME.XXXXXXXX.tmp``) in the target's own folder, is flushed to the disk, and is renamed
over the target in one step. A crash, a dead battery or a full disk leaves the old file or the
new one, never half of one; two runs writing the same file at once each finish their own temp
file, and the last rename wins with a complete file. A failed write removes its temp file.

An output never replaces an input: inside ``keeping(inputs)`` (every command that reads files
and writes others runs in one), ``write_atomic`` refuses a target that is one of the inputs, so
``score survey.csv -o survey.csv`` stops with one line instead of putting the scores over the
answers they came from.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg


def _file_mode() -> int:
    """rw for whoever the umask allows: temp files start as 0600, finished files should not."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()

Content = str | bytes | Iterable[str] | Callable[[BinaryIO], object]


# The input files of the running command, by (device, inode): the same file whatever its
# spelling (./x.csv, a link, another case on a case-insensitive disk), as os.path.samefile
# compares. A plain module variable, not a ContextVar: threads writing outputs see it too.
_kept: frozenset[tuple[int, int]] = frozenset()


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a regular file; None for a folder or a path that does not exist."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


@contextlib.contextmanager
def keeping(inputs: Iterable[Path | None]) -> Iterator[None]:
    """While inside, no output may replace one of ``inputs`` (``refuse_input``).

    Folders among ``inputs`` are not kept (an output may go into a folder of inputs), and
    ``None`` (an option not given) is skipped.
    """
    global _kept
    previous = _kept
    found = (_identity(path) for path in inputs if path is not None)
    _kept = previous | {key for key in found if key is not None}
    try:
        yield
    finally:
        _kept = previous


def refuse_input(path: Path) -> None:
    """A ``DiagnoseError`` (exit 2) when ``path`` is one of the inputs being kept."""
    if _kept and _identity(path) in _kept:
        raise DiagnoseError(Msg(
            "입력 파일이므로 결과로 덮어쓰지 않습니다: 출력(-o, --out)에 입력과 다른 이름을 지정하세요",
            "it is one of the inputs, so it is not overwritten: give the output (-o, --out) "
            "another name"), where=path)


def write_atomic(path: Path, content: Content) -> None:
    """Write ``content`` to ``path`` so that a crash leaves either the old or the new file.

    ``content`` is UTF-8 text, bytes written as they are, an iterable of text pieces written as
    they come (never joined whole in memory), or a function that writes into the binary file
    it is given (a PDF renderer, a zip archive: the file is seekable). The folder is made when
    missing. Temp file in the same folder (a rename never crosses file systems), fsync, rename,
    then fsync of the folder so that the rename itself survives a power cut. A target that is
    one of the inputs being kept is refused (``refuse_input``) before anything is written.
    """
    refuse_input(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(content):
                content(handle)
            elif isinstance(content, bytes):
                handle.write(content)
            elif isinstance(content, str):
                handle.write(content.encode("utf-8"))
            else:
                handle.writelines(piece.encode("utf-8") for piece in content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)  # mkstemp made it 0600: readable as any other output file
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that a rename into it survives a power cut.

    Best effort: Windows cannot open a folder, and some file systems refuse the fsync.
    """
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
