"""Survey exports as forms and Excel save them: reading, matching, rejecting, scoring."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnose.content.questionnaire import Questionnaire
from diagnose.core.errors import ValidationFailed
from diagnose.engine import batch
from diagnose.inputs import answers, csvrows, survey
from diagnose.render import report

MINI = """
id: mini
version: "1.0"
title: {ko: 미니 진단, en: Mini diagnosis}
profile:
  - {id: id, type: text, text: {ko: 기업 관리번호, en: Company ID}}
  - {id: name, type: text, required: true, text: {ko: 기업명, en: Company name}}
  - {id: employees, type: number, min: 0, unit: {ko: 명, en: employees},
     text: {ko: 상시 근로자 수, en: Employees}}
dimensions:
  - id: data
    title: {ko: 데이터, en: Data}
    questions:
      - id: data.collection
        type: level
        text: {ko: 데이터는 어떻게 수집됩니까?, en: How are data collected?}
        options:
          - {value: 1, label: {ko: 종이에 적는다, en: On paper}}
          - {value: 2, label: {ko: 엑셀에 옮겨 적는다, en: Typed into Excel}}
          - {value: 3, label: {ko: MES가 자동 수집한다, en: Collected by the MES}}
          - {value: 4, label: {ko: 실시간으로 연결된다, en: Linked in real time}}
          - {value: 5, label: {ko: AI에 바로 공급된다, en: Fed straight to AI}}
      - id: data.vision
        type: yesno
        allow_na: true
        text: {ko: 불량 이미지를 보관합니까?, en: Are defect images kept?}
      - id: data.types
        type: multi
        text: {ko: 전산으로 보관하는 데이터를 모두 고르세요, en: Select all data kept electronically}
        options:
          - {value: output, label: {ko: "생산 실적 (수량, 작업 시간)", en: "Production output (quantities, working time)"}}
          - {value: quality, label: {ko: 품질 검사 결과, en: Inspection results}}
          - {value: energy, label: {ko: 에너지 사용량, en: Energy use}}
  - id: infra
    title: {ko: 인프라, en: Infrastructure}
    questions:
      - id: infra.ratio
        type: number
        max: 100
        text: {ko: 자동 수집 설비 비율은 몇 %입니까?, en: What share of machines is connected?}
        bands: [{max: 20, level: 1}, {max: 50, level: 3}, {level: 5}]
"""


@pytest.fixture(scope="module")
def mini(build_questionnaire: Any) -> Questionnaire:
    return build_questionnaire(MINI)


@pytest.fixture(scope="module")
def bundled() -> Questionnaire:
    return batch.load_content()[0]


def export(path: Path, rows: list[list[Any]], encoding: str = "utf-8",
           delimiter: str = ",") -> Path:
    """A CSV as a form or Excel writes it (CRLF), in the given encoding."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def values(result: survey.SurveyResult, row: int = 0) -> dict[str, Any]:
    """A frame row without its blanks, as the engine sees it."""
    return {k: v for k, v in result.frame.iloc[row].to_dict().items()
            if v is not None and not (isinstance(v, float) and math.isnan(v))}


GOOGLE_HEADER = ["타임스탬프", "1. 기업명 *", "2. 상시 근로자 수", "Q3. 데이터는 어떻게\n수집됩니까? *",
                 "3.2 불량 이미지를 보관합니까?", "전산으로 보관하는 데이터를 모두 고르세요", "이메일 주소"]


def test_google_forms_export_reads_labels_numbered_headers_and_multi_answers(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "form.csv", [
        GOOGLE_HEADER,
        ["2026. 3. 12 오후 2:41:07", "(주)울산정밀", "85", "MES가 자동 수집한다", "해당 없음",
         "생산 실적 (수량, 작업 시간), 에너지 사용량", "a@b.kr"],
        ["2026. 3. 13 오전 9:02:11", "온산화학(주)", "120명", "엑셀에 옮겨 적는다", "아니오", "",
         "c@d.kr"],
    ])
    result = survey.read(path, mini)
    assert result.rejections == []
    assert result.ignored == []  # the time stamp gives the date; the e-mail is the form's own
    assert values(result, 0) == {
        "company.name": "(주)울산정밀", "company.employees": 85.0, "assessment.round": "baseline",
        "assessment.date": "2026-03-12",
        "source": f"{path}:2", "data.collection": 3, "data.vision": "na",
        "data.types": ("output", "energy")}
    assert values(result, 1)["company.employees"] == 120.0  # the unit 명 is allowed
    assert values(result, 1)["assessment.date"] == "2026-03-13"
    assert values(result, 1)["data.vision"] == "no"
    assert "data.types" not in values(result, 1)  # blank: unanswered
    assert list(result.rows) == [2, 3]


def test_excel_cp949_export_with_a_syllable_euc_kr_cannot_decode(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "excel.csv", [
        ["기업명", "데이터는 어떻게 수집됩니까?"], ["(주)똠방각하", "종이에 적는다"]], "cp949")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("euc-kr")
    result = survey.read(path, mini)
    assert values(result)["company.name"] == "(주)똠방각하"
    assert values(result)["data.collection"] == 1


def test_utf8_bom_does_not_hide_the_first_header(tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "bom.csv", [["기업명", "data.collection"], ["(주)가", "2"]],
                  "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert values(survey.read(path, mini))["company.name"] == "(주)가"


def test_an_undecodable_file_is_one_error_naming_the_encodings(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xff\x81\x81" * 40)  # neither UTF-8 nor CP949, and no NUL bytes
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    assert caught.value.where == str(path)
    assert "tried UTF-8, CP949" in caught.value.message.en
    assert "UTF-8, CP949" in caught.value.message.ko


def test_english_headers_labels_and_semicolon_separated_file(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "en.csv", [
        ["Company name", "How are data collected?", "Select all data kept electronically"],
        ["Ulsan Precision", "Linked in real time",
         "Production output (quantities, working time), Inspection results"],
    ], delimiter=";")
    result = survey.read(path, mini)
    assert values(result)["data.collection"] == 4
    assert values(result)["data.types"] == ("output", "quality")


def test_messy_cells_and_a_rejected_row_with_every_reason(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "messy.csv", [
        ["기업명", "데이터는 어떻게 수집됩니까?", "자동 수집 설비 비율은 몇 %입니까?",
         "불량 이미지를 보관합니까?"],
        ["  (주)공백  ", " 3 ", "", ""],
        ["(주)전각", "３", "４５", "예"],
        ["(주)틀림", "가끔 적는다", "140", "yes"],
        ["", "", "", ""],  # a blank line in the sheet: skipped, not rejected
        ["(주)정상", "5", "12.5%", "모름"],
    ])
    result = survey.read(path, mini)
    assert [values(result, i)["company.name"] for i in range(3)] == [
        "(주)공백", "(주)전각", "(주)정상"]
    assert values(result, 0)["data.collection"] == 3 and "infra.ratio" not in values(result, 0)
    assert values(result, 1)["data.collection"] == 3 and values(result, 1)["infra.ratio"] == 45
    assert values(result, 2)["infra.ratio"] == 12.5 and values(result, 2)["data.vision"] == "unknown"
    bad = [(r.file, r.row, r.column, r.value) for r in result.rejections]
    assert bad == [(str(path), 4, "데이터는 어떻게 수집됩니까?", "가끔 적는다"),
                   (str(path), 4, "자동 수집 설비 비율은 몇 %입니까?", "140")]
    assert "not one of the options (valid: 1, 2, 3, 4, 5)" in result.rejections[0].reason.en
    assert "선택지에 없는 답" in result.rejections[0].reason.ko
    assert "140 is above the maximum 100" in result.rejections[1].reason.en


def test_a_row_without_a_company_name_is_rejected(tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "noname.csv", [["기업명", "data.collection"], ["", "3"],
                                            ["(주)가", "2"]])
    result = survey.read(path, mini)
    (rejected,) = result.rejections
    assert (rejected.row, rejected.column, rejected.reason.en) == (
        2, "기업명", "the company name is missing")
    assert len(result.frame) == 1


def test_a_row_with_more_cells_than_the_header_is_rejected(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("기업명,data.collection\n(주)가,3\n(주)나,3,extra\n(주)다,2\n", encoding="utf-8")
    result = survey.read(path, mini)
    assert [r.row for r in result.rejections] == [3]
    assert "more cells (3)" in result.rejections[0].reason.en
    assert [values(result, i)["company.name"] for i in range(2)] == ["(주)가", "(주)다"]
    assert result.rows.tolist() == [2, 4]  # the row after it keeps its own number


@pytest.mark.parametrize("block", [16, 40, 100, 1 << 20])
def test_rows_after_skipped_rows_keep_their_numbers_in_every_block(
        tmp_path: Path, mini: Questionnaire, monkeypatch, block: int) -> None:
    """Skipped rows among the first rows and far below them, in any block of the parser
    (blocks shorter than a row are read again, larger, past the rows already read)."""
    monkeypatch.setattr(csvrows, "BLOCK_BYTES", block)
    monkeypatch.setattr(csvrows, "BATCH_BYTES", 1)  # each block's batch on its own
    too_long, nameless = {3, 7, 8, 25, 31, 32, 44}, {10, 40}
    lines = ["기업명,data.collection"]
    for row in range(2, 46):
        lines.append(f"(주)행{row},3,extra" if row in too_long else
                     ",2" if row in nameless else f"(주)행{row},3")
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = survey.read(path, mini)
    kept = [row for row in range(2, 46) if row not in too_long | nameless]
    assert result.rows.tolist() == kept
    assert [values(result, i)["company.name"] for i in range(len(kept))] == [
        f"(주)행{row}" for row in kept]
    assert [r.row for r in result.rejections] == sorted(too_long | nameless)


@pytest.mark.parametrize("header, target", [
    ("기업명", "company.name"),
    ("  기업명 * ", "company.name"),
    ("Q2. 기업명", "company.name"),
    ("3.2 데이터는 어떻게\r\n수집됩니까?", "data.collection"),
    ("(4) 데이터는  어떻게 수집됩니까", "data.collection"),
    ("ＣＯＭＰＡＮＹ　ＮＡＭＥ", "company.name"),  # full-width, as NFKC reads it
    ("data.collection", "data.collection"),
    ("company.name", "company.name"),
    ("진단일", "assessment.date"),
    ("How are data collected?\nPick the closest", "data.collection"),
    # numbered, with a description line: Google Forms and Naver Form export both so
    ("21. 데이터는 어떻게 수집됩니까?\n(가장 가까운 것 하나를 고르세요)", "data.collection"),
    ("Q21. How are data collected? *\r\n(pick the closest)", "data.collection"),
    ("2. 기업명 *\n(사업자등록증의 상호)", "company.name"),
])
def test_headers_match_however_forms_write_them(mini: Questionnaire, header: str,
                                                target: str, tmp_path: Path) -> None:
    headers = [header] if target == "company.name" else ["기업명", header]
    layout = survey.match_columns(tmp_path / "x.csv", headers, None, mini)
    assert [c.target for c in layout.columns][-1] == target


def test_two_columns_for_one_question_is_an_error_naming_both(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "twice.csv", [
        ["기업명", "데이터는 어떻게 수집됩니까?", "data.collection"], ["(주)가", "3", "4"]])
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    (problem,) = caught.value.rejections
    assert problem.row == 1 and problem.column == "data.collection"
    assert "several columns match item 'data.collection'" in problem.reason.en
    assert "'데이터는 어떻게 수집됩니까?' (B), 'data.collection' (C)" in problem.reason.en


def test_a_column_that_matches_two_questions_is_an_error(
        tmp_path: Path, build_questionnaire: Any) -> None:
    twins = build_questionnaire("""
        id: twins
        version: "1"
        title: 쌍둥이
        languages: [ko]
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 디
            questions:
              - {id: d.a, type: yesno, text: 기타 의견이 있습니까?}
              - {id: d.b, type: yesno, text: 기타 의견이 있습니까?}
        """)
    path = export(tmp_path / "twins.csv", [["기업명", "기타 의견이 있습니까?"], ["(주)가", "예"]])
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, twins)
    assert "matches several items (d.a, d.b)" in caught.value.rejections[0].reason.en


def test_a_file_without_a_company_name_column_says_what_to_do(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "nameless.csv", [["회사", "data.collection"], ["(주)가", "3"]])
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    assert "no 'Company name' column" in caught.value.message.en
    assert "--map" in caught.value.message.en


MAP = """\
questionnaire: mini
columns:
  회사: name
  "수집 방식": data.collection
  비고: null
answers:
  data.collection: {수기: 1, 자동: 3}
  data.types: {"생산, 품질": output}
"""


def test_a_map_file_names_columns_and_answers(tmp_path: Path, mini: Questionnaire) -> None:
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    mapping = survey.load_map(tmp_path / "map.yaml", mini)
    path = export(tmp_path / "naver.csv", [
        ["회사", "수집 방식", "비고", "전산으로 보관하는 데이터를 모두 고르세요"],
        ["(주)가", "자동", "메모", "생산, 품질, 에너지 사용량"]])
    result = survey.read(path, mini, mapping)
    assert result.ignored == []  # 비고 is mapped to null: ignored without a word
    assert values(result)["data.collection"] == 3
    assert values(result)["data.types"] == ("output", "energy")


def test_a_bad_map_file_is_reported_line_by_line(tmp_path: Path, mini: Questionnaire) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("columns:\n  회사: name\n  수집: data.colection\n"
                    "answers:\n  data.collection: {수기: 9}\n  name: {가: 나}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        survey.load_map(path, mini)
    lines = caught.value.render("en").splitlines()
    assert lines[0].startswith(f"{path}:3:") and "'data.colection' is not an item id" in lines[0]
    assert lines[1].startswith(f"{path}:5:") and "'9' is not an option value" in lines[1]
    assert lines[2].startswith(f"{path}:6:") and "answer maps are for items with options" in lines[2]


def test_split_multi_keeps_labels_that_contain_commas(mini: Questionnaire) -> None:
    question = mini.question("data.types")
    table = answers.lookup_table(question)
    assert answers.split_multi("Production output (quantities, working time), Energy use",
                               table) == ["production output (quantities, working time)",
                                          "Energy use"]
    assert answers.normalize(question, "energy;quality") == ("quality", "energy")


# --- the same engine for survey rows and response files ---------------------------------------

ANSWERS = {"strategy.vision": 3, "data.collection": 2,
           "data.has_vision_images": "yes", "data.labelled_images": 4,
           "data.defect_image_count": 350.0, "infra.systems": ("erp", "mes"),
           "infra.connected_equipment_ratio": 35.0, "process.energy": "na",
           "talent.ai_skills": 2, "governance.customer_confidentiality": "unknown",
           "governance.backup": "no"}


def _response_yaml(path: Path, name: str) -> Path:
    lines = ["questionnaire: {id: mfg-ai-readiness, version: '2.0'}",
             f"company: {{name: '{name}', employees: 85, industry: metal, visual_inspection: yes}}",
             "assessment: {date: 2026-03-12, round: baseline}", "answers:"]
    for key, value in ANSWERS.items():
        shown = list(value) if isinstance(value, tuple) else value
        lines.append(f"  {key}: {{value: {shown}}}".replace("'", ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_survey_row_scores_exactly_as_the_same_response_file(
        tmp_path: Path, bundled: Questionnaire) -> None:
    name = "(주)울산정밀"
    items = bundled.items
    header = ["타임스탬프", "기업명", items["employees"].text["ko"], items["industry"].text["ko"],
              items["visual_inspection"].text["ko"]]  # it shows the vision questions
    row = ["2026. 3. 12 오후 2:41:07", name, "85",
           answers.display(items["industry"], "metal", "ko"),
           answers.display(items["visual_inspection"], "yes", "ko")]
    for key, value in ANSWERS.items():
        header.append(items[key].text["ko"])
        row.append(answers.display(items[key], value, "ko"))  # labels, ', '-joined
    survey_batch = batch.score_inputs([export(tmp_path / "form.csv", [header, row])])
    file_batch = batch.score_inputs([_response_yaml(tmp_path / "r.yaml", name)])
    assert survey_batch.rejections == [] and file_batch.rejections == []
    left = survey_batch.scores.table.drop(columns="source")
    right = file_batch.scores.table.drop(columns="source")
    pd.testing.assert_frame_equal(left, right, check_dtype=False)
    assert left["data.score"].notna().all()


def test_a_report_of_a_survey_row_shows_its_answers(tmp_path: Path, bundled: Questionnaire
                                                    ) -> None:
    path = export(tmp_path / "form.csv", [
        ["기업명", bundled.items["data.collection"].text["ko"]],
        ["(주)울산정밀", answers.display(bundled.items["data.collection"], 3, "ko")]])
    result = batch.score_inputs([path])
    context = report.build_context(result.scores, 0, None, "ko")
    rows = {r["id"]: r for section in context["answers"] for r in section["rows"]}
    assert rows["data.collection"]["answer"].startswith("주요 설비·공정의 생산 실적")
    assert rows["data.collection"]["state"] == "answered"
    assert (context["company"]["name"], context["company"]["id"]) == ("(주)울산정밀", "")


# --- duplicates --------------------------------------------------------------------------------

def test_two_rows_of_one_company_keep_the_later_and_say_which(
        tmp_path: Path, bundled: Questionnaire) -> None:
    question = bundled.items["data.collection"].text["ko"]
    first = export(tmp_path / "a.csv", [["기업명", "차수", question],
                                        ["(주)가", "", "1"], ["(주)나", "", "2"]])
    second = export(tmp_path / "b.csv", [["기업명", question], ["(주) 가", "4"]])
    result = batch.score_inputs([first, second])
    table = result.scores.table
    assert list(table["company.name"]) == ["(주)나", "(주) 가"]
    assert list(table["data.score"]) == [2.0, 4.0]
    (dropped,) = result.rejections
    assert (dropped.file, dropped.row, dropped.value) == (str(first), 2, "(주)가")
    assert f"{second}:2" in dropped.reason.en and "later assessment" in dropped.reason.en


def test_a_later_assessment_date_wins_over_row_order(tmp_path: Path,
                                                     bundled: Questionnaire) -> None:
    question = bundled.items["data.collection"].text["ko"]
    path = export(tmp_path / "dated.csv", [
        ["기업 관리번호", "기업명", "진단일", question],
        ["ulsan-0001", "(주)가", "2026-05-01", "5"],
        ["ulsan-0001", "(주)가 (새 이름)", "2026. 3. 2", "1"],
        ["ulsan-0001", "(주)가", "2026-04-01", "3"]])
    result = batch.score_inputs([path])
    assert list(result.scores.table["data.score"]) == [5.0]
    assert sorted(r.row for r in result.rejections) == [3, 4]
    assert all(f"{path}:2" in r.reason.en for r in result.rejections)


# --- the form's time stamp as the assessment date ---------------------------------------------

@pytest.mark.parametrize("header, stamp", [
    ("타임스탬프", "2026. 4. 16 오전 11:19:30"),  # Google Forms, Korean
    ("Timestamp", "4/16/2026 11:19:30"),  # Google Forms, English
    ("응답일시", "2026.04.16 11:19"),  # Naver Form
    ("제출일시", "2026-04-16 23:59:59"),
    ("Timestamp", "2026-04-16T23:30:00Z"),  # the date as written: no time zone conversion
])
def test_a_form_time_stamp_gives_the_assessment_date(
        tmp_path: Path, mini: Questionnaire, header: str, stamp: str) -> None:
    path = export(tmp_path / "form.csv", [[header, "기업명", "이메일 주소"],
                                          [stamp, "(주)가", "a@b.kr"], ["", "(주)나", ""]])
    result = survey.read(path, mini)
    assert list(result.frame["assessment.date"]) == ["2026-04-16", None]  # blank: undated
    assert result.ignored == [] and result.warnings == [] == result.rejections


def test_the_forms_email_column_is_left_out_quietly_and_others_still_warned(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "form.csv", [["타임스탬프", "Email Address", "기업명", "비고"],
                                          ["2026. 4. 16 오전 9:00:00", "a@b.kr", "(주)가", "x"]])
    result = survey.read(path, mini)
    assert result.ignored == ["비고"]  # an unknown column is still named


def test_an_excel_date_time_cell_gives_its_date(tmp_path: Path, mini: Questionnaire) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["타임스탬프", "기업명"])
    sheet.append([dt.datetime(2026, 4, 16, 23, 19, 30), "(주)가"])
    book.save(tmp_path / "form.xlsx")
    result = survey.read(tmp_path / "form.xlsx", mini)
    assert list(result.frame["assessment.date"]) == ["2026-04-16"]


def test_a_day_first_time_stamp_column_is_read_day_first(tmp_path: Path,
                                                         mini: Questionnaire) -> None:
    """One form writes one locale: 16/04/2026 shows that 03/04/2026 is 3 April."""
    path = export(tmp_path / "form.csv", [["Timestamp", "기업명"], ["03/04/2026 9:00:00", "(주)가"],
                                          ["16/04/2026 9:00:00", "(주)나"]])
    assert list(survey.read(path, mini).frame["assessment.date"]) == ["2026-04-03", "2026-04-16"]
    path = export(tmp_path / "us.csv", [["Timestamp", "기업명"], ["03/04/2026 9:00:00", "(주)가"],
                                        ["4/16/2026 9:00:00", "(주)나"]])
    assert list(survey.read(path, mini).frame["assessment.date"]) == ["2026-03-04", "2026-04-16"]


def test_an_assessment_date_column_wins_over_the_time_stamp(tmp_path: Path,
                                                            mini: Questionnaire) -> None:
    path = export(tmp_path / "form.csv", [["타임스탬프", "기업명", "진단일"],
                                          ["2026. 4. 16 오전 11:19:30", "(주)가", "2026-03-12"]])
    result = survey.read(path, mini)
    assert list(result.frame["assessment.date"]) == ["2026-03-12"]
    assert result.ignored == ["타임스탬프"]


def test_an_unreadable_time_stamp_leaves_the_date_blank_with_one_warning(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "form.csv", [
        ["기업명", "타임스탬프", "데이터는 어떻게 수집됩니까?"],
        ["(주)가", "2026. 4. 16 오전 11:19:30", "3"], ["(주)나", "어제 오후", "3"],
        ["(주)다", "2026. 13. 1 오전 9:00:00", "9"],  # rejected for its answer: no word on its date
        ["(주)라", "2026. 2. 30 오전 9:00:00", "2"], ["(주)마", "", "1"]])
    result = survey.read(path, mini)
    assert [r.row for r in result.rejections] == [4]  # the answers are fine
    assert list(result.frame["company.name"]) == ["(주)가", "(주)나", "(주)라", "(주)마"]
    assert list(result.frame["assessment.date"]) == ["2026-04-16", None, None, None]
    (warning,) = result.warnings
    assert (warning.file, warning.line, warning.column, warning.severity) == (
        str(path), 3, 2, "warning")
    assert warning.message.en == ("2 row(s) of column '타임스탬프' hold no readable date (first: "
                                  "row 3, '어제 오후'): they are scored without an assessment date")
    assert "'타임스탬프' 열" in warning.message.ko and "3행" in warning.message.ko
    scored = batch.score_inputs([path])
    assert [w.line for w in scored.warnings if "타임스탬프" in w.message.ko] == [3]


def test_two_submissions_of_one_company_keep_the_later_by_its_time_stamp(
        tmp_path: Path) -> None:
    path = export(tmp_path / "form.csv", [
        ["타임스탬프", "기업명", "차수"], ["2026. 5. 2 오전 9:00:00", "(주)가", ""],
        ["2026. 4. 30 오후 5:00:00", "(주)가", ""], ["2026. 9. 1 오전 9:00:00", "(주)가", "followup"]])
    result = batch.score_inputs([path])
    table = result.scores.table
    assert list(table["assessment.date"]) == ["2026-05-02", "2026-09-01"]
    assert [r.row for r in result.rejections] == [3]


def test_the_demo_survey_export_rows_get_their_dates(bundled: Questionnaire,
                                                     tmp_path: Path) -> None:
    from diagnose.jobs import demo

    samples = list(demo.sample_responses(bundled, 12 + demo.SURVEY_COMPANIES))[12:]
    path = tmp_path / "survey-export.csv"
    path.write_text(demo.survey_export(bundled, samples), encoding="utf-8")
    result = batch.score_inputs([path])
    assert result.rejections == []
    assert result.warnings == []  # the form's e-mail column is expected: no warning
    assert list(result.scores.table["assessment.date"]) == [
        s.assessment.date.isoformat() for s in samples]


def test_other_rounds_of_a_company_are_not_duplicates(tmp_path: Path) -> None:
    path = export(tmp_path / "rounds.csv", [["기업명", "차수"], ["(주)가", "baseline"],
                                            ["(주)가", "followup"]])
    result = batch.score_inputs([path])
    assert list(result.scores.table["assessment.round"]) == ["baseline", "followup"]
    assert result.rejections == []


def test_unsupported_and_broken_inputs_are_rejections_not_stops(tmp_path: Path) -> None:
    good = export(tmp_path / "good.csv", [["기업명"], ["(주)가"]])
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    result = batch.score_inputs([good, old, broken])
    assert len(result.scores.table) == 1
    reasons = {Path(r.file).name: r.reason.en for r in result.rejections}
    assert "save it as .xlsx or .csv" in reasons["old.xls"]
    assert "cannot open the XLSX file" in reasons["broken.xlsx"]


def test_a_short_first_row_does_not_make_the_rows_after_it_too_long(
        tmp_path: Path, mini: Questionnaire) -> None:
    """Rows are as wide as the header, whatever the first row holds (a sheet saved with its
    trailing blank cells left out)."""
    path = tmp_path / "short.csv"
    path.write_text("기업명,데이터는 어떻게 수집됩니까?,자동 수집 설비 비율은 몇 %입니까?\n"
                    "(주)짧음\n(주)전부,3,45\n(주)둘,2\n", encoding="utf-8")
    result = survey.read(path, mini)
    assert result.rejections == []
    assert result.rows.tolist() == [2, 3, 4]
    assert values(result, 0) == {**values(result, 0), "company.name": "(주)짧음"}
    assert "data.collection" not in values(result, 0) and "infra.ratio" not in values(result, 0)
    assert values(result, 1)["data.collection"] == 3 and values(result, 1)["infra.ratio"] == 45
    assert values(result, 2)["data.collection"] == 2 and "infra.ratio" not in values(result, 2)


@pytest.mark.parametrize("top", [b"\n\n", b"\xef\xbb\xbf\n", b"\r\n \r\n"])
@pytest.mark.parametrize("sep", [",", ";"])
def test_empty_lines_above_the_header_are_rows_too(tmp_path: Path, mini: Questionnaire,
                                                   top: bytes, sep: str) -> None:
    """A sheet saved with empty first lines: the header is found under them, its delimiter
    is the header's, and rows keep their sheet numbers."""
    path = tmp_path / "top.csv"
    path.write_bytes(top + f"기업명{sep}data.collection\n(주)아래{sep}3\n".encode())
    result = survey.read(path, mini)
    lead = top.count(b"\n")
    assert result.rejections == []
    assert result.rows.tolist() == [lead + 2]
    assert values(result)["company.name"] == "(주)아래" and values(result)["data.collection"] == 3


def test_two_columns_with_the_same_title_are_refused_not_one_ignored(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = export(tmp_path / "twice.csv", [["기업명", "기업명", "data.collection"],
                                          ["(주)가", "(주)나", "3"]])
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    (problem,) = caught.value.rejections
    assert "several columns match item 'company.name'" in problem.reason.en
    assert "(A)" in problem.reason.en and "(B)" in problem.reason.en


NUMBER_CELLS = st.one_of(
    st.sampled_from(["", " ", "12", " 12 ", "1_000", "１２", "٣", "1e3", "0x10", "nan", "inf",
                     "-0", "-0.0", "12명", "1,200", "3.5kg", "해당 없음", "0.1", "1e309", "-1"]),
    st.floats(allow_nan=True).map(repr), st.integers(-10**20, 10**20).map(str),
    st.integers(-5, 5), st.floats(-10, 10), st.booleans(), st.none(), st.text(max_size=6))


def quick_number(cell: Any, low: float, high: float) -> float | None:
    """One cell as ``_quick_numbers`` means to read it: ``float(cell)`` of a text in range."""
    if type(cell) is not str:
        return None
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if low <= value <= high and math.isfinite(value) else None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(NUMBER_CELLS, max_size=30), st.sampled_from([(0.0, 100.0), (-np.inf, np.inf),
                                                             (1.0, 1e6)]))
def test_numbers_at_once_are_what_one_by_one_gives(cells: list[Any],
                                                   bounds: tuple[float, float]) -> None:
    """Every number the fast pass reads is read as ``quick_number`` reads it; the cells it
    leaves (NaN) go one by one, and plain decimals never need to."""
    found = survey._quick_numbers(np.array([*cells, None], dtype=object)[:-1], *bounds)
    for cell, value in zip(cells, found.tolist(), strict=True):
        one = quick_number(cell, *bounds)
        if not math.isnan(value):
            assert one is not None and value == one, cell
            assert math.copysign(1, value) == math.copysign(1, one), cell
        elif one is not None and isinstance(cell, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cell):
            pytest.fail(f"{cell!r} was left to the slow path")


def test_an_endless_number_is_refused_not_read_as_infinity(
        tmp_path: Path, mini: Questionnaire) -> None:
    """1e309 overflows to inf: an open range (employees, no maximum) must not take it."""
    path = export(tmp_path / "inf.csv", [
        ["기업명", "상시 근로자 수"], ["(주)가", "1e309"], ["(주)나", "-inf"], ["(주)다", "1_000"]])
    result = survey.read(path, mini)
    assert [(r.row, r.value, r.reason.en) for r in result.rejections] == [
        (2, "1e309", "not a number"), (3, "-inf", "not a number")]
    assert values(result, 0)["company.employees"] == 1000


def test_a_numbered_header_with_a_description_line_is_matched_not_dropped(
        tmp_path: Path, mini: Questionnaire) -> None:
    """A quoted two-line header, as a form exports a question with its description."""
    path = export(tmp_path / "form.csv", [
        ["1. 기업명 *", "21. 데이터는 어떻게 수집됩니까?\n(가장 가까운 것 하나를 고르세요)"],
        ["(주)가", "MES가 자동 수집한다"]])
    result = survey.read(path, mini)
    assert result.ignored == []
    assert values(result)["data.collection"] == 3


# --- numbers: the one rule of answers.parse_number ---------------------------------------------

@pytest.mark.parametrize("cell, read", [
    ("1,500", 1500.0), ("85명", 85.0), ("1,500 employees", 1500.0), ("８５", 85.0), ("85", 85.0),
])
def test_survey_numbers_are_read_by_the_one_rule(tmp_path: Path, mini: Questionnaire,
                                                 cell: str, read: float) -> None:
    path = export(tmp_path / "n.csv", [["기업명", "상시 근로자 수"], ["(주)가", cell]])
    result = survey.read(path, mini)
    assert result.rejections == []
    assert values(result)["company.employees"] == read


@pytest.mark.parametrize("cell", ["1,5", "85,5", "0,5", "1,5명", "1.500,5", "85,5%"])
def test_a_comma_decimal_in_a_survey_is_a_rejection_never_a_guess(
        tmp_path: Path, mini: Questionnaire, cell: str) -> None:
    """``1,5`` could be 1.5 or 15: the row is rejected with parse_number's own reason."""
    path = export(tmp_path / "n.csv", [["기업명", "상시 근로자 수", "자동 수집 설비 비율은 몇 %입니까?"],
                                       ["(주)가", cell, "12"], ["(주)나", "12", cell]])
    result = survey.read(path, mini)
    assert len(result.frame) == 0
    reasons = []
    for item in ("employees", "infra.ratio"):
        with pytest.raises(answers.AnswerError) as caught:
            answers.parse_number(cell, mini.items[item].unit)
        reasons.append(caught.value.message)
    assert [(r.row, r.value, r.reason) for r in result.rejections] == [
        (2, cell, reasons[0]), (3, cell, reasons[1])]


# --- a file cut short -------------------------------------------------------------------------

def test_a_csv_cut_inside_its_last_row_leaves_that_row_out_and_scores_the_rest(
        tmp_path: Path, mini: Questionnaire) -> None:
    """A download that stopped: the last row has fewer cells and no line end. Padded with
    blanks, it would be scored as a whole answer (employees 1 instead of 120)."""
    path = tmp_path / "cut.csv"
    path.write_bytes("기업 관리번호,기업명,상시 근로자 수,데이터는 어떻게 수집됩니까?\r\n"
                     "u-1,(주)가,85,3\r\nu-2,(주)나,1".encode())
    result = survey.read(path, mini)
    assert list(result.frame["company.name"]) == ["(주)가"]
    (rejection,) = result.rejections
    assert (rejection.row, rejection.column, rejection.value) == (3, "상시 근로자 수", "1")
    assert rejection.reason.en.startswith("the file looks cut off at row 3: its last row has "
                                          "3 of the header's 4 cells and no line end")
    assert "파일이 3행에서 잘린 것 같습니다" in rejection.reason.ko
    assert (rejection.company_id, rejection.company_name) == ("u-2", "(주)나")


# --- which company a rejection is about ----------------------------------------------------------

def test_every_rejected_row_names_its_company_where_readable(
        tmp_path: Path, mini: Questionnaire) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("기업 관리번호,기업명,데이터는 어떻게 수집됩니까?\n"
                    "u-1,(주)가,가끔\n"  # a bad answer: id and name
                    ",(주)나,9\n"  # no id: the name
                    "u-3,,3\n"  # no name: rejected for it, named by its id
                    "u-4,(주)라,3,넘침\n"  # too many cells: named from its own cells
                    "u-5,(주)마,3\n", encoding="utf-8")
    result = survey.read(path, mini)
    named = [(r.row, r.company_id, r.company_name, r.company) for r in result.rejections]
    assert named == [(2, "u-1", "(주)가", "(주)가 (u-1)"), (3, "", "(주)나", "(주)나"),
                     (4, "u-3", "", "u-3"), (5, "u-4", "(주)라", "(주)라 (u-4)")]
    assert result.rejections[0].render("en").endswith("(company: (주)가 (u-1))")
    assert result.rejections[0].render("ko").endswith("(기업: (주)가 (u-1))")


# --- decoding -----------------------------------------------------------------------------------

def test_a_cp949_file_with_one_bad_byte_says_where_it_is(tmp_path: Path,
                                                         mini: Questionnaire) -> None:
    rows = [["기업명", "데이터는 어떻게 수집됩니까?"]] + [[f"(주)가{i}", "종이에 적는다"] for i in range(5)]
    good = export(tmp_path / "good.csv", rows, "cp949").read_bytes()
    at = good.index("(주)가3".encode("cp949")) + len("(주)".encode("cp949"))
    path = tmp_path / "damaged.csv"
    path.write_bytes(good[:at] + b"\x80" + good[at + 1:])  # 0x80 starts no CP949 character
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    message = caught.value.message
    assert "tried UTF-8, CP949" in message.en
    assert f"read as CP949, it stops at byte 0x80 on line 5 (byte offset {at})" in message.en
    assert "'CSV UTF-8'" in message.en
    assert f"CP949로 읽으면 5번째 줄(바이트 위치 {at})의 0x80에서 막힙니다" in message.ko


def test_a_utf8_file_damaged_far_down_says_the_line(tmp_path: Path, mini: Questionnaire,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvrows, "BLOCK_BYTES", 64)
    lines = ["기업명,data.collection"] + [f"(주)가{i},3" for i in range(2000)]
    text = "\n".join(lines).encode()
    at = text.index("(주)가1500".encode())
    path = tmp_path / "damaged.csv"
    path.write_bytes(text[:at] + b"\xff" + text[at + 1:])
    with pytest.raises(survey.SurveyError) as caught:
        survey.read(path, mini)
    assert f"read as UTF-8, it stops at byte 0xFF on line 1,502 (byte offset {at:,})" \
        in caught.value.message.en
