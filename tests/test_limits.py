"""Hostile inputs through the real command line: a clear message, the contract's exit code,
bounded time and memory (issue 7).

Each case writes one hostile file (huge, binary, deeply nested, wide, an alias bomb, a pipe, a
device ...) and runs ``diagnose questionnaire validate``, ``diagnose score`` (response YAML,
CSV, XLSX) or ``diagnose score --map`` on it in a child process limited to 2 GiB of address
space (a normal run maps some 250 MB) and 30 seconds of CPU, and killed after 60 seconds of
waiting (10 for a pipe or a device, which must be refused at once). ``score`` also gets a good
survey export, so every case checks that the rest was still scored. The cases run three at a
time; the exit code, wall and CPU time and peak RSS of each are printed as a table after the
last case."""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from diagnose.core import resources

# Address-space and CPU limits, named pipes, /dev/zero and /proc: Linux, where CI runs.
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

MB = 1024 * 1024
CAP = 2 * 1024**3  # RLIMIT_AS of each run: a normal run maps some 250 MB
CPU_SECONDS = 30  # RLIMIT_CPU of each run: bounded work, however busy the machine
TIMEOUT = 60.0  # wall clock: a run that waits (a pipe) uses no CPU, and is killed here
PIPE_TIMEOUT = 10.0  # a pipe or a device is refused at once, or never
WORKERS = 3  # on 2 cores: the third runs while a pipe case only waits
STDERR_BYTES = 4 * MB  # read of each run's messages (20,000 problems are some 2 MB)

GOOD_NAME = "(주)기준정밀"
GOOD_CSV = f"기업명,data.collection,infra.systems\n{GOOD_NAME},3,erp\n"
RESPONSE = "questionnaire: {id: mfg-ai-readiness, version: '1.0'}\n"
QUESTIONNAIRE = """\
id: x
version: '1'
title: {ko: 가, en: A}
profile: [{id: name, type: text, text: {ko: 이름, en: Name}}]
dimensions:
  - id: d
    title: {ko: 디, en: D}
    questions:
      - {id: d.a, type: yesno, text: {ko: 가, en: A}}
"""
# Runs the CLI as ``python -m diagnose`` does, under the caps (set by the child itself:
# preexec_fn is not safe with the threads that run the cases side by side). At exit it writes
# VmHWM, its own peak RSS: ru_maxrss would also count the parent's, from before exec.
LAUNCH = """\
import atexit, resource, runpy, sys
cap, cpu, report = int(sys.argv.pop(1)), int(sys.argv.pop(1)), sys.argv.pop(1)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

def peak():
    try:
        with open('/proc/self/status') as status, open(report, 'w') as out:
            out.write(next((line.split()[1] for line in status if line.startswith('VmHWM')), ''))
    except OSError:
        pass

atexit.register(peak)
sys.argv[0] = 'diagnose'
runpy.run_module('diagnose', run_name='__main__', alter_sys=True)
"""


# --- hostile files ------------------------------------------------------------------------------

Maker = Callable[[Path], Path]


def chunks(path: Path, parts: Iterable[bytes | str]) -> Path:
    """Write ``parts`` one after the other: a 100 MB file never sits in memory whole."""
    with path.open("wb") as handle:
        for part in parts:
            handle.write(part.encode() if isinstance(part, str) else part)
    return path


def text(name: str, body: Callable[[], Iterable[bytes | str] | str] | str | bytes) -> Maker:
    """A file ``name`` of ``body``: its content, or a function giving it, whole or in parts."""
    def make(folder: Path) -> Path:
        parts = body() if callable(body) else body
        return chunks(folder / name, [parts] if isinstance(parts, (str, bytes)) else parts)
    return make


def repeat(part: str | bytes, size: int) -> Iterator[bytes]:
    """``part`` over and over, about ``size`` bytes."""
    block = (part.encode() if isinstance(part, str) else part) * max(1, MB // len(part))
    for _ in range(max(1, size // len(block))):
        yield block


def special(name: str, kind: str) -> Maker:
    """A folder, a named pipe or a link to a device, named like an input file."""
    def make(folder: Path) -> Path:
        path = folder / name
        if kind == "dir":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to(kind)
        return path
    return make


def random_bytes(size: int) -> bytes:
    return random.Random(7).randbytes(size)


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def alias_bomb() -> str:
    """Billion laughs: nine levels of nine aliases, 10**9 'lol's when expanded."""
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


def csv_rows(rows: Iterable[list[str]]) -> Iterator[str]:
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(row)
        yield buffer.getvalue()


def wide_rows(columns: int, answered: bool, rows: int = 3) -> list[list[str]]:
    """``columns`` columns, a few rows; with ``answered`` three of them are real questions."""
    header = [f"extra {i}" for i in range(columns)]
    real = {5: "기업명", columns // 2: "data.collection", columns - 1: "infra.systems"}
    if answered:
        for position, title in real.items():
            header[position] = title
    body = [[f"(주)넓은{r}" if c == 5 and answered else "3" if c == columns // 2 else
             "erp" if c == columns - 1 else f"v{c}" for c in range(columns)] for r in range(rows)]
    return [header, *body]


# XLSX by hand: the exact XML of a hostile sheet, and fast.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>',
    "_rels/.rels":
        f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
        f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        f'<?xml version="1.0"?><Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
        f'Type="{_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def letter(position: int) -> str:
    letters, position = "", position + 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def sheet_rows(rows: list[list[str]]) -> Iterator[str]:
    for r, row in enumerate(rows, start=1):
        yield f'<row r="{r}">' + "".join(cell(f"{letter(c)}{r}", v) for c, v in enumerate(row)) \
            + "</row>"


def xlsx(name: str, sheet_data: Callable[[], Iterable[str]]) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, body in _XLSX_PARTS.items():
                archive.writestr(part, body)
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
                handle.write(f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'
                             .encode())
                for piece in sheet_data():
                    handle.write(piece.encode())
                handle.write(b"</sheetData></worksheet>")
        return path
    return make


def truncated_xlsx(folder: Path) -> Path:
    whole = xlsx("whole.xlsx", lambda: sheet_rows([["기업명"], ["(주)잘린"]]))(folder)
    data = whole.read_bytes()
    whole.unlink()
    path = folder / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def deflate_bomb() -> Iterator[str]:
    """50 MB of one answer cell, 50 KB compressed."""
    yield "<row r='1'>" + cell("A1", "기업명") + cell("B1", "data.collection") + "</row>"
    yield "<row r='2'>" + cell("A2", "(주)압축") + '<c r="B2" t="inlineStr"><is><t>'
    yield from ("a" * MB for _ in range(50))
    yield "</t></is></c></row>"


def sparse_bomb() -> Iterator[str]:
    """1.5 KB on disk: a header cell and one cell at the last row and column Excel allows."""
    yield "<row r='1'>" + cell("A1", "기업명") + "</row>"
    yield '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


# --- cases --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One hostile file, the command run on it, the exit code and message expected.

    ``kind``: ``validate`` (``questionnaire validate FILE``), ``score`` (``score FILE GOOD``),
    ``alone`` (``score FILE``) or ``map`` (``score GOOD --map FILE``).
    """

    id: str
    kind: str
    make: Maker
    expect: int | tuple[int, ...]  # the exit code, or the codes a fix may choose from
    says: str = ""  # in the message
    bug: str = ""  # a known bug in a module this file may not fix: a strict xfail
    timeout: float = TIMEOUT
    heavy: bool = False  # a big file: started first, so that the workers finish together
    slow: bool = False  # over 5 s of CPU for a known bug
    # Heavy and slow cases are marked ``slow``: ``make test-fast`` leaves them out.


def huge_yaml() -> Iterator[str]:
    yield RESPONSE + "answers:\n"
    yield from repeat("  data.collection: {value: 3, note: 'x'}\n", 50 * MB)


def values_5mb() -> list[str]:
    """Just under the 5 MB limit: 2.6 million values."""
    return ["[", "1," * (5 * MB // 2 - 8), "1]"]


def yaml_cases(kind: str, expect: int) -> list[Case]:
    """What every YAML reader (questionnaire, response file, map) must refuse."""
    prefix = {"validate": "q", "score": "r", "map": "m"}[kind]
    return [Case(f"{prefix}-{name}", kind, make, expect, **options) for name, make, options in [
        ("huge-50mb", text("huge.yaml", huge_yaml), {"says": "file is too large"}),
        ("random-bytes", text("random.yaml", lambda: random_bytes(MB)), {"says": "binary"}),
        ("deep-flow-100k", text("deep.yaml", lambda: "[" * 100_000 + "]" * 100_000),
         {"says": "nesting is too deep"}),
        ("alias-bomb", text("bomb.yaml", alias_bomb()), {"says": "anchors and aliases"}),
        ("5mb-of-values", text("values.yaml", values_5mb), {"says": "too many values"}),
        ("fifo", special("pipe.yaml", "fifo"), PIPE),
        ("dev-zero", special("zero.yaml", "/dev/zero"), PIPE),
    ]]


def questionnaire_with(extra: str = "", **replace: str) -> Callable[[], str]:
    def body() -> str:
        result = QUESTIONNAIRE
        for old, new in replace.items():
            result = result.replace(old, new, 1)
        return result + extra
    return body


def response_with(company: str, answers: str) -> Callable[[], str]:
    return lambda: f"{RESPONSE}company: {{name: {company}}}\nanswers: {answers}\n"


def n_questions(n: int) -> str:
    return "".join(f"      - {{id: d.q{i}, type: yesno, text: 가}}\n" for i in range(n))


def flow(items: Iterable[str], brackets: str = "{}") -> str:
    return brackets[0] + ", ".join(items) + brackets[1]


def rows_1_column(n: int) -> Callable[[], Iterator[str]]:
    return lambda: chain(["기업명\r\n"], (f"(주)회사{i}\r\n" for i in range(n)))


def big_cell() -> Iterator[str]:
    return chain(["기업명,data.collection\r\n(주)큰칸,"], repeat("x", 100 * MB), ["\r\n"])


def unbalanced_quote() -> Iterator[str]:
    return chain(['기업명,data.collection\r\n"(주)따옴표,3\r\n'], repeat("(주)다음,2\r\n", MB))


BINARY_CSV = "not a text CSV (binary or UTF-16)"
BAD_XLSX = "cannot open the XLSX file"
NO_NAME = "no 'Company name' column"
PIPE = {"timeout": PIPE_TIMEOUT, "says": "not a regular file"}
# A known bug: any clear message will do, the fix chooses its words.

CASES: list[Case] = [
    # Baselines: what a normal run costs under the same limits.
    Case("baseline-validate", "validate", lambda folder: resources.DEFAULT_QUESTIONNAIRE, 0),
    Case("baseline-score", "alone", text("good.csv", GOOD_CSV), 0),

    # questionnaire validate FILE: exit 2, one FILE:LINE:COL: message per problem.
    *yaml_cases("validate", 2),
    Case("q-one-line-100mb", "validate", text("line.yaml", lambda: repeat("a", 100 * MB)), 2,
         "file is too large"),
    Case("q-nul-bytes", "validate", text("nul.yaml", b"\x00" * 100_000), 2, "binary"),
    Case("q-png-renamed", "validate", text("image.yaml", PNG), 2, "binary"),
    Case("q-zip-renamed", "validate", text("archive.yaml", zip_of({"a.yaml": "id: x"})), 2,
         "binary"),
    Case("q-deep-flow-mapping-100k", "validate",
         text("deep.yaml", lambda: "{a: " * 100_000 + "}" * 100_000), 2, "nesting is too deep"),
    Case("q-deep-block-100k", "validate", text("deep.yaml", lambda: "- " * 100_000 + "x\n"), 2,
         ":1:131: nesting is too deep"),
    Case("q-20000-questions", "validate",
         text("wide.yaml", questionnaire_with(n_questions(20_000))), 2, "too many values"),
    Case("q-20000-languages", "validate", text("wide.yaml", questionnaire_with(
        "languages: " + flow((f"l{i}" for i in range(20_000)), "[]") + "\n")), 2,
         "default_language 'ko' is not in languages"),
    Case("q-20000-key-flow-mapping", "validate", text("wide.yaml", questionnaire_with(**{
        "title: {ko: 가, en: A}": "title: " + flow(f"t{i}: x" for i in range(20_000))})), 2,
         "language 't19999' is not in languages"),
    Case("q-4mb-title", "validate", text("title.yaml", questionnaire_with(**{
        "en: A}": "en: '" + "A" * (4 * MB) + "'}"})), 0),
    Case("q-mixed-encodings", "validate", text("mixed.yaml", QUESTIONNAIRE.encode()
                                               + "# 주석\n".encode("cp949")), 2,
         "not UTF-8 (line 10)"),
    Case("q-bom-only", "validate", text("bom.yaml", b"\xef\xbb\xbf"), 2, "must be a YAML mapping"),
    Case("q-empty", "validate", text("empty.yaml", b""), 2, "must be a YAML mapping"),
    Case("q-directory", "validate", special("folder.yaml", "dir"), 2, "is a folder"),

    # score RESPONSE.yaml GOOD.csv: the response file is rejected (exit 1), GOOD is scored.
    *yaml_cases("score", 1),
    Case("r-png-renamed", "score", text("image.yaml", PNG), 1, "binary"),
    Case("r-20000-answers-flow-mapping", "score", text("wide.yaml", response_with(
        "(주)넓은", flow(f"q{i}: 3" for i in range(20_000)))), 0),
    Case("r-20000-answers-list", "score", text("list.yaml", response_with(
        "(주)목록", flow((str(i) for i in range(20_000)), "[]"))), 1,
         "answers: invalid value"),
    Case("r-4mb-note", "score", text("note.yaml", response_with(
        "(주)메모", "{data.collection: {value: 3, note: '" + "메모 " * (4 * MB // 7) + "'}}")), 0),
    Case("r-mixed-encodings", "score", text("mixed.yaml", RESPONSE.encode()
                                            + "# 주석\n".encode("cp949")), 1, "not UTF-8 (line 2)"),
    Case("r-bom-only", "score", text("bom.yaml", b"\xef\xbb\xbf"), 1, "must be a YAML mapping"),
    Case("r-directory-alone", "alone", special("folder.yaml", "dir"), 2),

    # score EXPORT.csv GOOD.csv
    Case("c-one-line-100mb", "score", text("line.csv", lambda: repeat("a", 100 * MB)), 1,
         NO_NAME, heavy=True),
    Case("c-cell-100mb", "score", text("cell.csv", big_cell), 1, "not one of the options",
         heavy=True),
    Case("c-100k-rows-1-column", "score", text("rows.csv", rows_1_column(100_000)), 0,
         heavy=True),
    Case("c-1m-rows-1-column", "score", text("rows.csv", rows_1_column(1_000_000)), (0, 1),
         heavy=True, slow=True),
    Case("c-random-bytes", "score", text("random.csv", lambda: random_bytes(MB)), 1, BINARY_CSV),
    Case("c-nul-bytes", "score", text("nul.csv", b"\x00" * 100_000), 1, BINARY_CSV),
    Case("c-png-renamed", "score", text("image.csv", PNG), 1, BINARY_CSV),
    Case("c-zip-renamed", "score", text("archive.csv", zip_of({"a.csv": GOOD_CSV})), 1,
         BINARY_CSV),
    Case("c-20000-columns", "score", text("wide.csv", lambda: csv_rows(
        wide_rows(20_000, answered=True))), 0, heavy=True),
    Case("c-20000-columns-none-matching", "score", text("wide.csv", lambda: csv_rows(
        wide_rows(20_000, answered=False))), 1, NO_NAME),
    Case("c-unbalanced-quote", "score", text("quote.csv", unbalanced_quote), 1, "malformed CSV"),
    Case("c-utf8-then-cp949", "score", text("mixed.csv", "기업명,data.collection\r\n(주)유티,3\r\n"
                                            .encode() + "(주)씨피,3\r\n".encode("cp949")), 1,
         "cannot decode the file"),
    Case("c-utf16", "score", text("utf16.csv", "기업명,data.collection\r\n(주)유,3\r\n"
                                  .encode("utf-16")), 1, BINARY_CSV),
    Case("c-bom-only", "score", text("bom.csv", b"\xef\xbb\xbf"), 1, "no header row"),
    Case("c-empty", "score", text("empty.csv", b""), 1, "the file is empty"),
    Case("c-directory-alone", "alone", special("folder.csv", "dir"), 2),
    Case("c-fifo", "score", special("pipe.csv", "fifo"), 1, timeout=PIPE_TIMEOUT),
    Case("c-dev-urandom", "score", special("urandom.csv", "/dev/urandom"), 1,
         timeout=PIPE_TIMEOUT),

    # score EXPORT.xlsx GOOD.csv
    Case("x-random-bytes", "score", text("random.xlsx", lambda: random_bytes(MB)), 1, BAD_XLSX),
    Case("x-png-renamed", "score", text("image.xlsx", PNG), 1, BAD_XLSX),
    Case("x-zip-renamed", "score", text("archive.xlsx", zip_of({"a.txt": "x"})), 1, BAD_XLSX),
    Case("x-truncated", "score", truncated_xlsx, 1, BAD_XLSX),
    Case("x-empty", "score", text("empty.xlsx", b""), 1, BAD_XLSX),
    Case("x-16384-columns", "score", xlsx("wide.xlsx", lambda: sheet_rows(
        wide_rows(16_384, answered=True))), 0, heavy=True),
    Case("x-20000-columns", "score", xlsx("wide.xlsx", lambda: sheet_rows(
        wide_rows(20_000, answered=True, rows=1))), 1, BAD_XLSX),
    Case("x-deflate-bomb-50mb-cell", "score", xlsx("deflate.xlsx", deflate_bomb), 1,
         "not one of the options", heavy=True),
    Case("x-sparse-bomb", "score", xlsx("sparse.xlsx", sparse_bomb), 1, heavy=True,
         slow=True),
    Case("x-fifo", "score", special("pipe.xlsx", "fifo"), 1, timeout=PIPE_TIMEOUT),
    Case("x-dev-zero", "score", special("zero.xlsx", "/dev/zero"), 1, timeout=PIPE_TIMEOUT),

    # score GOOD.csv --map MAP.yaml: a map that cannot be used stops the job (exit 2).
    *yaml_cases("map", 2),
    Case("m-20000-columns", "map", text("columns.yaml", lambda: "columns: " + flow(
        f"'extra {i}': q{i}" for i in range(20_000)) + "\n"), 2,
         "'q0' is not an item id of the questionnaire"),
    Case("m-empty", "map", text("empty.yaml", b""), 0),
]


# --- running ------------------------------------------------------------------------------------

@dataclass
class Run:
    """What one run of the CLI did."""

    case: Case
    path: Path
    code: int | None  # None: killed at the time limit; negative: killed by a signal
    stderr: str
    wall: float
    cpu: float
    rss_mb: float
    scored: bool = False  # the good export's company is in the score table written

    def line(self) -> str:
        code = "timeout" if self.code is None else str(self.code)
        return (f"{self.case.id:<34} exit {code:>7}  {self.wall:6.1f} s wall  {self.cpu:6.1f} s cpu"
                f"  {self.rss_mb:7.0f} MB peak RSS")


def _peak_kb(source: Path) -> int:
    """VmHWM in kB from a ``/proc/PID/status`` or the file LAUNCH writes (0: not there)."""
    try:
        text = source.read_text()
    except OSError:
        return 0
    if not text.startswith("Name"):
        return int(text or 0)
    return next((int(line.split()[1]) for line in text.splitlines()
                 if line.startswith("VmHWM")), 0)


def run_cli(args: list[str], timeout: float, cwd: Path, prefix: Sequence[str] = ()
            ) -> tuple[int | None, str, float, float, float]:
    """Exit code, stderr, wall and CPU seconds, peak RSS in MB of one capped, timed run;
    ``prefix`` is a command that runs it (and execs it, keeping its process id)."""
    # One BLAS thread: OpenBLAS maps buffers per core, which would tie the cap to the machine.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "200"}
    env.pop("DIAGNOSE_DEBUG", None)
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "peak"
        start = time.monotonic()
        proc = subprocess.Popen(
            [*prefix, sys.executable, "-c", LAUNCH, str(CAP), str(CPU_SECONDS), str(report), *args,
             "--lang", "en"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            cwd=cwd, env=env, start_new_session=True)
        status_file = Path(f"/proc/{proc.pid}/status")
        timed_out, polled = False, 0
        while True:  # polled too: a run killed at the time limit writes no report
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            polled = max(polled, _peak_kb(status_file))
            if time.monotonic() - start > timeout:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak = max(polled, _peak_kb(report))
        err.seek(0)
        raw = err.read(STDERR_BYTES)
        if len(raw) == STDERR_BYTES:  # keep whole lines only
            raw = raw[: raw.rfind(b"\n") + 1]
        stderr = raw.decode("utf-8", errors="replace")
    code = None if timed_out else proc.returncode
    return code, stderr, wall, usage.ru_utime + usage.ru_stime, peak / 1024


def run_case(case: Case, root: Path, good: Path) -> Run:
    folder = root / case.id
    folder.mkdir()
    path = case.make(folder)
    out = folder / "scores.csv"
    args = {
        "validate": ["questionnaire", "validate", str(path)],
        "score": ["score", str(path), str(good), "-o", str(out), "--quiet"],
        "alone": ["score", str(path), "-o", str(out), "--quiet"],
        "map": ["score", str(good), "--map", str(path), "-o", str(out), "--quiet"],
    }[case.kind]
    code, stderr, wall, cpu, rss = run_cli(args, case.timeout, folder)
    scored = out.is_file() and GOOD_NAME in out.read_text(encoding="utf-8-sig")
    for item in folder.iterdir():  # free the disk: hundreds of MB per run otherwise
        if item.is_file() and not item.is_symlink():
            item.unlink()
    return Run(case, path, code, stderr, wall, cpu, rss, scored)


@pytest.fixture(scope="module")
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[dict[str, Run]]:
    """Every selected case, heaviest first, ``WORKERS`` at a time; the figures at the end."""
    selected = {item.callspec.params["case"].id for item in request.session.items
                if item.module is request.module and hasattr(item, "callspec")
                and "case" in item.callspec.params}
    cases = sorted((c for c in CASES if c.id in selected), key=lambda c: not c.heavy)
    root = tmp_path_factory.mktemp("limits")
    good = root / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    start = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        results = {run.case.id: run for run in pool.map(
            lambda case: run_case(case, root, good), cases)}
    elapsed = time.monotonic() - start
    yield results
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # teardown output is captured otherwise
        reporter.ensure_newline()
        reporter.write_sep("-", f"hostile inputs: {len(results)} runs in {elapsed:.0f} s, "
                                f"{WORKERS} at a time, each capped at {CAP // MB} MB")
        for case in CASES:
            if case.id in results:
                reporter.write_line(results[case.id].line())


# --- the checks ---------------------------------------------------------------------------------

def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else []
    if case.slow or case.heavy:  # 100 MB, 20,000 columns, a million rows: seconds each
        marks.append(pytest.mark.slow)
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_input_gives_a_clear_message_and_the_contract_exit_code(
        case: Case, runs: dict[str, Run]) -> None:
    run = runs[case.id]
    print(run.line())
    assert run.code is not None, f"still running after {case.timeout:.0f} s: killed"
    assert run.code >= 0, (f"killed by signal {-run.code} (SIGXCPU: over {CPU_SECONDS} s of "
                           f"CPU)\n{run.stderr[-2000:]}")
    for crash in ("Traceback", "internal error", "MemoryError"):
        assert crash not in run.stderr, run.stderr[-2000:]
    expected = case.expect if isinstance(case.expect, tuple) else (case.expect,)
    assert run.code in expected, run.stderr[-2000:]
    assert case.says in run.stderr, run.stderr[-2000:]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    if run.code:  # every line names the file, and none echoes a huge value
        assert lines, "no message"
        assert all(str(run.path) in line for line in lines), lines[:5]
        assert max(len(line) for line in lines) < 2000
    if case.kind in {"score", "map"} and run.code in {0, 1}:
        assert run.scored, "the good export was not scored"


# Root (CI runs as root) reads any file whatever its mode, by two capabilities. Without them,
# still root and owner of the venv and of its temp folders, the kernel refuses a mode-000 file
# as it would for anyone: the real open() in whatever library reads it fails.
NO_READ_OVERRIDE = ("setpriv", "--inh-caps=-dac_override,-dac_read_search",
                    "--bounding-set=-dac_override,-dac_read_search", "--")


def denied(path: Path, prefix: Sequence[str] = ()) -> bool:
    """Whether a process started under ``prefix`` is refused reading ``path``."""
    probe = subprocess.run([*prefix, sys.executable, "-c", "import sys; open(sys.argv[1], 'rb')",
                            str(path)], capture_output=True, text=True, timeout=60)
    return probe.returncode == 1 and "PermissionError" in probe.stderr


@pytest.fixture
def locked(tmp_path: Path) -> Callable[[str, bytes], tuple[Path, Sequence[str]]]:
    """A file of mode 000, and the prefix of a command that cannot read it."""
    def make(name: str, data: bytes) -> tuple[Path, Sequence[str]]:
        path = tmp_path / name
        path.write_bytes(data)
        path.chmod(0)
        if denied(path):
            return path, ()
        if shutil.which("setpriv") and denied(path, NO_READ_OVERRIDE):
            return path, NO_READ_OVERRIDE
        pytest.skip("this user reads files whatever their mode, and setpriv cannot stop it")
    return make


@pytest.mark.parametrize("name, command", [
    ("locked.yaml", "validate"), ("locked.yaml", "score"), ("locked.csv", "score"),
    ("locked.xlsx", "score")])
def test_an_unreadable_file_is_named(locked: Callable[[str, bytes], tuple[Path, Sequence[str]]],
                                     tmp_path: Path, name: str, command: str) -> None:
    path, prefix = locked(name, GOOD_CSV.encode())
    args = (["questionnaire", "validate", str(path)] if command == "validate" else
            ["score", str(path), "-o", str(tmp_path / "out.csv"), "--quiet"])
    code, stderr, *_ = run_cli(args, TIMEOUT, tmp_path, prefix)
    assert code == 2, stderr
    assert str(path.name) in stderr and "Traceback" not in stderr, stderr


def test_an_unreadable_file_in_a_folder_is_rejected_and_the_rest_scored(
        locked: Callable[[str, bytes], tuple[Path, Sequence[str]]], tmp_path: Path) -> None:
    """A folder is read by diagnose itself, file by file: the open() that fails is its own."""
    (tmp_path / "in").mkdir()
    path, prefix = locked("in/locked.yaml", RESPONSE.encode())
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    out = tmp_path / "out.csv"
    code, stderr, *_ = run_cli(["score", str(path.parent), str(good), "-o", str(out), "--quiet"],
                               TIMEOUT, tmp_path, prefix)
    assert code == 1, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and all(str(path) in line for line in lines), lines
    assert "Permission denied" in stderr
    assert GOOD_NAME in out.read_text(encoding="utf-8-sig")


# Typer's own readable check (on by default) is off on every Path argument and option: an
# unreadable input reaches our readers, which name it in one line and go on with the rest.
def test_validate_names_an_unreadable_file_and_still_checks_the_others(
        locked: Callable[[str, bytes], tuple[Path, Sequence[str]]], tmp_path: Path) -> None:
    """docs/commands.md: a file that cannot be read is one line ``FILE:1:1: message``, and the
    other files are still checked."""
    path, prefix = locked("locked.yaml", QUESTIONNAIRE.encode())
    missing = tmp_path / "missing.yaml"
    code, stderr, *_ = run_cli(["questionnaire", "validate", str(path), str(missing)], TIMEOUT,
                               tmp_path, prefix)
    assert code == 2, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert [line.split(": ")[0] for line in lines] == [f"{path}:1:1", f"{missing}:1:1"], lines


@pytest.mark.parametrize("name", ["locked.yaml", "locked.csv", "locked.xlsx"])
def test_an_unreadable_input_is_one_line_and_the_rest_still_runs(
        locked: Callable[[str, bytes], tuple[Path, Sequence[str]]], tmp_path: Path,
        name: str) -> None:
    """As a FIFO or a broken export given with a good one: one line naming the file; rejected
    with the rest scored (exit 1) or, as the contract allows for an unreadable input, exit 2."""
    path, prefix = locked(name, GOOD_CSV.encode())
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    out = tmp_path / "out.csv"
    code, stderr, *_ = run_cli(["score", str(path), str(good), "-o", str(out), "--quiet"],
                               TIMEOUT, tmp_path, prefix)
    assert code in (1, 2), stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and all(str(path) in line for line in lines), lines
    if code == 1:
        assert GOOD_NAME in out.read_text(encoding="utf-8-sig")
