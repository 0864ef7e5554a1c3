"""Progress between two rounds: changes, recommendations done and open, what is comparable."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import yaml_text
from pypdf import PdfReader
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.core.errors import DiagnoseError
from diagnose.engine import progress
from diagnose.inputs import identity, responses
from diagnose.jobs import compare

QUESTIONNAIRE = """\
    id: cq
    version: "2"
    title: {ko: 비교 질문지, en: Comparison questionnaire}
    profile:
      - {id: id, type: text, text: {ko: 관리번호, en: ID}}
      - {id: name, type: text, text: {ko: 기업명, en: Name}}
      - {id: industry, type: choice, text: {ko: 업종, en: Industry},
         options: [{value: metal, label: {ko: 금속, en: Metal}}]}
      - {id: defect_rate, type: number, text: {ko: 공정 불량률, en: Defect rate}, unit: "%"}
      - {id: oee, type: number, text: {ko: 설비종합효율, en: OEE}, unit: "%"}
      - {id: unplanned_downtime_hours, type: number, text: {ko: 비계획 정지 시간, en: Unplanned downtime},
         unit: {ko: 시간/년, en: hours/year}}
      - {id: energy_cost, type: number, text: {ko: 연간 에너지 비용, en: Energy cost},
         unit: {ko: 백만원, en: KRW million}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - {id: data.a, type: level, text: {ko: 수집, en: Collection}, allow_na: true,
             options: LEVELS}
          - {id: data.b, type: level, text: {ko: 라벨, en: Labels}, options: LEVELS}
          - {id: data.c, type: level, text: {ko: 이력, en: History}, options: LEVELS}
      - id: process
        title: {ko: 공정, en: Process}
        questions:
          - {id: process.a, type: level, text: {ko: 검사, en: Inspection}, options: LEVELS}
      - id: talent
        title: {ko: 인재, en: Talent}
        questions:
          - {id: talent.a, type: level, text: {ko: 역량, en: Skills}, options: LEVELS}
    """
RUBRIC = """\
    id: cr
    version: "1"
    questionnaire: {id: cq, version: "2"}
    bands: [{min: 1, level: 1, name: {ko: 일, en: One}}, {min: 2, level: 2, name: {ko: 이, en: Two}},
            {min: 3, level: 3, name: {ko: 삼, en: Three}}]
    """
CATALOGUE = """\
    id: cc
    version: "1"
    questionnaire: {id: cq, version: "2"}
    solutions:
      - id: capture
        kind: foundation
        name: {ko: 데이터 수집 기반, en: Data capture}
        summary: {ko: 요약, en: Summary}
        category: data
        dimension: data
        signals:
          - {when: {dimension: data, max: 2.5}, because: {ko: 데이터 수집 부족, en: little data collected}}
        tracks: [data-pipeline]
        investment_mkrw: [10, 30]
        months: 3
        owner: {ko: 생산팀장, en: Production manager}
        kpi: {name: {ko: 수집률, en: Share collected}}
      - id: vision
        name: {ko: 비전 검사, en: Vision inspection}
        summary: {ko: 요약, en: Summary}
        category: quality
        dimension: process
        signals:
          - {when: {question: process.a, max: 3}, because: {ko: 검사 수준 낮음, en: inspection is basic}}
        prerequisites:
          - id: labels
            text: {ko: 라벨 3단계 이상, en: Labels at level 3 or more}
            met_when: {question: data.b, min: 3}
            prepare: {ko: 라벨링, en: Label the images}
            months: 2
        tracks: [ai-solution]
        investment_mkrw: [50, 100]
        months: 6
        owner: {ko: 품질팀장, en: Quality manager}
        kpi: {name: {ko: 불량 유출, en: Escaped defects}}
    """


def response(version: str, company: str, round_: str, date: str, answers: str,
             support: str = "") -> str:
    extra = f", support_since_last: {support}" if support else ""
    return yaml_text(f"""\
        questionnaire: {{id: cq, version: "{version}"}}
        company: {company}
        assessment: {{date: {date}, round: {round_}, consultant: 김민수{extra}}}
        answers: {answers}
        status: complete
        """)


@pytest.fixture
def files(tmp_path: Path):
    """Write the content files and return a function writing a response file."""
    for name, text in (("q.yaml", QUESTIONNAIRE), ("r.yaml", RUBRIC), ("cat.yaml", CATALOGUE)):
        (tmp_path / name).write_text(yaml_text(text), encoding="utf-8")

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return tmp_path, write


def run(tmp_path: Path, base: Path, follow: Path, lang: str = "ko"):
    return compare.compare_files(base, follow, tmp_path / "progress.pdf", lang,
                                 tmp_path / "q.yaml", tmp_path / "r.yaml",
                                 catalogue_path=tmp_path / "cat.yaml")


COMPANY = "{id: u-1, name: (주)울산정밀, industry: metal}"


def pdf_text(path: Path) -> str:
    """The PDF's text as a reader sees it (a no-break space read as a space)."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages).replace("\xa0", " ")


def test_progress_report_with_exact_changes_and_recommendations(files) -> None:
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "baseline", "2026-03-12",
                                       "{data.a: 2, data.b: 2, data.c: 2, process.a: 2, talent.a: 3}"))
    follow = write("follow.yaml", response("2", COMPANY, "followup", "2027-03-10",
                                           "{data.a: 4, data.b: 3, data.c: 2, process.a: 3, talent.a: 3}"))
    result = run(tmp_path, base, follow)
    assert result.changes["data"] == pytest.approx(1.0)  # 2 -> 3
    assert result.changes["process"] == pytest.approx(1.0)  # 2 -> 3
    assert result.changes["talent"] == 0.0
    assert result.changes["overall"] == pytest.approx(3 - 7 / 3)  # mean of 2, 2, 3 -> 3
    assert (result.baseline.level, result.followup.level) == (2, 3)
    # capture no longer fits (data 3 > 2.5): resolved according to the answers; vision still
    # fits and its prerequisite (labels at level 3) is now met: progressed
    assert result.statuses == {"capture": "resolved", "vision": "ready"}
    assert result.left_out == []
    text = pdf_text(result.out)
    for part in ("AI 준비도 향상 보고서", "(주)울산정밀", "영역별 변화", "+1.00",
                 "추천 과제의 진행", "답변상 해소", "진전", "제외한 항목이 없습니다"):
        assert part in text, part
    assert "완료" not in text  # an answer that changed is not a project done


def test_a_version_mismatch_compares_only_what_both_have_and_says_what_was_left_out(
        files) -> None:
    tmp_path, write = files
    # the baseline answered version 1: no data.c yet, and a data.old that version 2 dropped
    base = write("base.yaml", response("1", COMPANY, "baseline", "2026-03-12",
                                       "{data.a: 2, data.b: 4, data.old: 1, process.a: 2, talent.a: 3}"))
    follow = write("follow.yaml", response("2", COMPANY, "followup", "2027-03-10",
                                           "{data.a: 3, data.b: 4, data.c: 1, process.a: 2, talent.a: 3}"))
    result = run(tmp_path, base, follow)
    assert {(item.kind, item.id) for item in result.left_out} == {
        ("question", "data.c"), ("question", "data.old")}
    assert result.changes["data"] == pytest.approx(0.5)  # (2+4)/2 -> (3+4)/2, data.c left out
    assert any("version 1" in w.render("en") for w in result.warnings)  # the loader said so
    text = "\n".join(page.extract_text() for page in PdfReader(result.out).pages)
    assert "비교에서 제외한 항목" in text and "data.c" in text and "data.old" in text
    summary = result.summary("en")
    assert {item["id"] for item in summary["left_out"]} == {"data.c", "data.old"}


def test_assessments_of_different_companies_are_refused(files) -> None:
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "baseline", "2026-03-12", "{data.a: 2}"))
    other = write("other.yaml", response(
        "2", "{id: u-2, name: 온산화학(주), industry: metal}", "followup", "2027-03-10",
        "{data.a: 3}"))
    with pytest.raises(DiagnoseError) as error:
        run(tmp_path, base, other)
    assert error.value.exit_code == 2
    assert "서로 다른 기업" in error.value.render("ko")
    assert "different companies" in error.value.render("en")
    assert "(주)울산정밀 (u-1)" in error.value.render("en") and "온산화학(주)" in error.value.render("en")
    assert not (tmp_path / "progress.pdf").exists()


def test_an_unreadable_input_is_a_clear_error(files) -> None:
    tmp_path, write = files
    base = write("base.yaml", "questionnaire: [nonsense\n")
    follow = write("follow.yaml", response("2", COMPANY, "followup", "2027-03-10", "{data.a: 3}"))
    with pytest.raises(DiagnoseError) as error:
        run(tmp_path, base, follow)
    assert error.value.where == str(base)
    assert "기준 진단 파일을 읽을 수 없습니다" in error.value.render("ko")


def test_same_company_by_id_else_by_name() -> None:
    row = pd.Series
    assert identity.same_company(row({"company.id": "u-1", "company.name": "가"}),
                                 row({"company.id": "u-1", "company.name": "가(주)"}))
    assert not identity.same_company(row({"company.id": "u-1", "company.name": "가"}),
                                     row({"company.id": "u-2", "company.name": "가"}))
    assert identity.same_company(row({"company.id": None, "company.name": "가"}),
                                 row({"company.id": "u-1", "company.name": "가"}))


def test_round_names_give_the_order() -> None:
    ranks = [progress.round_rank(x) for x in ("baseline", "T0", "follow-up", "followup2", "t3")]
    assert ranks == [0, 0, 1, 2, 3]
    assert pd.isna(progress.round_rank("2차"))


@pytest.mark.parametrize("first, second", [
    ("{name: 울산오토파츠(주), industry: metal}", "{name: 울산오토파츠 (주), industry: metal}"),
    ("{id: u-7, name: 울산오토파츠(주), industry: metal}", "{name: 울산오토파츠 (주), industry: metal}"),
], ids=["spacing", "id-on-one"])
def test_compare_takes_a_company_written_two_ways_as_one(files, first: str,
                                                         second: str) -> None:
    tmp_path, write = files
    base = write("base.yaml", response("2", first, "baseline", "2026-03-12", "{data.a: 2}"))
    follow = write("follow.yaml", response("2", second, "followup", "2027-03-10", "{data.a: 4}"))
    out = tmp_path / "progress.pdf"
    run = CliRunner().invoke(app, ["compare", str(base), str(follow), "-o", str(out), "-q",
                                   str(tmp_path / "q.yaml"), "-r", str(tmp_path / "r.yaml"),
                                   "--json"])
    assert run.exit_code == 0, (run.stderr, run.exception)
    summary = json.loads(run.stdout)
    assert summary["changes"]["data"] == 2.0 and out.stat().st_size > 0


@pytest.mark.parametrize("base_round, base_date, follow_round, follow_date, needle", [
    ("baseline", "2027-03-10", "followup", "2026-03-12", "dated before the baseline"),
    ("followup", "2026-03-12", "baseline", "2027-03-10", "the baseline is round 'followup'"),
    ("T1", "2026-03-12", "Baseline", "2026-03-12", "the baseline is round 'T1'"),
], ids=["dates", "rounds", "rounds-as-people-write-them"])
def test_a_follow_up_before_its_baseline_is_refused(files, base_round: str, base_date: str,
                                                    follow_round: str, follow_date: str,
                                                    needle: str) -> None:
    """Two files given the wrong way round: every change would show with the wrong sign. It
    was only a note in the report; now nothing is written and the command exits 2."""
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, base_round, base_date, "{data.a: 2}"))
    follow = write("follow.yaml", response("2", COMPANY, follow_round, follow_date,
                                           "{data.a: 4}"))
    with pytest.raises(DiagnoseError) as error:
        run(tmp_path, base, follow)
    assert error.value.exit_code == 2
    assert needle in error.value.render("en")
    assert "기준 진단을 먼저" in error.value.render("ko")
    assert not (tmp_path / "progress.pdf").exists()


def test_same_date_and_a_round_named_otherwise_are_compared(files) -> None:
    """A correction on the same day, or rounds named in Korean, stay comparable: only an order
    the names or dates contradict is refused."""
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "1차", "2026-03-12", "{data.a: 2}"))
    follow = write("follow.yaml", response("2", COMPANY, "2차", "2026-03-12", "{data.a: 4}"))
    comparison = progress.compare(*(compare.batch_module.score_inputs(
        [path], tmp_path / "q.yaml", tmp_path / "r.yaml") for path in (base, follow)),
        catalogue_path=tmp_path / "cat.yaml")
    assert comparison.changes["data"] == 2.0


@pytest.mark.parametrize("how", ["same path", "another spelling", "a copy"])
def test_the_same_file_twice_is_refused(files, how: str) -> None:
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "baseline", "2026-03-12", "{data.a: 2}"))
    follow = {"same path": base, "another spelling": tmp_path / "." / "base.yaml",
              "a copy": write("copy.yaml", base.read_text(encoding="utf-8"))}[how]
    with pytest.raises(DiagnoseError) as error:
        run(tmp_path, base, follow)
    assert error.value.exit_code == 2
    assert "same file (or copies of it)" in error.value.render("en")
    assert not (tmp_path / "progress.pdf").exists()


# --- what a reader checks first: KPIs, answers that moved, support, rounds in words ----------

KPIS_BEFORE = "defect_rate: 3.1, oee: 65.3, unplanned_downtime_hours: 420, energy_cost: 529"
KPIS_AFTER = "defect_rate: 2.6, oee: 69.0, unplanned_downtime_hours: 455, energy_cost: 512"
# data.a rises 2 -> 3 and data.b falls 3 -> 2: the data dimension stays at +0.00
BEFORE = "{data.a: 2, data.b: 3, data.c: 2, process.a: 2, talent.a: 3}"
AFTER = "{data.a: 3, data.b: 2, data.c: 2, process.a: 2, talent.a: 3}"


@pytest.fixture
def two_rounds(files):
    tmp_path, write = files
    company = "{id: u-1, name: (주)울산정밀, industry: metal, %s}"
    base = write("base.yaml", response("2", company % KPIS_BEFORE, "baseline", "2026-03-12",
                                       BEFORE))
    follow = write("follow.yaml", response(
        "2", company % KPIS_AFTER, "followup", "2027-03-10", AFTER,
        support="[ai-solution, 울산TP 품질 컨설팅]"))
    return tmp_path, base, follow


EXPECTED = {
    "ko": ["공정 불량률", "3.1%", "2.6%", "-0.5%p", "설비종합효율", "65.3%", "69%", "+3.7%p",
           "420 시간/년", "455 시간/년", "+35 시간/년 (+8.3%)", "악화",
           "5억 2,900만 원", "5억 1,200만 원", "-1,700만 원 (-3.2%)", "개선",
           "두 진단 사이에 받은 지원", "AI 솔루션 보급", "울산TP 품질 컨설팅",
           "낮아진 답변 (1)", "나아진 답변 (1)", "3 → 2", "2 → 3", "하락 1",
           "기준 진단", "후속 진단"],
    "en": ["Defect rate", "3.1%", "2.6%", "-0.5 pp", "OEE", "65.3%", "69%", "+3.7 pp",
           "420 hours/year", "+35 hours/year (+8.3%)", "Worse", "KRW 529 million",
           "KRW 512 million", "-KRW 17 million (-3.2%)", "Better",
           "Support received between the rounds", "AI solution adoption", "울산TP 품질 컨설팅",
           "Answers that fell (1)", "Answers that improved (1)", "3 → 2", "down 1",
           "Baseline", "Follow-up"],
}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_report_shows_kpis_answers_that_moved_support_and_rounds_in_words(
        two_rounds, lang: str) -> None:
    """Review 2026-12 section 4: the KPIs entered in both rounds were not shown, a lowered
    answer hid inside "데이터 +0.00", support was not recorded, rounds read "baseline"."""
    tmp_path, base, follow = two_rounds
    result = run(tmp_path, base, follow, lang)
    assert result.changes["data"] == 0.0
    assert [(q.question, q.kind) for q in result.questions] == [
        ("data.a", "improved"), ("data.b", "regressed")]
    text = pdf_text(result.out)
    for part in EXPECTED[lang]:
        assert part in text, part
    for raw in ("baseline)", "followup", "t0"):  # no round shown by its code
        assert raw not in text
    summary = result.summary(lang)
    assert summary["answers"] == {"improved": ["data.a"], "regressed": ["data.b"],
                                  "not_compared": []}
    assert {k["id"]: k["verdict"] for k in summary["kpis"]} == {
        "defect_rate": "better", "oee": "better", "unplanned_downtime_hours": "worse",
        "energy_cost": "better"}
    assert summary["support"]["since_last"] == ["ai-solution", "울산TP 품질 컨설팅"]
    assert summary["support"]["tracks"] == ["ai-solution"]


def test_the_same_inputs_give_the_same_bytes(two_rounds) -> None:
    tmp_path, base, follow = two_rounds
    first = run(tmp_path, base, follow).out.read_bytes()
    second = compare.compare_files(base, follow, tmp_path / "again.pdf", "ko",
                                   tmp_path / "q.yaml", tmp_path / "r.yaml",
                                   catalogue_path=tmp_path / "cat.yaml").out.read_bytes()
    assert first == second


def test_an_old_file_without_support_or_kpis_still_compares(files) -> None:
    """Support is optional: a follow-up without it says where to record it; KPIs not entered
    read 'not entered', never 0."""
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "baseline", "2026-03-12", BEFORE))
    follow = write("follow.yaml", response("2", COMPANY, "followup", "2027-03-10", AFTER))
    result = run(tmp_path, base, follow, "en")
    text = pdf_text(result.out)
    assert "Not recorded" in text and "assessment.support_since_last" in text
    assert "not entered" in text
    assert {k.verdict for k in result.kpis} == {"none"}
    assert result.summary()["support"]["since_last"] is None


def test_support_written_as_free_text_is_shown_as_written(files) -> None:
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "baseline", "2026-03-12", BEFORE))
    follow = write("follow.yaml", response(
        "2", COMPANY, "followup", "2027-03-10", AFTER,
        support='"AI 바우처로 비전 검사 PoC, 2026년 하반기"'))
    result = run(tmp_path, base, follow)
    assert result.support.items == ("AI 바우처로 비전 검사 PoC, 2026년 하반기",)
    assert "AI 바우처로 비전 검사 PoC, 2026년 하반기" in pdf_text(result.out)


def test_support_lists_track_ids_or_names_and_rejects_a_mapping() -> None:
    assessment = responses.Assessment.model_validate(
        {"support_since_last": [2025, None, "AI 솔루션 보급"]})
    assert assessment.support_since_last == ["2025", "AI 솔루션 보급"]
    assert responses.Assessment.model_validate({}).support_since_last is None
    with pytest.raises(ValueError):
        responses.Assessment.model_validate({"support_since_last": [{"track": "x"}]})
    tracks = [SimpleNamespace(id="ai-solution", name={"ko": "AI 솔루션 보급", "en": "AI solution"})]
    assert progress._support_items("ai-solution; AI Solution", tracks) == [
        "ai-solution", "AI Solution"]  # every part names a track: a list
    assert progress._support_items("ai-solution, 컨설팅", tracks) == ["ai-solution, 컨설팅"]


def test_an_answer_that_became_unknown_is_listed_as_not_comparable(files) -> None:
    """A low answer turned 'don't know' leaves the mean and lifts the score: the reader must
    see it."""
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "baseline", "2026-03-12",
                                       "{data.a: 1, data.b: 3, process.a: 2, talent.a: 3}"))
    follow = write("follow.yaml", response("2", COMPANY, "followup", "2027-03-10",
                                           "{data.a: unknown, data.b: 3, process.a: 2, "
                                           "talent.a: 3}"))
    result = run(tmp_path, base, follow)
    assert result.changes["data"] == 1.0  # (1+3)/2 -> 3: not an improvement anyone made
    assert [(q.question, q.kind, q.states) for q in result.questions] == [
        ("data.a", "not_compared", ("answered", "unknown"))]
    assert "1 → 모름" in pdf_text(result.out)


@pytest.mark.parametrize("name, lang, words", [
    ("baseline", "ko", "기준 진단"), ("T0", "en", "Baseline"), ("Follow-up", "en", "Follow-up"),
    ("followup", "ko", "후속 진단"), ("followup2", "ko", "후속 진단 2"), ("t3", "en", "Follow-up 3"),
    ("1차", "ko", "1차"), (None, "ko", ""),
])
def test_round_names_in_words(name: str | None, lang: str, words: str) -> None:
    assert identity.round_name(name, lang) == words


def test_rounds_named_otherwise_are_shown_as_written(files) -> None:
    tmp_path, write = files
    base = write("base.yaml", response("2", COMPANY, "1차", "2026-03-12", BEFORE))
    follow = write("follow.yaml", response("2", COMPANY, "2차", "2027-03-10", AFTER))
    text = pdf_text(run(tmp_path, base, follow).out)
    assert "차수 1차 2차" in text.replace("\n", " ")
