"""Score tables as files: the CSV writer against ``csv.writer``, and the XLSX and JSON forms."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from diagnose.engine import batch
from diagnose.inputs import responses
from diagnose.jobs import demo
from diagnose.render import tables

TEXT = st.one_of(
    st.sampled_from(["(주)울산정밀", "=1+1", "-5", "+82 52", "@sum", "\tx", "\rx", 'a "b"',
                     "a,b", "줄\n바꿈", "cr\rlf", "", " ", "\x00", "x\x00", "😀", "'", "ab\r\n"]),
    st.text(max_size=12))


def _column(kind: str, rows: int) -> st.SearchStrategy[Any]:
    if kind == "float":
        return st.lists(st.one_of(st.floats(-1e7, 1e7), st.just(math.nan), st.just(-0.0),
                                  st.sampled_from([0.1, 2.85, 46.32, 1e-7, 123456.789])),
                        min_size=rows, max_size=rows).map(lambda v: pd.Series(v, dtype=float))
    if kind == "percent":  # named like a score column: rounded to 2 decimals when written
        return st.lists(st.one_of(st.floats(-1, 101), st.just(math.nan)), min_size=rows,
                        max_size=rows).map(lambda v: pd.Series(v, dtype=float))
    if kind == "tuples":  # multi answers: joined with ";"
        return st.lists(st.one_of(st.tuples(), st.tuples(TEXT), st.tuples(TEXT, TEXT),
                                  st.none()), min_size=rows, max_size=rows).map(
            lambda v: pd.Series(v, dtype=object))
    if kind == "score":  # what the engine rounds: 2 decimals
        return st.lists(st.one_of(st.integers(-500, 50_000).map(lambda k: round(k / 100, 2)),
                                  st.just(math.nan)), min_size=rows, max_size=rows).map(
            lambda v: pd.Series(v, dtype=float))
    if kind == "int":
        return st.lists(st.one_of(st.integers(-10**12, 10**12), st.none()), min_size=rows,
                        max_size=rows).map(lambda v: pd.Series(v, dtype="Int64"))
    if kind == "bool":
        return st.lists(st.booleans(), min_size=rows, max_size=rows).map(
            lambda v: pd.Series(v, dtype=bool))
    if kind == "number-objects":  # answers frame numbers: floats, whole ones, blanks
        return st.lists(st.one_of(st.floats(0, 1e6), st.integers(0, 10**6), st.none()),
                        min_size=rows, max_size=rows).map(
            lambda v: pd.Series(v, dtype=object))
    if kind == "repeated-text":
        return st.lists(st.sampled_from(["baseline", "준비", "=cmd", "", "data;infra"]),
                        min_size=rows, max_size=rows).map(lambda v: pd.Series(v, dtype="str"))
    return st.lists(st.one_of(TEXT, st.none()) if kind == "text-gaps" else TEXT,
                    min_size=rows, max_size=rows).map(lambda v: pd.Series(v, dtype=object))


KINDS = ["float", "score", "percent", "int", "bool", "number-objects", "tuples",
         "repeated-text", "text", "text-gaps"]


@st.composite
def score_tables(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 30))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=2, max_size=7))
    return pd.DataFrame({f"{i}.{kind}": draw(_column(kind, rows))  # 3.score: a score column
                         for i, kind in enumerate(kinds)})


def _as_csv_writer_writes(data: pd.DataFrame) -> bytes:
    """The reference: ``csv.writer`` over the cells, gaps empty, formula text neutralised."""
    def cell(value: Any) -> Any:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        return tables.neutralise(value)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([tables.neutralise(str(c)) for c in data.columns])
    for row in data.astype(object).itertuples(index=False):
        writer.writerow([cell(v.item() if isinstance(v, np.generic) else v) for v in row])
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(score_tables())
def test_csv_is_what_csv_writer_writes(table: pd.DataFrame) -> None:
    data = tables.rounded(table)
    assert tables.csv_bytes(table) == tables.csv_bytes(data) == _as_csv_writer_writes(data)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(score_tables())
def test_packed_rows_are_the_joined_rows(table: pd.DataFrame) -> None:
    data = tables.rounded(table)
    columns = [tables._csv_fields(data[c]) for c in data.columns]
    packed = tables._packed_rows(columns, len(data))
    assert packed is None or packed == tables._joined_rows(columns)


def test_one_long_note_among_short_ones_is_joined_not_padded() -> None:
    """Padding 2,000 rows to one 20,000-byte note would go through 40 MB: rows are joined."""
    notes = ["짧음"] * 1999 + ["긴 메모 " * 2500]
    data = pd.DataFrame({"company.name": [f"(주){i}" for i in range(2000)], "note": notes})
    columns = [tables._csv_fields(data[c]) for c in data.columns]
    assert tables._packed_rows(columns, len(data)) is None
    lines = tables.csv_bytes(data).decode("utf-8").split("\r\n")
    assert lines[0] == "company.name,note"
    assert lines[2000] == "(주)1999," + "긴 메모 " * 2500
    assert len(lines) == 2002 and lines[-1] == ""


def test_two_decimal_scores_keep_their_shortest_form() -> None:
    data = pd.DataFrame({"overall.score": [2.85, 3.0, np.nan, 0.1 + 0.2, 1.0],
                         "overall.percent": [46.25, 50.0, np.nan, 100.0, -0.001]})
    lines = tables.to_csv(tables.rounded(data)).split("\r\n")
    assert lines[1:4] == ["2.85,46.25", "3.0,50.0", ","]
    assert lines[4] == "0.3,100.0"  # rounded first: not 0.30000000000000004
    assert lines[5] == "1.0,0.0"  # float noise below zero: not -0.0


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> batch.Batch:
    folder = tmp_path_factory.mktemp("responses")
    q, _ = batch.load_content()
    for sample in demo.sample_responses(q, 6, seed=7):
        responses.save(sample, folder / f"{sample.company['id']}.yaml")
    return batch.score_inputs([folder])


def test_csv_file_has_a_bom_and_opens_as_the_table(scored: batch.Batch, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    tables.write(scored.scores.table, out, scored.questionnaire)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert list(back.columns) == list(scored.scores.table.columns)
    assert back["overall.score"].tolist() == pytest.approx(
        scored.scores.table["overall.score"].round(2).tolist())
    assert not list(tmp_path.glob(".*"))  # no temp file left


def test_xlsx_has_korean_titles_and_json_the_records(scored: batch.Batch,
                                                      tmp_path: Path) -> None:
    tables.write(scored.scores.table, tmp_path / "s.xlsx", scored.questionnaire, lang="ko")
    sheet = load_workbook(tmp_path / "s.xlsx").active
    header = [c.value for c in sheet[1]]
    assert "종합 점수" in header and sheet.freeze_panes == "C2"
    tables.write(scored.scores.table, tmp_path / "s.json", scored.questionnaire)
    records = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert len(records) == len(scored.scores.table)
    assert records[0]["company.name"] == scored.scores.table["company.name"].iloc[0]
