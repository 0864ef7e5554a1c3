"""The on-site interview, driven as a consultant drives it: typed lines in, screens and a file out.

Most tests run ``diagnose interview`` through CliRunner with scripted input on a small inline
questionnaire; a few drive the session in-process where a terminal cannot be scripted (Ctrl-C,
a failing disk).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import make_questionnaire, yaml_text
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.content.rubric import Rubric
from diagnose.core.errors import DiagnoseError
from diagnose.engine import batch, scoring
from diagnose.inputs import responses
from diagnose.inputs.frame import answers_frame
from diagnose.interview import command, lock
from diagnose.interview.screens import Terminal, converse
from diagnose.interview.session import EXIT_INTERRUPTED, Action, Session, interpret

runner = CliRunner()

# Order asked: name (filled by --company), industry, employees, data.collection, data.has_images,
# [data.labelled if has_images is yes/partial], data.count, infra.systems,
# [infra.process if industry is metal], infra.pain.
QUESTIONNAIRE = """\
    id: mini
    version: "1.0"
    title: {ko: 미니 진단, en: Mini diagnosis}
    profile:
      - {id: name, type: text, required: true, text: {ko: 기업명, en: Company name}}
      - id: industry
        type: choice
        text: {ko: 업종, en: Industry}
        options:
          - {value: metal, label: {ko: 금속, en: Metal}}
          - {value: food, label: {ko: 식품, en: Food}}
      - {id: employees, type: number, min: 0, unit: {ko: 명, en: employees},
         text: {ko: 직원 수, en: Employees}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - id: data.collection
            type: level
            weight: 2
            text: {ko: 데이터는 어떻게 수집됩니까?, en: How is data collected?}
            guidance: {ko: 작업일보를 확인합니다, en: Check the daily work logs}
            options: LEVELS
          - {id: data.has_images, type: yesno, allow_na: true,
             text: {ko: 검사 이미지가 있습니까?, en: Are there inspection images?}}
          - id: data.labelled
            type: level
            allow_na: true
            show_if: {question: data.has_images, in: ["yes", "partial"]}
            text: {ko: 이미지에 라벨이 있습니까?, en: Are the images labelled?}
            options: LEVELS
          - id: data.count
            type: number
            min: 0
            max: 1000
            text: {ko: 불량 이미지 수, en: Defect images}
            bands: [{max: 10, level: 1}, {max: 100, level: 3}, {level: 5}]
      - id: infra
        title: {ko: 인프라, en: Infrastructure}
        questions:
          - id: infra.systems
            type: multi
            text: {ko: 쓰는 시스템, en: Systems in use}
            options:
              - {value: erp, label: ERP}
              - {value: mes, label: MES}
              - {value: scada, label: SCADA}
          - id: infra.process
            type: level
            show_if: {question: industry, in: [metal]}
            text: {ko: 공정 제어 수준, en: Process control}
            options: LEVELS
          - {id: infra.pain, type: text, text: {ko: 가장 큰 문제, en: Biggest problem}}
"""
RUBRIC = """\
    id: mini-rubric
    questionnaire: {id: mini, version: "1.0"}
    dimension_weights: {data: 2}
    min_completeness: 0.5
    bands:
      - {min: 1.0, level: 1, name: {ko: 하, en: Low}}
      - {min: 2.5, level: 2, name: {ko: 중, en: Mid}}
      - {min: 3.5, level: 3, name: {ko: 상, en: High}}
    gates:
      - {dimension: infra, below: 2.0, cap_level: 1}
"""
# metal, 40 staff, level 3, images yes, labelled 4, 50 images, ERP+MES, process 2, a pain
FULL = ["1", "40", "3", "3", "4", "50", "1,2", "2", "재고 관리가 어렵다"]
# At the end: the summary (Enter leaves it blank), then the PDF offer.
END = ["", "n"]


@pytest.fixture
def content(write: Callable[[str, str], Path]) -> tuple[Path, Path]:
    return write("mini.yaml", QUESTIONNAIRE), write("mini-rubric.yaml", RUBRIC)


@pytest.fixture
def interview(content: tuple[Path, Path], tmp_path: Path) -> Callable[..., tuple[int, str, Path]]:
    """Run ``diagnose interview`` with typed lines; (exit code, output, response file)."""
    q, r = content

    def _run(lines: list[str], *args: str, resume: bool = False, name: str = "a.yaml",
             company: str | None = "(주)울산정밀", consultant: str | None = "김민수"
             ) -> tuple[int, str, Path]:
        path = tmp_path / name
        where = ["--resume", str(path)] if resume else ["-o", str(path)]
        extra = [] if company is None or resume else ["--company", company]
        extra += [] if consultant is None or resume else ["--consultant", consultant]
        result = runner.invoke(app, ["interview", *where, "-q", str(q), "-r", str(r), *extra,
                                     *args], input="".join(f"{line}\n" for line in lines))
        assert "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.exception
        return result.exit_code, result.output, path

    return _run


def screens(out: str) -> list[str]:
    """The output cut at each prompt: item k is the screen the k-th typed line answered."""
    return out.split("\n> ")


def saved(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def values(path: Path) -> dict:
    return {k: v.get("value") for k, v in saved(path)["answers"].items()}


def score_json(path: Path, content: tuple[Path, Path], tmp_path: Path) -> dict:
    out = tmp_path / "scores.json"
    result = runner.invoke(app, ["score", str(path), "-q", str(content[0]), "-r",
                                 str(content[1]), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))[0]


# --- what typed lines mean -----------------------------------------------------------------------

MINI = make_questionnaire(QUESTIONNAIRE)
ITEMS = MINI.items


@pytest.mark.parametrize(("item", "line", "answered", "expected"), [
    ("data.collection", "3", False, Action("answer", 3)),
    ("data.collection", " ３ ", False, Action("answer", 3)),  # full-width digit from an IME
    ("data.collection", "", True, Action("keep")),
    ("data.collection", "", False, Action("empty")),
    ("data.collection", "b", False, Action("back")),
    ("data.collection", "ㅠ", False, Action("back")),  # 'b' with the IME left in Korean
    ("data.collection", "S", False, Action("skip")),
    ("data.collection", "j data.count", False, Action("jump", target="data.count")),
    ("data.collection", "j", False, Action("jump", target="")),
    ("data.collection", "?", False, Action("help")),
    ("data.has_images", "n", False, Action("answer", "na")),
    ("data.has_images", "d", False, Action("answer", "unknown")),
    ("data.has_images", "2", False, Action("answer", "partial")),
    ("data.has_images", "예", False, Action("answer", "yes")),
    ("infra.systems", "1,3", False, Action("answer", ("erp", "scada"))),
    ("infra.systems", "3 1", False, Action("answer", ("erp", "scada"))),
    ("infra.systems", "0", False, Action("answer", ())),
    ("infra.systems", "-", False, Action("answer", ())),
    ("infra.systems", "mes; ERP", False, Action("answer", ("erp", "mes"))),
    ("data.count", "1,000", False, Action("answer", 1000)),
    ("data.count", "12.5", False, Action("answer", 12.5)),
    ("employees", "85명", False, Action("answer", 85)),  # the item's unit, as surveys take it
    ("employees", "1,500 명", False, Action("answer", 1500)),
    ("employees", "85 Employees", False, Action("answer", 85)),
    ("infra.pain", "  라인2 설비가 자주 멈춤  ", False, Action("answer", "라인2 설비가 자주 멈춤")),
])
def test_typed_lines_mean_answers_and_commands(item: str, line: str, answered: bool,
                                               expected: Action) -> None:
    assert interpret(line, ITEMS[item], answered) == expected


@pytest.mark.parametrize(("item", "line", "hint"), [
    ("data.collection", "n", "this question takes no n"),
    ("data.collection", "d", "this question takes no n"),
    ("data.collection", "6", "from 1 to 5"),
    ("data.collection", "0", "from 1 to 5"),
    ("data.collection", "abc", "from 1 to 5"),
    ("infra.systems", "1,4", "1 to 3, 0 = none ticked"),
    ("data.count", "1001", "above the maximum 1000"),
    ("data.count", "-1", "below the minimum 0"),
    ("data.count", "many", "not a number"),
    ("data.count", "0,5", "'0,5' could be 0.5 or 5"),  # never saved as 5
    ("data.count", "85,5", "'85,5' could be 85.5 or 855"),
    ("employees", "85개", "not a number"),  # not its unit
    ("infra.systems", "1,3,9", "no option 9: type numbers like 1,3"),  # the bad part named
    ("employees", "n", "this question takes no n"),
    ("infra.pain", "bad \udcff bytes", "UTF-8"),
])
def test_invalid_lines_get_a_short_hint(item: str, line: str, hint: str) -> None:
    action = interpret(line, ITEMS[item], False)
    assert action.kind == "invalid"
    assert action.hint is not None and hint in action.hint.en and action.hint.ko


BUNDLED, _ = batch.load_content()


@settings(max_examples=150, deadline=None)
@given(item=st.sampled_from(sorted(BUNDLED.items)), line=st.text(max_size=40))
def test_no_typed_line_ever_crashes(item: str, line: str) -> None:
    action = interpret(line, BUNDLED.items[item], answered=bool(len(line) % 2))
    assert action.kind != "invalid" or (action.hint and action.hint.ko and action.hint.en)


@settings(max_examples=60, deadline=None)
@given(industry=st.sampled_from([None, "metal", "food"]),
       images=st.sampled_from([None, "yes", "partial", "no", "na", "unknown"]))
def test_the_interview_hides_exactly_what_the_engine_scores_as_hidden(
        industry: str | None, images: str | None) -> None:
    rubric = Rubric.model_validate(yaml.safe_load(yaml_text(RUBRIC)))
    values = {k: v for k, v in {"industry": industry, "data.has_images": images}.items()
              if v is not None}
    session = Session(MINI, rubric, responses.new_response(MINI), Path("unused.yaml"), values)
    frame = answers_frame([{"company.industry": industry, "data.has_images": images}],
                                  MINI)
    states, _ = scoring.question_states(frame, MINI)
    for question in MINI.scored_questions:
        engine_hidden = states.loc[0, question.id] == scoring.HIDDEN
        assert engine_hidden == (not session.visibility()[question.id]), question.id


# --- the interview, end to end ------------------------------------------------------------------

def test_full_interview_saves_every_answer_and_scores_like_diagnose_score(
        interview: Callable[..., tuple[int, str, Path]], content: tuple[Path, Path],
        tmp_path: Path) -> None:
    code, out, path = interview([*FULL, *END])
    assert code == 0, out
    data = saved(path)
    assert data["status"] == "complete"
    assert data["assessment"]["consultant"] == "김민수"
    assert data["company"] == {"name": "(주)울산정밀", "industry": "metal", "employees": 40}
    assert values(path) == {"data.collection": 3, "data.has_images": "yes", "data.labelled": 4,
                            "data.count": 50, "infra.systems": ["erp", "mes"],
                            "infra.process": 2, "infra.pain": "재고 관리가 어렵다"}
    stamp = data["answers"]["data.collection"]["answered_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", str(stamp))
    # The terminal's result is the engine's: same numbers as `diagnose score` on the file.
    row = score_json(path, content, tmp_path)
    assert re.search(rf"데이터\s+{row['data.score']:.2f}\s", out), out
    assert re.search(rf"인프라\s+{row['infra.score']:.2f}\s", out), out
    assert re.search(rf"종합\s+{row['overall.score']:.2f}\s", out), out
    assert f"성숙도 수준 {row['overall.level']} {row['overall.level_name']}" in out
    assert "PDF 보고서를 만들까요? [y/n]" in out


def test_screen_shows_where_the_consultant_is(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, _ = interview(["1", "40", "?", "q"])
    assert code == 0
    assert "기업 정보 · 항목 2/3" in out
    assert "영역 1/2 데이터 · 문항 1/3" in out  # data.labelled is hidden until images = yes
    # progress: 2 answered of the 8 asked (metal shows infra.process; the blank optional
    # employee count is not counted until it is answered)
    assert "━" in out and "2/8" in out
    assert " 3 삼" in out  # the numbered anchored options
    assert "안내: 작업일보를 확인합니다" in out  # guidance on '?'
    assert "n 해당없음" not in out.split("data.has_images")[0]  # not offered where not allowed


def test_gate_that_capped_the_level_is_named(interview: Callable[..., tuple[int, str, Path]],
                                             content: tuple[Path, Path], tmp_path: Path) -> None:
    # data scores high, infra low (only SCADA ticked, process 1): the infra gate caps at 1.
    code, out, path = interview(["1", "40", "5", "3", "5", "500", "3", "1", "-", *END])
    assert code == 0, out
    row = score_json(path, content, tmp_path)
    assert row["overall.gates"] == "infra" and row["overall.level"] == 1
    assert "단계 제한: '인프라' 영역이(가)" in out and "1단계까지만 인정" in out


def test_back_skip_and_jump(interview: Callable[..., tuple[int, str, Path]]) -> None:
    lines = ["1", "40",
             "2", "b", "",          # answer, go back, Enter keeps it and moves on in order
             "s",                   # data.has_images: later
             "j infra.pain", "밀링 라인 병목",  # jump ahead and answer
             "j 2", "1 2",            # jump to dimension 2 (infra), answer systems
             "j nowhere", "q"]
    code, out, path = interview(lines)
    assert code == 0
    assert values(path) == {"data.collection": 2, "infra.pain": "밀링 라인 병목",
                            "infra.systems": ["erp", "mes"]}
    shown = screens(out)  # shown[k]: the screen the k-th line was typed at
    assert "data.collection · 수준" in shown[4] and "현재 답 (Enter = 유지): 2 이" in shown[4]  # after 'b'
    assert "data.has_images" in shown[5]  # Enter kept the answer and moved on in order
    assert "data.count" in shown[8]  # after the jump ahead: back to the open one left behind,
    assert "data.has_images" not in "".join(shown[6:])  # passing over the one left for later
    assert "infra.systems" in shown[9] and "infra.process" in shown[10]
    assert "없는 영역·문항입니다" in shown[11]


def test_skipped_and_unknown_questions_are_reviewed_at_the_end(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    lines = ["1", "40", "s", "d", "50", "0", "2", "없음",  # skip collection, don't know images
             "y", "4", "1",  # review: answer both
             *END]
    code, out, path = interview(lines)
    assert code == 0, out
    assert "답하지 않은 문항 1개, '모름' 1개" in out
    assert "검토 1/2" in out and "검토 2/2" in out
    assert values(path)["data.collection"] == 4
    assert values(path)["data.has_images"] == "no"
    assert saved(path)["status"] == "complete"


def test_declined_review_leaves_the_gaps_and_the_file_in_progress(
        interview: Callable[..., tuple[int, str, Path]], content: tuple[Path, Path],
        tmp_path: Path) -> None:
    code, out, path = interview(["1", "40", "s", "d", "50", "0", "2", "없음", "n", *END])
    assert code == 0
    assert "data.collection" not in values(path)
    row = score_json(path, content, tmp_path)
    assert row["data.completeness"] == pytest.approx(1 / 4)  # 1 of weights 2+1+1 answered
    assert "근거 부족" in out
    # an open question is a gap: the file is not complete, and the screen says how to go on
    assert saved(path)["status"] == "in_progress"
    assert "답하지 않은 문항 1개: status는 in_progress로 둡니다" in out
    assert "이어 하려면: diagnose interview --resume" in out


def test_an_interview_with_nothing_scored_ends_cleanly_but_not_complete(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, path = interview(["", "", "s", "n", "s", "s", "s", "n", *END])
    assert code == 0, out
    assert "점수가 있는 영역이 없어 수준을 정할 수 없습니다" in out
    assert saved(path)["status"] == "in_progress"  # nothing answered is never 'complete'
    assert values(path) == {"data.has_images": "na"}


def test_conditional_questions_appear_and_vanish_keeping_answers(
        interview: Callable[..., tuple[int, str, Path]], content: tuple[Path, Path],
        tmp_path: Path) -> None:
    lines = ["1", "40", "3", "3", "4",  # images yes -> labelled appears, answered 4
             "b", "b", "1",  # back to images, now 'no': labelled vanishes
             "q"]
    code, out, path = interview(lines)
    assert code == 0
    assert "새로 나타난 문항: data.labelled" in out
    assert "답이 있는 문항이 숨겨짐" in out
    assert values(path)["data.labelled"] == 4  # kept in the file ...
    code, out, path = interview(["50", "1", "1", "-", *END], resume=True)
    assert code == 0, out
    row = score_json(path, content, tmp_path)
    # ... but not applicable: data = (2*3 + 1*1 + 1*3) / 4, labelled left out
    assert row["data.score"] == pytest.approx(2.5)
    # and a profile answer drives a question too: food hides infra.process
    code, out, _ = interview(["2", "5", "q"], name="food.yaml")
    assert "infra.process" not in out


def test_notes_and_evidence_keep_korean_intact(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    note = "설비 12대 중 4대만 PLC 연결 — 라인2 (김 과장: \"내년 증설\") #확인"
    code, out, path = interview(["1", "40", "m", note, "photos/line2.jpg, 사진/설비 1.jpg",
                                 "3", "b", "m", "", "-", "q"])
    assert code == 0
    answer = saved(path)["answers"]["data.collection"]
    assert answer["note"] == note
    assert answer["value"] == 3
    assert "evidence" not in answer  # '-' cleared it; Enter kept the note
    assert "메모를 저장했습니다" in out
    text = path.read_text(encoding="utf-8")
    assert note.split(" (")[0] in text  # written as UTF-8 text, not escapes


def test_quit_and_resume_continues_at_the_first_open_question(
        interview: Callable[..., tuple[int, str, Path]], content: tuple[Path, Path]) -> None:
    code, out, path = interview(["1", "40", "3", "q"])
    assert code == 0
    assert saved(path)["status"] == "in_progress"
    command = f"diagnose interview --resume {path} -q {content[0]} -r {content[1]}"
    assert f"이어 하려면: {command}" in out
    code, out, _ = interview(["3", "q"], resume=True)
    first = out.split("> ")[0]
    assert "이어서 합니다" in first and "data.has_images" in first
    assert values(path) == {"data.collection": 3, "data.has_images": "yes"}


def test_end_of_input_saves_and_says_how_to_resume(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, path = interview(["1", "40", "3"])  # the input ends here
    assert code == 0
    assert "저장했습니다 (4/9 답함)" in out and "이어 하려면: diagnose interview --resume" in out
    assert values(path) == {"data.collection": 3}


def test_new_file_never_overwrites_an_old_interview(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    interview(["q"])
    code, out, path = interview(["q"])
    assert code == 2
    assert "이미 있는 파일입니다" in out and f"--resume {path}" in out


def test_company_name_put_off_comes_back_at_the_end(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    lines = ["", "s",  # Enter on the name: a hint; 's': later, like any other item
             *FULL[:-1], "밀링", "y", "(주)대한기계", *END]
    code, out, path = interview(lines, company=None)
    assert code == 0, out
    assert "답을 입력하세요 (s 나중에, ? 안내)" in out
    assert re.search(r"기업 정보\s+name", out)  # offered again at the end, by id
    assert saved(path)["company"]["name"] == "(주)대한기계"
    assert saved(path)["status"] == "complete"


def test_company_name_is_required_before_the_end(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, path = interview(["s", *FULL[:-1], "밀링", "n", "(주)대한기계", *END],
                                company=None)
    assert code == 0, out
    assert "기업명은 꼭 있어야 합니다: 입력하세요" in out  # the review declined, still asked
    assert saved(path)["company"]["name"] == "(주)대한기계"


def test_english_screens_and_hints(interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, _ = interview(["1", "40", "n", "9", "q"], "--lang", "en")
    assert code == 0
    assert "Dimension 1/2 Data · question 1/3" in out
    assert "this question takes no n (not applicable) or d (don't know)" in out
    assert "type a number from 1 to 5" in out
    assert "--lang en" in out.splitlines()[-1]


def test_jamo_typed_with_a_korean_ime_still_work_as_keys(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, _ = interview(["1", "40", "3", "ㅠ", "ㅂ"])
    assert code == 0 and "이어 하려면" in out
    assert out.count("data.collection · 수준") == 2  # shown, then again after 'ㅠ' (back)


def test_pdf_is_written_next_to_the_response_file(
        interview: Callable[..., tuple[int, str, Path]], tmp_path: Path) -> None:
    code, out, _ = interview([*FULL, "", "y"])
    assert code == 0, out
    pdfs = list(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].stat().st_size > 1000
    assert str(pdfs[0]) in out.replace("\n", "")


# --- questionnaire versions -----------------------------------------------------------------------

V2 = (QUESTIONNAIRE.replace('version: "1.0"', 'version: "2.0"')
      .replace("      - {id: employees", "      - {id: founded, type: number,"
               " text: {ko: 설립 연도, en: Founded}}\n      - {id: employees")
      .replace("          - {id: data.has_images",
               "          - {id: data.owner, type: yesno, text: {ko: 책임자, en: Owner}}\n"
               "          - {id: data.has_images")
      .replace("              - {value: scada, label: SCADA}\n", "")
      .replace("          - {id: infra.pain, type: text, text: {ko: 가장 큰 문제, en: Biggest problem}}\n",
               ""))


def test_resume_with_a_new_version_explains_what_changed(
        interview: Callable[..., tuple[int, str, Path]], write: Callable[[str, str], Path],
        tmp_path: Path) -> None:
    code, _, path = interview(["1", "40", "3", "3", "4", "50", "1,3", "2", "밀링", "q"])
    assert code == 0
    folder = tmp_path / "v2"
    folder.mkdir()
    q2 = folder / "mini.yaml"
    q2.write_text(yaml_text(V2), encoding="utf-8")
    r2 = folder / "mini-rubric.yaml"
    r2.write_text(yaml_text(RUBRIC).replace('version: "1.0"', 'version: "2.0"'), encoding="utf-8")
    result = runner.invoke(app, ["interview", "--resume", str(path), "-q", str(q2), "-r",
                                 str(r2)], input="y\n3\n1,2\nq\n")
    out = " ".join(result.output.split())  # the screen wraps long lines at 80 columns
    assert result.exit_code == 0, out
    assert "이 파일은 버전 1.0, 지금 질문지는 버전 2.0" in out
    assert "질문지에서 빠진 문항 (답은 파일에 남고 채점하지 않음): infra.pain" in out
    assert "더 이상 맞지 않는 답 (다시 묻습니다): infra.systems" in out
    # v1 is beside the file it answered, so the new questions are known exactly
    assert "새 문항: founded, data.owner" in out
    backup = path.with_name("a.yaml.v1.0.bak")
    assert backup.is_file() and "scada" in backup.read_text(encoding="utf-8")
    data = saved(path)
    assert data["questionnaire"]["version"] == "2.0"
    assert data["answers"]["infra.pain"]["value"] == "밀링"  # kept, no longer scored
    # continues at the first open question: the new data.owner, then the re-asked systems
    assert "data.owner · 예/아니오" in out.split(">")[0]
    assert values(path)["data.owner"] == "yes"
    assert values(path)["infra.systems"] == ["erp", "mes"]
    assert "이전 버전의 답 'erp, scada'은(는) 이제 맞지 않습니다" in out
    assert "infra.systems = erp, scada — 'scada': 선택지에 없는 답입니다" in out
    loaded = responses.load(path, make_questionnaire(V2))  # the file scores under v2
    assert loaded.values["infra.systems"] == ("erp", "mes")


def test_resume_without_the_old_questionnaire_names_possible_new_questions(
        interview: Callable[..., tuple[int, str, Path]], tmp_path: Path) -> None:
    _, _, path = interview(["1", "40", "3", "3", "4", "50", "1", "2", "밀링", "q"])
    (tmp_path / "mini.yaml").unlink()  # the old questionnaire is gone
    q2 = tmp_path / "v2.yaml"
    q2.write_text(yaml_text(V2), encoding="utf-8")
    r2 = tmp_path / "r2.yaml"
    r2.write_text(yaml_text(RUBRIC), encoding="utf-8")
    result = runner.invoke(app, ["interview", "--resume", str(path), "-q", str(q2), "-r",
                                 str(r2), "--lang", "en"], input="y\nq\n")
    assert result.exit_code == 0, result.output
    assert "unanswered questions in the part already covered (possibly new): data.owner" \
        in result.output


def test_resume_refuses_another_questionnaire(
        interview: Callable[..., tuple[int, str, Path]], tmp_path: Path) -> None:
    _, _, path = interview(["q"])
    result = runner.invoke(app, ["interview", "--resume", str(path)])
    assert result.exit_code == 2
    assert "질문지 'mini'의 응답입니다" in result.output and "Traceback" not in result.output


def test_resuming_a_finished_interview_opens_the_review_of_all_answers(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    interview([*FULL, *END])
    lines = ["j 1",  # the data dimension's page of the review
             "4", "60",  # edit data.count; the review comes back
             "2", "2",  # and data.has_images: two answers changed in one resume
             "r", *END]  # close the review: the end, scored again
    code, out, path = interview(lines, resume=True)
    assert code == 0, out
    shown = screens(out)
    assert "모든 문항에 답한 파일입니다" in shown[0]
    assert "답 검토 · 기업 정보 · 3/3 답함" in shown[0] and "(주)울산정밀" in shown[0]
    # dimension by dimension, every answer as its label: the level's option, yes/no in words
    assert "답 검토 · 영역 1/2 데이터 · 4/4 답함" in shown[1]
    assert re.search(r"1 ● 데이터는 어떻게 수집됩니까\?\s+3 삼", shown[1])
    assert re.search(r"2 ● 검사 이미지가 있습니까\?\s+3 예", shown[1])
    assert "data.count · 숫자 · 고치는 중" in shown[2]
    assert "저장함 · data.count: 60" in shown[3] and "답 검토 · 영역 1/2 데이터" in shown[3]
    assert "저장함 · data.has_images: 2 일부" in shown[5]
    assert values(path)["data.count"] == 60
    assert values(path)["data.has_images"] == "partial"
    assert saved(path)["status"] == "complete"


def test_review_of_all_answers_from_any_question_and_back(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, _ = interview(["1", "40", "3", "r", "b", "2", "metal", "", "", "r", "q"])
    assert code == 0, out
    shown = screens(out)
    assert "답 검토 · 영역 1/2 데이터 · 1/3 답함" in shown[4]  # 'r' on data.has_images
    assert "(미응답)" in shown[4]
    assert "답 검토 · 기업 정보 · 3/3 답함" in shown[5]  # 'b': the page before
    assert "industry · 단일 선택 · 고치는 중" in shown[6]
    assert "저장함 · industry: 1 금속" in shown[7] and "답 검토 · 기업 정보" in shown[7]
    assert "답 검토 · 영역 2/2 인프라" in shown[9]  # Enter: page after page
    assert "data.has_images · 예/아니오" in shown[10]  # 'r' closed it: back where it was


# --- in-process: Ctrl-C and a failing disk -------------------------------------------------------

def _session(content: tuple[Path, Path], path: Path) -> Session:
    q, r = batch.load_content(*content)
    return Session.start(path, q, r, company="(주)울산정밀", consultant="김민수")


def _terminal(lines: list[str | type[BaseException]]) -> tuple[Terminal, Console]:
    console = Console(width=80, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    feed = iter(lines)

    def read(prompt: str) -> str:
        line = next(feed)
        if isinstance(line, type):
            raise line()
        return line

    return Terminal("ko", console, read), console


def test_ctrl_c_saves_and_says_how_to_resume(content: tuple[Path, Path], tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    session = _session(content, path)
    terminal, console = _terminal(["1", "40", "3", KeyboardInterrupt])
    assert converse(session, terminal) == EXIT_INTERRUPTED
    assert values(path) == {"data.collection": 3}
    assert f"이어 하려면: diagnose interview --resume {path}" in console.export_text()


def test_a_failed_save_is_shown_and_retried(content: tuple[Path, Path], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "d.yaml"
    session = _session(content, path)
    real_save = responses.save
    failures = iter([True])

    def flaky(response: responses.Response, target: Path) -> None:
        if next(failures, False):
            raise OSError(28, "No space left on device")
        real_save(response, target)

    monkeypatch.setattr(responses, "save", flaky)
    terminal, console = _terminal(["1", "40", "q"])
    assert converse(session, terminal) == 0
    assert "저장하지 못했습니다: No space left on device" in console.export_text()
    assert saved(path)["company"]["employees"] == 40  # the next save wrote both
    assert saved(path)["company"]["industry"] == "metal"


# --- the interview as a consultant in front of a CEO meets it (issue 13) -----------------------

def test_an_optional_fact_put_off_with_s_is_offered_again_at_the_end(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    # industry: 's' (later); employees: Enter (left blank on purpose, never chased)
    lines = ["s", "", *FULL[2:-1], "밀링", "y", "2", *END]
    code, out, path = interview(lines)
    assert code == 0, out
    assert re.search(r"기업 정보\s+industry\n", out)  # offered at the end, employees is not
    assert "employees" not in out.split("끝까지 왔습니다")[1].split("지금 답하시겠습니까")[0]
    assert saved(path)["company"]["industry"] == "food"
    assert "employees" not in saved(path)["company"]


def test_resume_goes_where_the_consultant_was_and_says_so(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    # skip data.collection, answer on into infra, go back to look at data.count, quit there
    code, out, path = interview(["1", "40", "s", "3", "4", "50", "1,2", "j data.count", "q"])
    assert code == 0
    assert saved(path)["resume_at"] == "data.count"
    code, out, _ = interview(["q"], resume=True)
    first = " ".join(screens(out)[0].split())
    assert "data.count · 숫자" in first  # not the first open question, data.collection
    assert "이어서 합니다: 지난번 멈춘 곳 data.count부터 · 앞에 미응답 1개 (끝에서 다시 묻습니다)" \
        in first


def test_resume_of_a_file_without_a_position_goes_on_after_the_last_answer(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    _, _, path = interview(["1", "40", "s", "3", "4", "50", "q"])
    data = saved(path)
    del data["resume_at"]  # written by hand, or by another tool
    for qid, minute in (("data.count", 41), ("data.has_images", 40), ("data.labelled", 39)):
        local = dt.datetime(2026, 3, 12, 10, minute, 7).astimezone()
        data["answers"][qid]["answered_at"] = local.isoformat()
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, out, _ = interview(["q"], resume=True)
    first = " ".join(screens(out)[0].split())
    assert "infra.systems · 복수 선택" in first
    assert "마지막 답 data.count (2026-03-12 10:41) 다음, infra.systems부터" in first


def test_saved_answers_are_echoed_in_words(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, _ = interview(["1", "85명", "3", "3", "b", "q"])
    assert code == 0
    shown = screens(out)
    assert "저장함 · industry: 1 금속" in shown[1]
    assert "저장함 · employees: 85 명" in shown[2]
    assert "저장함 · data.has_images: 3 예" in shown[4]
    assert "현재 답 (Enter = 유지): 3 예" in shown[5]  # not just the number 3


def test_progress_is_all_answered_when_everything_is(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    interview(["1", "", *FULL[2:], *END])  # employees (optional) left blank
    code, out, _ = interview(["r", *END], resume=True)
    assert code == 0, out
    assert "모든 문항에 답한 파일입니다" in out
    assert "마무리 — 9/9 답함" in out and "9/10" not in out


def test_end_review_lists_every_open_question(write: Callable[[str, str], Path],
                                              tmp_path: Path) -> None:
    q = write("many.yaml", """\
        id: many
        version: "1"
        title: 많은 문항
        profile:
          - {id: name, type: text, required: true, text: 기업명}
        dimensions:
          - id: d
            title: 영역
            questions: QUESTIONS
        """.replace("QUESTIONS", "[" + ", ".join(
        f"{{id: d.q{k:02}, type: yesno, text: 질문 {k}}}" for k in range(30)) + "]"))
    r = write("many-rubric.yaml", """\
        id: many-rubric
        questionnaire: {id: many, version: "1"}
        bands: [{min: 1.0, level: 1, name: 하}]
        """)
    result = runner.invoke(app, ["interview", "-o", str(tmp_path / "m.yaml"), "-q", str(q),
                                 "-r", str(r), "--company", "가", "--consultant", "김"],
                           input="s\n" * 30 + "n\n\nn\n")
    assert result.exit_code == 0, result.output
    listed = result.output.split("끝까지 왔습니다")[1].split("지금 답하시겠습니까")[0]
    assert all(f"d.q{k:02}" in listed for k in range(30)), listed  # none cut off


def test_jump_alone_shows_where_it_can_go(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, _ = interview(["1", "40", "3", "j", "2", "q"])
    assert code == 0
    contents = screens(out)[4]
    assert "어디로 갈까요?" in contents
    assert re.search(r"0 기업 정보\s+3/3", contents)
    assert re.search(r"1 데이터\s+1/3 첫 미응답 data.has_images", contents)
    assert re.search(r"2 인프라\s+0/3 첫 미응답 infra.systems", contents)
    assert "infra.systems · 복수 선택" in screens(out)[5]


def test_the_header_shows_the_minutes_so_far(
        content: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = _session(content, tmp_path / "t.yaml")
    clock = iter([session.started + 12 * 60 + 5] * 10)
    monkeypatch.setattr("diagnose.interview.session.time.monotonic", lambda: next(clock))
    terminal, console = _terminal(["q"])
    converse(session, terminal)
    assert re.search(r"12분 ━*─* 1/\d", console.export_text())


def test_the_consultant_is_asked_when_no_option_gives_it(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, path = interview(["김민수", "q"], consultant=None)
    assert code == 0
    assert "컨설턴트 이름을 입력하세요" in screens(out)[0]
    assert saved(path)["assessment"]["consultant"] == "김민수"
    code, out, _ = interview(["q"], resume=True)  # now in the file: not asked again
    assert "컨설턴트 이름" not in out


def test_the_consultant_from_the_environment_is_not_asked(
        content: tuple[Path, Path], tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    result = runner.invoke(app, ["interview", "-o", str(path), "-q", str(content[0]), "-r",
                                 str(content[1]), "--company", "가"], input="q\n",
                           env={"DIAGNOSE_CONSULTANT": "이수진"})
    assert result.exit_code == 0
    assert "컨설턴트 이름" not in result.output
    assert saved(path)["assessment"]["consultant"] == "이수진"


def test_the_summary_is_asked_at_the_end_and_kept_in_the_file(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    verdict = "데이터 수집은 절반이 수기: 라인2 MES부터, AI는 1년 뒤가 현실적 (대표 동의)"
    code, out, path = interview([*FULL, verdict, "n"])
    assert code == 0, out
    assert "종합 의견: 이 기업에 대한 컨설턴트의 판단을 한 문단으로" in out
    assert saved(path)["assessment"]["summary"] == verdict
    assert saved(path)["status"] == "complete" and "resume_at" not in saved(path)
    # resumed: shown, Enter keeps it; '-' clears it
    code, out, path = interview(["r", "", "n"], resume=True)
    assert f"현재: {verdict}" in out and "Enter = 그대로 두고 채점" in out
    assert saved(path)["assessment"]["summary"] == verdict
    interview(["r", "-", "n"], resume=True)
    assert "summary" not in saved(path)["assessment"]


def test_a_followup_asks_the_support_received_since_the_last_round(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    support = "울산TP 품질 데이터 컨설팅; AI 바우처 PoC"
    code, out, path = interview([*FULL, support, "", "n"], "--round", "followup")
    assert code == 0, out
    assert "지난 진단 뒤 이 기업이 받은 지원" in out
    assert "(후속 진단, " in out  # the result names the round in words, not 'followup'
    assert saved(path)["assessment"]["support_since_last"] == [
        "울산TP 품질 데이터 컨설팅", "AI 바우처 PoC"]
    # resumed: shown and kept with Enter; 0 records "none received"; '-' clears it
    code, out, path = interview(["r", "", "", "n"], resume=True)
    assert "현재: 울산TP 품질 데이터 컨설팅, AI 바우처 PoC" in " ".join(out.split())
    assert len(saved(path)["assessment"]["support_since_last"]) == 2
    interview(["r", "0", "", "n"], resume=True)
    assert saved(path)["assessment"]["support_since_last"] == []
    code, out, path = interview(["r", "", "", "n"], resume=True)
    assert "현재: 받은 지원 없음" in out
    interview(["r", "-", "", "n"], resume=True)
    assert "support_since_last" not in saved(path)["assessment"]


def test_the_baseline_does_not_ask_for_support_received(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, path = interview([*FULL, *END])
    assert code == 0, out
    assert "지난 진단 뒤" not in out and "support_since_last" not in saved(path)["assessment"]


def test_support_naming_a_programme_track_is_kept_as_its_id(tmp_path: Path) -> None:
    q, r = batch.load_content()
    session = Session.start(tmp_path / "a.yaml", q, r, company="가", round_="t1")
    assert session.followup
    ids = [t.id for t in session.programme_tracks()]
    assert "ai-solution" in ids and "ai-voucher" in ids
    session.set_support("AI 솔루션 보급, ai-voucher, 울산TP 컨설팅")
    assert saved(tmp_path / "a.yaml")["assessment"]["support_since_last"] == [
        "ai-solution", "ai-voucher", "울산TP 컨설팅"]
    session.set_support("2; 99")  # a number on the screen's list; one beyond it as typed
    assert saved(tmp_path / "a.yaml")["assessment"]["support_since_last"] == [ids[1], "99"]
    assert not Session.start(tmp_path / "b.yaml", q, r, company="나",
                             round_="Baseline").followup


def test_evidence_is_checked_as_it_is_typed(
        interview: Callable[..., tuple[int, str, Path]], tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "line2.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    code, out, path = interview(["1", "40", "m", "PLC 4대",
                                 "photos/line2.jpg, ../../etc/passwd, 사진/없음.jpg", "q"])
    assert code == 0
    assert saved(path)["answers"]["data.collection"]["evidence"] == [
        "photos/line2.jpg", "사진/없음.jpg"]  # the path outside the folder is not saved
    flat = " ".join(out.split())
    assert "../../etc/passwd: 응답 파일 폴더 밖 — 저장하지 않음" in flat
    assert "사진/없음.jpg: 아직 없는 파일 (저장함)" in flat
    assert "photos/line2.jpg:" not in flat  # a good path is not mentioned


def test_only_refused_evidence_changes_nothing(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    code, out, path = interview(["1", "40", "m", "", "/etc/passwd", "q"])
    assert code == 0
    assert "evidence" not in saved(path).get("answers", {}).get("data.collection", {})
    assert "/etc/passwd: 응답 파일 폴더 밖" in out


def test_a_file_of_a_newer_questionnaire_is_rewritten_only_when_agreed(
        interview: Callable[..., tuple[int, str, Path]], content: tuple[Path, Path],
        tmp_path: Path) -> None:
    newer = tmp_path / "v2.yaml"
    newer.write_text(yaml_text(V2), encoding="utf-8")
    path = tmp_path / "new.yaml"
    result = runner.invoke(app, ["interview", "-o", str(path), "-q", str(newer), "-r",
                                 str(content[1]), "--company", "가", "--consultant", "김"],
                           input="1\n40\n\n3\nq\n")
    assert result.exit_code == 0, result.output
    before = path.read_bytes()
    # the old questionnaire (1.0) on a file answered with 2.0: asked first; 'n' touches nothing
    code, out, _ = interview(["n"], resume=True, name="new.yaml")
    assert code == 0, out
    out = " ".join(out.split())
    assert "주의: 이 파일은 더 새 질문지(버전 2.0)로 답했습니다. 지금 질문지는 버전 1.0입니다." in out
    assert "파일을 바꾸지 않았습니다" in out
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))
    # 'y' rewrites it for 1.0, keeping the original
    code, out, _ = interview(["y", "q"], resume=True, name="new.yaml")
    assert code == 0
    assert saved(path)["questionnaire"]["version"] == "1.0"
    assert (tmp_path / "new.yaml.v2.0.bak").read_bytes() == before
    assert "원래 파일은" in out


def test_the_resume_hint_is_the_command_as_it_was_typed(
        interview: Callable[..., tuple[int, str, Path]], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [".venv/bin/diagnose", "interview"])
    code, out, _ = interview(["q"])
    assert code == 0
    assert "이어 하려면: .venv/bin/diagnose interview --resume" in out
    code, out, _ = interview(["q"])  # the file exists: the hint names the same program
    assert code == 2 and ".venv/bin/diagnose interview --resume" in out


@pytest.mark.parametrize(("argv0", "on_path", "expected"), [
    (".venv/bin/diagnose", None, [".venv/bin/diagnose"]),  # as typed, relative
    ("/opt/tools/bin/diagnose", "/opt/tools/bin/diagnose", ["diagnose"]),  # found on PATH
    ("/opt/tools/bin/diagnose", "/usr/bin/diagnose", ["/opt/tools/bin/diagnose"]),  # another
    ("C:/Users/kim/.venv/Scripts/diagnose.exe", None, ["C:/Users/kim/.venv/Scripts/diagnose.exe"]),
    ("/work/x/diagnose/__main__.py", None, ["/usr/local/bin/python3.11", "-m", "diagnose"]),
    ("/usr/lib/python3/site-packages/pytest/__main__.py", None, ["diagnose"]),  # embedded
])
def test_program_is_how_it_was_started(argv0: str, on_path: str | None, expected: list[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command.shutil, "which", lambda name: on_path)
    assert command.program(argv0, "/usr/local/bin/python3.11") == expected


# --- two interviews on one file ------------------------------------------------------------------

def _other_process() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_a_second_interview_on_the_same_file_is_refused(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    _, _, path = interview(["1", "q"])
    other = _other_process()
    try:
        lock.lock_path(path).write_text(lock.Holder(
            socket.gethostname(), other.pid, lock._start_time(other.pid),
            "2026-03-12T10:41:07+09:00", "t0").text(), encoding="utf-8")
        before = path.read_bytes()
        code, out, _ = interview(["40", "q"], resume=True)
        assert code == 2
        assert f"다른 인터뷰(프로세스 {other.pid})가 2026-03-12 10:41부터 이 파일을 쓰고 있습니다" \
            in " ".join(out.split())
        assert "Traceback" not in out and path.read_bytes() == before
    finally:
        other.kill()
        other.wait()
    # the process is gone (killed, as by kill -9): its lock no longer holds
    code, out, _ = interview(["40", "q"], resume=True)
    assert code == 0, out
    assert saved(path)["company"]["employees"] == 40
    assert not lock.lock_path(path).exists()  # released at the end


def test_a_lock_from_another_computer_names_it_and_the_file_to_delete(
        interview: Callable[..., tuple[int, str, Path]]) -> None:
    _, _, path = interview(["q"])
    lock.lock_path(path).write_text(lock.Holder(
        "field-laptop-07", 4242, None, "2026-03-12T10:41:07+09:00", "t1").text(), encoding="utf-8")
    code, out, _ = interview(["q"], resume=True, consultant=None)
    flat = " ".join(out.split())
    assert code == 2
    assert "다른 컴퓨터(field-laptop-07)에서 2026-03-12 10:41부터" in flat
    assert f"잠금 파일 {lock.lock_path(path)}을(를) 지우고 다시 하세요" in out.replace("\n", "")


def test_a_torn_lock_is_taken_over_once_it_is_old(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    torn = lock.lock_path(path)
    torn.write_text("", encoding="utf-8")  # killed between creating and writing it
    old = time.time() - 60
    os.utime(torn, (old, old))
    holder = lock.acquire(path)
    assert lock.Holder.parse(torn.read_text(encoding="utf-8")) == holder
    with pytest.raises(DiagnoseError):  # held by this live process now
        lock.acquire(path)
    lock.release(path, holder)
    assert not torn.exists()


def test_a_reused_pid_does_not_hold_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    if lock._start_time(os.getpid()) is None:
        pytest.skip("needs /proc")
    # this process's pid, but another start time: the process that took the lock has ended
    lock.lock_path(path).write_text(lock.Holder(
        socket.gethostname(), os.getpid(), 1.0, "2026-03-12T10:41:07+09:00", "t2").text(),
        encoding="utf-8")
    holder = lock.acquire(path)
    lock.release(path, holder)


def test_no_pdf_stack_at_the_end_says_so_and_keeps_the_interview(
        interview: Callable[..., tuple[int, str, Path]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A laptop without Pango: asked for the PDF, the interview says what is missing in one
    line and still ends as a finished interview (exit 0, the file complete)."""
    from diagnose.interview import screens
    from diagnose.render.pdf import PdfUnavailable

    def no_pango(*_: object) -> Path:
        raise PdfUnavailable("libgobject-2.0-0")

    monkeypatch.setattr(screens, "render_report", no_pango)
    code, out, path = interview([*FULL, "", "y"])
    assert code == 0, out
    assert "Pango" in out and "libgobject-2.0-0" in out
    assert "status: complete" in path.read_text(encoding="utf-8")
