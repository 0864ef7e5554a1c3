"""scoring: the engine (CONTRACT.md section 4). Every expected number is worked out by hand."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest
from pytest import approx

from diagnose.content import rubric
from diagnose.core.errors import ValidationFailed
from diagnose.engine import gates, scoring
from diagnose.inputs.answers import NA, UNKNOWN
from diagnose.inputs.frame import answers_frame


@pytest.fixture
def score_rows(write, build_questionnaire):
    """Score answer rows (dicts by question id) against inline YAML; the score table back."""

    def _score(questionnaire_text: str, rubric_text: str, *rows: dict, lang: str = "ko"):
        model = build_questionnaire(questionnaire_text)
        rules = rubric.load(write("rubric.yaml", rubric_text), model)
        records = [{"company.name": f"회사{i}", **row} for i, row in enumerate(rows)]
        return scoring.score(answers_frame(records, model), model, rules, lang).table

    return _score


# Two dimensions of two level questions; data.b weighs 3.
TWO = """\
id: t
version: "1"
languages: [ko]
title: 시험
profile: [{id: name, type: text, text: 기업명}]
dimensions:
  - id: data
    title: 데이터
    questions:
      - {id: data.a,  type: level, weight: 1, allow_na: true, text: 가, options: LEVELS}
      - {id: data.b,  type: level, weight: 3, allow_na: true, text: 나, options: LEVELS}
  - id: infra
    title: 인프라
    questions:
      - {id: infra.a, type: level, weight: 1, allow_na: true, text: 다, options: LEVELS}
      - {id: infra.b, type: level, weight: 1, allow_na: true, text: 라, options: LEVELS}
      - {id: infra.memo, type: text, text: 메모}
"""

RUBRIC = """\
id: r
questionnaire: {id: t, version: "1"}
dimension_weights: {data: 2}          # infra: 1
min_completeness: 0.5
bands:
  - {min: 1.0, level: 1, name: {ko: 미인식, en: Unaware}}
  - {min: 2.0, level: 2, name: {ko: 인식, en: Aware}}
  - {min: 3.0, level: 3, name: {ko: 준비, en: Ready}}
  - {min: 4.0, level: 4, name: {ko: 역량, en: Competent}}
gates:
  - {dimension: infra, below: 2.0, cap_level: 2}
"""


def test_question_weights(score_rows):
    row = score_rows(TWO, RUBRIC, {"data.a": 1, "data.b": 5, "infra.a": 3, "infra.b": 3}).iloc[0]
    assert row["data.score"] == approx(4.0)  # (1x1 + 3x5) / 4; a plain mean would be 3
    assert row["data.percent"] == approx(75.0)
    assert row["data.completeness"] == approx(1.0)
    assert row["infra.score"] == approx(3.0)


def test_dimension_weights_and_percent(score_rows):
    row = score_rows(TWO, RUBRIC, {"data.a": 4, "data.b": 4, "infra.a": 2, "infra.b": 2}).iloc[0]
    assert row["overall.score"] == approx(10 / 3)  # (2x4 + 1x2) / 3; a plain mean would be 3
    assert row["overall.percent"] == approx((10 / 3 - 1) / 4 * 100)  # 58.33
    assert row["overall.level"] == 3
    assert row["overall.level_name"] == "준비"


def test_not_applicable_leaves_the_dimension(score_rows):
    row = score_rows(TWO, RUBRIC, {"data.a": 2, "data.b": NA, "infra.a": 3, "infra.b": 3}).iloc[0]
    # counted as level 1 it would be 1.25, as 0 it would be 0.5
    assert row["data.score"] == approx(2.0)
    assert row["data.completeness"] == approx(1.0)
    assert row["overall.score"] == approx((2 * 2 + 3) / 3)


@pytest.mark.parametrize("missing", [UNKNOWN, None, "absent"])
def test_unknown_and_unanswered_lower_completeness_not_the_score(score_rows, missing):
    answers = {"data.a": 4, "infra.a": 3, "infra.b": 3}
    if missing != "absent":
        answers["data.b"] = missing
    row = score_rows(TWO, RUBRIC, answers).iloc[0]
    assert row["data.score"] == approx(4.0)
    assert row["data.completeness"] == approx(0.25)  # 1 of 4 weight answered
    assert bool(row["data.insufficient"]) is True
    # the flag changes no number: the dimension still counts in the overall score
    assert row["overall.score"] == approx((2 * 4 + 3) / 3)


def test_text_questions_count_nowhere(score_rows):
    row = score_rows(TWO, RUBRIC, {"data.a": 3, "data.b": 3, "infra.a": 3, "infra.b": 3,
                                   "infra.memo": None}).iloc[0]
    assert row["infra.completeness"] == approx(1.0)
    assert row["infra.score"] == approx(3.0)


def test_completeness_is_1_when_nothing_is_applicable(score_rows):
    row = score_rows(TWO, RUBRIC, {"data.a": NA, "data.b": NA, "infra.a": 3, "infra.b": 4}
                     ).iloc[0]
    assert math.isnan(row["data.score"])
    assert math.isnan(row["data.percent"])
    assert row["data.completeness"] == approx(1.0)
    assert bool(row["data.insufficient"]) is False
    assert row["overall.score"] == approx(3.5)  # infra alone


def test_overall_only_over_dimensions_with_a_score(score_rows):
    row = score_rows(TWO, RUBRIC, {"infra.a": 3, "infra.b": 3}).iloc[0]
    assert math.isnan(row["data.score"])
    assert row["data.completeness"] == approx(0.0)
    assert bool(row["data.insufficient"]) is True
    assert row["overall.score"] == approx(3.0)  # not (2x0 + 1x3) / 3 = 1
    assert row["overall.level"] == 3


def test_nothing_answered_gives_no_score_and_no_level(score_rows):
    row = score_rows(TWO, RUBRIC, {}).iloc[0]
    assert math.isnan(row["overall.score"])
    assert math.isnan(row["overall.percent"])
    assert row["overall.level"] is pd.NA
    assert row["overall.level_name"] == ""
    assert row["overall.gates"] == ""


@pytest.mark.parametrize(("answers", "overall", "level", "name"), [
    ((1, 1, 1, 1), 1.0, 1, "Unaware"),
    ((2, 2, 2, 2), 2.0, 2, "Aware"),  # exactly on a band minimum
    ((2, 3, 3, 3), (2 * 2.75 + 3) / 3, 2, "Aware"),  # 2.83: just below the next band
    ((3, 3, 3, 3), 3.0, 3, "Ready"),
    ((4, 4, 4, 4), 4.0, 4, "Competent"),
    ((5, 5, 5, 5), 5.0, 4, "Competent"),  # the highest band takes the rest
])
def test_band_is_the_highest_whose_min_is_reached(score_rows, answers, overall, level, name):
    row = score_rows(TWO, RUBRIC, dict(zip(["data.a", "data.b", "infra.a", "infra.b"],
                                           answers, strict=True)), lang="en").iloc[0]
    assert row["overall.score"] == approx(overall)
    assert row["overall.percent"] == approx((overall - 1) / 4 * 100)
    assert row["overall.level"] == level
    assert row["overall.level_name"] == name


# --- gates ---------------------------------------------------------------------------------

def test_gate_caps_the_level_and_names_the_dimension(write, build_questionnaire):
    model = build_questionnaire(TWO)
    rules = rubric.load(write("rubric.yaml", RUBRIC), model)
    frame = answers_frame(
        [{"company.name": "울산", "data.a": 5, "data.b": 5, "infra.a": 1, "infra.b": 2}], model)
    scores = scoring.score(frame, model, rules)
    row = scores.table.iloc[0]
    assert row["infra.score"] == approx(1.5)
    assert row["overall.score"] == approx((2 * 5 + 1.5) / 3)  # 3.83: band 3
    assert scores.band_levels.iloc[0] == 3
    assert row["overall.level"] == 2
    assert row["overall.level_name"] == "인식"
    assert row["overall.gates"] == "infra"
    assert row["overall.percent"] == approx(((2 * 5 + 1.5) / 3 - 1) / 4 * 100)  # not capped


@pytest.mark.parametrize(("answers", "level"), [
    ({"data.a": 1, "data.b": 1, "infra.a": 1, "infra.b": 1}, 1),  # already at or below the cap
    ({"data.a": 5, "data.b": 5, "infra.a": 2, "infra.b": 2}, 4),  # infra exactly at `below`
    ({"data.a": 5, "data.b": 5, "infra.a": NA, "infra.b": NA}, 4),  # nothing applicable
])
def test_gate_that_does_not_lower_the_level_is_not_named(score_rows, answers, level):
    row = score_rows(TWO, RUBRIC, answers).iloc[0]
    assert row["overall.level"] == level
    assert row["overall.gates"] == ""


@pytest.mark.parametrize("answers", [
    {"data.a": 5, "data.b": 5},  # infra applicable but unanswered: no score
    {"data.a": 5, "data.b": 5, "infra.a": UNKNOWN, "infra.b": UNKNOWN},  # don't know
    {"data.a": 5, "data.b": 5, "infra.a": 5},  # a high score on half the questions: 0.5 < 0.6
])
def test_missing_evidence_caps_like_a_low_score(tmp_path, build_questionnaire, answers):
    """Contract 4: a gated dimension with applicable questions but no score, or flagged
    insufficient evidence, caps the level: leaving answers blank never raises it."""
    model = build_questionnaire(TWO)
    strict = RUBRIC.replace("min_completeness: 0.5", "min_completeness: 0.6")
    path = tmp_path / "rubric.yaml"
    path.write_text(strict, encoding="utf-8")
    scores = scoring.score(answers_frame([{"company.name": "x", **answers}], model), model,
                           rubric.load(path, model))
    row = scores.table.iloc[0]
    assert row["overall.level"] == 2 and row["overall.gates"] == "infra"
    [fired] = scores.fired_gates[0]
    assert fired.reason == "evidence" and fired.target == "infra"
    text = gates.explain(fired, model, int(scores.band_levels.iloc[0]), "ko")
    assert "근거 부족" in text and "2단계" in text


QUESTION_GATE = RUBRIC.replace(
    "  - {dimension: infra, below: 2.0, cap_level: 2}\n",
    "  - {question: data.b, below: 4, cap_level: 3}\n")


@pytest.mark.parametrize(("answers", "level", "reason"), [
    ({"data.a": 5, "data.b": 5, "infra.a": 5, "infra.b": 5}, 4, None),
    ({"data.a": 5, "data.b": 3, "infra.a": 5, "infra.b": 5}, 3, "low"),  # 4.33: band 4
    ({"data.a": 5, "infra.a": 5, "infra.b": 5}, 3, "evidence"),  # the gated answer is blank
    ({"data.a": 5, "data.b": UNKNOWN, "infra.a": 5, "infra.b": 5}, 3, "evidence"),
])
def test_a_gate_on_a_question_caps_on_its_answer(tmp_path, build_questionnaire, answers, level,
                                                 reason):
    model = build_questionnaire(TWO)
    path = tmp_path / "rubric.yaml"
    path.write_text(QUESTION_GATE, encoding="utf-8")
    scores = scoring.score(answers_frame([{"company.name": "x", **answers}], model), model,
                           rubric.load(path, model))
    assert scores.table.iloc[0]["overall.level"] == level
    assert [f.reason for f in scores.fired_gates[0]] == ([reason] if reason else [])
    if reason:
        assert scores.table.iloc[0]["overall.gates"] == "data.b"


def test_a_gate_on_an_unknown_question_is_refused(tmp_path, build_questionnaire):
    model = build_questionnaire(TWO)
    path = tmp_path / "rubric.yaml"
    path.write_text(QUESTION_GATE.replace("data.b, below", "data.zz, below"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        rubric.load(path, model)
    assert "data.zz" in caught.value.render("en") and ":" in caught.value.render("en")


THREE = """\
id: t
version: "1"
languages: [ko]
title: 시험
profile: [{id: name, type: text, text: 기업명}]
dimensions:
  - {id: a, title: 가, questions: [{id: a.q, type: level, text: 가, options: LEVELS}]}
  - {id: b, title: 나, questions: [{id: b.q, type: level, text: 나, options: LEVELS}]}
  - {id: c, title: 다, questions: [{id: c.q, type: level, text: 다, options: LEVELS}]}
"""

TWO_GATES = """\
id: r
questionnaire: {id: t, version: "1"}
dimension_weights: {c: 10}
bands:
  - {min: 1.0, level: 1, name: 미인식}
  - {min: 2.0, level: 2, name: 인식}
  - {min: 3.0, level: 3, name: 준비}
  - {min: 4.0, level: 4, name: 역량}
gates:
  - {dimension: a, below: 3.0, cap_level: 3}
  - {dimension: b, below: 2.0, cap_level: 2}
"""


@pytest.mark.parametrize(("a", "b", "c", "overall", "level", "gates"), [
    (2, 1, 5, 53 / 12, 2, "a;b"),  # 4.42 -> band 4, both gates fire, the lower cap wins
    (2, 5, 5, 57 / 12, 3, "a"),
    (5, 1, 5, 56 / 12, 2, "b"),
    (5, 5, 5, 5.0, 4, ""),
    (2, 1, 2, 23 / 12, 1, ""),  # 1.92 -> band 1: no gate lowers it
])
def test_every_gate_that_fires_caps_and_is_named(score_rows, a, b, c, overall, level, gates):
    row = score_rows(THREE, TWO_GATES, {"a.q": a, "b.q": b, "c.q": c}).iloc[0]
    assert row["overall.score"] == approx(overall)
    assert row["overall.level"] == level
    assert row["overall.gates"] == gates


# --- show_if -------------------------------------------------------------------------------

SHOW = """\
id: t
version: "1"
languages: [ko]
title: 시험
profile: [{id: name, type: text, text: 기업명}]
dimensions:
  - id: d
    title: 설비
    questions:
      - {id: d.base, type: level, text: 기본, options: LEVELS}
      - {id: d.plc,  type: yesno, allow_na: true, text: PLC}
      - {id: d.mes,  type: level, text: MES, show_if: {question: d.plc, in: [yes, partial]}, options: LEVELS}
"""

PLAIN = """\
id: r
questionnaire: {id: t, version: "1"}
bands: [{min: 1.0, level: 1, name: 미인식}, {min: 3.0, level: 3, name: 준비}]
"""


@pytest.mark.parametrize(("plc", "mes", "score", "completeness"), [
    ("yes", 4, (3 + 5 + 4) / 3, 1.0),  # shown
    ("partial", None, (3 + 3) / 2, 2 / 3),  # shown and unanswered: lowers completeness
    ("no", 4, (3 + 1) / 2, 1.0),  # hidden: its (stale) answer counts nowhere
    (None, 4, 3.0, 1 / 2),  # dependency unanswered: hidden; d.plc itself still missing
    (NA, 4, 3.0, 1.0),  # dependency not applicable: hidden
    (UNKNOWN, 4, 3.0, 1 / 2),  # dependency unknown: hidden
])
def test_hidden_questions_are_not_applicable(score_rows, plc, mes, score, completeness):
    row = score_rows(SHOW, PLAIN, {"d.base": 3, "d.plc": plc, "d.mes": mes}).iloc[0]
    assert row["d.score"] == approx(score)
    assert row["d.completeness"] == approx(completeness)


def test_hidden_states(write, build_questionnaire):
    model = build_questionnaire(SHOW)
    rules = rubric.load(write("rubric.yaml", PLAIN), model)
    frame = answers_frame([{"d.base": 3, "d.plc": "no", "d.mes": 4},
                                   {"d.base": 3, "d.plc": NA, "d.mes": NA}], model)
    states = scoring.score(frame, model, rules).states.map(scoring.STATE_NAMES.get)
    assert states.to_dict("records") == [
        {"d.base": "answered", "d.plc": "answered", "d.mes": "hidden"},
        {"d.base": "answered", "d.plc": "na", "d.mes": "hidden"}]


# A chain: d.plc -> d.mes -> d.ai
CHAIN = SHOW + """\
      - {id: d.ai,   type: level, text: AI,  show_if: {question: d.mes, not_in: [1]}, options: LEVELS}
"""

@pytest.mark.parametrize(("plc", "mes", "ai", "score", "completeness"), [
    ("yes", 4, 5, (3 + 5 + 4 + 5) / 4, 1.0),  # all shown
    ("partial", 4, None, (3 + 3 + 4) / 3, 3 / 4),  # d.ai shown and unanswered
    ("no", 4, 5, (3 + 1) / 2, 1.0),  # d.mes hidden, so d.ai too, whatever d.mes says
    (None, 4, 5, 3.0, 1 / 2),  # d.plc unanswered: both hidden
    ("yes", None, 5, (3 + 5) / 2, 2 / 3),  # d.mes unanswered: d.ai hidden
    ("yes", 1, 5, (3 + 5 + 1) / 3, 1.0),  # not_in: [1] hides d.ai
])
def test_show_if_chain(score_rows, plc, mes, ai, score, completeness):
    row = score_rows(CHAIN, PLAIN, {"d.base": 3, "d.plc": plc, "d.mes": mes, "d.ai": ai}).iloc[0]
    assert row["d.score"] == approx(score)
    assert row["d.completeness"] == approx(completeness)


SHOW_ON_PROFILE_AND_MULTI = """\
id: t
version: "1"
languages: [ko]
title: 시험
profile:
  - {id: name, type: text, text: 기업명}
  - {id: industry, type: choice, text: 업종, options: [{value: food, label: 식품}, {value: metal, label: 금속}]}
dimensions:
  - id: d
    title: 설비
    questions:
      - {id: d.haccp, type: yesno, text: HACCP, show_if: {question: industry, in: [food]}}
      - {id: d.sys,   type: multi, text: 시스템, options: [{value: erp, label: ERP}, {value: mes, label: MES}]}
      - {id: d.mes,   type: level, text: MES 활용, show_if: {question: d.sys, in: [mes]}, options: LEVELS}
"""


@pytest.mark.parametrize(("industry", "systems", "score"), [
    ("food", ("erp", "mes"), (5 + 5 + 2) / 3),  # everything shown
    ("metal", ("erp", "mes"), (5 + 2) / 2),  # d.haccp hidden by the profile answer
    ("food", ("erp",), (5 + 3) / 2),  # mes not ticked: d.mes hidden
    ("food", (), (5 + 1) / 2),  # nothing ticked: level 1, d.mes hidden
])
def test_show_if_on_a_profile_answer_and_on_a_multi(score_rows, industry, systems, score):
    row = score_rows(SHOW_ON_PROFILE_AND_MULTI, PLAIN, {
        "company.industry": industry, "d.haccp": "yes", "d.sys": systems, "d.mes": 2}).iloc[0]
    assert row["d.score"] == approx(score)
    assert row["d.completeness"] == approx(1.0)


# --- question types ------------------------------------------------------------------------

TYPES = """\
id: t
version: "1"
languages: [ko]
title: 시험
profile: [{id: name, type: text, text: 기업명}]
dimensions:
  - id: m
    title: 다중
    questions:
      - id: m.sys
        type: multi
        text: 시스템
        options:                                # total weight 4
          - {value: erp,   label: ERP,   weight: 2}
          - {value: mes,   label: MES,   weight: 1}
          - {value: scada, label: SCADA}        # weight 1 by default
          - {value: paper, label: 종이,  weight: 0}
  - id: n
    title: 숫자
    questions:
      - {id: n.sensors, type: number, text: 센서 수, bands: [{max: 0, level: 1}, {max: 10, level: 3}, {level: 5}]}
  - id: y
    title: 예아니오
    questions:
      - {id: y.plc, type: yesno, text: PLC}
"""


@pytest.mark.parametrize(("ticked", "level"), [
    (("erp", "mes"), 1 + 4 * 3 / 4),  # 4.0
    (("mes",), 1 + 4 * 1 / 4),  # 2.0
    (("scada",), 2.0),
    (("erp", "mes", "scada", "paper"), 5.0),
    (("paper",), 1.0),  # a weight-0 option adds nothing
    ((), 1.0),  # nothing ticked is an answer: level 1
])
def test_multi_level_from_option_weights(score_rows, ticked, level):
    row = score_rows(TYPES, PLAIN, {"m.sys": ticked}).iloc[0]
    assert row["m.score"] == approx(level)
    assert row["m.completeness"] == approx(1.0)


@pytest.mark.parametrize(("number", "level"), [
    (-2.0, 1), (0.0, 1),  # max 0 takes 0 itself
    (0.5, 3), (10.0, 3),  # a number equal to a band's max goes to that band
    (10.5, 5), (1e6, 5),  # the last band without max takes the rest
])
def test_number_bands(score_rows, number, level):
    row = score_rows(TYPES, PLAIN, {"n.sensors": number}).iloc[0]
    assert row["n.score"] == approx(level)


@pytest.mark.parametrize(("answer", "level"), [("no", 1), ("partial", 3), ("yes", 5)])
def test_yesno_levels(score_rows, answer, level):
    assert score_rows(TYPES, PLAIN, {"y.plc": answer}).iloc[0]["y.score"] == approx(level)


def test_question_types_together(score_rows):
    row = score_rows(TYPES, PLAIN, {"m.sys": ("erp",), "n.sensors": 3.0, "y.plc": "partial"}
                     ).iloc[0]
    assert [row["m.score"], row["n.score"], row["y.score"]] == approx([3.0, 3.0, 3.0])
    assert row["overall.score"] == approx(3.0)
    assert row["overall.level_name"] == "준비"


# --- completeness threshold ----------------------------------------------------------------

THRESHOLD = """\
id: t
version: "1"
languages: [ko]
title: 시험
profile: [{id: name, type: text, text: 기업명}]
dimensions:
  - id: d
    title: 차원
    questions:
      - {id: d.a, type: level, weight: WA, text: 가, options: LEVELS}
      - {id: d.b, type: level, weight: WB, text: 나, options: LEVELS}
"""


@pytest.mark.parametrize(("wa", "wb", "completeness", "insufficient"), [
    (1, 1, 0.5, False),  # exactly min_completeness: enough
    (49.5, 50.5, 0.495, True),  # just below (weights are at most 100)
    (50.5, 49.5, 0.505, False),
])
def test_insufficient_flag_at_min_completeness(score_rows, wa, wb, completeness,
                                               insufficient):
    text = THRESHOLD.replace("WA", str(wa)).replace("WB", str(wb))
    rules = PLAIN + "min_completeness: 0.5\n"
    row = score_rows(text, rules, {"d.a": 4}).iloc[0]
    assert row["d.completeness"] == approx(completeness)
    assert bool(row["d.insufficient"]) is insufficient
    assert row["d.score"] == approx(4.0)  # the flag changes no number
    assert row["overall.score"] == approx(4.0)


def test_every_answer_on_a_band_minimum_reaches_that_band(score_rows):
    rules = PLAIN + "dimension_weights: {a: 0.7, b: 0.1, c: 0.2}\n"
    row = score_rows(THREE, rules, {"a.q": 3, "b.q": 3, "c.q": 3}).iloc[0]
    assert round(row["overall.score"], 2) == 3.0
    assert row["overall.level"] == 3


def test_a_company_gets_the_same_level_alone_and_beside_another(score_rows):
    rules = PLAIN + "dimension_weights: {a: 0.7, b: 0.1, c: 0.2}\n"
    company = {"a.q": 3, "b.q": 3, "c.q": 3}
    alone = score_rows(THREE, rules, company).iloc[0]
    together = score_rows(THREE, rules, company, {"a.q": 1, "b.q": 5, "c.q": 2}).iloc[0]
    assert alone["overall.level"] == together["overall.level"]


# --- the table and the one engine ----------------------------------------------------------

def test_table_has_the_contract_columns(score_rows):
    table = score_rows(TWO, RUBRIC, {"data.a": 3})
    expected = ["company.name", "assessment.date", "assessment.round", "overall.score",
                "overall.percent", "overall.level", "overall.level_name", "overall.gates",
                "data.score", "data.percent", "data.completeness", "data.insufficient",
                "infra.score", "infra.percent", "infra.completeness", "infra.insufficient"]
    assert [c for c in table.columns if c in expected] == expected
    assert table.iloc[0]["company.name"] == "회사0"


MIXED = """\
id: t
version: "1"
languages: [ko]
title: 시험
profile:
  - {id: name, type: text, text: 기업명}
  - {id: industry, type: choice, text: 업종, options: [{value: food, label: 식품}, {value: metal, label: 금속}]}
dimensions:
  - id: data
    title: 데이터
    questions:
      - {id: data.plc,  type: yesno, allow_na: true, weight: 2, text: PLC}
      - {id: data.coll, type: level, allow_na: true, weight: 1.5, text: 수집, show_if: {question: data.plc, in: [yes, partial]}, options: LEVELS}
      - {id: data.ai,   type: level, allow_na: true, weight: 0.7, text: AI, show_if: {question: data.plc, not_in: [no]}, options: LEVELS}
      - {id: data.memo, type: text, text: 메모}
  - id: infra
    title: 인프라
    questions:
      - {id: infra.sys, type: multi, weight: 1.2, text: 시스템, options: [{value: erp, label: ERP, weight: 2}, {value: mes, label: MES}, {value: scada, label: SCADA, weight: 0.5}]}
      - {id: infra.sensors, type: number, allow_na: true, text: 센서, bands: [{max: 0, level: 1}, {max: 10, level: 2}, {max: 50, level: 4}, {level: 5}]}
      - {id: infra.haccp, type: yesno, text: HACCP, show_if: {question: industry, in: [food]}}
  - id: people
    title: 인력
    questions:
      - {id: people.skill, type: level, allow_na: true, weight: 0.3, text: 역량, options: LEVELS}
"""

# The same with a chain: data.plc -> data.coll -> data.ai
MIXED_CHAIN = MIXED.replace("{question: data.plc, not_in: [no]}",
                            "{question: data.coll, not_in: [1, 2]}")
assert MIXED_CHAIN != MIXED

MIXED_RUBRIC = """\
id: r
questionnaire: {id: t, version: "1"}
dimension_weights: {data: 1.5, infra: 1.25, people: 0.75}
min_completeness: 0.6
bands:
  - {min: 1.0, level: 1, name: 미인식}
  - {min: 1.8, level: 2, name: 인식}
  - {min: 2.6, level: 3, name: 준비}
  - {min: 3.4, level: 4, name: 역량}
  - {min: 4.2, level: 5, name: 선도}
gates:
  - {dimension: data, below: 2.5, cap_level: 2}
  - {dimension: people, below: 2.0, cap_level: 3}
"""

SPECIALS = [None, NA, UNKNOWN]


def random_record(rng: random.Random, i: int) -> dict:
    level = [1, 2, 3, 4, 5, *SPECIALS]
    systems = [(), ("erp",), ("mes",), ("erp", "mes"), ("erp", "mes", "scada"), ("scada",), None]
    return {
        "company.name": f"회사{i}",
        "company.industry": rng.choice(["food", "metal", None]),
        "data.plc": rng.choice(["no", "partial", "yes", *SPECIALS]),
        "data.coll": rng.choice(level),
        "data.ai": rng.choice(level),
        "data.memo": rng.choice(["메모", None]),
        "infra.sys": rng.choice(systems),
        "infra.sensors": rng.choice([0.0, 3.0, 10.0, 10.5, 50.0, 400.0, *SPECIALS]),
        "infra.haccp": rng.choice(["no", "partial", "yes", None]),
        "people.skill": rng.choice(level),
    }


def load_mixed(text: str, build_questionnaire, tmp_path_factory):
    model = build_questionnaire(text)
    path = tmp_path_factory.mktemp("mixed") / "rubric.yaml"
    path.write_text(MIXED_RUBRIC, encoding="utf-8")
    return model, rubric.load(path, model)


@pytest.fixture(scope="module")
def mixed(build_questionnaire, tmp_path_factory):
    return load_mixed(MIXED, build_questionnaire, tmp_path_factory)


def test_the_mixed_assessment_by_hand(mixed):
    model, rules = mixed
    record = {"company.name": "울산", "company.industry": "food", "data.plc": "partial",
              "data.coll": 4, "data.ai": UNKNOWN, "infra.sys": ("erp", "scada"),
              "infra.sensors": 10.0, "infra.haccp": "yes", "people.skill": 1}
    row = scoring.score(answers_frame([record], model), model, rules).table.iloc[0]
    data = (2 * 3 + 1.5 * 4) / 3.5  # 3.43; data.ai unknown: completeness 3.5 / 4.2
    infra = (1.2 * (1 + 4 * 2.5 / 3.5) + 1 * 2 + 1 * 5) / 3.2  # 3.63
    overall = (1.5 * data + 1.25 * infra + 0.75 * 1) / 3.5  # 2.98: band 3
    assert row["data.score"] == approx(data)
    assert row["data.completeness"] == approx(3.5 / 4.2)
    assert row["infra.score"] == approx(infra)
    assert row["people.score"] == approx(1.0)
    assert row["overall.score"] == approx(overall)
    assert row["overall.level"] == 3
    assert row["overall.gates"] == ""  # people < 2.0 caps at 3, but the band is 3 already


def batch_and_alone(text, build_questionnaire, tmp_path_factory, every: int):
    """Score 200 random assessments together, then every ``every``-th one alone."""
    model, rules = load_mixed(text, build_questionnaire, tmp_path_factory)
    rng = random.Random(20260312)
    records = [random_record(rng, i) for i in range(200)]
    batch = scoring.score(answers_frame(records, model), model, rules).table
    assert batch["overall.level"].nunique() >= 3  # the batch is varied enough to mean something
    assert (batch["overall.gates"] != "").any()
    assert batch["data.score"].isna().any()
    numbers = [c for c in batch.columns if c.startswith(("overall.", "data.", "infra.",
                                                          "people."))]
    for i in range(0, len(records), every):
        alone = scoring.score(answers_frame([records[i]], model), model, rules).table
        yield alone[numbers], batch.iloc[[i]][numbers].reset_index(drop=True)


@pytest.mark.parametrize("text", [MIXED, MIXED_CHAIN], ids=["mixed", "mixed-with-chain"])
def test_alone_or_in_a_batch_of_200_the_numbers_agree(text, build_questionnaire,
                                                      tmp_path_factory):
    for alone, in_batch in batch_and_alone(text, build_questionnaire, tmp_path_factory, 10):
        pd.testing.assert_frame_equal(alone, in_batch, check_exact=False, rtol=1e-12, atol=0)


def test_alone_or_in_a_batch_of_200_the_numbers_are_identical(build_questionnaire,
                                                              tmp_path_factory):
    for alone, in_batch in batch_and_alone(MIXED_CHAIN, build_questionnaire, tmp_path_factory, 1):
        pd.testing.assert_frame_equal(alone, in_batch, check_exact=True)


def test_batch_order_and_index_do_not_change_numbers(mixed):
    model, rules = mixed
    rng = random.Random(7)
    frame = answers_frame([random_record(rng, i) for i in range(50)], model)
    forward = scoring.score(frame, model, rules).table
    backward = scoring.score(frame.iloc[::-1], model, rules).table
    pd.testing.assert_frame_equal(backward.sort_index(), forward, check_exact=True,
                                  check_dtype=False)


def test_empty_batch(mixed):
    model, rules = mixed
    table = scoring.score(answers_frame([], model), model, rules).table
    assert len(table) == 0
    assert "overall.score" in table.columns


def test_two_gates_on_one_dimension_name_it_once_and_the_report_names_the_strictest(
        build_questionnaire, tmp_path):
    from diagnose.content import rubric
    from diagnose.engine import scoring

    q = build_questionnaire("""\
        id: g
        version: "1"
        title: {ko: 가, en: A}
        profile: [{id: name, type: text, text: {ko: 이름, en: Name}}]
        dimensions:
          - id: a
            title: {ko: 가, en: A}
            questions: [{id: a.q, type: level, text: {ko: 가, en: a}, options: LEVELS}]
          - id: b
            title: {ko: 나, en: B}
            questions: [{id: b.q, type: level, text: {ko: 나, en: b}, options: LEVELS}]
        """)
    path = tmp_path / "r.yaml"
    path.write_text(
        "id: r\nquestionnaire: {id: g, version: '1'}\ndimension_weights: {a: 1, b: 9}\n"
        "bands:\n  - {min: 1, level: 1, name: 일}\n  - {min: 2, level: 2, name: 이}\n"
        "  - {min: 3, level: 3, name: 삼}\n  - {min: 4, level: 4, name: 사}\n"
        "gates:\n  - {dimension: a, below: 3.0, cap_level: 3}\n"
        "  - {dimension: a, below: 2.0, cap_level: 2}\n", encoding="utf-8")
    rules = rubric.load(path, q)
    frame = answers_frame([{"company.name": "x", "a.q": 1, "b.q": 5}], q)
    scores = scoring.score(frame, q, rules)
    row = scores.table.iloc[0]
    assert row["overall.score"] == pytest.approx(4.6)  # (1 x 1 + 9 x 5) / 10, band 4
    assert row["overall.level"] == 2 and row["overall.gates"] == "a"
    (fired,) = scores.fired_gates[0]
    assert (fired.gate.below, fired.gate.cap_level, fired.reason) == (2.0, 2, "low")

    # a = 2.5: only the 'below 3' gate fires, and that is the one named (the interview's result
    # screen used to name the lowest cap of the dimension: "'a' 2.50 < 2 -> at most 2").
    scores = scoring.score(answers_frame([{"company.name": "x", "a.q": 2, "b.q": 5}], q), q,
                           rules)
    (fired,) = scores.fired_gates[0]
    assert scores.table.iloc[0]["overall.level"] == 3
    text = gates.explain(fired, q, int(scores.band_levels.iloc[0]), "en")
    assert text == "'A' is 2.00, below 3, so the overall level is held at 3 (the score gives 4)."
