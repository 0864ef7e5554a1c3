"""XLSX survey sheets read as Excel shows them (``diagnose.inputs.xlsxrows``): the visible
sheet, percentages, formulas without a stored value, and formatting far down a sheet."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Font

from diagnose.content.questionnaire import Questionnaire
from diagnose.inputs import survey, xlsxrows

MINI = """
id: mini
version: "1.0"
title: 미니
languages: [ko]
profile:
  - {id: id, type: text, text: 기업 관리번호}
  - {id: name, type: text, text: 기업명}
  - {id: employees, type: number, min: 0, unit: 명, text: 상시 근로자 수}
dimensions:
  - id: infra
    title: 인프라
    questions:
      - id: infra.ratio
        type: number
        max: 100
        text: 자동 수집 설비 비율
        bands: [{max: 20, level: 1}, {max: 50, level: 3}, {level: 5}]
      - {id: infra.level, type: level, text: 연결 수준, options: LEVELS}
"""


@pytest.fixture(scope="module")
def mini(build_questionnaire: Any) -> Questionnaire:
    return build_questionnaire(MINI)


def workbook(path: Path, sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = (),
             active: int = 0) -> openpyxl.Workbook:
    """A workbook with these sheets (in order), saved to ``path`` by the caller."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.active = active
    return book


def values(result: survey.SurveyResult, row: int = 0) -> dict[str, Any]:
    return {k: v for k, v in result.frame.iloc[row].to_dict().items()
            if v is not None and not (isinstance(v, float) and math.isnan(v))}


ANSWERS = [["기업명", "자동 수집 설비 비율"], ["(주)보임", 35]]


@pytest.mark.parametrize("active", [0, 1, 2])
def test_a_hidden_first_sheet_is_not_read_the_first_visible_one_is(
        tmp_path: Path, mini: Questionnaire, active: int) -> None:
    """A hidden lookup sheet first; the answers next; a visible summary last, which may be
    the sheet open when the file was saved (Excel's active sheet): the answers are read."""
    path = tmp_path / "hidden.xlsx"
    book = workbook(path, {"목록": [["기업명"], ["(주)숨김"]], "응답": ANSWERS,
                           "요약": [["기업명"], ["(주)요약"]]}, hidden=("목록",), active=active)
    book.save(path)
    result = survey.read(path, mini)
    assert list(result.frame["company.name"]) == ["(주)보임"]
    assert values(result)["infra.ratio"] == 35


def test_the_template_sheet_is_read_wherever_it_is(tmp_path: Path, mini: Questionnaire) -> None:
    path = tmp_path / "template.xlsx"
    workbook(path, {"안내": [["기업명"], ["(주)안내"]], "설문": ANSWERS}).save(path)
    assert list(survey.read(path, mini).frame["company.name"]) == ["(주)보임"]


@pytest.mark.parametrize("code, percent", [
    ("0%", True), ("0.0%", True), ("#,##0.00%;[Red]-#,##0.00%", True),
    ('0"%"', False), ("0\\%", False), ("0", False), ("General", False), ("[$%-409]0", False),
])
def test_a_number_format_is_a_percentage_only_where_its_percent_sign_multiplies(
        code: str, percent: bool) -> None:
    assert xlsxrows.percent_format(code) is percent


def test_a_cell_shown_as_35_percent_is_read_as_35(tmp_path: Path, mini: Questionnaire) -> None:
    """Excel stores 35% as 0.35; the user sees and means 35 (the question asks for a %)."""
    path = tmp_path / "percent.xlsx"
    book = workbook(path, {"응답": [["기업명", "자동 수집 설비 비율", "상시 근로자 수", "연결 수준"],
                                    ["(주)가", 0.35, 85, 3], ["(주)나", 0.125, 12, 2],
                                    ["(주)다", 1, 3, 0.03]]})
    sheet = book["응답"]
    for row in (2, 3, 4):
        sheet.cell(row, 2).number_format = "0%"
    sheet.cell(4, 4).number_format = "0%"  # 3% where a level is asked: not 3, a rejection
    book.save(path)
    result = survey.read(path, mini)
    assert [values(result, i)["infra.ratio"] for i in range(2)] == [35.0, 12.5]
    assert values(result, 0)["company.employees"] == 85
    (rejection,) = result.rejections
    assert (rejection.row, rejection.value) == (4, "3%")
    assert xlsxrows.shown_percent(0.35) == "35%" and xlsxrows.shown_percent(1) == "100%"
    assert xlsxrows.shown_percent(0.1 + 0.2) == "30.000000000000004%"  # as stored, exactly


def test_a_formula_without_a_stored_value_rejects_its_row_naming_the_cell(
        tmp_path: Path, mini: Questionnaire) -> None:
    """openpyxl (like other programs) writes formulas without their values: Excel computes
    them when it opens the file. Read as a blank, the answer would be lost silently."""
    path = tmp_path / "formula.xlsx"
    workbook(path, {"응답": [["기업 관리번호", "기업명", "자동 수집 설비 비율", "비고"],
                             ["u-1", "(주)가", "=10*3", "=A2&B2"],  # the note matches nothing
                             ["u-2", "(주)나", 40, None]]}).save(path)
    result = survey.read(path, mini)
    assert list(result.frame["company.name"]) == ["(주)나"]
    (rejection,) = result.rejections
    assert (rejection.row, rejection.column, rejection.value) == (2, "자동 수집 설비 비율", "=10*3")
    assert rejection.reason.en == (
        "sheet '응답', cell C2: the formula's value is not stored in the file. Open the file in "
        "Excel and save it, so that the values are stored")
    assert "엑셀에서 파일을 열어 저장하면" in rejection.reason.ko
    assert (rejection.company_id, rejection.company_name) == ("u-1", "(주)가")


def test_a_formula_with_its_stored_value_reads_the_value(tmp_path: Path,
                                                         mini: Questionnaire) -> None:
    path = tmp_path / "cached.xlsx"
    workbook(path, {"응답": [["기업명", "자동 수집 설비 비율"], ["(주)가", "=10*3"]]}).save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert "<f>10*3</f><v />" in xml  # openpyxl writes no value; Excel writes it:
    parts["xl/worksheets/sheet1.xml"] = xml.replace("<v />", "<v>30</v>").encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = survey.read(path, mini)
    assert result.rejections == []
    assert values(result)["infra.ratio"] == 30


def test_formatting_on_the_last_row_of_a_sheet_is_no_row(tmp_path: Path,
                                                         mini: Questionnaire) -> None:
    """A bold font set on row 1,048,576 (a whole column formatted): the dimension says a
    million rows, the sheet holds 12. Read them, numbered as the sheet shows them."""
    path = tmp_path / "formatted.xlsx"
    rows = [["기업명", "자동 수집 설비 비율"]] + [[f"(주)가{i}", i] for i in range(12)]
    book = workbook(path, {"응답": rows})
    book["응답"].cell(1_048_576, 1).font = Font(bold=True)
    book["응답"].cell(900_000, 2).font = Font(bold=True)
    book.save(path)
    result = survey.read(path, mini)
    assert result.rejections == []
    assert len(result.frame) == 12 and result.rows.tolist() == list(range(2, 14))


def test_a_value_far_down_is_a_row_with_its_own_number(tmp_path: Path,
                                                       mini: Questionnaire) -> None:
    path = tmp_path / "far.xlsx"
    book = workbook(path, {"응답": [["기업명"], ["(주)가"]]})
    book["응답"].cell(700_000, 1).value = "(주)멀리"
    book.save(path)
    result = survey.read(path, mini)
    assert list(result.frame["company.name"]) == ["(주)가", "(주)멀리"]
    assert result.rows.tolist() == [2, 700_000]


def test_the_size_limits_count_rows_with_content(tmp_path: Path, mini: Questionnaire,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.xlsx"
    workbook(path, {"응답": [["기업명", "자동 수집 설비 비율"]] + [[f"(주){i}", 1] for i in range(40)]}
             ).save(path)
    monkeypatch.setattr(survey, "MAX_CELLS", 60)
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    assert caught.value.message.en.startswith(
        "the sheet is too large (31 rows with content x 2 columns or more")
    monkeypatch.setattr(survey, "MAX_CELLS", 10_000)
    monkeypatch.setattr(survey, "MAX_ROWS", 30)
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    assert "too many rows (at most 30)" in caught.value.message.en


def test_a_header_formula_without_a_stored_value_refuses_the_sheet_naming_it(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = tmp_path / "header.xlsx"
    workbook(path, {"응답": [["기업명", '="자동 수집 " & "설비 비율"'], ["(주)가", 30]]}).save(path)
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    (rejection,) = caught.value.rejections
    assert (rejection.row, rejection.column) == (1, "B")
    assert rejection.reason.en.startswith("sheet '응답', cell B1: the formula's value is not stored")
