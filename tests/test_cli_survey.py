"""End-to-end: survey exports and the survey template through the command line."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.core.errors import DiagnoseError
from diagnose.engine import batch
from diagnose.render import blank_sheet

runner = CliRunner()

Q_COLLECTION = "생산·품질·설비 데이터는 주로 어떻게 수집됩니까?"
L_COLLECTION_3 = "주요 설비·공정의 생산 실적과 가동 데이터가 MES 등으로 자동 수집된다."
Q_SYSTEMS = "현재 실제로 사용 중인 정보시스템을 모두 선택하십시오. (사용하는 시스템이 없으면 아무것도 선택하지 않습니다.)"


def export(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def google_form(path: Path, *rows: list[str]) -> Path:
    header = ["타임스탬프", "1. 기업명 *", f"2. {Q_COLLECTION} *", Q_SYSTEMS, "이메일 주소"]
    return export(path, [header, *rows])


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Korean Excel opens it as UTF-8
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_columns_ignored_in_several_files_are_one_warning(tmp_path: Path) -> None:
    header = ["타임스탬프", "기업명", "비고"]
    for name, company in (("a.csv", "(주)가"), ("b.csv", "(주)나")):
        (tmp_path / name).write_text("\n".join(",".join(row) for row in (
            header, ["2026. 3. 12 오후 2:41:07", company, "메모"])) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
                                 "-o", str(tmp_path / "s.csv")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "무시합니다" in line]
    assert warnings == [f"{tmp_path / 'a.csv'}:1:1: 경고: 질문지와 맞지 않는 열 1개는 무시합니다: "
                        "비고 (같은 열이 있는 파일 1개 더)"]


def test_score_a_google_forms_export(tmp_path: Path) -> None:
    first = google_form(tmp_path / "a.csv", ["2026. 3. 12 오후 2:41:07", "(주)울산정밀",
                                             L_COLLECTION_3, "ERP (전사적 자원관리), MES (생산관리시스템)",
                                             "a@b.kr"])
    second = google_form(tmp_path / "b.csv", ["2026. 3. 13 오전 9:00:00", "온산화학(주)", "3", "",
                                              "c@d.kr"])
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["score", str(first), str(second), "-o", str(out)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    # the time stamp gives the assessment date; the e-mail column is the form's own: no warning
    assert "무시합니다" not in result.stderr
    rows = read_csv(out)
    assert [r["company.name"] for r in rows] == ["(주)울산정밀", "온산화학(주)"]
    assert [r["assessment.date"] for r in rows] == ["2026-03-12", "2026-03-13"]
    assert [r["data.score"] for r in rows] == ["3.0", "3.0"]
    assert float(rows[0]["infra.score"]) > float(rows[1]["infra.score"] or 0)
    assert not (tmp_path / "scores.errors.csv").exists()
    assert "(주)울산정밀" in result.stdout


def test_rejected_rows_are_listed_on_screen_and_in_the_errors_file(tmp_path: Path) -> None:
    path = google_form(tmp_path / "form.csv",
                       ["", "(주)가", "3", "", ""],
                       ["", "(주)나", "가끔", "ERP, 엑셀", ""],
                       ["", "", "2", "", ""])
    out = tmp_path / "scores.xlsx"
    result = runner.invoke(app, ["score", str(path), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 1
    assert "form.csv:3" in result.stderr and "가끔" in result.stderr  # one line each off a terminal
    errors = (tmp_path / "scores.errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert errors == [
        "file,row,column,value,reason,company.id,company.name",
        f'{path},3,2. {Q_COLLECTION} *,가끔,"not one of the options (valid: 1, 2, 3, 4, 5)",,(주)나',
        f'{path},3,{Q_SYSTEMS},"ERP, 엑셀","\'엑셀\': not one of the options (valid: erp, mes, '
        'scada, plm, qms, wms, cmms, fems)",,(주)나',
        f"{path},4,1. 기업명 *,,the company name is missing,,",
    ]
    book = openpyxl.load_workbook(out)
    names = [row[1].value for row in book.active.iter_rows(min_row=2)]
    assert names == ["(주)가"]


def test_quiet_prints_one_line_per_rejection(tmp_path: Path) -> None:
    path = google_form(tmp_path / "form.csv", ["", "(주)나", "가끔", "", ""])
    result = runner.invoke(app, ["score", str(path), "-o", str(tmp_path / "s.json"), "--quiet",
                                 "--lang", "en"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{path}:2 [2. {Q_COLLECTION} *] '가끔': not one of the options (valid: 1, 2, 3, 4, 5) "
        "(company: (주)나)"]
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8")) == []


def test_a_map_file_scores_a_naver_form_export(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  회사 이름: name\n  수집 방법: data.collection\n"
                       "answers:\n  data.collection: {MES: 3, 종이: 1}\n", encoding="utf-8")
    path = export(tmp_path / "naver.csv", [["회사 이름", "수집 방법"], ["(주)가", "MES"],
                                           ["(주)나", "종이"]])
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["score", str(path), "--map", str(mapping), "-o", str(out),
                                 "--json"])
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert [(r["company.name"], r["data.score"]) for r in printed] == [("(주)가", 3.0),
                                                                      ("(주)나", 1.0)]


def test_a_bad_map_file_stops_with_located_problems(tmp_path: Path) -> None:
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  회사: nmae\n", encoding="utf-8")
    path = export(tmp_path / "x.csv", [["기업명"], ["(주)가"]])
    result = runner.invoke(app, ["score", str(path), "--map", str(mapping), "-o",
                                 str(tmp_path / "s.csv"), "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {mapping}:2:3: 'nmae' is not an item id of the "
                                     "questionnaire")


def test_formula_looking_names_stay_text_in_csv_xlsx_and_the_errors_file(tmp_path: Path) -> None:
    path = google_form(tmp_path / "evil.csv",
                       ["", "=HYPERLINK(\"http://x\",\"클릭\")", "3", "", ""],
                       ["", "@SUM(1+1)", "3", "", ""],
                       ["", "+82-52-000", "=1+1", "", ""])
    csv_out, xlsx_out = tmp_path / "s.csv", tmp_path / "s.xlsx"
    assert runner.invoke(app, ["score", str(path), "-o", str(csv_out)]).exit_code == 1
    assert runner.invoke(app, ["score", str(path), "-o", str(xlsx_out)]).exit_code == 1
    names = [r["company.name"] for r in read_csv(csv_out)]
    assert names == ["'=HYPERLINK(\"http://x\",\"클릭\")", "'@SUM(1+1)"]
    sheet = openpyxl.load_workbook(xlsx_out).active
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == names and all(c.data_type == "s" for c in cells)
    errors = list(csv.reader((tmp_path / "s.errors.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    assert errors[1][3] == "'=1+1"


def test_template_then_fill_then_score(tmp_path: Path) -> None:
    sheet_path = tmp_path / "설문지.xlsx"
    result = runner.invoke(app, ["questionnaire", "template", "--format", "xlsx", "-o",
                                 str(sheet_path), "--json"])
    assert result.exit_code == 0, result.stderr
    described = json.loads(result.stdout)
    assert described["format"] == "xlsx" and described["columns"][:2] == ["id", "name"]
    book = openpyxl.load_workbook(sheet_path)
    sheet = book["설문"]
    at = {name: i for i, name in enumerate(described["columns"], start=1)}
    sheet.cell(3, at["name"]).value = "(주)울산정밀"
    sheet.cell(3, at["data.collection"]).value = L_COLLECTION_3
    book.save(sheet_path)
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["score", str(sheet_path), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    (row,) = read_csv(out)
    assert row["data.score"] == "3.0" and row["source"] == f"{sheet_path}:3"


def test_template_csv_in_english_and_a_missing_out(tmp_path: Path) -> None:
    out = tmp_path / "survey.csv"
    result = runner.invoke(app, ["questionnaire", "template", "--format", "csv", "-o", str(out),
                                 "--lang", "en"])
    assert result.exit_code == 0
    count = len(blank_sheet.columns(batch.load_content()[0], "en"))  # the questionnaire's
    assert result.stdout.strip() == f"survey sheet ({count} columns) -> {out}"
    header = next(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert len(header) == count
    assert out.read_text(encoding="utf-8-sig").startswith("Programme company ID,Company name *")
    result = runner.invoke(app, ["questionnaire", "template", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: name the file to write with -o FILE.xlsx or -o FILE.csv"


def test_help_names_survey_exports_and_the_map(tmp_path: Path) -> None:
    result = runner.invoke(app, ["score", "--help"])
    assert "--map" in result.stdout and ".csv, .xlsx" in result.stdout
    result = runner.invoke(app, ["questionnaire", "--help"])
    assert "template" in result.stdout


def test_response_files_and_exports_in_one_run_keep_the_later(tmp_path: Path) -> None:
    response = tmp_path / "r.yaml"
    response.write_text("questionnaire: {id: mfg-ai-readiness, version: '1.0'}\n"
                        "company: {name: (주)울산정밀}\nanswers:\n  data.collection: 1\n",
                        encoding="utf-8")
    path = google_form(tmp_path / "form.csv", ["", "(주)울산정밀", "4", "", ""])
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["score", str(response), str(path), "-o", str(out), "--quiet",
                                 "--lang", "en"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{response} [company] '(주)울산정밀': left out: a later assessment of the same "
        f"company and round is used ({path}:2)")
    assert [r["data.score"] for r in read_csv(out)] == ["4.0"]


@pytest.mark.slow
def test_report_of_a_survey_export(tmp_path: Path) -> None:
    path = google_form(tmp_path / "form.csv", ["", "(주)울산정밀", L_COLLECTION_3, "", ""])
    result = runner.invoke(app, ["report", str(path), "--out", str(tmp_path / "pdf"), "--quiet",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    (pdf,) = (tmp_path / "pdf").glob("*.pdf")
    assert pdf.name == "(주)울산정밀_baseline.pdf"
    text = "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    flat = "".join(text.split())  # the PDF's line breaks fall anywhere in a label
    assert "(주)울산정밀" in text and "MES등으로자동수집된다" in flat


def test_header_without_rows_scores_nothing_and_binary_csv_is_refused(tmp_path: Path) -> None:
    from diagnose.engine import batch

    header_only = tmp_path / "header.csv"
    header_only.write_text("기업명,data.collection\n", encoding="utf-8-sig")
    with pytest.raises(DiagnoseError) as nothing:  # nothing rejected, nothing to score: exit 2
        batch.score_inputs([header_only])
    assert nothing.value.exit_code == 2 and "no row holds an answer" in nothing.value.render("en")

    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"name\n\x00\x01\x02\n")
    result = batch.score_inputs([binary, header_only], lang="en")
    assert len(result.scores.table) == 0
    (rejection,) = result.rejections
    assert "not a text CSV" in rejection.reason.render("en")


def test_inputs_that_cannot_be_read_at_all_stop_the_command(tmp_path: Path) -> None:
    """Nothing to score (exit 2): each file and its reason on one line, no table written.
    One readable file beside them is scored, and they are rejected (exit 1)."""
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"name\n\x00\x01\x02\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("questionnaire: {id: mfg-ai-readiness, version: '1.0'}\n"
                   "company: {name: (주)가}\nanswers:\n  data.collection: 9\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    alone = runner.invoke(app, ["score", str(binary), "-o", str(out), "--lang", "en"])
    assert alone.exit_code == 2
    assert alone.stderr.strip() == (f"error: {binary}: not a text CSV (binary or UTF-16): "
                                    "save it again as 'CSV UTF-8'")
    both = runner.invoke(app, ["score", str(binary), str(bad), "-o", str(out), "--lang", "en"])
    assert both.exit_code == 2 and not out.exists()
    lines = both.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{binary}: not a text CSV")
    assert lines[1].startswith(f"{bad}:4") and "'9'" in lines[1]
    good = google_form(tmp_path / "form.csv", ["", "(주)울산정밀", "3", "", ""])
    some = runner.invoke(app, ["score", str(binary), str(good), "-o", str(out), "--quiet"])
    assert some.exit_code == 1 and [r["company.name"] for r in read_csv(out)] == ["(주)울산정밀"]


def test_the_rejection_table_and_errors_file_name_the_company_to_call(tmp_path: Path) -> None:
    """The office calls a company, not a row: its id and name, where the row has them."""
    path = export(tmp_path / "form.csv", [
        ["기업 관리번호", "기업명", Q_COLLECTION],
        ["ulsan-0042", "(주)울산정밀", "가끔"], ["ulsan-0043", "온산화학(주)", "3"]])
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["score", str(path), "-o", str(out), "--lang", "en"],
                           env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "250"})
    assert result.exit_code == 1
    screen = re.sub(r"\x1b\[[0-9;]*m", "", result.stderr)  # a terminal's bold titles
    header = next(line for line in screen.splitlines() if "reason" in line)
    assert [cell.strip() for cell in header.strip("┃ ").split("┃")] == [
        "file", "row", "company", "column", "value", "reason"]
    assert "│ (주)울산정밀 (ulsan-0042) │" in screen
    errors = list(csv.DictReader((tmp_path / "s.errors.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    assert [(e["row"], e["company.id"], e["company.name"]) for e in errors] == [
        ("2", "ulsan-0042", "(주)울산정밀")]


def test_a_csv_cut_mid_row_scores_the_rest_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(f"기업명,{Q_COLLECTION},비고\r\n(주)가,3,\r\n(주)나,\"MES".encode())
    out = tmp_path / "s.csv"
    result = runner.invoke(app, ["score", str(path), "-o", str(out), "--quiet", "--lang", "en"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{path}:3 [{Q_COLLECTION}] 'MES': the file looks cut off at row 3: it ends inside a "
        "quoted cell of this row. The row is left out; download or save the original again "
        "(company: (주)나)")
    assert [r["company.name"] for r in read_csv(out)] == ["(주)가"]
