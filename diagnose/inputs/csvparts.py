"""One big CSV parsed on every core: byte ranges cut at record boundaries.

pandas' C parser uses one core. A large survey export is cut into a few parts per core, each
cut just after a line end outside any quoted field (an even number of ``"`` before it). Forked
workers take the parts from the second on, one at a time, in order; this process parses the
first, then takes the last parts no worker has taken yet, from the end, so that a busy core
is not waited for long. The rows come back in file order.

The cut is checked, not trusted: the first part is an exact prefix of the file, so a cut
inside a quoted field (a stray ``"`` in an unquoted cell fools the count) leaves it ending in
an open quote, which the parser refuses. Then, or when any part fails to parse, ``read``
returns ``None`` and the caller reads the file in one pass, which also words the error of a
broken file with its true row.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.core import processes

PARALLEL_BYTES = 32 * 1024 * 1024  # smaller files: one pass (starting workers costs more)
MAX_BYTES = 1024 * 1024 * 1024  # larger files: one streamed pass (parts are held in memory)
PARTS_PER_CORE = 4  # small parts even out a busy core; each part costs a scan and a start
PART_BYTES = 8 * 1024 * 1024  # parts no smaller than this
BLOCK = 16 * 1024 * 1024
SCAN = 4 * 1024 * 1024  # past a cut target, how far to look for a line end outside quotes
FIRST_SHARE = 1.0  # x 1/parts: workers convert the rows they parse too, so parts are equal

_SKIPPED = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")


def parts_for(path: Path) -> int:
    """How many parts to read ``path`` in: 1 unless it is big and there are cores to share."""
    if not sys.platform.startswith("linux"):  # workers are forked copies of this process
        return 1
    size = path.stat().st_size
    if not PARALLEL_BYTES <= size <= MAX_BYTES or processes.cores() < 2:
        return 1
    return max(2, min(processes.cores() * PARTS_PER_CORE, size // PART_BYTES))


def cut_points(path: Path, parts: int, first: float | None = None) -> list[int]:
    """Offsets just after a line end outside quotes, near ``size * i / parts``.

    ``first``: the share of the first part (this process also converts rows as it parses, so
    it takes a little less). Fewer points (down to none) when no such line end lies within
    ``SCAN`` of a target.
    """
    import mmap

    size = path.stat().st_size
    share = first if first is not None else FIRST_SHARE / parts
    targets = [int(size * (share + (1 - share) * (i - 1) / (parts - 1)))
               for i in range(1, parts)]
    points: list[int] = []
    quotes = position = 0  # the count of '"' in the bytes before ``position``
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for target in targets:
            while position < target:  # counted in place, 16 MB at a time
                size_ = min(BLOCK, target - position)
                quotes += _quotes(data, position, size_)
                position += size_
            start = position
            while (end := data.find(b"\n", start, position + SCAN)) >= 0:
                quotes += data[start:end].count(b'"')
                start = end + 1
                if quotes % 2 == 0:
                    break
            else:
                return points
            position = start
            if position >= size:
                return points
            points.append(position)
    return points


def _quotes(data: Any, offset: int, count: int) -> int:
    """The ``"`` in ``count`` bytes of a memory map, without copying them."""
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8, count=count,
                                              offset=offset) == 34))


class _Range(io.RawIOBase):
    """``prefix``, then the bytes of a file from ``start`` to ``end``, as one file."""

    def __init__(self, path: Path, start: int, end: int, prefix: bytes = b"") -> None:
        super().__init__()
        self._file = path.open("rb", buffering=0)
        self._file.seek(start)
        self._left = end - start
        self._prefix = prefix

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            size = min(len(buffer), len(self._prefix))
            buffer[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        size = min(len(buffer), self._left)
        if size <= 0:
            return 0
        got = self._file.readinto(memoryview(buffer)[:size]) or 0
        self._left -= got
        return got

    def close(self) -> None:
        self._file.close()
        super().close()


def _parse(source: Any, drop: int, options: dict[str, Any], chunk_rows: int,
           skiprows: int = 0) -> Iterator[pd.DataFrame]:
    """Chunks of ``source``, its first ``drop`` rows (a header) left out."""
    with pd.read_csv(source, skiprows=skiprows, chunksize=chunk_rows, **options) as reader:
        for chunk in reader:
            if drop:
                chunk, drop = chunk.iloc[drop:], max(0, drop - len(chunk))
            if len(chunk):
                yield chunk


def one_pass(path: Path, start: int, drop: int, options: dict[str, Any],
             chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The file's rows under its header in chunks, parsed from its header on (row ``start``,
    after blank rows): every row is read as wide as the header. ``drop``: the header's rows
    (the header, an id row under it), left out."""
    yield from _parse(path, drop, options, chunk_rows, skiprows=start)


Part = tuple[list[Any], list[tuple[int, int, int]], bool]


# What the workers do to each chunk they parse: set by ``chunks`` before the workers are
# forked, which inherit it (a converter holds functions that cannot be pickled).
_prepare: Callable[[pd.DataFrame], Any] | None = None


def parse_range(path: Path, start: int, end: int, options: dict[str, Any],
                chunk_rows: int) -> Part:
    """Parse one byte range as rows as wide as the header (a line of empty cells is put in
    front, then dropped): its chunks, its skipped rows (line within the range, expected and
    seen cells) and whether it parsed at all."""
    width = len(options["dtype"])
    prefix = (options["sep"] * (width - 1) + "\n").encode("ascii")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            with io.BufferedReader(_Range(path, start, end, prefix), 1 << 20) as handle:
                chunks = [_prepare(chunk) if _prepare else chunk
                          for chunk in _parse(handle, 1, options, chunk_rows)]
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError):
            return [], [], False
    skipped = [(int(line) - 1, int(expected), int(seen))  # the line put in front is line 1
               for warning in caught for line, expected, seen in
               _SKIPPED.findall(str(warning.message))]
    return chunks, skipped, True


class Recut(Exception):
    """The cut cannot be trusted, or a part did not parse: read the file in one pass."""


class _Parts:
    """The parts after the first: workers take them from the front, one at a time each, and
    this process takes them from the back; each is parsed once."""

    def __init__(self, pool: Executor, path: Path, spans: list[tuple[int, int]],
                 options: dict[str, Any], chunk_rows: int) -> None:
        self.pool, self.path, self.spans = pool, path, spans
        self.options, self.chunk_rows = options, chunk_rows
        self.futures: dict[int, Future[Part]] = {}
        self.front, self.back = 0, len(spans)  # parts [front, back) are nobody's yet
        self.stopped = False
        self.lock = threading.Lock()

    def to_worker(self, _done: object = None) -> None:
        """Hand the next part to a worker: to start, and each time one finishes a part (no
        part waits queued for a worker: this process may still take it)."""
        with self.lock:
            if self.stopped or self.front >= self.back:
                return
            index, self.front = self.front, self.front + 1
            try:  # submitted under the lock: a part is in ``futures`` once it is taken
                future = self.futures[index] = self.pool.submit(
                    parse_range, self.path, *self.spans[index], self.options, self.chunk_rows)
            except RuntimeError:  # shut down or broken: the part stays for this process
                self.front = index
                return
        future.add_done_callback(self.to_worker)

    def here(self) -> dict[int, Part]:
        """Parse here, from the last on, the parts no worker has taken."""
        taken: dict[int, Part] = {}
        while True:
            with self.lock:
                if self.front >= self.back:
                    return taken
                self.back -= 1
                index = self.back
            taken[index] = parse_range(self.path, *self.spans[index], self.options,
                                       self.chunk_rows)
            if not taken[index][2]:  # it did not parse: the file is read in one pass anyway
                return taken

    def stop(self) -> None:
        with self.lock:
            self.stopped = True


def chunks(path: Path, points: list[int], start: int, drop: int, options: dict[str, Any],
           chunk_rows: int, prepare: Callable[[pd.DataFrame], Any] | None = None
           ) -> Iterator[Any]:
    """``one_pass``'s chunks, the same ones: the first part parsed here as they are consumed,
    the others by workers meanwhile, each passed through ``prepare`` there (the caller's
    conversion: it then gets those results for the later parts). Once the first is done,
    this process parses the last parts no worker has taken. Raises ``Recut`` (perhaps after
    some chunks) when one pass must read the file instead.

    Rows the parser skipped for having too many cells are warned about as one pass would
    have, numbered in the whole file.
    """
    global _prepare
    spans = list(itertools.pairwise([0, *points, path.stat().st_size]))
    workers = max(1, min(len(points), processes.cores() - 1))
    _prepare = prepare
    try:
        with processes.pool(workers, fork=True) as pool:
            parts = _Parts(pool, path, spans[1:], options, chunk_rows)
            try:
                for _ in range(workers):
                    parts.to_worker()
                yield from _ordered(parts, path, spans[0][1], start, drop, options, chunk_rows)
            finally:
                parts.stop()
    finally:
        _prepare = None


def _ordered(parts: _Parts, path: Path, end: int, start: int, drop: int,
             options: dict[str, Any], chunk_rows: int) -> Iterator[Any]:
    """The first part's chunks as parsed here, then every later part's, in file order."""
    rows = skipped = 0
    try:
        with io.BufferedReader(_Range(path, 0, end), 1 << 20) as handle:
            for chunk in _warned(_parse(handle, drop, options, chunk_rows, skiprows=start)):
                if isinstance(chunk, int):
                    skipped += chunk
                    continue
                rows += len(chunk)
                yield chunk
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        raise Recut from None  # the first part ends in an open quote: a wrong cut
    taken = parts.here()
    before = start + drop + rows + skipped  # line n of the next part: ``before + n``
    for index in range(len(parts.spans)):
        part, skipped_rows, ok = (taken.pop(index) if index in taken
                                  else parts.futures[index].result())
        if not ok:
            raise Recut
        for line, expected, seen in skipped_rows:
            warnings.warn(pd.errors.ParserWarning(
                f"Skipping line {before + line}: expected {expected} fields, saw {seen}"),
                stacklevel=2)
        before += sum(map(len, part)) + len(skipped_rows)
        while part:
            yield part.pop(0)


def _warned(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame | int]:
    """The chunks, each after the number of rows skipped while parsing it; the parser's
    warnings pass on to the caller's own handling."""
    while True:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            chunk = next(chunks, None)
        for warning in caught:
            warnings.warn(warning.message, stacklevel=2)
        yield sum(len(_SKIPPED.findall(str(w.message))) for w in caught)
        if chunk is None:
            return
        yield chunk
