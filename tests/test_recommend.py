"""Recommendation rules: conditions as masks, prerequisites, priority and business cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_questionnaire

from diagnose.content import rubric
from diagnose.core.errors import ValidationFailed
from diagnose.engine import recommend, scoring
from diagnose.inputs.frame import answers_frame

QUESTIONNAIRE = """\
    id: rq
    version: "1"
    title: {ko: 가, en: A}
    profile:
      - {id: name, type: text, text: {ko: 이름, en: Name}}
      - {id: industry, type: choice, text: {ko: 업종, en: Industry},
         options: [{value: metal, label: 금속}, {value: chem, label: 화학}]}
      - {id: defect_rate, type: number, text: {ko: 불량률, en: Defect rate}}
      - {id: output, type: number, text: {ko: 생산액, en: Output}}
    dimensions:
      - id: data
        title: {ko: 데이터, en: Data}
        questions:
          - {id: data.images, type: yesno, text: {ko: 이미지, en: Images}}
      - id: process
        title: {ko: 공정, en: Process}
        questions:
          - {id: process.inspection, type: level, text: {ko: 검사, en: Inspection}, options: LEVELS}
    """

CATALOGUE = """\
id: cat
version: "1"
questionnaire: {id: rq, version: "1"}
priority: {gap: 0.4, impact: 0.3, kpi: 0.2, effort: 0.1, kpi_base: 0.5}
tracks:
  - {id: adopt, name: {ko: 보급, en: Adoption}}
  - {id: data, name: {ko: 데이터, en: Data}}
solutions:
  - id: capture
    kind: foundation
    name: {ko: 이미지 수집, en: Image capture}
    summary: {ko: 요약, en: Summary}
    dimension: data
    kpi: {ko: 지표, en: KPI}
    impact: 3
    effort: 1
    horizon: "0-6"
    track: data
    fits: {question: data.images, in: ["no"]}
  - id: vision
    name: {ko: 비전 검사, en: Vision inspection}
    summary: {ko: 요약, en: Summary}
    dimension: process
    kpi: {ko: 지표, en: KPI}
    impact: 5
    effort: 3
    horizon: "6-18"
    track: adopt
    fits:
      all:
        - {question: process.inspection, max: 3}
        - {not: {profile: industry, in: [chem]}}
    prerequisites:
      - text: {ko: 이미지가 있어야 함, en: Images needed}
        condition: {question: data.images, in: ["yes", "partial"]}
        prepare: capture
    kpi_importance:
      - {when: {profile: defect_rate, min: 2}, add: 0.4}
    business_case:
      text: {ko: "연 {value} {unit}", en: "{value} {unit} a year"}
      unit: {ko: 백만원, en: KRW million}
      product:
        - {profile: defect_rate, scale: 0.01}
        - {profile: output}
        - {const: 0.3}
"""

RUBRIC = """\
id: r
questionnaire: {id: rq, version: "1"}
bands: [{min: 1, level: 1, name: 일}, {min: 3, level: 2, name: 이}]
"""


@pytest.fixture
def setup(tmp_path: Path):
    q = make_questionnaire(QUESTIONNAIRE)
    (tmp_path / "c.yaml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "r.yaml").write_text(RUBRIC, encoding="utf-8")
    return q, recommend.load(q, tmp_path / "c.yaml"), rubric.load(tmp_path / "r.yaml", q)


def run(setup, *rows: dict[str, object]):
    q, cat, rules = setup
    frame = answers_frame(
        [{"company.name": f"c{i}", **row} for i, row in enumerate(rows)], q)
    scores = scoring.score(frame, q, rules)
    return [{r.solution.id: r for r in recs} for recs in recommend.recommend(scores, frame, cat)]


def test_fits_when_inspection_is_weak_and_not_in_excluded_industry(setup) -> None:
    weak, strong, chem = run(
        setup,
        {"process.inspection": 2, "data.images": "yes", "company.industry": "metal"},
        {"process.inspection": 4, "data.images": "yes", "company.industry": "metal"},
        {"process.inspection": 2, "data.images": "yes", "company.industry": "chem"})
    assert set(weak) == {"vision"} and weak["vision"].ready
    assert strong == {} and chem == {}


def test_unanswered_industry_does_not_exclude_but_unanswered_level_does_not_fit(setup) -> None:
    (no_industry, no_level) = run(setup, {"process.inspection": 2, "data.images": "yes"},
                                  {"data.images": "yes"})
    assert "vision" in no_industry  # not(industry in [chem]) holds when industry is unknown
    assert no_level == {}  # a test on a missing answer is false


def test_missing_prerequisite_moves_later_and_adds_the_foundation_first(setup) -> None:
    (recs,) = run(setup, {"process.inspection": 2, "data.images": "no"})
    vision, capture = recs["vision"], recs["capture"]
    assert not vision.ready and vision.horizon == "18+"
    assert [p.text["en"] for p in vision.missing] == ["Images needed"]
    assert capture.horizon == "0-6" and capture.prepare_for == ["vision"]
    assert capture.priority == pytest.approx(vision.priority)  # it unlocks vision


def test_priority_follows_the_documented_formula(setup) -> None:
    (recs,) = run(setup, {"process.inspection": 2, "data.images": "yes",
                          "company.defect_rate": 3.0})
    # gap (5-2)/4 = 0.75; impact (5-1)/4 = 1; kpi 0.5 + 0.4 = 0.9; ease (5-3)/4 = 0.5
    assert recs["vision"].priority == pytest.approx(0.4 * 0.75 + 0.3 * 1 + 0.2 * 0.9 + 0.1 * 0.5)


def test_business_case_uses_the_company_figures(setup) -> None:
    with_figures, without = run(
        setup, {"process.inspection": 2, "data.images": "yes", "company.defect_rate": 2.5,
                "company.output": 10_000},
        {"process.inspection": 2, "data.images": "yes"})
    assert with_figures["vision"].business_case == pytest.approx(0.025 * 10_000 * 0.3)
    assert without["vision"].business_case is None
    _, cat, _ = setup
    text = recommend.describe(with_figures["vision"], cat, "en")["business_case"]
    assert text == "75 KRW million a year"


def test_catalogue_naming_an_unknown_question_is_located(tmp_path: Path) -> None:
    q = make_questionnaire(QUESTIONNAIRE)
    path = tmp_path / "c.yaml"
    text = CATALOGUE.replace("process.inspection, max: 3", "process.nope, max: 3")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "process.nope" in t)
    with pytest.raises(ValidationFailed) as caught:
        recommend.load(q, path)
    assert caught.value.render("en") == f"{path}:{line}:11: unknown question 'process.nope'"


def test_condition_needs_exactly_one_kind(tmp_path: Path) -> None:
    q = make_questionnaire(QUESTIONNAIRE)
    path = tmp_path / "c.yaml"
    path.write_text(CATALOGUE.replace('fits: {question: data.images, in: ["no"]}',
                                      'fits: {question: data.images}'), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        recommend.load(q, path)
    assert "needs in, not_in, min, max or answered" in caught.value.render("en")


def test_bundled_catalogue_loads_and_recommends_for_the_demo_companies() -> None:
    from diagnose.engine import batch
    from diagnose.jobs import demo

    q, rules = batch.load_content()
    cat = recommend.load(q)
    assert len([s for s in cat.solutions if s.kind == "solution"]) >= 8
    rows = []
    for response in demo.sample_responses(q, 20, seed=7):
        row = {f"company.{k}": v for k, v in response.company.items()}
        row.update({k: (tuple(a.value) if isinstance(a.value, list) else a.value)
                    for k, a in response.answers.items()})
        rows.append(row)
    frame = answers_frame(rows, q)
    recs = recommend.recommend(scoring.score(frame, q, rules), frame, cat)
    assert all(recs), "every sample company gets at least one recommendation"
    for company in recs:
        ids = [r.solution.id for r in company]
        for rec in company:
            for pre in rec.missing:
                assert pre.prepare in ids  # every missing prerequisite has its step


@pytest.mark.parametrize(("old", "new", "message"), [
    ('fits: {question: data.images, in: ["no"]}', "fits: {dimension: data, in: [1]}",
     "dimension and overall scores take min/max only"),
    ('fits: {question: data.images, in: ["no"]}', "fits: {overall: false, min: 1}",
     "write overall: true"),
    ('fits: {question: data.images, in: ["no"]}', 'fits: {question: data.images, in: ["noo"]}',
     "'noo' is not a value of 'data.images'"),
    ('en: "{value} {unit} a year"', 'en: "{valeu} {unit} a year"',
     "may only use {value} and {unit}: valeu"),
    ('en: "{value} {unit} a year"', 'en: "{value} {unit} a {year"', "may only use {value}"),
    ('en: "{value} {unit} a year"', 'en: "{value} {} a year"', "may only use {value}"),
    ("  - id: vision\n", "  - id: capture\n", "duplicate solution id 'capture'"),
])
def test_catalogue_mistakes_are_located_errors_not_crashes(tmp_path: Path, old: str, new: str,
                                                          message: str) -> None:
    q = make_questionnaire(QUESTIONNAIRE)
    path = tmp_path / "c.yaml"
    assert old in CATALOGUE
    path.write_text(CATALOGUE.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        recommend.load(q, path)
    assert message in caught.value.render("en")


def test_in_may_ask_for_not_applicable_itself(setup) -> None:
    q, _, rules = setup
    from diagnose.engine.recommend import Condition, _Fields, mask

    frame = answers_frame([{"company.name": "a", "process.inspection": 2},
                                   {"company.name": "b"},
                                   {"company.name": "c", "process.inspection": "na"}], q)
    fields = _Fields(scoring.score(frame, q, rules), frame)
    na = Condition.model_validate({"question": "process.inspection", "in": ["na"]})
    assert mask(na, fields).tolist() == [False, False, True]  # blank is not 'na'
    not_na = Condition.model_validate({"not": {"question": "process.inspection", "in": ["na"]}})
    assert mask(not_na, fields).tolist() == [True, True, False]
