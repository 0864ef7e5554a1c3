"""Recommendations (contract 8): fit, "to be checked", prerequisites with their own durations,
funding by stage, business cases with their inputs, payback, priority and a stable order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import make_questionnaire, yaml_text

from diagnose.content import catalogue as catalogue_file
from diagnose.content import programme as programme_file
from diagnose.content import rubric
from diagnose.content.conditions import Condition
from diagnose.core.errors import ValidationFailed
from diagnose.engine import recommend, scoring
from diagnose.engine.conditions import Fields, evaluate
from diagnose.inputs.frame import answers_frame

QUESTIONNAIRE = """\
    id: rq
    version: "1"
    title: {ko: 가, en: A}
    profile:
      - {id: name, type: text, text: {ko: 이름, en: Name}}
      - {id: industry, type: choice, text: {ko: 업종, en: Industry},
         options: [{value: metal, label: 금속}, {value: chem, label: 화학}]}
      - {id: goal_area, type: choice, text: {ko: 목표, en: Goal},
         options: [{value: quality_inspection, label: {ko: 품질검사, en: Quality inspection}},
                   {value: energy, label: {ko: 에너지, en: Energy}}]}
      - {id: pain_areas, type: multi, text: {ko: 고충, en: Pains},
         options: [{value: quality_inspection, label: 품질}, {value: energy, label: 에너지}]}
      - {id: inspectors, type: number, text: {ko: 검사 인원, en: Inspectors}, unit: {ko: 명, en: people}}
      - {id: energy_cost, type: number, text: {ko: 에너지 비용, en: Energy cost}, unit: {ko: 백만원, en: KRW million}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - {id: data.images, type: yesno, text: {ko: 이미지, en: Images}}
          - {id: data.labelled, type: level, text: {ko: 라벨, en: Labels}, options: LEVELS}
      - id: process
        title: {ko: 공정, en: Process}
        questions:
          - {id: process.inspection, type: level, text: {ko: 검사, en: Inspection}, options: LEVELS}
    """

RUBRIC = """\
id: r
questionnaire: {id: rq, version: "1"}
bands:
  - {min: 1.0, level: 1, name: 일}
  - {min: 2.0, level: 2, name: 이}
  - {min: 3.0, level: 3, name: 삼}
  - {min: 4.0, level: 4, name: 사}
"""

PROGRAMME = """\
id: p
version: "1"
name: 사업
year: 2027
tracks:
  - {id: adopt, name: {ko: 보급, en: Adoption}, levels: [2, 3, 4, 5], subsidy_share: 0.7, subsidy_cap_mkrw: 70}
  - {id: poc, name: {ko: 실증, en: PoC}, levels: [3, 4, 5], subsidy_share: 0.8}
  - {id: basic, name: {ko: 기초, en: Basics}, levels: [1, 2], subsidy_share: 0.5, external: true}
"""

CATALOGUE = """\
id: cat
version: "1"
questionnaire: {id: rq, version: "1"}
constants:
  inspector_cost: {value: 45000000, unit: 원/인·년, label: 검사원 인건비, source: test}
  saving: {value: 0.03, unit: 비율, label: 절감률, source: test}
solutions:
  - id: vision
    name: {ko: 비전 검사, en: Vision inspection}
    summary: 요약
    category: quality
    dimension: process
    goals: [quality_inspection]
    applies: {profile: industry, in: [metal]}
    signals:
      - {when: {question: process.inspection, max: 2}, because: {ko: 육안 검사 위주, en: mostly by eye}}
    prerequisites:
      - id: images
        text: 이미지 보관
        met_when: {question: data.images, in: ["yes"]}
        prepare: 카메라 설치
        months: 1
      - id: labels
        text: 라벨링
        met_when: {question: data.labelled, min: 3}
        prepare: 라벨링
        months: 2
    tracks: [adopt, poc]
    investment_mkrw: [80, 120]
    months: 4
    owner: 품질팀장
    kpi: {name: 검사 시간, change: -0.5}
    business_case:
      method: 검사 인원 × 인건비 × 50%
      terms:
        - label: 검사 인력
          product: [{profile: inspectors}, {constant: inspector_cost}, {number: 0.5}]
  - id: energy
    name: {ko: 에너지 최적화, en: Energy optimisation}
    summary: 요약
    category: energy
    dimension: process
    goals: [energy]
    signals:
      - {when: {profile: energy_cost, min: 500}, because: 에너지 비용이 큼}
    tracks: [basic, adopt]
    investment_mkrw: [30, 50]
    months: 3
    owner: 공무팀장
    kpi: {name: 에너지 비용, profile: energy_cost, change: -0.03}
    business_case:
      method: 에너지 비용 × 3%
      terms:
        - label: 에너지 절감
          product: [{profile: energy_cost, scale: 1000000}, {constant: saving}]
"""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("rec")
    q = make_questionnaire(QUESTIONNAIRE)
    for name, text in (("r.yaml", RUBRIC), ("p.yaml", PROGRAMME), ("c.yaml", CATALOGUE)):
        (folder / name).write_text(yaml_text(text), encoding="utf-8")
    rules = rubric.load(folder / "r.yaml", q)
    plan = programme_file.load(folder / "p.yaml")
    cat = catalogue_file.load(q, plan, folder / "c.yaml")
    return q, rules, plan, cat


def run(setup, *rows: dict[str, object]) -> list[list[recommend.Recommendation]]:
    q, rules, plan, cat = setup
    frame = answers_frame([{"company.name": f"c{i}", **row} for i, row in enumerate(rows)], q)
    return recommend.recommend(scoring.score(frame, q, rules), frame, cat, plan)


def ids(recs: list[recommend.Recommendation]) -> list[str]:
    return [r.solution.id for r in recs]


READY = {"company.industry": "metal", "company.inspectors": 6, "data.images": "yes",
         "data.labelled": 4, "process.inspection": 2}


def test_a_ready_company_gets_the_solution_it_is_ready_for(setup) -> None:
    (recs,) = run(setup, READY)
    vision = recs[0]
    assert vision.solution.id == "vision" and vision.ready and vision.status == "fits"
    assert (vision.start_month, vision.end_month) == (1, 4)
    assert [m.ko for m in vision.why] == ["육안 검사 위주"]


def test_each_missing_prerequisite_moves_the_start_by_its_own_duration(setup) -> None:
    (recs,) = run(setup, {**READY, "data.labelled": 1})  # labelling missing: 2 months
    vision = recs[0]
    assert [p.id for p in vision.missing] == ["labels"]
    assert (vision.start_month, vision.end_month) == (3, 6)
    (recs,) = run(setup, {**READY, "data.images": "no", "data.labelled": None})
    assert recs[0].start_month == 1 + 1 + 2  # both steps, one after the other
    data = recommend.describe(recs[0], setup[0], "ko")
    assert [s["step"] for s in data["prepare_first"]] == ["카메라 설치", "라벨링"]
    assert [p["met"] for p in data["prerequisites"]] == [False, None]  # blank: not known


def test_an_unknown_prerequisite_is_not_met(setup) -> None:
    (recs,) = run(setup, {**READY, "data.labelled": "unknown"})
    assert [(p.id, met) for p, met in recs[0].prerequisites] == [("images", True),
                                                                   ("labels", None)]
    assert recs[0].start_month == 3


def test_a_missing_fit_answer_is_to_be_checked_not_dropped(setup) -> None:
    (recs,) = run(setup, {**READY, "company.industry": None})
    vision = next(r for r in recs if r.solution.id == "vision")
    assert vision.status == "check"
    assert [m.ko for m in vision.to_check] == ["업종"]
    data = recommend.describe(vision, setup[0], "en")
    assert data["status"] == "to_check" and data["to_check"] == ["Industry"]


def test_a_solution_that_does_not_apply_is_not_recommended(setup) -> None:
    (recs,) = run(setup, {**READY, "company.industry": "chem"})
    assert "vision" not in ids(recs)


def test_funding_follows_the_maturity_stage(setup) -> None:
    # level 1 company: the external basics track suits it for energy; adoption does not
    low = {"company.energy_cost": 1000, "data.images": "no", "data.labelled": 1,
           "process.inspection": 1}
    high = {**low, "data.images": "yes", "data.labelled": 4, "process.inspection": 4}
    (recs_low,), (recs_high,) = run(setup, low), run(setup, high)
    energy_low = next(r for r in recs_low if r.solution.id == "energy")
    energy_high = next(r for r in recs_high if r.solution.id == "energy")
    assert energy_low.primary.track.id == "basic" and energy_low.primary.fits_stage
    assert energy_high.primary.track.id == "adopt"
    assert [f.track.id for f in energy_high.funding] == ["adopt", "basic"]
    # adoption pays 70% up to 70 (백만 원): of 30-50 it pays 21-35, the company 9-15
    assert energy_high.primary.subsidy_krw == (21_000_000, 35_000_000)
    assert energy_high.primary.own_share_krw == (9_000_000, 15_000_000)


def test_business_case_in_krw_with_its_inputs_and_payback(setup) -> None:
    (recs,) = run(setup, READY)
    vision = recs[0]
    assert vision.value_krw == pytest.approx(6 * 45_000_000 * 0.5)
    # own share on adoption (level 2 to 4 here): 80-120 -> subsidy 56-70 (cap) -> own 24-50
    assert vision.primary.own_share_krw == (24_000_000, 50_000_000)
    assert vision.payback_months == pytest.approx(37_000_000 / 135_000_000 * 12)
    data = recommend.describe(vision, setup[0], "ko")
    (term,) = data["value"]["terms"]
    assert [(i["label"], i["value"], i["source"]) for i in term["inputs"]] == [
        ("검사 인원", 6.0, "profile:inspectors"),
        ("검사원 인건비", 45_000_000.0, "constant:inspector_cost"),
        ("계수", 0.5, "number")]
    assert data["value"]["yearly_krw"] == 135_000_000


def test_a_missing_figure_leaves_the_value_open_not_zero(setup) -> None:
    (recs,) = run(setup, {**READY, "company.inspectors": None})
    assert recs[0].value_krw is None and recs[0].payback_months is None
    assert "기업 수치" in recs[0].priority_reason.ko


def _with_upkeep(setup, tmp_path: Path, share: float = 0.125,
                 name: str = "upkeep_share") -> catalogue_file.Catalogue:
    """The test catalogue with every business case net of upkeep."""
    q, _, plan, _ = setup
    text = yaml_text(CATALOGUE).replace(
        "constants:\n", f"upkeep: {name}\nconstants:\n  upkeep_share: {{value: {share}, "
        "unit: 비율, label: 유지보수 비율, source: test}\n", 1)
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return catalogue_file.load(q, plan, path)


def _one(setup, cat: catalogue_file.Catalogue, row: dict[str, object],
         solution: str = "vision") -> recommend.Recommendation:
    q, rules, plan, _ = setup
    frame = answers_frame([{"company.name": "c0", **row}], q)
    (recs,) = recommend.recommend(scoring.score(frame, q, rules), frame, cat, plan)
    return next(r for r in recs if r.solution.id == solution)


def test_values_and_paybacks_are_net_of_upkeep(setup, tmp_path: Path) -> None:
    vision = _one(setup, _with_upkeep(setup, tmp_path), READY)
    # 6 x 45,000,000 x 0.5 less 12.5% a year of the investment's midpoint (100 백만 원)
    assert vision.value_krw == pytest.approx(135_000_000 - 12_500_000)
    assert vision.payback_months == pytest.approx(37_000_000 / 122_500_000 * 12)
    assert vision.payback_total_months == pytest.approx(100_000_000 / 122_500_000 * 12)
    data = recommend.describe(vision, setup[0], "ko")
    _labour, upkeep = data["value"]["terms"]
    assert upkeep["label"] == "유지보수·운영비(차감)" and upkeep["yearly_krw"] == -12_500_000
    assert [(i["value"], i["source"]) for i in upkeep["inputs"]] == [
        (100_000_000, "investment"), (0.125, "constant:upkeep_share")]


def test_a_value_that_does_not_cover_upkeep_never_pays_back(setup, tmp_path: Path) -> None:
    cat = _with_upkeep(setup, tmp_path)
    small = _one(setup, cat, {**READY, "company.inspectors": 0.5})  # 11,250,000 < 12,500,000
    assert small.value_krw is not None and small.value_krw < 0
    assert small.payback_months is None and small.payback_total_months is None
    assert "유지보수·운영비에 못 미침" in small.priority_reason.ko
    assert small.priority != "high"
    missing = _one(setup, cat, {**READY, "company.inspectors": None})  # no figure: still open
    assert missing.value_krw is None and "기업 수치" in missing.priority_reason.ko
    # the worst payback band (0.25), not the 0.3 of a missing figure
    assert small.score == pytest.approx(missing.score - 0.25 * 0.05, abs=1e-6)


def test_high_needs_the_investment_back_within_the_limit(setup, tmp_path: Path) -> None:
    cat = _with_upkeep(setup, tmp_path, share=0.0)
    quick = _one(setup, cat, READY)  # 100 / 135 x 12 = 9 months
    slow = _one(setup, cat, {**READY, "company.inspectors": 0.55})  # ~97 months
    assert quick.priority == "high"
    assert slow.payback_total_months > 36 and slow.priority != "high"


def test_an_unknown_upkeep_constant_is_refused(setup, tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _with_upkeep(setup, tmp_path, name="upkeep_nowhere")
    assert "c.yaml:4:" in caught.value.render("en") and "upkeep_nowhere" in caught.value.render(
        "en")


def _energy_unpriced(setup, tmp_path: Path) -> catalogue_file.Catalogue:
    """The test catalogue with the energy solution priced by duty, not money."""
    q, _, plan, _ = setup
    text = yaml_text(CATALOGUE)
    start = text.index("    business_case:\n      method: 에너지")
    text = text[:start] + "    unpriced: {ko: 법적 의무, en: a legal duty}\n"
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return catalogue_file.load(q, plan, path)


def test_a_solution_priced_by_duty_weighs_as_neutral_not_as_a_missing_figure(
        setup, tmp_path: Path) -> None:
    q, rules, plan, cat = setup
    duty = _energy_unpriced(setup, tmp_path)
    row = {**READY, "company.goal_area": "energy"}  # no energy_cost: the case has no figure
    frame = answers_frame([{"company.name": "c0", **row}], q)
    scores = scoring.score(frame, q, rules)
    (priced,) = recommend.recommend(scores, frame, cat, plan)
    (unpriced,) = recommend.recommend(scores, frame, duty, plan)
    missing = next(r for r in priced if r.solution.id == "energy")
    weighed = next(r for r in unpriced if r.solution.id == "energy")
    # value part 0.5 (ranking.unpriced) instead of 0.3, weight 0.25
    assert weighed.score == pytest.approx(missing.score + 0.25 * (0.5 - 0.3), abs=1e-6)
    assert "의무" in weighed.priority_reason.ko and "기업 수치" not in weighed.priority_reason.ko
    data = recommend.describe(weighed, q, "en")
    assert data["value"] == {"yearly_krw": None, "method": "", "unpriced": "a legal duty",
                             "terms": []}
    assert recommend.describe(missing, q, "en")["value"]["unpriced"] == ""


def test_a_solution_cannot_be_both_priced_and_unpriced(setup, tmp_path: Path) -> None:
    q, _, plan, _ = setup
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text(CATALOGUE).replace(
        "    business_case:\n      method: 에너지",
        "    unpriced: 의무\n    business_case:\n      method: 에너지", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        catalogue_file.load(q, plan, path)
    assert "c.yaml:" in caught.value.render("en") and "not both" in caught.value.render("en")


def test_kpi_baseline_from_the_profile_and_target(setup) -> None:
    (recs,) = run(setup, {"company.energy_cost": 800, "company.goal_area": "energy"})
    energy = next(r for r in recs if r.solution.id == "energy")
    assert (energy.kpi_baseline, energy.kpi_target) == (800, pytest.approx(776))


def test_the_ceo_goal_comes_first_and_says_so(setup) -> None:
    row = {**READY, "company.energy_cost": 2000, "company.goal_area": "energy"}
    (recs,) = run(setup, row)
    assert recs[0].solution.id == "energy" and recs[0].goal == 1.0
    assert recs[0].why[0].ko == "대표가 꼽은 목표 '에너지'에 직접 답합니다"
    assert recs[0].why[0].en == "answers the CEO's main goal, 'Energy'"
    assert "대표 목표" in recs[0].priority_reason.ko


def test_a_pain_point_alone_recommends_a_solution(setup) -> None:
    (recs,) = run(setup, {"company.pain_areas": ["energy"]})
    energy = next(r for r in recs if r.solution.id == "energy")
    assert energy.goal == 0.6
    assert energy.why[0].en == "answers a pain point the plant named, '에너지'"  # by name
    assert energy.why[0].ko == "현장에서 꼽은 고충 '에너지'에 답합니다"


def test_priority_levels_carry_a_reason(setup) -> None:
    (recs,) = run(setup, {**READY, "company.goal_area": "quality_inspection"})
    assert recs[0].priority == "high"
    assert recs[0].priority_reason.ko.startswith("대표 목표에 직접 답함")
    assert "바로 착수 가능" in recs[0].priority_reason.ko


def test_same_inputs_same_order_whatever_the_batch(setup) -> None:
    rows = [READY, {**READY, "company.energy_cost": 900}, {"company.industry": "chem"}]
    alone = [ids(run(setup, row)[0]) for row in rows]
    together = [ids(r) for r in run(setup, *rows)]
    assert alone == together


def test_three_valued_conditions() -> None:
    q = make_questionnaire(QUESTIONNAIRE)
    frame = answers_frame([{"company.name": "a", "process.inspection": 2},
                           {"company.name": "b"},
                           {"company.name": "c", "process.inspection": "unknown"}], q)
    scores = scoring.score(frame, q, rubric.Rubric.model_validate(
        {"id": "r", "questionnaire": {"id": "rq", "version": "1"},
         "bands": [{"min": 1, "level": 1, "name": "일"}]}))
    fields = Fields(scores, frame)
    low = Condition.model_validate({"question": "process.inspection", "max": 2})
    truth = evaluate(low, fields)
    assert truth.true.tolist() == [True, False, False]
    assert truth.unknown.tolist() == [False, True, True]
    either = evaluate(Condition.model_validate({"any": [
        {"question": "process.inspection", "max": 2}, {"profile": "name", "in": ["b"]}]}),
        fields)
    assert either.true.tolist() == [True, True, False] and either.unknown.tolist()[2]
    negated = evaluate(Condition.model_validate({"not": {"question": "process.inspection",
                                                         "max": 2}}), fields)
    assert np.array_equal(negated.false, truth.true)


@pytest.mark.parametrize(("change", "message"), [
    ("tracks: [adopt, poc]", "tracks: [nowhere]"),
    ("goals: [quality_inspection]", "goals: [flying]"),
    ("{constant: inspector_cost}", "{constant: missing_one}"),
    ("applies: {profile: industry, in: [metal]}", "applies: {profile: industry, in: [wood]}"),
])
def test_a_catalogue_naming_what_does_not_exist_is_refused(setup, tmp_path: Path, change: str,
                                                            message: str) -> None:
    q, _, plan, _ = setup
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text(CATALOGUE).replace(change, message, 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        catalogue_file.load(q, plan, path)
    assert "c.yaml:" in caught.value.render("en")


def test_an_own_share_beyond_the_stated_budget_is_said_and_lowered(setup, tmp_path) -> None:
    _, rules, plan, _ = setup
    text = yaml_text(CATALOGUE).replace("solutions:", "ranking:\n  budget:\n    profile: capacity\n"
                                        "    ceilings_mkrw: {small: 10}\nsolutions:", 1)
    budget_q = make_questionnaire(QUESTIONNAIRE.replace(
        "      - {id: energy_cost,",
        "      - {id: capacity, type: choice, text: 여력, options: [{value: small, label: 작음}]}\n"
        "      - {id: energy_cost,"))
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    cat = catalogue_file.load(budget_q, plan, path)
    rows = [READY, {**READY, "company.capacity": "small"}]
    frame = answers_frame([{"company.name": f"c{i}", **r} for i, r in enumerate(rows)], budget_q)
    scores = scoring.score(frame, budget_q, rubric.Rubric.model_validate(
        {**rules.model_dump(), "questionnaire": {"id": "rq", "version": "1"}}))
    free, tight = (recs[0] for recs in recommend.recommend(scores, frame, cat, plan))
    assert not free.over_budget and tight.over_budget  # own share 24-50 > 10 (백만 원)
    assert tight.score == pytest.approx(free.score * 0.85, abs=1e-6)
    assert "투자 여력" in tight.priority_reason.ko


def test_each_stated_pain_has_its_answer_on_the_first_page(setup) -> None:
    *_, cat = setup
    order = list(range(8))
    solutions = [cat.solution("vision")] * 6 + [cat.solution("energy")] * 2
    assert recommend._pains_covered(order, ["energy"], solutions)[:5] == [0, 1, 2, 3, 6]
    assert recommend._pains_covered(order, [], solutions) == order


RISK = """
risk_register:
  - id: acceptance
    questions: [process.inspection]
    categories: [quality]
    scope: oem
    name: {ko: 현장 수용성, en: Acceptance}
    risk: {ko: 위험, en: risk}
    action: {ko: 대응, en: action}
    owner: {ko: 공장장, en: Plant manager}
"""


@pytest.mark.parametrize(("change", "message", "where"), [
    ("", "", None),  # as written: loads
    ("questions: [process.inspection]", "questions: [process.nothing]", "unknown question"),
    ("questions: [process.inspection]", "questions: [name]", "unknown question"),  # a profile item
    ("categories: [quality]", "categories: [cooking]", "no solution has category"),
    ("categories: [quality]", "categories: []", "scope oem or psm needs categories"),
    ("scope: oem", "scope: everywhere", "risk_register"),
])
def test_the_risk_register_is_content_checked_against_what_exists(
        setup, tmp_path: Path, change: str, message: str, where: str | None) -> None:
    q, _, plan, _ = setup
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text(CATALOGUE) + RISK.replace(change, message, 1), encoding="utf-8")
    if where is None:
        assert [r.scope for r in catalogue_file.load(q, plan, path).risk_register] == ["oem"]
        return
    with pytest.raises(ValidationFailed) as caught:
        catalogue_file.load(q, plan, path)
    rendered = caught.value.render("en")
    assert "c.yaml:" in rendered and where in rendered, rendered


def test_a_solution_or_risk_id_given_twice_is_refused_at_its_second_place(
        setup, tmp_path: Path) -> None:
    q, _, plan, _ = setup
    text = (yaml_text(CATALOGUE).replace("  - id: energy\n", "  - id: vision\n", 1)
            + RISK + RISK.replace("risk_register:\n", "", 1))
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        catalogue_file.load(q, plan, path)
    found = {(p.line, p.message.render("en")) for p in caught.value.problems}
    lines = text.splitlines()

    def second(line: str) -> int:
        return lines.index(line, lines.index(line) + 1) + 1

    assert (second("  - id: vision"), "duplicate solution id 'vision'") in found
    assert (second("  - id: acceptance"), "duplicate risk id 'acceptance'") in found
