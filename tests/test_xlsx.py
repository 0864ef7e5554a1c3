"""The write-only XLSX writer: what openpyxl (and so Excel) reads back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

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
