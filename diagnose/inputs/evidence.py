"""Evidence files beside a response file: which ones a report may show, and how.

A consultant lists evidence per answer (``evidence: [photos/line2.jpg]``), paths relative to
the response file's folder. The paths are untrusted text, like everything in a response file
that travelled between laptops, so a report only ever reads a file when all of this holds:

* the path is relative, has no ``..`` part, and (links followed) stays inside the folder;
* it is a regular file (never a device or a FIFO, which would hang the reader), at most
  ``MAX_BYTES``;
* for a picture: its first bytes say JPEG, PNG, GIF or WebP (SVG is never embedded: it can
  fetch URLs), and Pillow decodes it within ``MAX_PIXELS``.

A picture is re-encoded as a JPEG of at most ``THUMB_SIZE`` pixels: the PDF stays small, and
the photo's metadata (EXIF, with the camera's GPS position of the plant) stays out of it. Any
other file is only named in the report; its content is never read, attached or linked.
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from diagnose.core.i18n import Msg

MAX_BYTES = 30 * 1024 * 1024  # a phone photo is 3-12 MB
MAX_PIXELS = 60_000_000  # 60 MP: more than any phone; a decompression bomb is far beyond
THUMB_SIZE = (1200, 1200)
JPEG_QUALITY = 82

IMAGE_MAGIC = ((b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"),
               (b"GIF87a", "gif"), (b"GIF89a", "gif"))

OUTSIDE = Msg("응답 파일 폴더 밖을 가리킬 수 있어 읽지 않습니다 (절대 경로, '..', 밖으로 가는 링크)",
              "not read: it may point outside the response file's folder "
              "(an absolute path, '..', a link leading out)")
NOT_FOUND = Msg("파일이 없습니다", "file not found")
NOT_FILE = Msg("일반 파일이 아니므로 읽지 않습니다", "not a regular file, so it is not read")
TOO_BIG = Msg("파일이 너무 큽니다 ({mb} MB, 최대 {max} MB)", "file too large ({mb} MB, at most {max} MB)")
UNREADABLE = Msg("그림 파일로 읽을 수 없습니다", "cannot be read as a picture")
TOO_MANY_PIXELS = Msg("그림이 너무 큽니다 ({mp} MP, 최대 {max} MP)",
                      "picture too large ({mp} MP, at most {max} MP)")


class EvidenceError(Exception):
    """An evidence file a report does not read, and why."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True)
class Found:
    """An evidence file that may be read: where it is and what it looks like."""

    path: Path
    kind: str  # "jpeg", "png", "gif", "webp", or "file" (named only, never read)


def _parts(written: str) -> tuple[str, ...] | None:
    """The path's parts, or None when it is absolute or climbs out with ``..``.

    Written on Windows or anywhere else: ``\\`` separates too, and a drive (``C:``) or a
    UNC share (``\\\\server\\x``) is absolute.
    """
    if not written or "\x00" in written:
        return None
    windows = PureWindowsPath(written)
    if windows.drive or windows.root:
        return None
    parts = PurePosixPath(written.replace("\\", "/")).parts
    if not parts or parts[0] == "/" or ".." in parts:
        return None
    return tuple(p for p in parts if p != ".")


def locate(folder: Path, written: str) -> Found:
    """The evidence file ``written`` (as in the response file) inside ``folder``.

    Raises ``EvidenceError`` when it must not be read: see the module's rules.
    """
    parts = _parts(written)
    if parts is None:
        raise EvidenceError(OUTSIDE)
    root = folder.resolve()
    try:
        path = root.joinpath(*parts).resolve(strict=True)
    except FileNotFoundError:
        raise EvidenceError(NOT_FOUND) from None
    except (OSError, RuntimeError):  # a link loop, a name too long
        raise EvidenceError(NOT_FOUND) from None
    if not path.is_relative_to(root):  # a link that leads out of the folder
        raise EvidenceError(OUTSIDE)
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise EvidenceError(NOT_FILE)
    if info.st_size > MAX_BYTES:
        raise EvidenceError(TOO_BIG.format(mb=round(info.st_size / 2**20),
                                           max=MAX_BYTES // 2**20))
    return Found(path, _kind(path))


def _kind(path: Path) -> str:
    head = _read(path, 16)
    for magic, kind in IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return "file"


def _read(path: Path, size: int = -1) -> bytes:
    """Read a regular file without following a link swapped in since ``locate``, without
    blocking on a FIFO, and never more than ``MAX_BYTES``."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        raise EvidenceError(NOT_FOUND) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise EvidenceError(NOT_FILE)
        data = handle.read(MAX_BYTES + 1 if size < 0 else size)
    if len(data) > MAX_BYTES:
        raise EvidenceError(TOO_BIG.format(mb=round(len(data) / 2**20), max=MAX_BYTES // 2**20))
    return data


def thumbnail(found: Found) -> bytes:
    """A picture as a small JPEG without metadata, upright as the camera held it."""
    from PIL import Image, ImageFile, ImageOps

    data = _read(found.path)
    # WeasyPrint, once imported, lets Pillow fill a cut-off picture with grey; here a damaged
    # photo is refused instead (one picture at a time: the flag is put back at once).
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            if image.format not in {"JPEG", "PNG", "GIF", "WEBP"}:
                raise EvidenceError(UNREADABLE)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise EvidenceError(TOO_MANY_PIXELS.format(
                    mp=round(width * height / 1e6), max=MAX_PIXELS // 1_000_000))
            image.draft("RGB", THUMB_SIZE)  # JPEG: decode at a fraction of the size
            picture = ImageOps.exif_transpose(image)
            picture.thumbnail(THUMB_SIZE)
            if picture.mode in {"RGBA", "LA", "P", "PA"}:  # transparency onto white paper
                picture = picture.convert("RGBA")
                paper = Image.new("RGB", picture.size, "white")
                paper.paste(picture, mask=picture.getchannel("A"))
                picture = paper
            out = io.BytesIO()
            picture.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
            return out.getvalue()
    except EvidenceError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceError(TOO_MANY_PIXELS.format(mp="?", max=MAX_PIXELS // 1_000_000)) from None
    except Exception:  # Pillow raises many kinds for a damaged or disguised file
        raise EvidenceError(UNREADABLE) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
