"""The cohort: workbook sheets and numbers, the PDF, consultant drift and progress."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import make_questionnaire, yaml_text
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from diagnose.cli import app
from diagnose.content import rubric
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg
from diagnose.engine import progress, scoring
from diagnose.engine.batch import Batch
from diagnose.inputs import answers, identity
from diagnose.inputs.frame import answers_frame
from diagnose.inputs.responses import Answer, Assessment, LoadedResponse, QuestionnaireRef, Response
from diagnose.jobs import cohort
from diagnose.render import cohort_doc

QUESTIONNAIRE = """\
    id: cq
    version: "1"
    title: {ko: 코호트 질문지, en: Cohort questionnaire}
    profile:
      - {id: id, type: text, text: {ko: 관리번호, en: ID}}
      - {id: name, type: text, text: {ko: 기업명, en: Name}}
      - {id: industry, type: choice, text: {ko: 업종, en: Industry},
         options: [{value: metal, label: {ko: 금속, en: Metal}},
                   {value: chem, label: {ko: 화학, en: Chemicals}}]}
      - {id: employees, type: number, text: {ko: 근로자 수, en: Employees}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - {id: data.a, type: level, text: {ko: 수집, en: Collection}, options: LEVELS}
          - {id: data.b, type: level, text: {ko: 라벨, en: Labels}, options: LEVELS}
      - id: process
        title: {ko: 공정, en: Process}
        questions:
          - {id: process.a, type: level, text: {ko: 검사, en: Inspection}, options: LEVELS}
    """
# overall = (2 x data + process) / 3
RUBRIC = {"id": "cr", "version": "1", "questionnaire": {"id": "cq", "version": "1"},
          "dimension_weights": {"data": 2},
          "bands": [{"min": 1, "level": 1, "name": {"ko": "일", "en": "One"}},
                    {"min": 2, "level": 2, "name": {"ko": "이", "en": "Two"}},
                    {"min": 3, "level": 3, "name": {"ko": "삼", "en": "Three"}},
                    {"min": 4, "level": 4, "name": {"ko": "사", "en": "Four"}}]}
CATALOGUE = """\
id: cc
version: "1"
questionnaire: {id: cq, version: "1"}
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
EVIL = '=HYPERLINK("http://x")<b>굵게</b>'


def assessment(q, cid: str, industry: str, staff: int, levels: tuple[Any, Any, Any],
               consultant: str, round_: str = "baseline", day: int = 1,
               version: str = "1", name: str | None = None) -> LoadedResponse:
    """An in-memory response: data.a, data.b, process.a (None: unanswered)."""
    company = {"id": cid, "name": name or f"{cid} 상사", "industry": industry,
               "employees": staff}
    given = {k: v for k, v in zip(("data.a", "data.b", "process.a"), levels, strict=True)
             if v is not None}
    response = Response(
        questionnaire=QuestionnaireRef(id="cq", version=version),
        company=company, answers={k: Answer(value=v) for k, v in given.items()},
        assessment=Assessment(date=dt.date(2026 if round_ == "baseline" else 2027, 3, day),
                              round=round_, consultant=consultant))
    values = {k: answers.normalize(q.items[k], v) for k, v in {**company, **given}.items()}
    return LoadedResponse(f"{cid}-{round_}.yaml", response, values)


def make_batch(q, items: list[LoadedResponse]) -> Batch:
    from diagnose.engine import batch as batch_module

    r = rubric.Rubric.model_validate(RUBRIC)
    frame = answers_frame(batch_module.records(items, q), q)
    return Batch(q, r, items, scoring.score(frame, q, r))


def programme(q) -> list[LoadedResponse]:
    """23 companies, 3 of them with a follow-up (26 assessments).

    metal, under 50: 이 x 8 (overall 2, 2, 3, 3, 3, 3, 4, 4) and 김 x 3 (5): 김 scores 2 above
    이's median on the same peer group, over 3 assessments: flagged. 이 is compared with the
    metal companies of others (김 and 박, median 3): no drift. metal, 300+: 박 x 4 (3), a group
    of 4 that falls back to the metal industry. chem, 300+: 박 x 6 (3), 최 x 2 (1): 최 is 2 below
    but with 2 assessments only, not flagged.
    """
    items = [assessment(q, f"m{i}", "metal", 20, (v, v, v), "이",
                        name=EVIL if i == 3 else None)
             for i, v in enumerate([2, 2, 3, 3, 3, 3, 4, 4], start=1)]
    items += [assessment(q, f"k{i}", "metal", 30, (5, 5, 5), "김") for i in range(1, 4)]
    items += [assessment(q, f"b{i}", "metal", 400, (3, 3, 3), "박") for i in range(1, 5)]
    items += [assessment(q, "c1", "chem", 500, (3, 3, 3), "박"),
              assessment(q, "c2", "chem", 500, (3, 1, 3), "박")]
    items += [assessment(q, f"c{i}", "chem", 500, (3, 3, 3), "박") for i in range(3, 7)]
    items += [assessment(q, f"x{i}", "chem", 600, (1, 1, 1), "최") for i in range(1, 3)]
    # follow-ups: m1 data +1, process 0; c1 data +1, process +2; c2 answered another
    # questionnaire version without data.b, which is left out: data 3 -> 4, process 3 -> 4
    items += [assessment(q, "m1", "metal", 20, (3, 3, 2), "이", "followup"),
              assessment(q, "c1", "chem", 500, (4, 4, 5), "박", "followup"),
              assessment(q, "c2", "chem", 500, (4, None, 4), "박", "followup", version="0.9")]
    return items


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    q = make_questionnaire(QUESTIONNAIRE)
    folder = tmp_path_factory.mktemp("cohort")
    (folder / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    result = cohort.build_cohort(make_batch(q, programme(q)), folder / "out", "ko",
                                 catalogue_path=folder / "cat.yaml")
    workbook = load_workbook(result.xlsx)
    return q, result, workbook


def sheet(workbook, name: str) -> pd.DataFrame:
    rows = list(workbook[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_the_workbook_has_every_sheet_with_korean_titles(built) -> None:
    _, result, workbook = built
    assert workbook.sheetnames == ["기업 목록", "데이터", "공정", "업종별", "규모별", "지원 트랙",
                                   "차수별 향상", "기업별 향상", "컨설턴트", "데이터 품질"]
    companies = sheet(workbook, "기업 목록")
    assert len(companies) == result.companies == 23
    assert result.assessments == 26 and result.linked == 3
    for title in ("기업명", "업종", "규모", "종합 점수", "성숙도 수준", "응답 완성도(%)",
                  "추천 과제 1", "제안 지원 트랙", "제안 사유", "비교 집단"):
        assert title in companies.columns


def test_company_rows_hold_the_latest_round_and_exact_scores(built) -> None:
    companies = sheet(built[2], "기업 목록").set_index("관리번호")
    c1 = companies.loc["c1"]
    assert c1["차수"] == "후속 진단" and c1["진단 횟수"] == 2  # the round in words
    assert c1["데이터 점수"] == 4.0 and c1["공정 점수"] == 5.0
    assert c1["종합 점수"] == round(13 / 3, 2)  # (2 x 4 + 5) / 3
    assert c1["성숙도 수준"] == 4 and c1["수준명"] == "사"
    assert companies.loc["c2", "응답 완성도(%)"] == 67  # data.b unanswered at follow-up
    assert companies.loc["m1", "업종"] == "금속" and companies.loc["m1", "규모"] == "50인 미만"
    assert companies["종합 점수"].is_monotonic_decreasing  # best first


def test_text_cells_are_neutralised(built) -> None:
    companies = sheet(built[2], "기업 목록")
    assert "'" + EVIL in companies["기업명"].tolist()


def test_a_group_of_four_falls_back_and_says_so(built) -> None:
    companies = sheet(built[2], "기업 목록").set_index("관리번호")
    assert companies.loc["b1", "비교 집단"] == "금속"
    assert "5곳 미만" in companies.loc["b1", "비교 집단 확대"]
    assert companies.loc["m1", "비교 집단"] == "금속 · 50인 미만"
    assert pd.isna(companies.loc["m1", "비교 집단 확대"])  # a blank cell


def test_breakdowns_by_industry_and_size(built) -> None:
    industry = sheet(built[2], "업종별").set_index("구분")
    chem = industry.loc["화학"]
    assert chem["기업 수"] == 8
    assert chem["종합 평균"] == round(67 / 24, 2)  # 13/3 + 4 + 4 x 3 + 2 x 1 over 8
    assert chem["종합 중앙값"] == 3.0
    assert (chem["수준 1 일"], chem["수준 3 삼"], chem["수준 4 사"]) == (2, 4, 2)
    assert industry.loc["전체 참여 기업", "기업 수"] == 23
    size = sheet(built[2], "규모별").set_index("구분")
    assert size.loc["50인 미만", "기업 수"] == 11 and size.loc["300인 이상", "기업 수"] == 12


def test_each_dimension_sheet_ranks_the_companies(built) -> None:
    data = sheet(built[2], "데이터")
    assert data["점수"].tolist()[:3] == [5.0, 5.0, 5.0]
    assert data["순위"].tolist()[:4] == [1, 1, 1, 4]
    assert data["점수"].is_monotonic_decreasing


def test_progress_per_dimension_is_exact(built) -> None:
    _, result, workbook = built
    progress = sheet(workbook, "차수별 향상").set_index("영역")
    assert progress.loc["데이터", "연결된 기업 수"] == 3
    # m1 +1, c1 +1, c2 +1 (on data.a only: data.b is left out) -> +1
    assert result.progress["data"] == pytest.approx(1.0)
    # m1 0, c1 +2, c2 +1; overall m1 +2/3, c1 +4/3, c2 +1
    assert result.progress["process"] == pytest.approx(1.0)
    assert result.progress["overall"] == pytest.approx(1.0)
    by_company = sheet(workbook, "기업별 향상").set_index("관리번호")
    assert by_company.loc["c2", "비교에서 뺀 문항 수"] == 1
    assert by_company.loc["c2", "데이터 기준"] == 3.0  # not 2.0: data.b was left out


def test_consultant_drift_is_flagged(built) -> None:
    _, result, workbook = built
    assert result.flagged_consultants == ["김"]
    consultants = sheet(workbook, "컨설턴트").set_index("컨설턴트")
    assert consultants.loc["김", "동종 기업 대비 평균 차이"] == 2.0
    assert consultants.loc["최", "비교된 진단 수"] == 2 and consultants.loc["최", "확인 필요"] == "아니오"
    assert consultants.loc["김", "확인 필요"] == "예"
    quality = sheet(workbook, "데이터 품질")
    kinds = set(quality["유형"])
    assert {"컨설턴트 점수 편차", "차수 간 질문지 버전 다름"} <= kinds


def test_support_tracks_rank_ready_companies_first(built) -> None:
    tracks = sheet(built[2], "지원 트랙")
    adopt = tracks[tracks["지원 트랙"] == "AI 솔루션 보급"]
    ready = adopt["준비 상태"].tolist()
    assert ready[0] == "바로 시작 가능" and ready[-1].startswith("선행 필요")
    assert ready == sorted(ready, key=lambda x: x != "바로 시작 가능")


def test_the_pdf_is_korean_and_shows_every_part(built) -> None:
    _, result, _ = built
    text = "\n".join(page.extract_text() for page in PdfReader(result.pdf).pages)
    for part in ("AI 준비도 코호트 진단 요약", "성숙도 수준 분포", "업종별 영역 점수", "기업 × 영역 점수",
                 "지원 트랙별 적합 기업", "솔루션 보급", "차수 간 향상", "컨설턴트별 점수 편차",
                 "<b>굵게</b>"):  # a company name's tags stay text, never markup
        assert part in text, part
    assert result.heatmap == "companies"


def test_english_and_a_capped_heatmap(built, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    q = built[0]
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    monkeypatch.setattr(cohort_doc, "HEATMAP_MAX_COMPANIES", 5)
    result = cohort.build_cohort(make_batch(q, programme(q)[:12]), tmp_path, "en",
                                 catalogue_path=tmp_path / "cat.yaml")
    assert result.heatmap == "groups" and result.linked == 0
    assert load_workbook(result.xlsx).sheetnames[:3] == ["companies", "Data", "Process"]
    text = "\n".join(page.extract_text() for page in PdfReader(result.pdf).pages)
    assert "Industry and size groups x dimensions" in text
    assert "No company has been assessed in two rounds." in text


def test_rounds_are_ordered_by_name_else_by_date() -> None:
    table = pd.DataFrame({
        "company.id": ["a", "a", "b", "b", None],
        "company.name": ["가", "가", "나", "나", "가"],
        "assessment.round": ["followup", "baseline", "2차", "1차", "t2"],
        "assessment.date": ["2026-01-01", "2026-06-01", "2026-01-01", "2026-09-01", None],
    })
    keys = identity.company_keys(table)
    assert keys.tolist() == ["id:a", "id:a", "id:b", "id:b", "id:a"]  # by name, else by id
    order = progress.round_order(table, keys)
    assert order["seq"].tolist() == [1, 0, 0, 1, 2]  # b: named otherwise, so by date
    assert order["count"].tolist() == [3, 3, 2, 2, 3]


def test_an_empty_batch_is_a_user_error(built, tmp_path: Path) -> None:
    q = built[0]
    with pytest.raises(DiagnoseError) as error:
        cohort.build_cohort(make_batch(q, []), tmp_path)
    assert error.value.exit_code == 2
    assert "채점된 진단이 없습니다" in error.value.render("ko")



def test_the_cohort_charts_are_vector_korean_text_without_clip_paths() -> None:
    from diagnose.render import charts

    bars = charts.bar_svg(["1 미인식", "2 인식"], [3, 1], ["#b23a48", "#e0a100"])
    spread = charts.spread_svg([charts.Spread("데이터", 1.5, 2.0, 2.5, 3.0, 3.5, 9),
                                charts.Spread("공정", 0, 0, 0, 0, 0, 0)])
    for svg, texts in ((bars, ["1 미인식", "2 인식", "3 (75%)"]), (spread, ["데이터", "공정", "2.50"])):
        assert svg.startswith("<svg") and "clip-path" not in svg and "<image" not in svg
        for text in texts:
            assert text in svg, text


@pytest.mark.parametrize("first, second", [
    ("{name: 울산오토파츠(주)}", "{name: 울산오토파츠 (주)}"),
    ("{id: u-7, name: 울산오토파츠(주)}", "{name: 울산오토파츠 (주)}"),
], ids=["spacing", "id-on-one"])
def test_cohort_links_the_rounds_of_a_company_written_two_ways(
        tmp_path: Path, first: str, second: str) -> None:
    (tmp_path / "q.yaml").write_text(yaml_text(QUESTIONNAIRE), encoding="utf-8")
    (tmp_path / "r.yaml").write_text(json.dumps(RUBRIC), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    for name, company, round_, level in (("a.yaml", first, "baseline", 2),
                                         ("b.yaml", second, "followup", 3),
                                         ("c.yaml", "{name: 온산화학(주)}", "baseline", 4)):
        (folder / name).write_text(yaml_text(f"""\
            questionnaire: {{id: cq, version: "1"}}
            company: {company}
            assessment: {{date: 2026-03-12, round: {round_}}}
            answers: {{data.a: {level}, data.b: {level}, process.a: {level}}}
            """), encoding="utf-8")
    run = CliRunner().invoke(app, ["cohort", str(folder), "--out", str(tmp_path / "out"),
                                   "-q", str(tmp_path / "q.yaml"), "-r", str(tmp_path / "r.yaml"),
                                   "--json"])
    assert run.exit_code == 0, (run.stderr, run.exception)
    summary = json.loads(run.stdout)
    assert (summary["companies"], summary["assessments"], summary["linked"]) == (2, 3, 1)
    assert summary["progress"]["overall"] == 1.0


def test_data_quality_names_inputs_by_file_name_and_rejected_rows_by_company(
        tmp_path: Path) -> None:
    from diagnose.core.errors import Problem, Rejection

    q = make_questionnaire(QUESTIONNAIRE)
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    batch = make_batch(q, programme(q))
    batch.rejections.append(Rejection("/home/kim/2026 울산/설문.csv", 7, "근로자 수", "1,5",
                                      Msg("모호한 숫자", "ambiguous number"),
                                      company_id="ulsan-0007", company_name="(주)태화정밀"))
    batch.warnings.append(Problem(r"C:\Users\kim\진단\b.yaml", 3, 1, Msg("경고", "warning"),
                                  "warning"))
    result = cohort.build_cohort(batch, tmp_path / "out", "ko",
                                 catalogue_path=tmp_path / "cat.yaml")
    issues = sheet(load_workbook(result.xlsx), "데이터 품질")
    text = " ".join(str(cell) for cell in issues.to_numpy().ravel())
    assert "/home/kim" not in text and "Users" not in text
    assert "설문.csv:7" in text and "b.yaml:3" in text
    rejected = issues[issues["관리번호"] == "ulsan-0007"]
    assert len(rejected) == 1 and rejected.iloc[0]["기업명"] == "(주)태화정밀"


def test_the_cohort_pdf_keeps_korean_words_whole_with_clean_bookmarks(built) -> None:
    """WeasyPrint ignores word-break: keep-all; the typeset filter joins Hangul syllables,
    and the bookmarks read the headings' clean text."""
    from diagnose.render.typography import WORD_JOINER

    reader = PdfReader(built[1].pdf)
    raw = b"".join(page.get_contents().get_data() for page in reader.pages
                   if page.get_contents() is not None)
    assert raw  # the text is drawn: the joiners never show, but no word breaks inside

    def titles(outline: list) -> list[str]:
        return [t for item in outline for t in
                (titles(item) if isinstance(item, list) else [item.title])]

    marks = titles(reader.outline)
    assert "지원 트랙별 적합 기업" in marks and "데이터 품질" in " ".join(marks)
    assert not any(WORD_JOINER in mark for mark in marks)


def test_the_cohort_html_joins_korean_syllables(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from diagnose.render import report
    from diagnose.render.typography import WORD_JOINER

    written: list[str] = []
    monkeypatch.setattr(report, "write_pdf", lambda html, out, templates: written.append(html))
    q = make_questionnaire(QUESTIONNAIRE)
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    cohort.build_cohort(make_batch(q, programme(q)), tmp_path / "out", "ko",
                        catalogue_path=tmp_path / "cat.yaml")
    html = written[0]
    assert f"지{WORD_JOINER}원" in html and f"기{WORD_JOINER}업" in html
    assert 'data-bookmark="지원 트랙별 적합 기업"' in html  # attributes stay clean
