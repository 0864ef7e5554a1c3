"""Score tables as files: the CSV writer against ``csv.writer``, and the XLSX and JSON forms."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import json
import math
import os
import threading
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.core.errors import DiagnoseError
from diagnose.engine import batch
from diagnose.inputs import responses
from diagnose.jobs import demo
from diagnose.render import tables, xlsx

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
    dtype = "str" if kind.startswith("str-") else object  # pandas 3 keeps "str" in Arrow
    return st.lists(st.one_of(TEXT, st.none()) if kind.endswith("text-gaps") else TEXT,
                    min_size=rows, max_size=rows).map(lambda v: pd.Series(v, dtype=dtype))


KINDS = ["float", "score", "percent", "int", "bool", "number-objects", "tuples",
         "repeated-text", "text", "text-gaps", "str-text", "str-text-gaps"]


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


@settings(max_examples=50, deadline=None, derandomize=True)
@given(score_tables())
def test_csv_joined_a_few_rows_at_a_time_is_the_same(table: pd.DataFrame) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tables, "ROWS_AT_ONCE", 4)  # 100,000 rows are joined in steps too
        assert tables.csv_bytes(table) == _as_csv_writer_writes(tables.rounded(table))


def test_one_long_note_among_short_ones() -> None:
    notes = ["짧음"] * 1999 + ["긴 메모 " * 2500]
    data = pd.DataFrame({"company.name": [f"(주){i}" for i in range(2000)], "note": notes})
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


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.floats(-2000, 2000), st.just(float("nan"))), min_size=1,
                max_size=50))
def test_two_decimal_fields_print_as_repr(values: list[float]) -> None:
    rounded = pd.Series(np.round(np.array(values, dtype=float), 2))
    found = tables._hundredths(rounded.to_numpy())
    expected = ["" if math.isnan(v) else repr(float(v)) for v in rounded]
    assert found is None or [found[1][code] for code in found[0]] == expected


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


def test_xlsx_scores_read_back_rounded_with_two_decimals(scored: batch.Batch,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    assert tables.write(scored.scores.table, out, scored.questionnaire, lang="en") == []
    sheet = load_workbook(out)["scores"]
    header = [c.value for c in sheet[1]]
    assert header[1] == "Company name" and "Overall score" in header
    last = sheet.cell(1, len(header)).column_letter
    assert sheet["A1"].font.b and sheet.tables["Table1"].ref == f"A1:{last}7"
    at = header.index("Overall score") + 1
    table = scored.scores.table
    assert [sheet.cell(r, at).value for r in range(2, 8)] == pytest.approx(
        table["overall.score"].round(2).tolist())
    assert sheet.cell(2, at).number_format == "0.00"
    assert [sheet.cell(r, 2).value for r in range(2, 8)] == table["company.name"].tolist()
    assert list(tmp_path.iterdir()) == [out]


def test_two_scores_to_one_xlsx_at_once_both_succeed(
        scored: batch.Batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two ``score -o same.xlsx`` at once: each wrote the same fixed temp file, the first
    rename took it and the second failed (or, timed differently, renamed a half-written one)."""
    out = tmp_path / "same.xlsx"
    both_written = threading.Barrier(2, timeout=60)
    rename = os.replace

    def replace_together(source: Any, target: Any) -> None:
        both_written.wait()  # both workbooks are written before either is renamed
        rename(source, target)

    monkeypatch.setattr(os, "replace", replace_together)
    table = scored.scores.table
    failures: list[BaseException] = []

    def score(rows: int) -> None:
        try:
            tables.write(table.head(rows), out, scored.questionnaire)
        except BaseException as exc:  # the test reports it
            failures.append(exc)

    threads = [threading.Thread(target=score, args=(n,)) for n in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    sheet = load_workbook(out).active  # a whole workbook: one of the two
    assert sheet.max_row in {3, 6}
    assert list(tmp_path.iterdir()) == [out]


def test_a_disk_full_while_writing_xlsx_keeps_the_old_table_and_no_temp_file(
        scored: batch.Batch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "scores.xlsx"
    tables.write(scored.scores.table, out, scored.questionnaire)
    before = out.read_bytes()

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(OSError, match="No space"):
        tables.write(scored.scores.table.head(2), out, scored.questionnaire)
    assert out.read_bytes() == before
    assert list(tmp_path.iterdir()) == [out]


def test_more_rows_than_excel_holds_are_refused_before_anything_is_written(
        tmp_path: Path) -> None:
    q, _ = batch.load_content()
    table = pd.DataFrame({"overall.score": np.zeros(1_048_576)})  # + the title row: one too many
    with pytest.raises(DiagnoseError) as caught:
        tables.write(table, tmp_path / "big.xlsx", q, lang="en")
    assert caught.value.exit_code == 2
    message = caught.value.render("en")
    assert "\n" not in message and "1,048,577 rows" in message and "-o FILE.csv" in message
    assert list(tmp_path.iterdir()) == []


def test_a_cell_over_excels_limit_is_cut_with_a_warning_and_csv_keeps_it(
        tmp_path: Path) -> None:
    """Excel refuses to open a workbook with a cell of more than 32,767 characters."""
    q, _ = batch.load_content()
    long = "주요 고객: " + "현대자동차, " * 6000 + "기아"  # 42,009 characters
    sample = next(iter(demo.sample_responses(q, 1, seed=3)))
    sample.company["main_customers"] = long
    responses.save(sample, tmp_path / "in" / "a.yaml")
    out = tmp_path / "s.xlsx"
    run = CliRunner().invoke(app, ["score", str(tmp_path / "in"), "-o", str(out), "--lang", "en"])
    assert run.exit_code == 0, run.stderr
    assert f"{out}: warning: 1 cell(s) of sheet 'scores' were cut at Excel's limit" in run.stderr
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index(q.items["main_customers"].text["en"]) + 1).value
    assert len(cell) == 32_767 and cell.startswith(long[:30_000])
    assert cell.endswith("(cut at Excel's 32,767-character limit)")
    run = CliRunner().invoke(app, ["score", str(tmp_path / "in"), "-o", str(tmp_path / "s.csv")])
    assert run.exit_code == 0 and "32,767" not in run.stderr
    assert pd.read_csv(tmp_path / "s.csv", encoding="utf-8-sig")[
        "company.main_customers"].iloc[0] == long


def test_xlsx_reads_as_a_person_reads_and_csv_json_keep_the_contract(
        scored: batch.Batch, tmp_path: Path) -> None:
    """The score workbook showed codes (auto-parts, baseline, True), dates as text, money without
    its unit and where each file lay on the consultant's laptop."""
    table = scored.scores.table.copy()
    q = scored.questionnaire
    table.loc[0, "source"] = "/home/kim/진단 2026/responses/a.yaml"
    table.loc[1, "assessment.round"] = "followup"
    table.loc[1, "data.insufficient"] = True
    table.loc[2, "overall.gates"] = "data;infra"
    tables.write(table, tmp_path / "s.xlsx", q, lang="ko")
    sheet = load_workbook(tmp_path / "s.xlsx")["scores"]
    header = [c.value for c in sheet[1]]

    def cell(column: str, row: int = 2) -> Any:
        return sheet.cell(row, header.index(tables.titles(q, "ko")[column]) + 1)

    industry = q.items["industry"]
    labels = {o.value: o.label["ko"] for o in industry.options}
    assert cell("company.industry").value == labels[table.loc[0, "company.industry"]]
    assert cell("company.oem_demands").value == ", ".join(
        next(o.label["ko"] for o in q.items["oem_demands"].options if o.value == v)
        for v in table.loc[0, "company.oem_demands"])
    assert cell("assessment.date").value == dt.datetime.fromisoformat(
        table.loc[0, "assessment.date"])
    assert cell("assessment.date").number_format == "yyyy-mm-dd"
    assert (cell("assessment.round").value, cell("assessment.round", 3).value) == (
        "기준 진단", "후속 진단")
    assert cell("company.annual_production_value").number_format == '#,##0"백만원"'
    assert cell("company.employees").number_format == '#,##0"명"'
    assert (cell("data.insufficient").value, cell("data.insufficient", 3).value) == (
        "아니오", "예")
    assert cell("overall.gates", 4).value == "데이터, 인프라·시스템"
    assert cell("data.completeness").number_format == "0%"
    assert cell("source").value == "a.yaml"
    (heat,) = sheet.conditional_formatting  # the PDF's heatmap on every score
    scores = {cell(c).column_letter for c in table.columns if c.endswith(".score")}
    assert {ref.split(":")[0][:-1] for ref in str(heat.sqref).split()} == scores
    assert heat.rules[0].colorScale.color[0].rgb == "FFE8B4B8"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert sheet.column_dimensions["B"].width >= xlsx.text_width(
        max(table["company.name"], key=xlsx.text_width))  # the names show whole
    # CSV and JSON keep the contract's columns and values
    tables.write(table, tmp_path / "s.csv", q)
    tables.write(table, tmp_path / "s.json", q)
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "s.csv").read_text(encoding="utf-8-sig"))))
    records = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    for row in (rows[0], records[0]):
        assert row["company.industry"] == table.loc[0, "company.industry"]
        assert row["source"] == "/home/kim/진단 2026/responses/a.yaml"
    assert rows[1]["assessment.round"] == records[1]["assessment.round"] == "followup"
    assert rows[1]["data.insufficient"] == "True" and records[1]["data.insufficient"] is True


def test_round_names_in_words() -> None:
    assert [tables.round_name(r, "ko") for r in ("baseline", "T0", "Follow-up", "followup2",
                                                 "2차 점검", None)] == [
        "기준 진단", "기준 진단", "후속 진단", "후속 진단 2", "2차 점검", None]
    assert tables.round_name("t1", "en") == "Follow-up"
