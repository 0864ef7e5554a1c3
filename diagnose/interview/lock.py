"""One interview per response file: a lock file beside it, checked against live processes.

Two sessions on one file would each save their own answers over the other's. So an
interview holds ``FILE.yaml.lock`` (created exclusively) while it runs. The lock names the
process (host, pid, its start time), so it needs no clean exit: after ``kill -9`` or a dead
battery the next ``diagnose interview`` finds the process gone and takes the lock over. A
lock from another computer (a folder shared or synced between laptops) cannot be checked:
it is refused with the host and the time, and the message says which file to delete once
that interview is known to be over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg

SUFFIX = ".lock"
FRESH_SECONDS = 1.0  # an empty lock younger than this is being written (one small write)


def lock_path(path: Path) -> Path:
    """Where the lock of response file ``path`` lives."""
    return path.with_name(path.name + SUFFIX)


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as written in the lock file."""

    host: str
    pid: int
    started: float | None  # the process's start time (clock ticks on Linux), against pid reuse
    since: str  # when the lock was taken, local ISO time
    token: str

    def text(self) -> str:
        return json.dumps({"host": self.host, "pid": self.pid, "started": self.started,
                           "since": self.since, "token": self.token})

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(str(data["host"]), int(data["pid"]),
                       None if data.get("started") is None else float(data["started"]),
                       str(data.get("since", "")), str(data["token"]))
        except (ValueError, KeyError, TypeError):
            return None


def _start_time(pid: int) -> float | None:
    """The process's start time since boot (Linux ``/proc``), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()  # the name in () may hold spaces
    try:
        return None if fields[0] == "Z" else float(fields[19])  # a zombie has ended
    except (IndexError, ValueError):
        return None


def _alive_windows(pid: int) -> bool:
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        return bool(kernel.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259
    finally:
        kernel.CloseHandle(handle)


def alive(holder: Holder) -> bool:
    """Whether the process that took the lock on this computer still runs."""
    if holder.pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would send Ctrl-C there
        return _alive_windows(holder.pid)
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    except OSError:
        return False
    if Path("/proc/self/stat").exists():
        now = _start_time(holder.pid)
        if now is None:
            return False  # gone, or a zombie
        if holder.started is not None and now != holder.started:
            return False  # the pid was reused by another process
    return True


def _mine() -> Holder:
    return Holder(socket.gethostname(), os.getpid(), _start_time(os.getpid()),
                  dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                  uuid.uuid4().hex)


def _refusal(path: Path, holder: Holder) -> DiagnoseError:
    since = holder.since.replace("T", " ")[:16]
    if holder.host != socket.gethostname():
        msg = Msg("다른 컴퓨터({h})에서 {t}부터 이 파일로 인터뷰 중입니다. 그 인터뷰가 끝났다면 "
                  "잠금 파일 {l}을(를) 지우고 다시 하세요",
                  "an interview on another computer ({h}) has had this file open since {t}; "
                  "if it is over, delete the lock file {l} and try again")
    else:
        msg = Msg("다른 인터뷰(프로세스 {p})가 {t}부터 이 파일을 쓰고 있습니다: 두 곳에서 답하면 "
                  "한쪽 답이 사라지므로 열지 않습니다. 그 창에서 q로 마친 뒤 이어 하세요 (그런 창이 "
                  "없으면 잠금 파일 {l}을(를) 지우세요)",
                  "another interview (process {p}) has had this file open since {t}: answers "
                  "from two places would overwrite each other, so it is not opened. Quit that "
                  "one with q, then resume (if there is no such window, delete the lock file {l})")
    return DiagnoseError(msg.format(h=holder.host, t=since, p=holder.pid, l=lock_path(path)),
                         where=path)


def _read(lock: Path) -> str | None:
    try:
        return lock.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""


def _stale(lock: Path, holder: Holder | None) -> bool:
    """Whether a lock may be taken over: its process has ended, or it was never written."""
    if holder is None:  # empty or torn: killed between creating and writing it
        try:
            return time.time() - lock.stat().st_mtime > FRESH_SECONDS
        except OSError:
            return True
    return holder.host == socket.gethostname() and not alive(holder)


def _remove_if_unchanged(lock: Path, text: str) -> None:
    """Take a stale lock away, unless another process replaced it meanwhile."""
    aside = lock.with_name(f"{lock.name}.{uuid.uuid4().hex[:8]}.stale")
    try:
        os.replace(lock, aside)
    except FileNotFoundError:
        return  # someone else took it away first
    if _read(aside) != text:  # it was a fresh lock: put it back where it was
        with contextlib.suppress(OSError):
            os.link(aside, lock)
    with contextlib.suppress(OSError):
        aside.unlink()


def acquire(path: Path) -> Holder:
    """Take the lock of response file ``path``; a ``DiagnoseError`` when it is held."""
    lock = lock_path(path)
    mine = _mine()
    for _ in range(100):  # a few rounds: another process may take or free it meanwhile
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            text = _read(lock)
            if text is None:
                continue  # released just now
            holder = Holder.parse(text)
            if not _stale(lock, holder):
                if holder is None:
                    time.sleep(FRESH_SECONDS / 10)  # being written this instant
                    continue
                raise _refusal(path, holder) from None
            _remove_if_unchanged(lock, text)
            continue
        except OSError as exc:
            raise DiagnoseError(Msg("응답 파일을 이 폴더에 쓸 수 없습니다: {e}",
                                    "cannot write the response file in this folder: {e}")
                                .format(e=exc.strerror or exc), where=path) from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(mine.text())
            handle.flush()
            os.fsync(handle.fileno())
        return mine
    holder = Holder.parse(_read(lock) or "")
    if holder is not None:
        raise _refusal(path, holder)
    raise DiagnoseError(Msg("잠금 파일을 얻지 못했습니다: {l}", "could not take the lock {l}")
                        .format(l=lock), where=path)


def release(path: Path, holder: Holder) -> None:
    """Give the lock back, if it is still ours."""
    lock = lock_path(path)
    text = _read(lock)
    current = Holder.parse(text) if text else None
    if current is not None and current.token == holder.token:
        with contextlib.suppress(OSError):
            lock.unlink()


@contextlib.contextmanager
def held(path: Path) -> Iterator[Holder]:
    """The lock of ``path`` while the block runs."""
    holder = acquire(path)
    try:
        yield holder
    finally:
        release(path, holder)
