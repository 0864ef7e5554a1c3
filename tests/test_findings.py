"""What the report says about a company's answers: strengths, gaps, findings, roadmap."""

from __future__ import annotations

from conftest import make_questionnaire

from diagnose.content import rubric
from diagnose.engine import scoring
from diagnose.inputs.frame import answers_frame
from diagnose.render import findings

QUESTIONNAIRE = """\
    id: f
    version: "1"
    title: {ko: 가, en: A}
    profile: [{id: name, type: text, text: {ko: 이름, en: Name}}]
    dimensions:
      - id: a
        title: {ko: 가, en: A}
        questions:
          - {id: a.1, type: level, text: {ko: 하나, en: One}, options: LEVELS}
          - {id: a.2, type: level, text: {ko: 둘, en: Two}, options: LEVELS}
      - id: b
        title: {ko: 나, en: B}
        questions: [{id: b.1, type: level, text: {ko: 셋, en: Three}, options: LEVELS}]
    """


def scored(tmp_path, **answers):
    q = make_questionnaire(QUESTIONNAIRE)
    path = tmp_path / "r.yaml"
    path.write_text("id: r\nquestionnaire: {id: f, version: '1'}\n"
                    "bands: [{min: 1, level: 1, name: 일}]\n", encoding="utf-8")
    frame = answers_frame([{"company.name": "x", **answers}], q)
    return scoring.score(frame, q, rubric.load(path, q))


def test_two_dimensions_are_never_both_strength_and_gap(tmp_path) -> None:
    strengths, gaps = findings.strengths_and_gaps(scored(tmp_path, **{"a.1": 4, "b.1": 2}), 0,
                                                  "en")
    assert [s["id"] for s in strengths] == ["a"] and [g["id"] for g in gaps] == ["b"]


def test_findings_call_nothing_missing_at_five_and_nothing_working_at_one(tmp_path) -> None:
    top = findings.dimension_findings(scored(tmp_path, **{"a.1": 5, "a.2": 5}), 0, None,
                                      {"a.1": 5, "a.2": 5}, "en")["a"]
    assert top["weak"] == [] and len(top["strong"]) == 2 and top["next_steps"] == []
    low = findings.dimension_findings(scored(tmp_path, **{"a.1": 1, "a.2": 2}), 0, None,
                                      {"a.1": 1, "a.2": 2}, "en")["a"]
    assert low["strong"] == [] and [w["question"] for w in low["weak"]] == ["One", "Two"]
    assert [s["next"] for s in low["next_steps"]] == ["이", "삼"]  # the option one level up


def test_radar_marks_a_dimension_without_score(tmp_path) -> None:
    data = findings.radar_series(scored(tmp_path, **{"a.1": 3}), 0, None, "en")
    assert data["labels"] == ["A", "B (–)"]
