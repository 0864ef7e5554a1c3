"""rubric: dimension weights, completeness threshold, bands and gates (CONTRACT.md section 3)."""

from __future__ import annotations

import pytest

from diagnose.content import rubric
from diagnose.core.errors import ValidationFailed

QUESTIONNAIRE = """\
id: mfg
version: "1.0"
languages: [ko]
title: 시험
profile: [{id: name, type: text, text: 기업명}]
dimensions:
  - {id: data, title: 데이터, questions: [{id: data.a, type: yesno, text: 가}]}
  - {id: infra, title: 인프라, questions: [{id: infra.a, type: yesno, text: 나}]}
"""

GOOD = """\
id: mfg-rubric
questionnaire: {id: mfg, version: "1.0"}
dimension_weights: {data: 1.5}
min_completeness: 0.6
bands:
  - {min: 1.0, level: 1, name: {ko: 미인식, en: Unaware}}
  - {min: 2.0, level: 2, name: {ko: 인식, en: Aware}}
  - {min: 3.5, level: 3, name: 준비}
gates:
  - {dimension: data, below: 2.0, cap_level: 2}
"""


@pytest.fixture(scope="module")
def model(build_questionnaire):
    return build_questionnaire(QUESTIONNAIRE)


def refused(write, model, text: str) -> list[str]:
    path = write("r.yaml", text)
    with pytest.raises(ValidationFailed) as caught:
        rubric.load(path, model)
    return [p.render("en").removeprefix(f"{path}:") for p in caught.value.problems]


def test_loads(write, model):
    loaded = rubric.load(write("r.yaml", GOOD), model)
    assert loaded.weight("data") == 1.5
    assert loaded.weight("infra") == 1.0  # missing dimension: weight 1
    assert loaded.min_completeness == 0.6
    assert [(b.min, b.level) for b in loaded.bands] == [(1.0, 1), (2.0, 2), (3.5, 3)]
    assert [(g.dimension, g.below, g.cap_level) for g in loaded.gates] == [("data", 2.0, 2)]
    assert loaded.level_name(2, "en") == "Aware"
    assert loaded.level_name(2, "ko") == "인식"
    assert loaded.level_name(3, "en") == "준비"  # a plain string serves every language
    assert loaded.level_name(None, "ko") == ""


def test_defaults(write, model):
    loaded = rubric.load(write("r.yaml", """\
        id: r
        questionnaire: {id: mfg, version: "1.0"}
        bands: [{min: 1.0, level: 1, name: 미인식}]
        """), model)
    assert loaded.min_completeness == 0.5
    assert loaded.gates == []
    assert loaded.weight("data") == 1.0


def test_bands_out_of_order(write, model):
    assert refused(write, model, """\
        id: r
        questionnaire: {id: mfg, version: "1.0"}
        bands:
          - {min: 1.0, level: 1, name: 미인식}
          - {min: 3.0, level: 3, name: 준비}
          - {min: 2.0, level: 2, name: 인식}
        """) == ["6:5: bands must ascend in both min and level (lowest first)"]


def test_gate_on_unknown_dimension(write, model):
    assert refused(write, model, """\
        id: r
        questionnaire: {id: mfg, version: "1.0"}
        bands:
          - {min: 1.0, level: 1, name: 미인식}
          - {min: 2.0, level: 2, name: 인식}
        gates:
          - {dimension: dta, below: 2.0, cap_level: 1}
        """) == ["7:6: unknown dimension 'dta'"]


def test_gate_cap_level_without_band(write, model):
    assert refused(write, model, """\
        id: r
        questionnaire: {id: mfg, version: "1.0"}
        bands:
          - {min: 1.0, level: 1, name: 미인식}
          - {min: 2.0, level: 2, name: 인식}
        gates:
          - {dimension: data, below: 2.0, cap_level: 4}
        """) == ["7:35: no band has level 4"]


def test_unknown_dimension_weight(write, model):
    assert refused(write, model, """\
        id: r
        questionnaire: {id: mfg, version: "1.0"}
        dimension_weights: {data: 1.5, talent: 1.0}
        bands: [{min: 1.0, level: 1, name: 미인식}]
        """) == ["3:32: unknown dimension 'talent'"]


def test_negative_dimension_weight(write, model):
    assert refused(write, model, """\
        id: r
        questionnaire: {id: mfg, version: "1.0"}
        dimension_weights: {data: -1}
        bands: [{min: 1.0, level: 1, name: 미인식}]
        """) == ["3:21: weights must not be negative"]


@pytest.mark.parametrize("weight", ["1e308", "1e999", "100.5"])
def test_an_absurd_dimension_weight_is_refused(write, model, weight: str):
    """1e308 passed: two such weights add up to inf and every overall score became NaN."""
    assert refused(write, model, f"""\
        id: r
        questionnaire: {{id: mfg, version: "1.0"}}
        dimension_weights: {{data: {weight}}}
        bands: [{{min: 1.0, level: 1, name: 미인식}}]
        """) == [f"3:21: a weight must be a finite number up to 100 ('{float(weight)}')"]


def test_a_dimension_weight_of_100_is_the_largest_taken(write, model):
    loaded = rubric.load(write("r.yaml", GOOD.replace("{data: 1.5}", "{data: 100}")), model)
    assert loaded.weight("data") == 100


def test_misspelt_key(write, model):
    assert refused(write, model, """\
        id: r
        questionnaire: {id: mfg, version: "1.0"}
        min_completness: 0.6
        bands: [{min: 1.0, level: 1, name: 미인식}]
        """) == ["3:1: unknown key 'min_completness': check its spelling"]


def test_questionnaire_id_mismatch_is_an_error(write, model):
    assert refused(write, model, """\
        id: r
        questionnaire: {id: other-survey, version: "1.0"}
        bands: [{min: 1.0, level: 1, name: 미인식}]
        """) == ["2:17: this rubric is for questionnaire 'other-survey', not 'mfg': "
                 "check -q or -r"]


def test_questionnaire_version_mismatch_only_warns_and_loads(write, model):
    loaded = rubric.load(write("r.yaml", GOOD.replace('version: "1.0"', 'version: "0.9"')),
                         model)
    assert loaded.questionnaire.version == "0.9"
    assert loaded.weight("data") == 1.5


def test_unquoted_decimal_version_asks_for_quotes(write, model):
    # YAML reads 1.10 as the number 1.1: a version must be written as text
    path = write("r.yaml", GOOD.replace('version: "1.0"', "version: 1.10"))
    with pytest.raises(ValidationFailed) as caught:
        rubric.load(path, model)
    assert 'write the version in quotes, e.g. version: "1.1"' in caught.value.render("en")


# --- the bundled rubric: stages a CEO can read, and AI in operation for levels 4-5 ----------

def _bundled_scores(answers: dict[str, object]):
    from diagnose.engine import batch, scoring
    from diagnose.inputs.frame import answers_frame

    q, rules = batch.load_content()
    row = {"company.name": "(주)시험", "company.industry": "auto-parts",
           "company.employees": 250, "company.visual_inspection": "yes"}
    row.update(answers)
    return scoring.score(answers_frame([row], q), q, rules).table.iloc[0]


def _everything_at(level: int, **overrides: object) -> dict[str, object]:
    """A plant answering ``level`` on every level question, half of every checklist, 'partly'."""
    from diagnose.engine import batch

    q, _ = batch.load_content()
    answers: dict[str, object] = {}
    for question in q.scored_questions:
        if question.type == "level":
            answers[question.id] = level
        elif question.type == "multi":
            answers[question.id] = tuple(o.value for o in question.options[::2])
        elif question.type == "yesno":
            answers[question.id] = "partial"
        elif question.type == "number":
            answers[question.id] = {"infra.connected_equipment_ratio": 70.0,
                                    "data.defect_image_count": 2000.0}[question.id]
    answers.update({k.replace("__", "."): v for k, v in overrides.items()})
    return answers


def test_bundled_rubric_scores_version_two_with_stage_names():
    from diagnose.engine import batch

    q, rules = batch.load_content()
    assert (rules.version, rules.questionnaire.version, q.version) == ("2.0", "2.0", "2.0")
    assert set(rules.dimension_weights) == {d.id for d in q.dimensions}
    assert [rules.level_name(n, "ko") for n in range(1, 6)] == [
        "기반 구축 필요", "디지털 기반 확보", "AI 도입 준비", "AI 활용", "AI 선도"]
    assert [rules.level_name(n, "en") for n in range(1, 6)] == [
        "Foundations needed", "Digital basics in place", "Ready for AI", "Using AI",
        "Leading with AI"]
    for band in rules.bands:  # each stage says which smart-factory level it is near
        assert "스마트공장" in band.description["ko"] and "smart-factory" in band.description["en"]
    gates = {(g.dimension or g.question, g.below, g.cap_level) for g in rules.gates}
    evidence = {(d, 1, 2) for d in ("strategy", "process", "talent", "culture", "governance",
                                    "ai")}  # below 1: on missing evidence only
    assert {("ai.in_operation", 4, 3), ("ai.in_operation", 5, 4), ("data", 2.0, 2),
            ("infra", 2.0, 2), ("data", 3.0, 3), ("strategy", 2.0, 3)} | evidence == gates


def test_excellent_foundations_without_ai_in_operation_are_ready_for_ai():
    """REVIEW section 1, profile D: level 4 on every item but no AI running is level 3."""
    without = _bundled_scores(_everything_at(4, ai__in_operation=3))
    assert without["overall.score"] >= 3.4  # the band alone would say 'Using AI'
    assert without["overall.level"] == 3
    assert "ai.in_operation" in without["overall.gates"]
    running = _bundled_scores(_everything_at(4))
    assert running["overall.level"] == 4


def test_an_unanswered_ai_in_operation_never_raises_the_level():
    answers = _everything_at(4)
    del answers["ai.in_operation"]
    assert _bundled_scores(answers)["overall.level"] == 3


def test_leading_with_ai_needs_several_ais_maintained():
    one = _bundled_scores(_everything_at(5, ai__in_operation=4))
    assert one["overall.score"] >= 4.2 and one["overall.level"] == 4
    assert _bundled_scores(_everything_at(5))["overall.level"] == 5


def test_a_one_page_ai_rule_is_not_top_governance():
    """REVIEW: yes/partial/no made a one-page ChatGPT rule worth 5; now it is level 2."""
    from diagnose.engine import batch

    q, _ = batch.load_content()
    rules = q.question("governance.ai_rules")
    one_page = [o.value for o in rules.options if "한 쪽" in o.label["ko"]]
    assert rules.type == "level" and one_page == [2]


def test_leaving_a_dimension_blank_never_lifts_a_company_above_level_two():
    """Missing evidence must not raise a level (REVIEW section 1): with the bundled rubric,
    blanking any one dimension of any of 150 demo companies leaves its level where it was,
    or lower, or at most at 2 (the cap of the evidence gates). Without those gates, 19 of the
    1,200 blanked dimensions lifted a company one level, 10 of them from 2 to 3."""
    from diagnose.engine import batch, scoring
    from diagnose.inputs import answers
    from diagnose.inputs.frame import answers_frame
    from diagnose.inputs.responses import LoadedResponse
    from diagnose.jobs import demo

    q, rules = batch.load_content()
    loaded = []
    for sample in demo.sample_responses(q, 150, seed=2026):
        values = {k: answers.normalize(q.items[k], v) for k, v in sample.company.items()
                  if k in q.items}
        values.update({k: answers.normalize(q.items[k], a.value)
                       for k, a in sample.answers.items()})
        loaded.append(LoadedResponse("x.yaml", sample, values))
    frame = answers_frame(batch.records(loaded, q), q)
    before = scoring.score(frame, q, rules).table["overall.level"].to_numpy()
    for dim in q.dimensions:
        blanked = frame.copy()
        for question in dim.questions:
            if question.id in blanked:
                blanked[question.id] = None
        after = scoring.score(blanked, q, rules).table["overall.level"].to_numpy()
        lifted = after > before
        assert (after[lifted] <= 2).all(), (dim.id, after[lifted], before[lifted])
