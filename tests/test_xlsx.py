"""The one XLSX writer: what openpyxl (and so Excel) reads back, and Excel's limits."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from diagnose.core.errors import DiagnoseError
from diagnose.render import xlsx


def test_values_titles_and_formats_read_back(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    xlsx.write([xlsx.Sheet(
        "점수", ["기업명", "점수", "근로자", "확인", "빈칸"],
        [["(주)울산정밀", "=1+1", "a\x01b <&> \"q\""],
         [np.float64(2.345), float("nan"), 3.0],
         [np.int64(85), pd.NA, 12],
         [True, np.bool_(False), None],
         ["", None, "  공백 "]],
        ["", "0.00", "0"])], out)
    ws = load_workbook(out)["점수"]
    assert [c.value for c in ws[1]] == ["기업명", "점수", "근로자", "확인", "빈칸"]
    assert ws["A1"].font.b and ws.freeze_panes == "C2" and ws.auto_filter.ref == "A1:E4"
    assert [c.value for c in ws[2]] == ["(주)울산정밀", 2.345, 85, True, None]
    assert [c.value for c in ws[3]] == ["'=1+1", None, None, False, None]  # never a formula
    assert [c.value for c in ws[4]] == ['ab <&> "q"', 3, 12, None, "  공백 "]
    assert ws["B2"].number_format == "0.00" and ws["C2"].number_format == "0"
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left


def test_sheet_names_are_made_valid_and_unique(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    long = "아주 긴 시트 이름: 영역/점수 [전체] 그리고 조금 더 길게"
    sheets = [xlsx.Sheet(name, ["a"], [[1]]) for name in (long, long, "Data", "data")]
    xlsx.write(sheets, out)
    names = load_workbook(out).sheetnames
    assert len(set(names)) == 4 and all(len(n) <= 31 for n in names)
    assert names[0].startswith("아주 긴 시트 이름- 영역-점수 -전체-") and len(names[0]) == 31
    assert names[2:] == ["Data", "data 2"]


def test_an_empty_sheet_is_still_a_workbook(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    xlsx.write([xlsx.Sheet("빈 시트", ["a", "b"], [[], []])], out)
    ws = load_workbook(out)["빈 시트"]
    assert [c.value for c in ws[1]] == ["a", "b"] and ws.max_row == 1
    assert xlsx.column_letter(0) == "A" and xlsx.column_letter(27) == "AB"


def test_text_is_cleaned_before_it_is_neutralised(tmp_path: Path) -> None:
    """A NUL in front of '=' was dropped after the check: the cell read '=cmd' (a formula
    once edited in Excel). A CR stays a CR (an XML reader turns a bare one into LF)."""
    out = tmp_path / "t.xlsx"
    xlsx.write([xlsx.Sheet("s", ["a"], [["\x00=cmd|' /C calc'!A0", "\x0b+1", "줄\r\n바꿈"]])], out)
    ws = load_workbook(out)["s"]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == ["'=cmd|' /C calc'!A0", "'+1", "줄\r\n바꿈"]


def test_a_sheet_over_excels_rows_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    rows = range(xlsx.MAX_ROWS)  # with the title row, one row too many
    with pytest.raises(DiagnoseError) as caught:
        xlsx.write([xlsx.Sheet("ok", ["a"], [[1]]), xlsx.Sheet("점수", ["a"], [rows])], out)
    assert caught.value.exit_code == 2
    assert caught.value.render("en") == (
        f"{out}: sheet '점수' would have 1,048,577 rows, over Excel's limit of 1,048,576: "
        "write CSV or JSON instead (-o FILE.csv)")
    assert list(tmp_path.iterdir()) == []


def test_cells_over_excels_limit_are_cut_with_a_mark_and_one_warning(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    emoji = "😀" * 20_000  # 40,000 UTF-16 units, as Excel counts them
    warnings = xlsx.write([xlsx.Sheet("메모", ["id", "note"], [
        ["a", "b", "c"], ["짧은 메모", "가" * 40_000, emoji]])], out, lang="en")
    ws = load_workbook(out)["메모"]
    korean, smiles = ws["B3"].value, ws["B4"].value
    assert ws["B2"].value == "짧은 메모"
    for cell, head in ((korean, "가"), (smiles, "😀")):
        assert len(cell.encode("utf-16-le")) // 2 <= xlsx.MAX_CELL
        assert cell.startswith(head * 10_000)
        assert cell.endswith(" … (cut at Excel's 32,767-character limit)")
    assert len(korean) == xlsx.MAX_CELL
    assert [w.render("en") for w in warnings] == [
        f"{out}: warning: 2 cell(s) of sheet '메모' were cut at Excel's limit of 32,767 "
        "characters (first: B3); CSV and JSON keep the whole text"]
    assert xlsx.write([xlsx.Sheet("s", ["a"], [["가" * xlsx.MAX_CELL]])], out) == []


def test_survey_sheet_features_read_back(tmp_path: Path) -> None:
    """What the blank survey sheet needs: lines above a table, styled titles, hidden rows and
    sheets, column formats, drop-downs, number ranges, prompts and notes."""
    out = tmp_path / "t.xlsx"
    red = xlsx.Style(bold=True, color="FFFFFF", fill="8A1538", wrap=True, vertical="top")
    form = xlsx.Sheet(
        "설문", ["기업명 *", "=업종", "근로자 수"], [["name"], ["industry"], ["employees"]],
        formats=["@", None, "yyyy-mm-dd"], widths=[26, 28, 16], above=[("안내 문장", xlsx.PLAIN)],
        header=[red, xlsx.HEADER, xlsx.HEADER], body=xlsx.Style(color="808080", size=8),
        freeze="C4", autofilter=False, heights={2: 96}, hidden_rows={3, 9}, neutralise=False,
        validations=[
            xlsx.Validation("B4:B10", "list", "'선택지'!$A$2:$A$3", prompt_title="industry",
                            prompt="목록에서\n고르세요", error_title="diagnose", error="목록에 없음"),
            xlsx.Validation("C4:C10", "decimal", "0", "100000"),
            xlsx.Validation("A4:A10", prompt_title="name", prompt="필수 항목입니다.")],
        comments={"A2": "여러 개는 ', '로 구분\n- ERP"})
    options = xlsx.Sheet("선택지", ["industry"], [["금속", "-화학"]], header=xlsx.PLAIN,
                         freeze=None, autofilter=False, hidden=True, neutralise=False)
    assert xlsx.write([form, options], out) == []
    book = load_workbook(out)
    ws, lists = book["설문"], book["선택지"]
    assert lists.sheet_state == "hidden" and [c.value for c in lists["A"]] == ["industry", "금속",
                                                                               "-화학"]
    assert ws["A1"].value == "안내 문장" and ws["B2"].value == "=업종"  # content, as written
    assert ws["B2"].data_type == "s"  # text, never a formula
    assert ws["A2"].fill.fgColor.rgb == "FF8A1538" and ws["B2"].fill.fgColor.rgb == "FF12355B"
    assert ws["A2"].alignment.wrap_text and ws["A2"].alignment.vertical == "top"
    assert ws["A3"].font.sz == 8 and ws["A3"].font.color.rgb == "FF808080"
    assert ws["A3"].number_format == "@" and ws.column_dimensions["A"].number_format == "@"
    assert ws.column_dimensions["C"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["B"].width == 28
    assert ws.row_dimensions[2].height == 96
    assert ws.row_dimensions[3].hidden and ws.row_dimensions[9].hidden
    assert not ws.row_dimensions[4].hidden
    assert ws.freeze_panes == "C4" and not ws.auto_filter.ref
    rules = {str(r.sqref): r for r in ws.data_validations.dataValidation}
    listed = rules["B4:B10"]
    assert (listed.type, listed.formula1, listed.errorStyle) == (
        "list", "'선택지'!$A$2:$A$3", "warning")
    assert listed.prompt == "목록에서\n고르세요" and listed.showInputMessage
    assert (rules["C4:C10"].type, rules["C4:C10"].formula1, rules["C4:C10"].formula2) == (
        "decimal", "0", "100000")
    assert rules["A4:A10"].type is None and rules["A4:A10"].prompt == "필수 항목입니다."
    assert ws["A2"].comment.text == "여러 개는 ', '로 구분\n- ERP"


def test_widths_fit_the_titles_and_the_values(tmp_path: Path) -> None:
    """Columns were 1.6 x the title's length whatever they held: a Korean name was cut, a
    one-digit level took 40 characters."""
    out = tmp_path / "t.xlsx"
    names = [f"(주)울산정밀 제{i}공장" for i in range(200)] + ["(주)아주아주 긴 이름의 울산 정밀 기계 공업사"]
    xlsx.write([xlsx.Sheet(
        "s", ["기업명", "사람이 눈으로 보고 판정하는 외관·육안 검사가 있습니까?", "연간 생산액", "메모"],
        [names, [1] * len(names), [1_234_567.0] * len(names), ["가" * 500]],
        formats=[None, None, '#,##0"백만원"', None], widths=[None, None, None, 30])], out)
    ws = load_workbook(out)["s"]
    name, level, money, note = (ws.column_dimensions[c].width for c in "ABCD")
    longest = xlsx.text_width(names[-1])
    assert longest == 44 and longest < name <= longest + 3  # Hangul counts two
    assert 15 < level < 25  # the long title wraps on three lines, the values are one digit
    assert len("1,234,567백만원") + 3 <= money < 20  # the unit shows with the number
    assert note == 30  # a width given is kept
    xlsx.write([xlsx.Sheet("s", ["a"], [["가" * 500]])], out)
    assert load_workbook(out)["s"].column_dimensions["A"].width == xlsx.FIT_MAX


def test_dates_are_dates(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    days = [dt.date(2026, 3, 12), None, dt.date(1900, 3, 1)]
    xlsx.write([xlsx.Sheet("s", ["진단일", "기록"], [days, [dt.datetime(2026, 3, 12, 10, 30)]],
                           formats=["yyyy-mm-dd", "yyyy-mm-dd hh:mm"])], out)
    ws = load_workbook(out)["s"]
    assert ws["A2"].value == dt.datetime(2026, 3, 12) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["A3"].value is None and ws["A4"].value == dt.datetime(1900, 3, 1)
    assert ws["B2"].value == dt.datetime(2026, 3, 12, 10, 30)


def test_tables_colour_scales_and_print_setup_read_back(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    stops = [(1, "E8B4B8"), (2, "F6D88F"), (5, "4FB3A5")]
    sheets = [xlsx.Sheet("점수", ["기업명", "점수", "점수", ""], [["가", "나"], [1.5, 4.2], [2, 3], []],
                         above=[("안내", xlsx.PLAIN)], table=True, page=xlsx.PRINT,
                         color_scales=[xlsx.ColorScale([1, 2], stops)],
                         comments={"A2": "메모"}),
              xlsx.Sheet("빈 표", ["=a"], [[]], table=True)]
    xlsx.write(sheets, out)
    book = load_workbook(out)
    ws = book["점수"]
    table = ws.tables["Table1"]
    assert table.ref == "A2:D4" and table.tableStyleInfo.name == "TableStyleMedium2"
    assert [c.name for c in table.tableColumns] == ["기업명", "점수", "점수 (2)", "(4)"]
    assert [c.value for c in ws[2]] == ["기업명", "점수", "점수 (2)", "(4)"]  # as the table names
    assert not ws.auto_filter.ref  # the table has its own filter
    empty = book["빈 표"].tables["Table2"]
    assert empty.ref == "A1:A2" and [c.name for c in empty.tableColumns] == ["'=a"]
    assert book["빈 표"]["A1"].value == "'=a"
    (rule,) = ws.conditional_formatting
    assert str(rule.sqref) == "B3:B4 C3:C4"
    scale = rule.rules[0].colorScale
    assert [(v.type, float(v.val)) for v in scale.cfvo] == [("num", 1), ("num", 2), ("num", 5)]
    assert [c.rgb for c in scale.color] == ["FFE8B4B8", "FFF6D88F", "FF4FB3A5"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$2:$2" and ws.print_title_cols == "$A:$B"  # the frozen ones
    assert ws["A2"].comment.text == "메모"  # notes and a table on one sheet
    assert book["빈 표"].page_setup.orientation is None  # no print setup asked


def test_long_text_wraps_and_its_row_grows(tmp_path: Path) -> None:
    """A reason of three lines showed one line in a row of one line's height: neither Excel nor
    LibreOffice grows a row for wrapped text when the file is opened."""
    out = tmp_path / "t.xlsx"
    reason = "선정 사유가 길게 이어지는 문장입니다. " * 8  # about 180 characters wide
    xlsx.write([xlsx.Sheet(
        "s", ["기업", "사유", "아주 긴 제목이 세 줄로 접혀야 하는 열입니다 정말로"],
        [["가", "나"], [reason, "짧음"], [1, 2]], body=xlsx.Style(vertical="top"),
        wrap_wide=True, max_width=40)], out)
    ws = load_workbook(out)["s"]
    assert ws.column_dimensions["B"].width == 40
    assert ws["B2"].alignment.wrap_text and ws["B2"].alignment.vertical == "top"
    assert not ws["A2"].alignment.wrap_text  # a short column does not wrap
    lines = math.ceil(xlsx.text_width(reason) / 40)
    assert ws.row_dimensions[2].height >= lines * xlsx.LINE_HEIGHT
    assert ws.row_dimensions[3].height is None  # one line: Excel's own height
    assert ws.row_dimensions[1].height >= 2 * xlsx.LINE_HEIGHT  # the long title's row too
    assert ws.print_title_rows is None  # no print setup asked
