"""Issue 13, run as a user meets it: impossible dates, outputs over inputs, two rounds of one
name, a blank sheet scored, standard output and error on a full disk, no PDF stack, long paths.

Each command runs in a real process (``python -m diagnose``), as on a consultant's laptop.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import diagnose
from diagnose.cli import app

PACKAGE = Path(diagnose.__file__).parent


def process(*args: str, env: dict[str, str] | None = None, stdin: str = "",
            **streams: object) -> subprocess.CompletedProcess[str]:
    """``diagnose ARGS`` in its own process (the console script's own handling of standard
    output and error, an environment); ``streams`` may send stdout or stderr elsewhere."""
    options: dict[str, object] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE,
                                  **streams}
    environment = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    return subprocess.run([sys.executable, "-m", "diagnose", *args], input=stdin, text=True,
                          timeout=300, env={**environment, **(env or {})},
                          **options)  # type: ignore[call-overload]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``diagnose ARGS`` in this process (faster), as a finished process."""
    result = CliRunner().invoke(app, list(args))
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def response(path: Path, company: str = "(주)울산정밀", round_: str = "baseline",
             date: str = "2026-03-12", answered_at: str = "2026-03-12T10:41:07+09:00",
             company_id: str | None = None) -> Path:
    """A small response file to the bundled questionnaire."""
    path.write_text(
        "questionnaire: {id: mfg-ai-readiness, version: '2.0'}\n"
        f"company: {{id: {company_id or path.stem}, name: {json.dumps(company, ensure_ascii=False)}}}\n"
        f"assessment: {{date: {date}, round: {round_}, consultant: 김민수}}\n"
        "answers:\n"
        f"  strategy.vision: {{value: 3, answered_at: {answered_at}}}\n"
        "  data.collection: 2\n",
        encoding="utf-8")
    return path


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused command prints: no traceback, no internal error."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert not {"Traceback", "internal error", "내부 오류"} & set(re.findall(
        r"Traceback|internal error|내부 오류", result.stderr))
    return lines[0]


# --- an impossible date anywhere in a YAML file ---------------------------------------------

@pytest.mark.parametrize("field", ["date", "answered_at"])
def test_an_impossible_date_rejects_that_file_and_scores_the_rest(tmp_path: Path,
                                                                  field: str) -> None:
    good = response(tmp_path / "good.yaml")
    bad = response(tmp_path / "bad.yaml", **{field: "2026-02-30"})
    out = tmp_path / "scores.csv"
    result = run("score", str(good), str(bad), "-o", str(out), "--lang", "en", "--quiet")
    assert result.returncode == 1, result.stderr
    line = 3 if field == "date" else 5
    assert f"{bad}:{line}" in result.stderr and "not a real date or time: 2026-02-30" in (
        result.stderr)
    assert "internal error" not in result.stderr
    assert [r["company.id"] for r in rows(out)] == ["good"]


def test_an_impossible_date_is_located_by_validate_resume_and_the_map(tmp_path: Path) -> None:
    questionnaire = tmp_path / "q.yaml"
    questionnaire.write_text((PACKAGE.parent / "questionnaires" / "mfg-ai-readiness.yaml")
                             .read_text(encoding="utf-8").replace(
        "version:", "released: 2026-02-30\nversion:", 1), encoding="utf-8")
    validate = run("questionnaire", "validate", str(questionnaire), "--lang", "en")
    assert validate.returncode == 2
    assert re.search(rf"^{re.escape(str(questionnaire))}:\d+:11: not a real date or time: "
                     "2026-02-30", validate.stderr, re.M), validate.stderr

    resumed = run("interview", "--resume", str(response(tmp_path / "r.yaml", date="2026-04-31")),
                  "--lang", "en")
    assert resumed.returncode == 2
    assert one_line(resumed).startswith(f"error: {tmp_path / 'r.yaml'}:3:")

    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  2026-02-30: strategy.vision\n", encoding="utf-8")
    scored = run("score", str(response(tmp_path / "a.yaml")), "--map", str(mapping), "-o",
                 str(tmp_path / "s.csv"), "--lang", "en")
    assert scored.returncode == 2
    assert one_line(scored) == (f"error: {mapping}:2:3: not a real date or time: 2026-02-30; "
                                "write an existing date as YYYY-MM-DD")


# --- an output never replaces an input --------------------------------------------------------

def test_score_refuses_to_write_its_table_over_its_input(tmp_path: Path) -> None:
    survey = tmp_path / "survey.csv"
    assert run("score", str(response(tmp_path / "a.yaml")), "-o", str(survey),
               "--quiet").returncode == 0
    before = survey.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(survey)
    for given, out in ((survey, survey), (link, tmp_path / "." / "survey.csv")):
        result = run("score", str(given), "-o", str(out), "--lang", "en")
        assert result.returncode == 2
        assert one_line(result) == (f"error: {out}: it is one of the inputs, so it is not "
                                    "overwritten: give the output (-o, --out) another name")
        assert survey.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "link.csv", "survey.csv"]


def test_every_writing_command_refuses_an_output_that_is_an_input(tmp_path: Path) -> None:
    base = response(tmp_path / "base.yaml", company_id="u-1")
    follow = response(tmp_path / "follow.yaml", round_="followup", date="2027-03-10",
                      company_id="u-1")
    before = follow.read_bytes()
    result = run("compare", str(base), str(follow), "-o", str(follow))
    assert result.returncode == 2 and "입력 파일이므로" in one_line(result)
    assert follow.read_bytes() == before
    for command in ("report", "cohort"):  # a folder output named as one of the input files
        result = run(command, str(base), str(follow), "--out", str(follow))
        assert result.returncode == 2 and "입력 파일이므로" in one_line(result)
        assert follow.read_bytes() == before

    decisions = tmp_path / "sel" / "selection.xlsx"  # the workbook the officer edited
    decisions.parent.mkdir()
    decisions.write_bytes(b"PK officer's decisions")
    result = run("select", str(base), "--out", str(tmp_path / "sel"), "--decisions",
                 str(decisions), "--quiet")
    assert result.returncode == 2 and str(decisions) in one_line(result)
    assert decisions.read_bytes() == b"PK officer's decisions"


def test_template_keeps_a_filled_sheet_and_replaces_a_blank_one(tmp_path: Path) -> None:
    blank = tmp_path / "sheet.csv"
    assert run("questionnaire", "template", "-o", str(blank), "--quiet").returncode == 0
    # fill one row as a respondent would: under the two header rows
    header, ids = blank.read_text(encoding="utf-8-sig").splitlines()[:2]
    columns = ids.split(",")
    cells = {"name": "(주)울산정밀", "strategy.vision": "3"}
    row = ",".join(cells.get(c, "") for c in columns)
    filled = tmp_path / "filled.csv"
    filled.write_text("\ufeff" + "\r\n".join([header, ids, row]) + "\r\n", encoding="utf-8")
    before = filled.read_bytes()
    result = run("questionnaire", "template", "-o", str(filled), "--lang", "en")
    assert result.returncode == 2
    assert "not a blank survey sheet" in one_line(result) and str(filled) in result.stderr
    assert filled.read_bytes() == before
    assert run("questionnaire", "template", "-o", str(blank), "--quiet").returncode == 0


# --- rounds as people mean them ---------------------------------------------------------------

def test_baseline_and_Baseline_are_one_round(tmp_path: Path) -> None:
    first = response(tmp_path / "a.yaml", company_id="u-1")
    later = response(tmp_path / "b.yaml", round_="Baseline", date="2026-03-20",
                     company_id="u-1")
    out = tmp_path / "scores.csv"
    result = run("score", str(first), str(later), "-o", str(out), "--lang", "en", "--quiet")
    assert result.returncode == 1
    assert f"{first} [company] 'u-1': left out: a later assessment of the same company and " \
           f"round is used ({later})" in result.stderr
    assert [(r["company.id"], r["assessment.round"]) for r in rows(out)] == [("u-1", "Baseline")]


# --- compare ----------------------------------------------------------------------------------

def test_compare_refuses_the_same_file_twice_and_a_follow_up_before_its_baseline(
        tmp_path: Path) -> None:
    base = response(tmp_path / "base.yaml", company_id="u-1")
    out = tmp_path / "progress.pdf"
    same = run("compare", str(base), str(base), "-o", str(out), "--lang", "en")
    assert same.returncode == 2 and "same file" in one_line(same)
    early = response(tmp_path / "early.yaml", round_="followup", date="2025-03-12",
                     company_id="u-1")
    before = run("compare", str(base), str(early), "-o", str(out), "--lang", "en")
    assert before.returncode == 2
    assert one_line(before) == ("error: the follow-up (2025-03-12) is dated before the "
                                "baseline (2026-03-12): give the baseline first and the "
                                "follow-up second")
    assert not out.exists()


# --- a blank sheet ----------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_blank_template_says_why_nothing_was_scored(tmp_path: Path, suffix: str) -> None:
    """Nothing rejected, nothing to score: the command could not do its job (exit 2, as for
    an empty folder), and says so instead of '0 scored'."""
    sheet = tmp_path / f"blank.{suffix}"
    assert run("questionnaire", "template", "-o", str(sheet), "--quiet").returncode == 0
    out = tmp_path / "scores.csv"
    result = run("score", str(sheet), "-o", str(out), "--lang", "en")
    assert result.returncode == 2
    assert one_line(result) == (f"error: {sheet}: nothing to score: no row holds an answer "
                                "(a survey sheet not filled in yet?)")
    assert not out.exists()


# --- standard output and error on a full disk -------------------------------------------------

@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_behind_the_streams_keeps_the_contracts_exit_codes(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        version = process("--version", stdout=full)
        assert version.returncode == 2
        assert one_line(version) == "출력을 쓸 수 없습니다: No space left on device"
        missing = process("score", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "x.csv"),
                      stderr=full)
        assert missing.returncode == 2  # was 1: the error message itself failed
        bad = response(tmp_path / "bad.yaml", date="2026-02-30")
        rejected = process("score", str(response(tmp_path / "good.yaml")), str(bad), "-o",
                       str(tmp_path / "s.csv"), stderr=full)
        assert rejected.returncode == 1
    assert (tmp_path / "s.errors.csv").is_file()  # the rejections are still on record


# --- laptops without the PDF stack ------------------------------------------------------------

# What WeasyPrint does on a laptop without Pango: prints a notice, then cffi raises.
FAKE_WEASYPRINT = '''\
print("WeasyPrint could not import some external libraries.")
raise OSError("cannot load library 'libgobject-2.0-0': error 0x7e.  Additionally, "
              "ctypes.util.find_library() did not manage to locate a library called "
              "'libgobject-2.0-0'")
'''


@pytest.fixture
def without_pango(tmp_path: Path) -> dict[str, str]:
    """An environment in which ``import weasyprint`` fails as it does without Pango."""
    fake = tmp_path / "no-pango" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(FAKE_WEASYPRINT, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(fake.parent), os.environ.get("PYTHONPATH", "")])}


def test_weasyprint_is_imported_in_one_place_only() -> None:
    """Every PDF goes through diagnose/render/pdf.py, so one place says what is missing."""
    importers = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                       if re.search(r"^\s*(import|from)\s+weasyprint|import_module\(\"weasyprint",
                                    path.read_text(encoding="utf-8"), re.M))
    assert importers == [os.path.join("render", "pdf.py")]


def test_without_pango_the_work_without_pdfs_is_done(tmp_path: Path,
                                                     without_pango: dict[str, str]) -> None:
    first = response(tmp_path / "a.yaml", company_id="u-1")
    second = response(tmp_path / "b.yaml", company="온산화학(주)", company_id="u-2")
    scored = process("score", str(first), str(second), "-o", str(tmp_path / "s.xlsx"), "--quiet",
                 env=without_pango)
    assert scored.returncode == 0, scored.stderr
    advice = process("recommend", str(first), "--json", env=without_pango)
    assert advice.returncode == 0, advice.stderr
    assert json.loads(advice.stdout)  # the notice WeasyPrint prints never reaches the JSON
    interview = process("interview", "-o", str(tmp_path / "new.yaml"), "--company", "(주)새기업",
                    "--consultant", "김민수", stdin="q\n", env=without_pango)
    assert interview.returncode == 0, interview.stderr
    assert "(주)새기업" in (tmp_path / "new.yaml").read_text(encoding="utf-8")

    cohort = process("cohort", str(tmp_path / "a.yaml"), str(second), "--out",
                 str(tmp_path / "c"), "--lang", "en", env=without_pango)
    assert cohort.returncode == 2
    line = one_line(cohort)
    assert line.startswith("error: cannot write a PDF: the system library Pango") and (
        "libgobject-2.0-0 is missing" in line and "brew install pango" in line
        and "pacman -S mingw-w64-ucrt-x86_64-pango" in line
        and f"(written: {tmp_path / 'c' / 'cohort.xlsx'})" in line)
    assert (tmp_path / "c" / "cohort.xlsx").stat().st_size > 0
    assert not (tmp_path / "c" / "cohort.pdf").exists()
    assert "could not import" not in cohort.stdout

    select = process("select", str(first), str(second), "--out", str(tmp_path / "sel"),
                 env=without_pango)
    assert select.returncode == 2 and "brew install pango" in one_line(select)
    assert json.loads((tmp_path / "sel" / "selection.json").read_text(encoding="utf-8"))
    assert (tmp_path / "sel" / "selection.xlsx").stat().st_size > 0

    report = process("report", str(first), "--out", str(tmp_path / "r"), env=without_pango)
    assert report.returncode == 2 and "PDF를 만들 수 없습니다" in one_line(report)

    demo = process("demo", "--out", str(tmp_path / "demo"), "--companies", "2", "--quiet",
                   env=without_pango)
    assert demo.returncode == 2 and "brew install pango" in one_line(demo)
    assert len(list((tmp_path / "demo" / "responses").glob("*.yaml"))) == 2
    assert len(rows(tmp_path / "demo" / "scores.csv")) == 2
    assert (tmp_path / "demo" / "scores.xlsx").stat().st_size > 0
    assert (tmp_path / "demo" / "cohort" / "cohort.xlsx").stat().st_size > 0  # the workbook too


def test_without_the_weasyprint_package_the_pdf_says_so(tmp_path: Path) -> None:
    script = ("import runpy, sys; sys.modules['weasyprint'] = None; "
              "sys.argv = ['diagnose', *sys.argv[1:]]; "
              "runpy.run_module('diagnose', run_name='__main__')")
    base = response(tmp_path / "base.yaml", company_id="u-1")
    follow = response(tmp_path / "follow.yaml", round_="followup", date="2027-03-10",
                      company_id="u-1")
    result = subprocess.run([sys.executable, "-c", script, "compare", str(base), str(follow),
                             "-o", str(tmp_path / "p.pdf"), "--lang", "en"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert one_line(result) == ("error: cannot write a PDF: the Python package weasyprint is "
                                "not installed; install diagnose again")


# --- paths are never wrapped ------------------------------------------------------------------

@pytest.mark.slow
def test_cohort_and_compare_print_a_long_output_path_whole(tmp_path: Path) -> None:
    """Off a terminal rich wrapped at 80 columns, cutting the path a script reads."""
    deep = tmp_path / ("a-folder-with-a-rather-long-name-" * 3) / "cohort-of-this-year"
    base = response(tmp_path / "base.yaml", company_id="u-1")
    follow = response(tmp_path / "follow.yaml", round_="followup", date="2027-03-10",
                      company_id="u-1")
    cohort = process("cohort", str(base), "--out", str(deep))
    assert cohort.returncode == 0, cohort.stderr
    assert str(deep / "cohort.xlsx") in cohort.stderr.splitlines()[-1]
    out = deep / "the-progress-report-of-the-company-between-its-two-rounds.pdf"
    compare = process("compare", str(base), str(follow), "-o", str(out))
    assert compare.returncode == 0, compare.stderr
    assert str(out) in compare.stderr.splitlines()[-1]
