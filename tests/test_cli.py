"""End-to-end tests of the command line, run as a user runs it."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.core import resources

runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a real process (stdout and stderr apart)."""
    return subprocess.run([sys.executable, "-m", "diagnose", *args], capture_output=True,
                          text=True, timeout=300)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = run("demo", "--out", str(out), "--companies", "3", "--workers", "2", "--quiet")
    assert result.returncode == 0, result.stderr
    return out


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("diagnose ")


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("demo", "score", "report", "questionnaire"):
        assert command in result.output


@pytest.mark.slow
def test_demo_writes_responses_tables_and_korean_pdfs(demo: Path) -> None:
    responses = sorted((demo / "responses").glob("*.yaml"))
    pdfs = sorted((demo / "reports").glob("*.pdf"))
    assert len(responses) == 3 and len(pdfs) == 3
    assert (demo / "scores.xlsx").stat().st_size > 0
    raw = (demo / "scores.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Korean Excel opens it as UTF-8
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 3
    for column in ("company.id", "company.name", "overall.score", "overall.level",
                   "overall.level_name", "overall.gates", "data.score", "data.completeness",
                   "governance.insufficient"):
        assert column in rows[0]
    text = pdf_text(pdfs[0])
    assert "AI 준비도 진단 보고서" in text
    assert rows[0]["company.name"] in text
    for title in ("전략·리더십", "데이터", "거버넌스·보안"):
        assert title in text
    assert not list((demo / "reports").glob(".*.tmp"))  # no half-written PDF left behind


@pytest.mark.slow
def test_score_of_demo_responses_equals_the_demo_table(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "again.csv"
    result = run("score", str(demo / "responses"), "-o", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8-sig") == (demo / "scores.csv").read_text(
        encoding="utf-8-sig")


@pytest.mark.slow
def test_score_json_matches_csv_and_uses_null(demo: Path, tmp_path: Path) -> None:
    result = run("score", str(demo / "responses"), "-o", str(tmp_path / "s.json"), "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    written = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert printed == written and len(written) == 3
    assert isinstance(written[0]["overall.score"], float)
    assert isinstance(written[0]["overall.level"], int)


def test_validate_bundled_questionnaire() -> None:
    result = run("questionnaire", "validate", str(resources.DEFAULT_QUESTIONNAIRE))
    assert result.returncode == 0, result.stderr


def test_validate_broken_questionnaire_lists_located_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: x\nversion: '1'\ntitle: {ko: 가, en: A}\n"
        "profile:\n  - {id: name, type: text, text: {ko: 이름, en: Name}}\n"
        "dimensions:\n  - id: d\n    title: {ko: 디, en: D}\n    questions:\n"
        "      - id: d.a\n        type: level\n        text: {ko: 가, en: A}\n"
        "        options: [{value: 7, label: {ko: 칠, en: seven}}]\n"
        "      - id: d.a\n        type: yesno\n        text: {ko: 나, en: B}\n",
        encoding="utf-8")
    result = run("questionnaire", "validate", str(broken), "--lang", "en")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert f"{broken}:13:" in lines[0] and "1-5" in lines[0]
    assert f"{broken}:14:" in lines[1] and "duplicate id 'd.a'" in lines[1]
    assert "Traceback" not in result.stderr


def test_validate_refuses_an_alias_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", encoding="utf-8")
    result = run("questionnaire", "validate", str(bomb))
    assert result.returncode == 2
    assert f"{bomb}:1:4:" in result.stderr


def test_schema_is_json_schema_and_the_bundled_copy_is_current() -> None:
    result = run("questionnaire", "schema")
    schema = json.loads(result.stdout)
    assert "Question" in schema["$defs"]
    bundled = json.loads((resources.QUESTIONNAIRES / "questionnaire.schema.json").read_text())
    assert bundled == schema, "run: diagnose questionnaire schema > questionnaires/questionnaire.schema.json"


def test_show_prints_the_tree_in_english() -> None:
    result = runner.invoke(app, ["questionnaire", "show", "--lang", "en"])
    assert result.exit_code == 0
    assert "Data [data]" in result.output and "data.collection" in result.output


def _response(path: Path, name: str, value: object, note: str = "") -> Path:
    path.write_text(
        "questionnaire: {id: mfg-ai-readiness, version: '1.0'}\n"
        f"company: {{id: {path.stem}, name: {json.dumps(name, ensure_ascii=False)}}}\n"
        "assessment: {date: 2026-03-12, round: baseline, consultant: 김민수}\n"
        "answers:\n"
        f"  data.collection: {{value: {value}, note: {json.dumps(note, ensure_ascii=False)}}}\n"
        "  strategy.vision: 3\n",
        encoding="utf-8")
    return path


def test_score_rejects_a_bad_file_and_scores_the_rest(tmp_path: Path) -> None:
    good = _response(tmp_path / "good.yaml", "(주)울산정밀", 3)
    bad = _response(tmp_path / "bad.yaml", "(주)나쁜값", 9)
    out = tmp_path / "scores.csv"
    result = run("score", str(good), str(bad), "-o", str(out), "--lang", "en")
    assert result.returncode == 1
    assert "bad.yaml" in result.stderr and "'9'" in result.stderr
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [r["company.name"] for r in rows] == ["(주)울산정밀"]
    assert rows[0]["data.score"] == "3.0" and rows[0]["strategy.score"] == "3.0"
    errors = (tmp_path / "scores.errors.csv").read_text(encoding="utf-8-sig")
    assert "bad.yaml" in errors and "data.collection" in errors


def test_score_neutralises_formulas_in_csv(tmp_path: Path) -> None:
    _response(tmp_path / "evil.yaml", "=HYPERLINK(\"http://x\")", 2)
    out = tmp_path / "scores.csv"
    assert run("score", str(tmp_path), "-o", str(out), "--quiet").returncode == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("args, needle", [
    (["score", "nope.yaml", "-o", "x.csv"], "nope.yaml"),
    (["score", "README.md", "-o", "x.txt"], "x.txt"),
    (["questionnaire", "show", "missing.yaml"], "missing.yaml"),
])
def test_user_errors_are_one_line_with_exit_2(args: list[str], needle: str) -> None:
    result = run(*args, "--lang", "en")
    assert result.returncode == 2
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_report_keeps_untrusted_text_as_text(tmp_path: Path) -> None:
    name = '<img src="file:///etc/passwd">울산'
    _response(tmp_path / "x.yaml", name, 2, note="<b>굵게</b> & {{ 7*7 }}")
    result = run("report", str(tmp_path / "x.yaml"), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 0, result.stderr
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    text = pdf_text(pdf)
    assert '<img src="file:///etc/passwd">울산' in text
    assert "<b>굵게</b> & {{ 7*7 }}" in text
    assert "root:" not in text


@pytest.mark.slow
def test_report_in_english(tmp_path: Path) -> None:
    _response(tmp_path / "x.yaml", "Ulsan Precision", 4)
    result = run("report", str(tmp_path), "--out", str(tmp_path / "out"), "--lang", "en",
                 "--quiet")
    assert result.returncode == 0, result.stderr
    text = pdf_text(next((tmp_path / "out").glob("*.pdf")))
    assert "AI Readiness Diagnosis Report" in text and "Level by dimension" in text


@pytest.mark.slow
def test_demo_writes_the_cohort_summary(demo: Path) -> None:
    assert (demo / "cohort" / "cohort.xlsx").stat().st_size > 0
    assert "코호트" in pdf_text(demo / "cohort" / "cohort.pdf")


@pytest.mark.slow
def test_cohort_command_writes_workbook_and_pdf(demo: Path, tmp_path: Path) -> None:
    result = run("cohort", str(demo / "responses"), "--out", str(tmp_path / "c"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["companies"] == 3 and sum(summary["levels"].values()) == 3
    assert Path(summary["xlsx"]).is_file() and Path(summary["pdf"]).is_file()


@pytest.mark.slow
def test_compare_shows_progress_and_refuses_two_companies(demo: Path, tmp_path: Path) -> None:
    first, second = sorted((demo / "responses").glob("*.yaml"))[:2]
    followup = tmp_path / "followup.yaml"
    followup.write_text(first.read_text(encoding="utf-8").replace(
        "round: baseline", "round: followup"), encoding="utf-8")
    out = tmp_path / "progress.pdf"
    result = run("compare", str(first), str(followup), "-o", str(out), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["baseline"]["overall"] == summary["followup"]["overall"]
    assert all(v in (0, None) for v in summary["changes"].values())
    assert out.is_file()
    refused = run("compare", str(first), str(second), "-o", str(tmp_path / "x.pdf"))
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr


def test_json_into_a_closed_pipe_is_quiet() -> None:
    shell = f"{sys.executable} -m diagnose questionnaire show --json | head -c 10 >/dev/null"
    result = subprocess.run(shell, shell=True, capture_output=True, text=True, timeout=60)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_an_output_the_file_system_refuses_is_one_line_not_an_internal_error(
        tmp_path: Path) -> None:
    """``-o scores.csv`` where scores.csv is a folder: the rename fails; the user reads why,
    names the output (not the temp file), and no temp file is left."""
    good = _response(tmp_path / "good.yaml", "(주)울산정밀", 3)
    taken = tmp_path / "scores.csv"
    taken.mkdir()
    result = run("score", str(good), "-o", str(taken), "--lang", "en")
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {taken}: cannot read or write: Is a directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.yaml", "scores.csv"]
