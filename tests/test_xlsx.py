"""The one XLSX writer: what openpyxl (and so Excel) reads back, and Excel's limits."""

from __future__ import annotations

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
