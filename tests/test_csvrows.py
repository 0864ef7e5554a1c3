"""Survey CSVs as pyarrow reads them (``diagnose.inputs.csvrows``): the same records, row
numbers and rejections as a plain one-pass read with Python's ``csv`` module, in any block."""

from __future__ import annotations

import csv
import io
import math
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import make_questionnaire
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnose.engine import batch
from diagnose.inputs import answers, csvrows, survey
from diagnose.render import tables

CELLS = ["", "a", "가나", "  ", "x,y", "x;y", "x\ty", 'a "인용" b', "줄\n바꿈", "줄\r\n바꿈", "끝\n",
         "\r", '"', '12" 파이프', "x" * 300]


def write(rows: list[list[str]], sep: str, end: str) -> str:
    """CSV text as spreadsheets write it: a cell is quoted only when it must be, so a ``"``
    inside an unquoted cell stays as it is (``12" 파이프``)."""
    def cell(text: str) -> str:
        if sep in text or "\n" in text or "\r" in text or text.startswith('"'):
            return '"' + text.replace('"', '""') + '"'
        return text
    return "".join(sep.join(cell(c) for c in row) + end for row in rows)


def one_pass(text: str, sep: str, width: int) -> tuple[dict[int, list[str]], list[tuple[int, int]]]:
    """Python's csv over the whole text: each record by its row (the first is row 1), padded to
    ``width`` blank cells; and the (row, cells) of the records that are wider."""
    rows: dict[int, list[str]] = {}
    too_long: list[tuple[int, int]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    for number, record in enumerate(reader, start=1):
        if len(record) > width:
            too_long.append((number, len(record)))
        else:
            rows[number] = (record + [""] * width)[:width]
    return rows, too_long


def read_all(path: Path, encoding: str, sep: str, width: int, first_row: int,
             coded: set[int], plain: set[int]) -> tuple[dict[int, list[Any]], list[tuple[int, int]]]:
    """Every record ``csvrows.read`` gives, by row: texts, or whether a cell holds something."""
    rows: dict[int, list[Any]] = {}
    too_long: list[tuple[int, int]] = []
    for records in csvrows.read(path, encoding, sep, width, first_row, coded, plain):
        too_long += [(row, len(cells)) for row, cells in records.too_long]
        assert sorted(records.rows.tolist()) == records.rows.tolist()
        for i, row in enumerate(records.rows.tolist()):
            assert row not in rows, f"row {row} given twice"
            rows[row] = [_cell(records, position, i) for position in range(width)]
    return rows, too_long


def _cell(records: csvrows.Records, position: int, i: int) -> Any:
    if position in records.filled:
        return bool(records.filled[position][i])
    cells = records.cells[position]
    return cells.distinct[cells.codes[i]] if isinstance(cells, csvrows.Coded) else cells[i]


def blocks(monkeypatch: pytest.MonkeyPatch, block: int, batch: int = 1) -> None:
    """Parse in blocks of ``block`` bytes, handing batches on once they hold ``batch`` bytes."""
    monkeypatch.setattr(csvrows, "BLOCK_BYTES", block)
    monkeypatch.setattr(csvrows, "BATCH_BYTES", batch)


record = st.lists(st.sampled_from(CELLS), min_size=0, max_size=6)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(record, min_size=1, max_size=30), width=st.integers(1, 4),
       sep=st.sampled_from([",", ";", "\t"]), end=st.sampled_from(["\r\n", "\n"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949"]),
       block=st.sampled_from([16, 64, 300, 1 << 20]), batch=st.sampled_from([1, 500, 1 << 30]),
       first_row=st.integers(1, 3))
def test_records_rows_and_too_long_rows_are_those_of_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], width: int,
        sep: str, end: str, encoding: str, block: int, batch: int, first_row: int) -> None:
    """Quoted line breaks, quotes, delimiters in cells, empty lines, short and long records,
    anywhere around block boundaries (blocks shorter than a record are read again, larger)."""
    text = write(rows, sep, end)
    if text.endswith('"') or not text.strip():
        return  # a file ending in an open quote is refused (below); an empty one never read
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    blocks(monkeypatch, block, batch)
    coded, plain = {0}, set(range(1, width, 2))  # the rest: whether a cell holds something
    expected, too_long = one_pass(text, sep, width)
    found, found_long = read_all(path, "cp949" if encoding == "cp949" else "utf-8", sep, width,
                                 first_row, coded, plain)
    assert found == {row: [bool(c) if p not in coded | plain else c for p, c in enumerate(cells)]
                     for row, cells in expected.items() if row >= first_row}
    assert sorted(found_long) == [(row, n) for row, n in too_long if row >= first_row]


def test_a_line_break_inside_quotes_stays_in_its_row(tmp_path: Path) -> None:
    path = tmp_path / "breaks.csv"
    path.write_text('기업명,비고\r\n(주)가,"첫 줄\r\n둘째 줄"\r\n(주)나,x,넘침\r\n(주)다\r\n',
                    encoding="utf-8")
    rows, too_long = read_all(path, "utf-8", ",", 2, 2, set(), {0, 1})
    assert rows == {2: ["(주)가", "첫 줄\r\n둘째 줄"], 4: ["(주)다", ""]}
    assert too_long == [(3, 3)]


@pytest.mark.parametrize("text, row, lines, kept", [
    ('기업명,data.collection\r\n"(주)가,3\r\n(주)나,2\r\n', 2, 1, []),  # swallowed, too few cells
    ('기업명,비고\r\n(주)가,"메모\r\n(주)나,2\r\n(주)다,3\r\n', 2, 2, []),  # just as wide
    ('기업명\r\n(주)가\r\n"(주)나\r\n(주)다\r\n', 3, 1, ["(주)가"]),  # one column
    ('기업명,비고\r\n(주)가,x\r\n(주)나,"메모 ""인용""', 3, 0, ["(주)가"]),  # cut in the last row
    ('기업명,비고\r\n(주)가,x\r\n(주)나,"메모\r\n둘째 줄', 3, 1, ["(주)가"]),  # in a two-line cell
])
def test_a_quote_never_closed_leaves_out_its_row_and_says_the_file_looks_cut(
        tmp_path: Path, text: str, row: int, lines: int, kept: list[str]) -> None:
    """pyarrow would take the rest of the file as one cell (the last rows silently gone):
    that row is left out, saying so, and the rows above it are scored."""
    path = tmp_path / "quote.csv"
    path.write_text(text, encoding="utf-8")
    result = survey.read(path, batch.load_content()[0])
    (rejection,) = result.rejections
    assert rejection.row == row
    if lines:  # a stray quote, or a cut inside a multi-line cell: either may be
        assert rejection.reason.en.startswith(
            f'malformed CSV: a quote (") opened in row {row} is never closed, so the {lines} '
            "line(s) after it were read into one cell (or the file is cut off there)")
    else:
        assert rejection.reason.en.startswith(
            f"the file looks cut off at row {row}: it ends inside a quoted cell of this row")
    assert list(result.frame["company.name"]) == kept


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
@pytest.mark.parametrize("tail, cut", [
    ('(주)나,"끝난 따옴표"', False),  # closed: a whole last row without a line end
    ('(주)나,"끝난 ""따옴표"""', False),
    ('(주)나,끝', False),  # as wide as the header: Google Sheets ends so
    ('(주)나,"열린 따옴표', True),
    ('(주)나,"열린 ""따옴표""', True),
    ('(주)나,"', True),
    ("(주)나", True),  # fewer cells, no line end
    ("(주)나\r\n", False),  # fewer cells, but ended: a sheet saved without trailing blanks
    ("   ", False),  # a blank last line is no row
])
def test_the_last_record_is_cut_off_only_when_the_file_ends_inside_it(
        tmp_path: Path, encoding: str, tail: str, cut: bool) -> None:
    path = tmp_path / "tail.csv"
    path.write_bytes(("기업명,비고\r\n(주)가,x\r\n" + tail).encode(encoding))
    found = [r.cut for r in csvrows.read(path, encoding, ",", 2, 2, {0}, {1}) if r.cut]
    assert [c.row for c in found] == ([3] if cut else [])


def test_a_closed_quote_ending_in_a_line_break_is_no_open_quote(tmp_path: Path) -> None:
    path = tmp_path / "closed.csv"
    path.write_text('기업명,비고\r\n(주)가,"메모 끝에 줄바꿈\r\n"\r\n', encoding="utf-8")
    result = survey.read(path, batch.load_content()[0])
    assert result.rows.tolist() == [2] and result.rejections == []


def test_bad_utf8_far_below_the_head_is_a_decoding_error(tmp_path: Path) -> None:
    """A file that starts as UTF-8 Korean and turns to CP949 far below: pyarrow's own error
    ("CSV conversion error to string") is not shown; the file is one 'cannot decode'
    rejection."""
    path = tmp_path / "mixed.csv"
    body = "".join(f"(주)회사{i},3\r\n" for i in range(20_000))
    path.write_bytes(f"기업명,data.collection\r\n{body}".encode() + "(주)씨피,3\r\n".encode("cp949"))
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, batch.load_content()[0])
    assert caught.value.rejections[0].reason.en.startswith("cannot decode the file (tried UTF-8)")


def test_a_cp949_file_is_transcoded_as_it_is_read(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Korean Excel's CSV over many blocks: rows and their numbers as in UTF-8."""
    blocks(monkeypatch, 4096)
    lines = ["기업명,비고"] + [f'(주)똠방{i},"메모\r\n{i}"' for i in range(2_000)]
    path = tmp_path / "excel.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    result = survey.read(path, batch.load_content()[0])
    assert result.rows.tolist() == list(range(2, 2_002))
    assert result.frame["company.name"].iloc[-1] == "(주)똠방1999"


def test_the_parser_thread_stops_when_reading_stops(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A file refused part way (too many rows) leaves no parser running behind it."""
    monkeypatch.setattr(survey, "MAX_ROWS", 50)
    blocks(monkeypatch, 1024)
    path = tmp_path / "long.csv"
    path.write_text("기업명\n" + "".join(f"(주)회사{i}\n" for i in range(20_000)), encoding="utf-8")
    with pytest.raises(survey.SurveyError, match="too many rows"):
        survey.read(path, batch.load_content()[0])
    assert not [t for t in threading.enumerate() if t.name == "csv-parser"]


# --- survey rows: what a per-row read of the same file gives ----------------------------------

MINI = make_questionnaire("""
    id: mini
    version: "1"
    title: 미니
    languages: [ko]
    profile:
      - {id: name, type: text, text: 기업명}
      - {id: employees, type: number, min: 0, text: 근로자 수}
    dimensions:
      - id: d
        title: 디
        questions:
          - {id: d.level, type: level, text: 수준, options: LEVELS}
          - {id: d.tick, type: multi, text: 고른 것, options: [{value: a, label: 가}, {value: b, label: 나}]}
    """)
HEADER = ["기업명", "수준", "근로자 수", "고른 것", "비고"]
ITEMS = [MINI.items["name"], MINI.items["d.level"], MINI.items["employees"],
         MINI.items["d.tick"], None]
SURVEY_CELLS = {
    0: ["(주)가", "(주)나", "", "  ", "(주)줄\n바꿈", 'a "인용" b'],
    1: ["", "3", "삼", "abc", "９", "6"],
    2: ["", "12", "-1", "1e3", "abc", "12.5"],
    3: ["", "가", "가, 나", "a;b", "다"],
    4: ["", "메모", "x,y"],
}


def per_row(text: str) -> tuple[list[int], list[tuple[int, str]]]:
    """A plain loop: each record after the header from Python's csv, each cell by
    ``answers.normalize``: the rows kept, and the (row, column) of each rejection."""
    kept: list[int] = []
    rejected: list[tuple[int, str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    for number, cells in enumerate(reader, start=2):
        if len(cells) > len(HEADER):
            rejected.append((number, ""))
            continue
        cells = (cells + [""] * len(HEADER))[:len(HEADER)]
        if not any(cell.strip() if item else cell for item, cell in zip(ITEMS, cells, strict=True)):
            continue  # a wholly blank row is no answer (spaces are blank in matched columns)
        bad = []
        for header, item, cell in zip(HEADER, ITEMS, cells, strict=True):
            if item is MINI.items["name"] and not cell.strip():
                bad.append((number, header))  # the company name is missing
            if item is None or not cell.strip():
                continue
            try:
                answers.normalize(item, cell)
            except answers.AnswerError:
                bad.append((number, header))
        rejected += bad
        if not bad:
            kept.append(number)
    return kept, rejected


survey_row = st.lists(st.integers(0, 5), min_size=0, max_size=6).map(
    lambda picks: [SURVEY_CELLS[i][p % len(SURVEY_CELLS[i])] for i, p in enumerate(picks[:5])]
    + ["넘침"] * (len(picks) - 5))  # a sixth cell: too long


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(survey_row, min_size=1, max_size=25),
       block=st.sampled_from([32, 200, 1 << 20]), batch=st.sampled_from([1, 2000]))
def test_survey_rows_and_rejections_are_those_of_a_per_row_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]],
        block: int, batch: int) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    path = tmp_path / "export.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    blocks(monkeypatch, block, batch)
    result = survey.read(path, MINI)
    kept, rejected = per_row(buffer.getvalue())
    assert result.rows.tolist() == kept
    assert [(r.row, r.column) for r in result.rejections] == sorted(rejected, key=lambda r: r[0])
    names = [(c or "").strip() for c in (row[0] if row else "" for row in rows)]
    assert result.frame["company.name"].tolist() == [names[k - 2] for k in kept]


def test_a_big_export_scores_the_same_in_small_blocks(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled questionnaire's export (labels, multi answers, blanks): parsed in blocks of
    64 KB (a batch every ten rows or so) or as it comes, the score table is byte for byte the
    same."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from bench_survey import write_export

    path = tmp_path / "export.csv"
    write_export(path, 1500)
    one = batch.score_inputs([path])
    blocks(monkeypatch, 64 * 1024)
    many = batch.score_inputs([path])
    assert len(one.scores.table) == 1500
    assert tables.to_csv(tables.rounded(many.scores.table)) == tables.to_csv(
        tables.rounded(one.scores.table))


def test_rows_with_fewer_cells_come_back_in_file_order(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Short rows (trailing blank cells left out) are padded apart from their batch; the
    frame still lists every row where it stands in the file."""
    blocks(monkeypatch, 64)
    lines = ["기업명,수준,근로자 수"] + [f"(주)행{i}" if i % 3 else f"(주)행{i},3,{i}"
                                     for i in range(2, 60)]
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = survey.read(path, MINI)
    assert result.rows.tolist() == list(range(2, 60))
    assert result.frame["company.name"].tolist() == [f"(주)행{i}" for i in range(2, 60)]
    levels = result.frame["d.level"].tolist()
    assert [v == 3 for v in levels] == [i % 3 == 0 for i in range(2, 60)]
    assert all((isinstance(v, float) and math.isnan(v)) or v == 3 for v in levels)


NUMBER_TEXTS = st.one_of(
    st.floats(allow_nan=False).map(repr), st.integers(-10**30, 10**30).map(str),
    st.from_regex(r"[-+]?[0-9]{0,25}(\.[0-9]{0,25})?([eE][-+]?[0-9]{1,4})?", fullmatch=True),
    st.sampled_from(["", " 12", "12 ", "1_000", "１２", "nan", "inf", "-0", ".", "e5", "0x10",
                     "1e309", "-1e-400", "12명"]))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(NUMBER_TEXTS, min_size=1, max_size=30))
def test_plain_numbers_parsed_by_pyarrow_are_those_float_reads(texts: list[str]) -> None:
    """pyarrow parses the plain decimals of a number column; each is ``float()`` of its text
    to the last bit (the rest is left to ``answers.normalize``, as NaN)."""
    import pyarrow as pa

    found = csvrows._plain_numbers(pa.array(texts)).tolist()
    for text, number in zip(texts, found, strict=True):
        if math.isnan(number):
            continue
        assert number == float(text) and math.copysign(1, number) == math.copysign(
            1, float(text)), text
        assert text.strip() == text and text.isascii(), text


@pytest.mark.parametrize("encoding", ["utf-8", "cp949"])
def test_a_file_cut_at_any_byte_of_its_last_row_never_scores_a_broken_row(
        tmp_path: Path, encoding: str) -> None:
    """A download cut at a random byte of the last row: inside a syllable (the first bytes
    of 가 or 모), in the first cell (too few cells), or after them. The rows above are scored
    every time; the last row is left out whenever the cut shows, and is whole when kept."""
    whole = "기업명,비고\r\n(주)가,x\r\n(주)나,메모".encode(encoding)
    last = whole.rindex(b"\r\n") + 2
    q = batch.load_content()[0]
    for cut in range(last + 1, len(whole)):
        path = tmp_path / f"cut{cut}.csv"
        path.write_bytes(whole[:cut])
        broken = csvrows.text_end(path, encoding) < cut
        result = survey.read(path, q)
        names = list(result.frame["company.name"])
        assert names[0] == "(주)가", cut
        text = whole[:cut].decode(encoding, errors="ignore")
        shows = broken or "," not in text.splitlines()[-1]  # a character, or too few cells
        if shows:
            assert names == ["(주)가"], cut
            (rejection,) = result.rejections
            assert rejection.reason.en.startswith("the file looks cut off at row 3: "), cut
            assert ("in the middle of a character" in rejection.reason.en) is broken, cut
        else:  # '(주)나,' or '(주)나,메': as wide as the header, no sign of a cut
            assert names == ["(주)가", "(주)나"] and result.rejections == [], cut


@pytest.mark.parametrize("encoding, text, cut", [
    ("utf-8", "a,b\n가", 0), ("utf-8", "a,b\n가", 1), ("utf-8", "a,b\n가", 2),
    ("cp949", "a,b\n가", 0), ("cp949", "a,b\n가", 1), ("cp949", "a,b\n똠", 1),
    ("utf-8", "가" * 3000, 0),  # no line end in the last 4 KB: no guess
])
def test_text_end_leaves_out_only_a_character_the_file_ends_inside(
        tmp_path: Path, encoding: str, text: str, cut: int) -> None:
    data = text.encode(encoding)
    path = tmp_path / "end.csv"
    path.write_bytes(data[: len(data) - cut])
    expected = len(data) - (len(text[-1].encode(encoding)) if cut else 0)
    if "\n" not in text:
        expected = len(data)
    assert csvrows.text_end(path, encoding) == expected
