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
