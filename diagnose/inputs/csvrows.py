"""CSV records numbered as a spreadsheet shows them, parsed by pyarrow's CSV reader.

pyarrow parses the file in C++, a block at a time (``BLOCK_BYTES``), in a thread of its own
while the caller converts the batch before (``_Ahead``): memory stays a few blocks whatever the
file's size. A record is one spreadsheet row: a line break inside a quoted cell stays in its
cell and does not start a row, and the first record is row 1.

Records as wide as the header come in batches. pyarrow hands every other record to its
``invalid_row_handler`` with its row number, counted by the serial reader (``use_threads``
off: the threaded one does not count). A record with more cells than the header is reported
and left out; one with fewer (a sheet saved without its trailing blank cells) is padded with
blank cells and read like any other. The rows of a batch are numbered by counting on from the
previous batch past the numbers the handler reported.

A file that ends inside its last record looks cut off (a download or copy that stopped): the
last record is reported (``CutOff``) after every record was given, so that the caller leaves
out that row and scores the rest. A file cut inside a character (the first bytes of a Korean
syllable, ``text_end``) is read without them, its last record reported the same way.

CP949 is transcoded to UTF-8 as pyarrow reads (``ReadOptions.encoding``: a streamed Python
codec). A UTF-8 file that turns out not to be raises ``UnicodeDecodeError``, so that the
caller may try the next encoding.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import io
import queue
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# pyarrow's block. Its reader reads up to 32 blocks ahead of the one it parses: their size
# bounds the memory a big file takes (64 MB blocks held a whole 663 MB export). A record longer
# than a block is read again, in blocks 16 times larger.
BLOCK_BYTES = 4 * 1024 * 1024
GROWTH = 16
# The batches parsed from blocks are handed on together, up to this size: the cells are
# converted a column at a time, and each column's turn has a cost of its own.
BATCH_BYTES = 8 * 1024 * 1024
HEAD_BYTES = 4 * 1024 * 1024  # read by ``head``: a header longer than this is cut there
# Python's csv refuses fields over 128 KB by default; a header cell or a padded short record
# may hold far more (the reader's input limits bound the file, not the cell).
_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


@dataclass(frozen=True)
class Coded:
    """A column as codes into its distinct cells (pyarrow dictionary-encodes it in C++)."""

    codes: np.ndarray  # int, one per record
    distinct: np.ndarray  # object: the text of each code
    # A numeric column's: each distinct text as a number where it is a plain decimal
    # (``_PLAIN``), else NaN. pyarrow parses it, correctly rounded as ``float()`` is.
    numbers: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.codes)


Cells = np.ndarray | Coded  # object cells, one per record, or codes into distinct cells


@dataclass
class Records:
    """Some records of a file, and the records with too many cells among them."""

    rows: np.ndarray  # spreadsheet row of each record (the first record of the file is row 1)
    cells: dict[int, Cells]  # the columns asked for, by position
    filled: dict[int, np.ndarray]  # every other column: which cells hold something
    # (row, its cells), left out: the cells only name the company in the rejection
    too_long: list[tuple[int, list[str]]] = field(default_factory=list)
    cut: CutOff | None = None  # the file's last record, when the file looks cut off in it

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class CutOff:
    """The file ends inside its last record, so that record is incomplete.

    Either the file ends inside a quoted cell (the ``"`` that opened it is never closed), or
    the last record has fewer cells than the header and no line end follows it. A sheet
    saved without its trailing blank cells still ends its rows with line ends.
    """

    row: int  # the record's row
    cells: int  # the cells the record has
    text: str  # its last cell, as read
    open_quote: bool  # the file ends inside that quoted cell
    lines: int  # line breaks in that open cell: lines of the file it took in
    broken_character: bool = False  # the file ends with the first bytes of a character


def text_end(path: Path, encoding: str) -> int:
    """The file's size without the bytes of a character it ends inside (the first one or two
    bytes of a syllable: a file cut at a random byte), else its size.

    The last line (after the last line end within 4 KB, a character boundary in UTF-8 and
    CP949 alike) is decoded; the bytes the decoder holds back at the end are that character.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 4096))
        tail = handle.read()
    if size > len(tail) and b"\n" not in tail:
        return size  # no boundary to start decoding from: no guess
    line = tail[tail.rfind(b"\n") + 1:]
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        decoder.decode(line)
    except UnicodeDecodeError:
        return size  # damaged, not cut: the reader reports it
    return size - len(decoder.getstate()[0])


class Malformed(Exception):
    """pyarrow cannot parse the file, even in one block; the message is pyarrow's."""


def head(path: Path, encoding: str, delimiter: str, count: int,
         end: int | None = None) -> list[list[str]]:
    """The first ``count`` records (fewer in a shorter file); an empty line is ``[]``.

    Read by Python's csv module, which takes records of any width, to find the header; from
    the first ``HEAD_BYTES`` only (a 100 MB line is no header, and csv holds 4 bytes a
    character), and never past byte ``end`` (``text_end``). Raises ``UnicodeDecodeError``.
    """
    text = "utf-8-sig" if encoding == "utf-8" else encoding
    end = path.stat().st_size if end is None else end
    with path.open("rb") as handle:
        raw = handle.read(min(HEAD_BYTES, end))
    # a character cut by HEAD_BYTES waits in the decoder; one cut by the end of the file is
    # an error, unless ``end`` left it out
    start = codecs.getincrementaldecoder(text)().decode(raw, final=len(raw) == end)
    with _field_limit():
        reader = csv.reader(io.StringIO(start, newline=""), delimiter=delimiter)
        return [record for _, record in zip(range(count), reader, strict=False)]


@contextlib.contextmanager
def _field_limit() -> Iterator[None]:
    old = csv.field_size_limit(_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def read(path: Path, encoding: str, delimiter: str, width: int, first_row: int,
         coded: set[int], plain: set[int], numeric: set[int] | None = None,
         end: int | None = None, trim: dict[int, str] | None = None) -> Iterator[Records]:
    """The records from row ``first_row`` on, ``width`` cells each, in batches.

    ``coded`` columns come as ``Coded`` (``numeric`` ones with their plain numbers; ``trim``
    ones with each text cut to the first group of the column's regular expression where it
    matches, so fewer distinct texts reach the caller), ``plain`` ones as object arrays of
    text, the others only as which cells hold something. Records
    padded from fewer cells come in ``Records`` of their own after the batch around them:
    rows are not always in order. When the file looks cut off in its last record, empty
    ``Records`` with ``cut`` come last. Only the bytes before ``end`` are read (``text_end``:
    the file without a character it ends inside). Raises ``UnicodeDecodeError`` or
    ``Malformed``.
    """
    import pyarrow as pa

    block = BLOCK_BYTES
    size = path.stat().st_size if end is None else end
    done = first_row - 1  # the records up to this row are given, or not wanted
    while True:
        run = _Run(path, encoding, delimiter, width, done, coded, plain, numeric or set(),
                   size, trim or {})
        try:
            yield from run.records(block)
            cut = run.cut_off()
            if cut is not None:
                yield Records(np.zeros(0, dtype=int), {}, {}, cut=cut)
            return
        except pa.ArrowInvalid as exc:
            done = run.through
            _check_decodes(path, encoding, size)
            if block > size:  # one block held the whole file: no larger block can help
                raise Malformed(str(exc)) from None
            # A record longer than the block ("straddles two block boundaries"), or another
            # failure at a block boundary: parse again in larger blocks, past the rows given.
            block = min(block * GROWTH, size + 1)


_LINE_END = re.compile(r"\r\n|\r|\n")


class _Run:
    """One pass of pyarrow's reader over the file, from the top."""

    def __init__(self, path: Path, encoding: str, delimiter: str, width: int, done: int,
                 coded: set[int], plain: set[int], numeric: set[int], size: int,
                 trim: dict[int, str]) -> None:
        self.path, self.encoding, self.delimiter, self.width = path, encoding, delimiter, width
        self.size = size  # the bytes read: the file's, or fewer (``text_end``)
        self.coded, self.plain, self.numeric, self.trim = coded, plain, numeric, trim
        self.done = done  # records up to this row are not given again
        self.through = done  # the last row given so far
        self.next_row = 1  # the row of the next record of a batch, unless reported invalid
        self.invalid: list[tuple[int, int, str]] = []  # (row, cells, text), not yet given
        self.last_cell: tuple[int, str] | None = None  # (row, text): the last record's last cell
        self.last_cells = 0  # how many cells the last record has
        self.last_blank = False  # the last record holds nothing but spaces

    def records(self, block: int) -> Iterator[Records]:
        parser = _Ahead(lambda handler: self._open(block, handler))
        try:
            for batch, invalid in parser:
                self.invalid.extend(invalid)
                parts = list(self._numbered(batch)) if batch is not None else []
                batch = None  # pyarrow's buffers go before the cells are converted
                yield from parts
            yield from self._invalid(None)
        finally:
            parser.close()

    def _open(self, block: int, handler: Callable[[Any], str]) -> Any:
        """pyarrow's serial streaming reader: every column text, dictionary-encoded or not."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        names = [str(i) for i in range(self.width)]
        types = {name: (pa.dictionary(pa.int32(), pa.string()) if i in self.coded
                        else pa.string()) for i, name in enumerate(names)}
        source: Any = self.path
        if self.size < self.path.stat().st_size:  # the file without its last bytes, mapped
            source = pa.BufferReader(pa.memory_map(str(self.path)).read_buffer(self.size))
        return pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(
                column_names=names, block_size=block, use_threads=False,
                encoding="utf8" if self.encoding == "utf-8" else self.encoding),
            parse_options=pacsv.ParseOptions(
                delimiter=self.delimiter, newlines_in_values=True, ignore_empty_lines=False,
                invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[], strings_can_be_null=False,
                quoted_strings_can_be_null=False))

    def _numbered(self, batch: Any) -> Iterator[Records]:
        rows = self._rows(batch.num_rows)
        if not len(rows):
            return
        last = int(rows[-1])
        self.last_cell = (last, batch.column(self.width - 1)[-1].as_py())
        self.last_cells, self.last_blank = self.width, False
        wanted = rows > self.done
        if wanted.any():
            start = int(np.argmax(wanted))
            yield self._batch_records(batch.slice(start), rows[start:], last)
        yield from self._invalid(last)
        self.through = max(self.through, last)  # all given up to here: a new pass goes on

    def _rows(self, count: int) -> np.ndarray:
        """The rows of the next ``count`` batch records: on from the last, past the invalid."""
        start = self.next_row
        skipped = sorted(row for row, _, _ in self.invalid if row >= start)
        candidates = np.arange(start, start + count + len(skipped))
        if skipped:
            candidates = candidates[~np.isin(candidates, skipped)]
        rows = candidates[:count]
        if count:
            self.next_row = int(rows[-1]) + 1
        return rows

    def _batch_records(self, batch: Any, rows: np.ndarray, last: int) -> Records:
        import pyarrow.compute as pc

        cells: dict[int, Cells] = {}
        filled: dict[int, np.ndarray] = {}
        for position, column in enumerate(batch.columns):
            if position in self.coded:
                codes = column.indices.to_numpy(zero_copy_only=False)
                texts = column.dictionary
                if position in self.trim:
                    texts, codes = _trimmed(texts, codes, self.trim[position])
                cells[position] = Coded(
                    codes, texts.to_numpy(zero_copy_only=False),
                    _plain_numbers(texts) if position in self.numeric else None)
            elif position in self.plain:
                cells[position] = column.to_numpy(zero_copy_only=False)
            else:
                filled[position] = pc.greater(pc.binary_length(column), 0).to_numpy(
                    zero_copy_only=False)
        too_long = [(row, self._cells(text)) for row, count, text in self.invalid
                     if self.done < row <= last and count > self.width]
        return Records(rows, cells, filled, too_long)

    def _invalid(self, last: int | None) -> Iterator[Records]:
        """The short records up to row ``last`` (all: ``None``), padded, and at the end of the
        file the too-long ones after the last batch. Later records wait for their batch."""
        given = [item for item in self.invalid if last is None or item[0] <= last]
        self.invalid = [item for item in self.invalid if last is not None and item[0] > last]
        if last is None and given and (self.last_cell is None
                                       or given[-1][0] > self.last_cell[0]):
            cells = self._cells(given[-1][2])
            self.last_cell = (given[-1][0], cells[-1])
            self.last_cells = given[-1][1]
            self.last_blank = not any(cell.strip() for cell in cells)
        given = [item for item in given if item[0] > self.done]
        if last is None:  # batches carry the too-long records up to their last row
            too_long = [(row, self._cells(text)) for row, count, text in given
                        if count > self.width and row > self.through]
            if too_long:
                yield Records(np.zeros(0, dtype=int), {}, {}, too_long)
        short = [(row, text) for row, count, text in given if count < self.width]
        if short:
            yield self._padded(short)

    def _cells(self, text: str) -> list[str]:
        """The cells of one record's text (pyarrow gives it as it stands in the file)."""
        with _field_limit():
            record = next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter),
                          [])
        return record or [""]

    def _padded(self, short: list[tuple[int, str]]) -> Records:
        table = [(self._cells(text) + [""] * self.width)[:self.width] for _, text in short]
        columns = np.array(table, dtype=object).reshape(len(table), self.width).T
        cells: dict[int, Cells] = {}
        filled: dict[int, np.ndarray] = {}
        for position, column in enumerate(columns):
            if position in self.coded or position in self.plain:
                cells[position] = column.copy()
            else:
                filled[position] = column != ""
        return Records(np.array([row for row, _ in short], dtype=int), cells, filled)

    def cut_off(self) -> CutOff | None:
        """The last record, when the file ends inside it (``CutOff``); else ``None``.

        pyarrow takes everything after an unclosed ``"`` as one cell, and pads a short last
        record like any other: either would be scored as a whole answer.
        """
        if self.last_cell is None:
            return None
        row, text = self.last_cell
        size = self.size
        broken = size < self.path.stat().st_size
        if self._ends_in_open_quote(text, size):
            lines = len(_LINE_END.findall(text.rstrip("\r\n")))  # the lines after its first
            return CutOff(row, self.last_cells, text, True, lines, broken)
        with self.path.open("rb") as handle:
            handle.seek(max(0, size - 1))
            last_byte = handle.read(1)
        if broken or (self.last_cells < self.width and not self.last_blank
                      and last_byte not in b"\r\n"):
            return CutOff(row, self.last_cells, text, False, 0, broken)
        return None

    def _ends_in_open_quote(self, text: str, size: int) -> bool:
        """Whether the file ends with ``text`` as an opened, never closed, quoted cell.

        Such a cell stands in the file as ``"`` and its text with each ``"`` doubled, right
        after a delimiter or a line end, up to the end of the file (or up to one final line
        end, when the text was read without it). A closed cell ends with one more ``"``; an
        unquoted cell does not start with one.
        """
        escaped = text.replace('"', '""')
        codec = "utf-8" if self.encoding == "utf-8" else self.encoding
        step = 1 << 20  # the length in bytes, without encoding a huge cell at once
        length = sum(len(escaped[i:i + step].encode(codec))
                     for i in range(0, len(escaped), step))
        tail = escaped[-4096:].encode(codec)
        before = {self.delimiter.encode(codec), b"\n", b"\r"}
        with self.path.open("rb") as handle:
            for ending in (b"", b"\n", b"\r\n", b"\r"):
                start = size - len(ending) - length - 1  # where the opening quote would be
                if start < 0:
                    continue
                handle.seek(max(0, start - 1))
                edge = handle.read(2 if start else 1)
                if edge[-1:] != b'"' or (start and edge[:1] not in before
                                          and not (start == 3 and self.encoding == "utf-8")):
                    continue
                handle.seek(size - len(ending) - len(tail))
                if handle.read() == tail + ending:
                    return True
        return False


# A plain decimal: ASCII digits, a point, an exponent, no spaces. ``float()`` takes more (spaces,
# ``1_000``, other scripts' digits, ``inf``): those are left to the caller.
_PLAIN = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"


def _trimmed(texts: Any, codes: np.ndarray, pattern: str) -> tuple[Any, np.ndarray]:
    """Distinct texts replaced by the first group of ``pattern`` where it matches (in C++),
    encoded again: the codes of the rows into the fewer texts that remain."""
    import pyarrow.compute as pc

    short = pc.dictionary_encode(pc.replace_substring_regex(texts, pattern, r"\1"))
    return short.dictionary, short.indices.to_numpy(zero_copy_only=False)[codes]


def _plain_numbers(texts: Any) -> np.ndarray:
    """Each text as a float where it is a plain decimal (``_PLAIN``), else NaN."""
    import pyarrow as pa
    import pyarrow.compute as pc

    plain = pc.match_substring_regex(texts, _PLAIN)
    numbers = pc.cast(pc.if_else(plain, texts, "nan"), pa.float64())
    return numbers.to_numpy(zero_copy_only=False)


class _Ahead:
    """pyarrow's reader in a thread of its own, a batch ahead: it parses the next block
    (without the GIL) while the caller's thread converts the batch before.

    Yields each batch with the records the reader reported invalid while reading up to it,
    then ``None`` with the rest; an error of the reader is raised here.
    """

    def __init__(self, open_reader: Callable[[Callable[[Any], str]], Any]) -> None:
        self.queue: queue.Queue[Any] = queue.Queue()
        # The next block is parsed once the caller has taken the batch before: two batches
        # at most (one converted, one parsed) hold memory, however slow either side is.
        self.turn = threading.Semaphore(1)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(open_reader,),
                                       name="csv-parser", daemon=True)
        self.thread.start()

    def _run(self, open_reader: Callable[[Callable[[Any], str]], Any]) -> None:
        # pyarrow may parse ahead, and call the handler, in a thread of its own: a deque takes
        # its records safely, and each batch leaves with those reported until it came.
        invalid: collections.deque[tuple[int, int, str]] = collections.deque()

        def handler(row: Any) -> str:  # pyarrow's invalid_row_handler: note it, leave it out
            invalid.append((row.number, row.actual_columns, row.text))
            return "skip"

        def reported() -> list[tuple[int, int, str]]:
            return [invalid.popleft() for _ in range(len(invalid))]

        reader = None
        try:
            reader = open_reader(handler)
            more = True
            while more and self._my_turn():
                group: list[Any] = []
                while more and sum(batch.nbytes for batch in group) < BATCH_BYTES:
                    try:
                        group.append(reader.read_next_batch())
                    except StopIteration:
                        more = False
                if group:
                    self.queue.put((_together(group), reported()))
                del group  # not held while the next blocks are parsed
            self.queue.put((None, reported()))
        except BaseException as exc:  # raised in the thread that reads the records
            self.queue.put(exc)
        finally:
            # A reader left alive after an error can hang the interpreter at exit
            # (apache/arrow#43892): close it, and drop the last reference to it here.
            if reader is not None:
                reader.close()
            del reader

    def _my_turn(self) -> bool:
        """Wait until the caller took the last batch; false once it stopped reading."""
        while not self.stop.is_set():
            if self.turn.acquire(timeout=0.1):
                return True
        return False

    def __iter__(self) -> Iterator[tuple[Any, list[tuple[int, int, str]]]]:
        while True:
            item = self.queue.get()
            self.turn.release()  # the next block may be parsed while this one is converted
            if isinstance(item, BaseException):
                raise item
            yield item
            if item[0] is None:
                return

    def close(self) -> None:
        """Stop reading (after the block being parsed) and wait for the thread."""
        self.stop.set()
        self.thread.join()


def _together(batches: list[Any]) -> Any:
    """Consecutive batches as one, each column's dictionary merged (in C++)."""
    if len(batches) == 1:
        return batches[0]
    import pyarrow as pa

    table = pa.Table.from_batches(batches).unify_dictionaries().combine_chunks()
    return table.to_batches()[0]


@dataclass(frozen=True)
class Undecodable:
    """Where a file stops being text in an encoding: its first bad byte."""

    offset: int  # of the byte, from the start of the file (0)
    line: int  # the line it is on (the first is 1)
    byte: int  # its value


def first_undecodable(path: Path, encoding: str, end: int | None = None) -> Undecodable | None:
    """The first byte ``encoding`` cannot decode (before byte ``end``), where it is; ``None``
    when all decode.

    Read in blocks, counting the line ends before it: a bad byte far down a 600 MB file is
    found without holding the file.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = lines = 0  # of the block read next, and the line ends before it
    end = path.stat().st_size if end is None else end
    with path.open("rb") as handle:
        while True:
            block = handle.read(min(1024 * 1024, end - offset))
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                # The error counts from the bytes the decoder held back (a character cut by
                # the block's end, never a line end) and the block after them.
                bad = offset - (len(exc.object) - len(block)) + exc.start
                lines += block[: max(0, bad - offset)].count(b"\n")
                return Undecodable(bad, lines + 1, exc.object[exc.start])
            if not block:
                return None
            lines += block.count(b"\n")
            offset += len(block)


def _check_decodes(path: Path, encoding: str, end: int) -> None:
    """Raise a ``UnicodeDecodeError`` for the first byte ``encoding`` cannot decode, if any."""
    bad = first_undecodable(path, encoding, end)
    if bad is not None:
        raise UnicodeDecodeError(encoding, bytes([bad.byte]), 0, 1,
                                 f"line {bad.line}, byte offset {bad.offset}")
