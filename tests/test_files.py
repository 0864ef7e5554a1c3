"""core.files: every output appears whole or not at all, and no temp file outlives a write."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import BinaryIO

import pytest

from diagnose.core import files


def test_write_atomic_replaces_content_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("old: 1\n", encoding="utf-8")
    files.write_atomic(path, "new: 울산\n")
    assert path.read_text(encoding="utf-8") == "new: 울산\n"
    assert os.listdir(tmp_path) == ["r.yaml"]


@pytest.mark.parametrize("content", [b"\xef\xbb\xbfa,b\r\n", "a,b\r\n", ["a,", "b\r\n"],
                                     lambda handle: handle.write(b"a,b\r\n")])
def test_text_bytes_pieces_and_a_writer_function_give_the_same_file(
        tmp_path: Path, content: files.Content) -> None:
    path = tmp_path / "t.csv"
    files.write_atomic(path, content)
    assert path.read_bytes().removeprefix(b"\xef\xbb\xbf") == b"a,b\r\n"


def test_write_atomic_creates_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "responses" / "r.yaml"
    files.write_atomic(path, "a: 1\n")
    assert path.read_text(encoding="utf-8") == "a: 1\n"


def test_the_file_is_readable_as_any_other_not_private_to_the_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    files.write_atomic(path, "a\r\n")
    assert stat.S_IMODE(path.stat().st_mode) == files.FILE_MODE  # mkstemp's 0600 is gone


def test_write_atomic_failure_keeps_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("old: 1\n", encoding="utf-8")
    with pytest.raises(TypeError):
        files.write_atomic(path, 12345)  # type: ignore[arg-type]  # fails while writing
    assert path.read_text(encoding="utf-8") == "old: 1\n"
    assert os.listdir(tmp_path) == ["r.yaml"]


def test_a_writer_that_fails_half_way_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF old")

    def half(handle: BinaryIO) -> None:
        handle.write(b"%PDF new, half of it")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        files.write_atomic(path, half)
    assert path.read_bytes() == b"%PDF old"
    assert os.listdir(tmp_path) == ["report.pdf"]


def test_two_writers_of_one_file_at_once_both_finish_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both have written their file before either renames: each renames its own."""
    path = tmp_path / "scores.csv"
    both_written = threading.Barrier(2, timeout=30)
    rename = os.replace

    def replace_together(source: str, target: Path) -> None:
        both_written.wait()
        rename(source, target)

    monkeypatch.setattr(os, "replace", replace_together)
    failures: list[BaseException] = []

    def write(text: str) -> None:
        try:
            files.write_atomic(path, text * 10_000)
        except BaseException as exc:  # the test reports it
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(t,)) for t in ("a,b\r\n", "c,d,e\r\n")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert path.read_bytes() in {b"a,b\r\n" * 10_000, b"c,d,e\r\n" * 10_000}
    assert os.listdir(tmp_path) == ["scores.csv"]
