"""The blank survey sheet: what a person sees in it, and that a filled one scores as it is."""

from __future__ import annotations

import datetime as dt
import errno
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import make_questionnaire

from diagnose.content.questionnaire import Questionnaire
from diagnose.core.errors import DiagnoseError
from diagnose.engine import batch
from diagnose.inputs import answers
from diagnose.render import blank_sheet


@pytest.fixture(scope="module")
def bundled() -> Questionnaire:
    return batch.load_content()[0]


@pytest.fixture(scope="module")
def sheet_file(tmp_path_factory: pytest.TempPathFactory, bundled: Questionnaire) -> Path:
    return blank_sheet.write(bundled, tmp_path_factory.mktemp("t") / "survey.xlsx")


def positions(q: Questionnaire) -> dict[str, int]:
    """Item id -> 1-based column of the sheet."""
    return {c.id: i for i, c in enumerate(blank_sheet.columns(q), start=1)}


def test_xlsx_has_korean_headers_a_hidden_id_row_and_a_frozen_header(
        sheet_file: Path, bundled: Questionnaire) -> None:
    book = openpyxl.load_workbook(sheet_file)
    assert book.sheetnames[:2] == ["설문", "안내"]
    sheet = book["설문"]
    at = positions(bundled)
    assert sheet.cell(1, at["name"]).value == "기업명 *"
    assert sheet.cell(1, at["data.collection"]).value == "생산·품질·설비 데이터는 주로 어떻게 수집됩니까?"
    assert sheet.cell(2, at["data.collection"]).value == "data.collection"
    assert sheet.row_dimensions[2].hidden
    assert sheet.freeze_panes == "C3"
    assert sheet.column_dimensions["B"].width >= 20
    assert book["선택지"].sheet_state == "hidden"


def test_xlsx_drop_downs_list_the_option_labels(sheet_file: Path,
                                                bundled: Questionnaire) -> None:
    book = openpyxl.load_workbook(sheet_file)
    sheet, lists = book["설문"], book["선택지"]
    letter = openpyxl.utils.get_column_letter(positions(bundled)["process.energy"])
    (rule,) = [r for r in sheet.data_validations.dataValidation
               if r.type == "list" and f"{letter}3:{letter}1002" in str(r.sqref)]
    source = rule.formula1.split("!")[1].replace("$", "")
    listed = [c.value for row in lists[source] for c in row]
    question = bundled.question("process.energy")
    assert listed == [o.label["ko"] for o in question.options] + ["해당 없음", "모름"]


def test_xlsx_multi_columns_say_how_to_list_several_answers(
        sheet_file: Path, bundled: Questionnaire) -> None:
    sheet = openpyxl.load_workbook(sheet_file)["설문"]
    comment = sheet.cell(1, positions(bundled)["infra.systems"]).comment
    assert comment is not None and "', '" in comment.text
    assert "ERP (전사적 자원관리)" in comment.text


def test_the_instructions_sheet_explains_every_column(sheet_file: Path,
                                                      bundled: Questionnaire) -> None:
    guide = openpyxl.load_workbook(sheet_file)["안내"]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert "한 행씩" in text and "', '" in text
    for item_id in ("name", "data.collection", "infra.systems", "governance.backup"):
        assert item_id in text


def test_a_filled_xlsx_template_scores_without_a_map(tmp_path: Path, sheet_file: Path,
                                                     bundled: Questionnaire) -> None:
    book = openpyxl.load_workbook(sheet_file)
    sheet = book["설문"]
    at = positions(bundled)
    filled = {"id": "0042", "name": "(주)울산정밀", "employees": 85,
              "assessment.date": dt.datetime(2026, 3, 12),
              "data.collection": answers.display(bundled.items["data.collection"], 3, "ko"),
              "process.energy": "해당 없음",
              "infra.systems": answers.display(bundled.items["infra.systems"], ("erp", "mes"),
                                               "ko"),
              "governance.backup": "일부"}
    for key, value in filled.items():
        sheet.cell(3, at[key]).value = value
    sheet.cell(4, at["name"]).value = "온산화학(주)"
    sheet.cell(4, at["data.collection"]).value = 5
    path = tmp_path / "filled.xlsx"
    book.save(path)
    result = batch.score_inputs([path])
    assert result.rejections == [] and result.warnings == []
    table = result.scores.table
    assert list(table["company.name"]) == ["(주)울산정밀", "온산화학(주)"]
    assert table["company.id"].iloc[0] == "0042"
    assert table["assessment.date"].iloc[0] == "2026-03-12"
    assert list(table["source"]) == [f"{path}:3", f"{path}:4"]
    frame = result.frame
    assert frame["infra.systems"].iloc[0] == ("erp", "mes")
    assert frame["process.energy"].iloc[0] == "na"
    assert frame["governance.backup"].iloc[0] == "partial"
    assert list(table["data.score"]) == [3.0, 5.0]


def test_csv_template_has_a_bom_the_header_and_the_id_row(tmp_path: Path,
                                                          bundled: Questionnaire) -> None:
    path = blank_sheet.write(bundled, tmp_path / "survey.csv", "csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, ids = raw.decode("utf-8-sig").split("\r\n")[:2]
    assert header.startswith("기업 관리번호,기업명 *,영문 기업명 (로마자 표기),"
                             "주 업종 (한국표준산업분류 기준)")
    assert ids.startswith("id,name,name_en,industry,district,employees")
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write("ulsan-0001,(주)가," + "," * (len(ids.split(",")) - 3) + "\r\n")
    result = batch.score_inputs([path])
    assert result.rejections == []
    assert list(result.scores.table["source"]) == [f"{path}:3"]


def test_english_template(tmp_path: Path, bundled: Questionnaire) -> None:
    path = blank_sheet.write(bundled, tmp_path / "en.xlsx", "xlsx", lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["Survey", "Instructions"]
    assert book["Survey"]["B1"].value == "Company name *"
    frame = pd.read_excel(path, header=None, nrows=2)
    assert frame.iloc[1, 1] == "name"


def test_the_format_and_the_suffix_must_agree(tmp_path: Path, bundled: Questionnaire) -> None:
    with pytest.raises(DiagnoseError) as caught:
        blank_sheet.write(bundled, tmp_path / "survey.xlsx", "csv")
    assert "name it *.csv" in caught.value.message.en
    with pytest.raises(DiagnoseError):
        blank_sheet.write(bundled, tmp_path / "survey.ods")


def test_a_failed_xlsx_write_keeps_the_old_sheet_and_leaves_no_temp_file(
        tmp_path: Path, bundled: Questionnaire, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet was saved to a fixed '.survey.xlsx.tmp' that a failure left behind."""
    out = blank_sheet.write(bundled, tmp_path / "survey.xlsx")
    before = out.read_bytes()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(OSError, match="No space"):
        blank_sheet.write(bundled, out, lang="en")
    assert out.read_bytes() == before
    assert list(tmp_path.iterdir()) == [out]


def test_drop_down_answers_are_written_as_the_questionnaire_has_them(
        tmp_path: Path) -> None:
    """Content text is not prefixed like untrusted text: a label starting with '-' must stay
    as it is, or a filled sheet would no longer match its option."""
    q = make_questionnaire("""
        id: t
        version: "1"
        title: 시험
        profile:
          - {id: name, type: text, text: 기업명}
        dimensions:
          - id: data
            title: 데이터
            questions:
              - id: data.trend
                type: level
                text: "=추세"
                options: [{value: 1, label: "-10% 이하"}, {value: 2, label: "+ 보통"},
                          {value: 3, label: 셋}, {value: 4, label: 넷}, {value: 5, label: 다섯}]
        """)
    path = blank_sheet.write(q, tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["설문"]
    assert sheet["D1"].value == "=추세" and sheet["D1"].data_type == "s"
    assert [c.value for c in book["선택지"]["A"]][1:3] == ["-10% 이하", "+ 보통"]
    item = q.items["data.trend"]
    assert answers.normalize(item, "-10% 이하", answers.lookup_table(item)) == 1
