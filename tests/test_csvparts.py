"""A big CSV read on every core gives exactly what one pass gives: rows, numbers, rejections."""

from __future__ import annotations

import csv
import io
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnose.core import processes
from diagnose.engine import batch
from diagnose.inputs import csvparts, survey
from diagnose.render import tables

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="parts are parsed by forked workers (Linux)")

Q, _ = batch.load_content()
HEADER = ["기업명", "data.collection", "data.storage", "company.employees", "strategy.vision"]
CELLS = ["(주)가", "(주)나나", "", "3", "4", "２", "모름", "해당 없음", "12.5", "abc",
         "줄\n바꿈", 'a "인용" b', "a,b", "  ", "x" * 40]


def read_both(path: Path, monkeypatch: pytest.MonkeyPatch, parts: int,
              first: float | None = None) -> tuple[survey.SurveyResult, survey.SurveyResult]:
    """The file read in one pass, and in ``parts`` parts (forced however small it is)."""
    monkeypatch.setattr(csvparts, "parts_for", lambda _path: 1)
    one = survey.read(path, Q)
    monkeypatch.setattr(csvparts, "parts_for", lambda _path: parts)
    if first is not None:
        cut = csvparts.cut_points
        monkeypatch.setattr(csvparts, "cut_points", lambda p, n, _f=None: cut(p, n, first))
    many = survey.read(path, Q)
    return one, many


def same(one: survey.SurveyResult, many: survey.SurveyResult) -> None:
    assert many.rows.tolist() == one.rows.tolist()
    assert [(r.row, r.column, r.value, r.reason) for r in many.rejections] == [
        (r.row, r.column, r.value, r.reason) for r in one.rejections]
    assert many.ignored == one.ignored
    assert list(many.frame.columns) == list(one.frame.columns)
    for column in one.frame.columns:
        assert [_plain(v) for v in many.frame[column]] == [_plain(v) for v in one.frame[column]], \
            column


def _plain(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def write(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([HEADER, *rows])
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


row = st.lists(st.sampled_from(CELLS), min_size=1, max_size=7)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=40), parts=st.integers(2, 4),
       first=st.sampled_from([None, 0.05, 0.5, 0.9]))
def test_parts_read_exactly_as_one_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        rows: list[list[str]], parts: int,
                                        first: float | None) -> None:
    """Quoted line breaks and quotes, short rows, too-long rows (skipped with their number),
    blank and bad cells, anywhere around the cuts."""
    path = write(tmp_path / "export.csv", rows)
    same(*read_both(path, monkeypatch, parts, first))


def test_a_stray_quote_that_fools_the_count_falls_back_to_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unquoted cell holding ``"`` (12" pipe) makes the quote count odd: the cut lands
    inside a quoted cell, the first part ends in an open quote, and one pass reads it."""
    lines = ["기업명,data.collection,비고", '(주)배관,3,12" pipe']
    lines += [f'(주)회사{i},{1 + i % 5},"메모\n{i}"' for i in range(200)]
    path = tmp_path / "stray.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    recuts = []
    real = csvparts.chunks

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            yield from real(*args, **kwargs)
        except csvparts.Recut:
            recuts.append(True)
            raise

    monkeypatch.setattr(csvparts, "chunks", watched)
    one, many = read_both(path, monkeypatch, 2)
    same(one, many)
    assert len(one.frame) == 201 and recuts == [True]


def test_cuts_fall_after_a_line_end_outside_quotes(tmp_path: Path) -> None:
    text = 'a,b\n"x\ny",1\n' * 5000
    path = tmp_path / "q.csv"
    path.write_text(text, encoding="utf-8")
    data = path.read_bytes()
    for parts in (2, 3, 4):
        points = csvparts.cut_points(path, parts)
        assert len(points) == parts - 1
        for point in points:
            assert data[point - 1:point] == b"\n" and data[:point].count(b'"') % 2 == 0


def test_a_big_export_is_read_in_parts_and_scores_as_in_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled questionnaire's export (labels, multi answers, blanks) over the size
    limit: parts are used, and the score table is byte for byte the one-pass table."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from bench_survey import write_export

    path = tmp_path / "export.csv"
    write_export(path, 3000)
    monkeypatch.setattr(csvparts, "PARALLEL_BYTES", path.stat().st_size // 3)
    assert csvparts.parts_for(path) > 1
    used = []
    real = csvparts.chunks
    monkeypatch.setattr(csvparts, "chunks", lambda *a, **k: (used.append(1), real(*a, **k))[1])
    many = batch.score_inputs([path])
    assert used
    monkeypatch.setattr(csvparts, "PARALLEL_BYTES", 10**12)
    one = batch.score_inputs([path])
    assert tables.to_csv(tables.rounded(many.scores.table)) == tables.to_csv(
        tables.rounded(one.scores.table))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.floats(-2000, 2000), st.just(float("nan"))), min_size=1,
                max_size=50))
def test_two_decimal_fields_print_as_repr(values: list[float]) -> None:
    rounded = pd.Series(np.round(np.array(values, dtype=float), 2))
    found = tables._hundredths(rounded.to_numpy())
    expected = ["" if math.isnan(v) else repr(float(v)) for v in rounded]
    assert found is None or [found[1][code] for code in found[0]] == expected


def test_a_workers_answer_codes_are_renumbered_as_this_process_numbers_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker meets 5 and 4 first, this process 1 and 2: the frame still holds each
    company's own answer."""
    rows = [[f"(주)앞{i}", str(1 + i % 2), "", "", ""] for i in range(40)]
    rows += [[f"(주)뒤{i}", str(5 - i % 2), "", "", ""] for i in range(40)]
    path = write(tmp_path / "codes.csv", rows)
    one, many = read_both(path, monkeypatch, 2)
    same(one, many)
    answers = dict(zip(many.frame["company.name"], many.frame["data.collection"], strict=True))
    assert answers["(주)앞0"] == 1 and answers["(주)앞1"] == 2
    assert answers["(주)뒤0"] == 5 and answers["(주)뒤1"] == 4


PARSED_HERE: list[int] = []  # parts parsed by the test process itself
REAL_PARSE_RANGE = csvparts.parse_range
TEST_PROCESS = os.getpid()


def slow_worker_parse_range(path: Path, start: int, *args: Any) -> Any:
    """``parse_range``, half a second late in a worker (module level: workers get it pickled)."""
    if os.getpid() != TEST_PROCESS:
        time.sleep(0.5)
    else:
        PARSED_HERE.append(start)
    return REAL_PARSE_RANGE(path, start, *args)


def test_parts_no_worker_has_started_are_parsed_here_from_the_last_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow worker leaves the last parts to this process, which parses them itself; the
    rows still come in file order, numbered as in one pass."""
    rows = [[f"(주)회사{i}", str(1 + i % 5), "", str(i), str(5 - i % 5)] for i in range(600)]
    rows[450] = [*rows[450], "한 칸 더"]  # too long: skipped, and numbered, in a late part
    path = write(tmp_path / "slow.csv", rows)
    PARSED_HERE.clear()
    monkeypatch.setattr(csvparts, "parse_range", slow_worker_parse_range)
    monkeypatch.setattr(processes, "cores", lambda most=4: 2)
    one, many = read_both(path, monkeypatch, 8)
    same(one, many)
    assert len(many.frame) == 599 and [r.row for r in many.rejections] == [452]
    points = csvparts.cut_points(path, 8)
    assert PARSED_HERE and sorted(PARSED_HERE, reverse=True) == PARSED_HERE
    assert PARSED_HERE[0] == points[-1]  # the last part first
