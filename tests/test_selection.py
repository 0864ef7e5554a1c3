"""Programme selection (contract 9): capacity, exclusivity, eligibility, reasons, decisions."""

from __future__ import annotations

import pytest
from conftest import make_questionnaire, yaml_text

from diagnose.content import catalogue as catalogue_file
from diagnose.content import programme as programme_file
from diagnose.content import rubric
from diagnose.engine import recommend, scoring, selection
from diagnose.inputs.decisions import Decision
from diagnose.inputs.frame import answers_frame

QUESTIONNAIRE = """\
    id: sq
    version: "1"
    title: 선정
    profile:
      - {id: id, type: text, text: 기업 ID}
      - {id: name, type: text, text: 기업명}
      - {id: district, type: choice, text: 소재지,
         options: [{value: nam, label: 남구}, {value: outside, label: 울산 외}]}
      - {id: consent, type: choice, text: 동의, options: [{value: "yes", label: 예}, {value: "no", label: 아니오}]}
      - {id: goal_area, type: choice, text: 목표, options: [{value: quality_inspection, label: 품질}]}
      - {id: inspectors, type: number, text: 검사 인원}
    dimensions:
      - id: data
        title: 데이터
        questions:
          - {id: data.ready, type: level, text: 준비, options: LEVELS}
    """

RUBRIC = """\
id: r
questionnaire: {id: sq, version: "1"}
bands:
  - {min: 1.0, level: 1, name: 일}
  - {min: 2.0, level: 2, name: 이}
  - {min: 3.0, level: 3, name: 삼}
"""

PROGRAMME = """\
id: p
version: "1"
name: 사업
year: 2027
eligibility:
  - {id: in-ulsan, text: {ko: 울산 소재 사업장, en: a site in Ulsan}, when: {profile: district, not_in: [outside]}}
  - {id: consent, text: {ko: 진단 결과 활용 동의, en: consent to the use of the diagnosis}, when: {profile: consent, in: ["yes"]}}
selection: {reserve: 2}
tracks:
  - {id: adopt, name: {ko: 보급, en: Adoption}, levels: [2, 3], subsidy_share: 0.7, capacity: 2, exclusive: true}
  - {id: poc, name: {ko: 실증, en: PoC}, levels: [3], subsidy_share: 0.8, capacity: 1, exclusive: true}
  - {id: academy, name: {ko: 아카데미, en: Academy}, capacity: 10, candidates: {id: any-level, text: 수준이 있는 기업, when: {level: true, min: 1}}}
"""

CATALOGUE = """\
id: c
version: "1"
questionnaire: {id: sq, version: "1"}
constants:
  cost: {value: 45000000, unit: 원, label: 인건비, source: test}
solutions:
  - id: vision
    name: 비전 검사
    summary: 요약
    category: quality
    dimension: data
    goals: [quality_inspection]
    tracks: [poc, adopt]
    investment_mkrw: [50, 100]
    months: 4
    owner: 품질팀장
    kpi: {name: 검사 시간}
    business_case:
      method: 검사 인원 × 인건비
      terms: [{label: 인력, product: [{profile: inspectors}, {constant: cost}]}]
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("sel")
    q = make_questionnaire(QUESTIONNAIRE)
    for name, text in (("r.yaml", RUBRIC), ("p.yaml", PROGRAMME), ("c.yaml", CATALOGUE)):
        (folder / name).write_text(yaml_text(text), encoding="utf-8")
    plan = programme_file.load(folder / "p.yaml", q)
    return q, rubric.load(folder / "r.yaml", q), plan, catalogue_file.load(q, plan, folder / "c.yaml")


def company(i: int, level: int, inspectors: int, **extra: object) -> dict[str, object]:
    return {"company.id": f"c{i:02d}", "company.name": f"기업{i}", "company.district": "nam",
            "company.consent": "yes", "company.goal_area": "quality_inspection",
            "company.inspectors": inspectors, "data.ready": level, **extra}


def run(setup, rows, decisions=()):
    q, rules, plan, cat = setup
    frame = answers_frame(rows, q)
    scores = scoring.score(frame, q, rules)
    recs = recommend.recommend(scores, frame, cat, plan)
    keyed = {(f"id:{d.company_id}", d.track): d for d in decisions}
    return selection.select(scores, frame, recs, plan, keyed)


def lists(result: selection.SelectionResult, track: str) -> tuple[list[str], list[str]]:
    found = next(t for t in result.tracks if t.track.id == track)
    return [e.key for e in found.primary], [e.key for e in found.reserve]


ROWS = [company(1, 3, 10), company(2, 3, 2), company(3, 2, 8), company(4, 2, 4),
        company(5, 2, 1), company(6, 3, 6)]


def test_capacity_exclusivity_and_reserves(setup) -> None:
    result = run(setup, ROWS)
    poc, poc_reserve = lists(result, "poc")
    adopt, adopt_reserve = lists(result, "adopt")
    assert poc == ["id:c01"]  # level 3 prefers the PoC track (its first fitting track)
    assert len(adopt) == 2 and not set(adopt) & set(poc)  # one exclusive place each
    assert adopt == ["id:c03", "id:c06"]  # c06 lost the PoC place to c01 and came here
    assert "id:c06" in poc_reserve  # ...and stays first in line should the PoC place free up
    assert set(adopt_reserve) <= {"id:c02", "id:c04", "id:c05"}
    academy, _ = lists(result, "academy")
    assert len(academy) == 6  # not exclusive: everyone with a level may come


def test_every_company_has_a_reason_in_words(setup) -> None:
    result = run(setup, ROWS)
    adopt = next(t for t in result.tracks if t.track.id == "adopt")
    first = adopt.primary[0]
    assert first.reason.ko.startswith("보급 선정 (1/2위).")
    assert "대표 목표에 직접 답함" in first.reason.ko and "선정 점수" in first.reason.ko
    assert first.reason.en.startswith("Selected for Adoption (rank 1 of 2).")
    for entry in adopt.entries:
        assert entry.reason.ko and entry.reason.en


def test_not_eligible_names_the_rule_and_unknown_is_to_be_checked(setup) -> None:
    rows = [*ROWS, company(7, 3, 50, **{"company.district": "outside"}),
            company(8, 3, 50, **{"company.consent": None})]
    result = run(setup, rows)
    entries = {e.key: e for t in result.tracks for e in t.entries if t.track.id == "adopt"}
    assert entries["id:c07"].status == "not_eligible"
    assert "울산 소재 사업장" in entries["id:c07"].reason.ko
    assert entries["id:c08"].status == "not_eligible"
    assert entries["id:c08"].reason.ko.startswith("확인 필요: 진단 결과 활용 동의")


def test_same_inputs_same_lists_in_any_order(setup) -> None:
    forward = run(setup, ROWS)
    backward = run(setup, list(reversed(ROWS)))
    for track in ("adopt", "poc", "academy"):
        assert lists(forward, track) == lists(backward, track)


def test_decisions_are_applied_and_listed(setup) -> None:
    decisions = [Decision("c05", "", "adopt", "in", "지역 균형", "김담당", "2027-03-02"),
                 Decision("c01", "", "poc", "out", "유사 과제 수행 중", "김담당", "2027-03-02")]
    result = run(setup, ROWS, decisions)
    poc, _ = lists(result, "poc")
    adopt, _ = lists(result, "adopt")
    assert "id:c05" in adopt and len(adopt) == 2  # forced in, within the capacity
    assert "id:c01" not in poc and poc == ["id:c06"]  # the next best takes the place
    assert sorted((d.company_id, e.track.id, e.status) for d, e in result.decisions) == [
        ("c01", "poc", "excluded"), ("c05", "adopt", "primary")]
    forced = next(e for t in result.tracks for e in t.entries
                  if t.track.id == "adopt" and e.key == "id:c05")
    assert "담당자 결정: 지역 균형" in forced.reason.ko
