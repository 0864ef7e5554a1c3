"""responses: one assessment per YAML file, checked on load, written atomically."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from diagnose.core.errors import ValidationFailed
from diagnose.inputs import responses
from diagnose.inputs.responses import Answer, Assessment

QUESTIONNAIRE = """\
id: mfg-ai-readiness
version: "1.0"
title: {ko: 제조 AI 준비도 진단, en: Manufacturing AI Readiness}
profile:
  - {id: id, type: text, text: {ko: 기업 ID, en: Company id}}
  - {id: name, type: text, text: {ko: 기업명, en: Company name}}
  - {id: industry, type: choice, text: {ko: 업종, en: Industry}, options: [{value: auto-parts, label: {ko: 자동차 부품, en: Auto parts}}]}
  - {id: employees, type: number, text: {ko: 직원 수, en: Employees}}
dimensions:
  - id: data
    title: {ko: 데이터, en: Data}
    questions:
      - {id: data.collection, type: level, allow_na: true, text: {ko: 수집, en: Collection}, options: LEVELS}
      - {id: data.labelled_images, type: yesno, allow_na: true, text: {ko: 라벨, en: Labels}}
  - id: infra
    title: {ko: 인프라, en: Infrastructure}
    questions:
      - id: infra.systems
        type: multi
        text: {ko: 시스템, en: Systems}
        options: [{value: erp, label: ERP}, {value: mes, label: MES}, {value: scada, label: SCADA}]
"""

KST = dt.timezone(dt.timedelta(hours=9))

# CONTRACT.md section 5, as a consultant would write it by hand.
CONTRACT_EXAMPLE = """\
questionnaire: {id: mfg-ai-readiness, version: "1.0", sha256: 9f2c}
company: {id: ulsan-0042, name: (주)울산정밀, industry: auto-parts, employees: 85}
assessment: {date: 2026-03-12, round: baseline, consultant: 김민수,
             summary: "종합 의견: 데이터 수집이 절반은 수기 — 라인2 MES부터"}
answers:
  data.collection: {value: 3, note: 설비 12대 중 4대만 PLC 연결, evidence: [photos/line2.jpg], answered_at: 2026-03-12T10:41:07+09:00}
  data.labelled_images: {value: na}
  infra.systems: {value: [mes, erp]}        # multi: the ticked option values
status: in_progress                          # or complete
"""


@pytest.fixture(scope="module")
def model(build_questionnaire):
    return build_questionnaire(QUESTIONNAIRE)


def refused(write, model, text: str) -> list[str]:
    path = write("r.yaml", text)
    with pytest.raises(ValidationFailed) as caught:
        responses.load(path, model)
    return [p.render("en").removeprefix(f"{path}:") for p in caught.value.problems]


def test_contract_example_loads(write, model):
    loaded = responses.load(write("r.yaml", CONTRACT_EXAMPLE), model)
    assert loaded.values == {
        "id": "ulsan-0042", "name": "(주)울산정밀", "industry": "auto-parts", "employees": 85.0,
        "data.collection": 3, "data.labelled_images": "na", "infra.systems": ("erp", "mes"),
    }
    assert loaded.key == "ulsan-0042"
    assert loaded.warnings == []
    response = loaded.response
    assert response.assessment == Assessment(
        date=dt.date(2026, 3, 12), round="baseline", consultant="김민수",
        summary="종합 의견: 데이터 수집이 절반은 수기 — 라인2 MES부터")  # contract section 5
    answer = response.answers["data.collection"]
    assert answer.note == "설비 12대 중 4대만 PLC 연결"
    assert answer.evidence == ["photos/line2.jpg"]
    assert answer.answered_at == "2026-03-12T10:41:07+09:00"
    assert response.status == "in_progress"


def test_key_falls_back_to_the_company_name(write, model):
    text = CONTRACT_EXAMPLE.replace("id: ulsan-0042, ", "")
    assert responses.load(write("r.yaml", text), model).key == "(주)울산정밀"


def test_shorthand_answer(write, model):
    loaded = responses.load(write("r.yaml", """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀}
        answers:
          data.collection: 3
          data.labelled_images: 예
          infra.systems: ERP, SCADA
        """), model)
    assert loaded.values["data.collection"] == 3
    assert loaded.values["data.labelled_images"] == "yes"
    assert loaded.values["infra.systems"] == ("erp", "scada")
    assert loaded.response.answers["data.collection"].note is None


def test_shorthand_multi_with_one_ticked_option(write, model):
    loaded = responses.load(write("r.yaml", """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀}
        answers: {infra.systems: MES}
        """), model)
    assert loaded.values["infra.systems"] == ("mes",)


def test_note_that_looks_like_a_time_is_kept(write, model):
    loaded = responses.load(write("r.yaml", """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀}
        answers:
          data.collection: {value: 3, note: 10:30}
        """), model)
    assert loaded.response.answers["data.collection"].note == "10:30"


def test_bad_answer_is_located_on_its_value(write, model):
    assert refused(write, model, """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀}
        answers:
          data.labelled_images: {value: yes}
          data.collection: {value: 7, note: 일곱}
        """) == ["5:21: answer '7' to 'data.collection': not one of the options "
                 "(valid: 1, 2, 3, 4, 5)"]


def test_every_bad_answer_is_listed_on_its_own_line(write, model):
    assert refused(write, model, """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀, employees: 많음}
        answers:
          data.collection: 7
          data.labelled_images: {value: yes}
          infra.systems:
            value: [erp, sap]
        """) == [
        "2:23: answer '많음' to 'employees': not a number",
        "4:3: answer '7' to 'data.collection': not one of the options (valid: 1, 2, 3, 4, 5)",
        "7:5: answer '['erp', 'sap']' to 'infra.systems': 'sap': not one of the options "
        "(valid: erp, mes, scada)",
    ]


def test_bad_answer_message_in_korean(write, model):
    path = write("r.yaml", """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀}
        answers: {data.collection: 7}
        """)
    with pytest.raises(ValidationFailed) as caught:
        responses.load(path, model)
    assert caught.value.render("ko") == (
        f"{path}:3:11: 'data.collection'의 답 '7': 선택지에 없는 답입니다 (가능한 값: 1, 2, 3, 4, 5)")


def test_answer_to_unknown_question_is_a_warning(write, model):
    loaded = responses.load(write("r.yaml", """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀, ceo: 홍길동}
        answers:
          data.collection: 3
          data.old_question: 2
        """), model)
    assert [p.render("en").split(":", 1)[1] for p in loaded.warnings] == [
        "2:23: warning: unknown company field 'ceo' is ignored",
        "5:3: warning: answer to unknown question 'data.old_question' is not scored "
        "(it stays in the file)",
    ]
    assert "data.old_question" not in loaded.values
    assert loaded.values["data.collection"] == 3


def test_version_mismatch_is_a_warning(write, model):
    loaded = responses.load(write("r.yaml", """\
        questionnaire: {id: mfg-ai-readiness, version: "0.9"}
        company: {name: 울산정밀}
        """), model)
    assert [p.severity for p in loaded.warnings] == ["warning"]
    assert "answers version 0.9, scored with version 1.0" in loaded.warnings[0].render("en")


def test_other_questionnaire_is_an_error(write, model):
    assert refused(write, model, """\
        questionnaire: {id: hr-survey, version: "1.0"}
        company: {name: 울산정밀}
        """) == ["1:17: answers questionnaire 'hr-survey', not 'mfg-ai-readiness': "
                 "pass the right one with -q"]


@pytest.mark.parametrize("company", ["company: {id: ulsan-0042}", "company: {name: '  '}",
                                     "company: {}"])
def test_missing_company_name_is_an_error(write, model, company):
    assert refused(write, model, f"""\
questionnaire: {{id: mfg-ai-readiness, version: "1.0"}}
{company}
answers: {{data.collection: 3}}
""") == ["2:1: the company name (company.name) is missing"]


def test_unknown_status_is_an_error(write, model):
    found = refused(write, model, """\
        questionnaire: {id: mfg-ai-readiness, version: "1.0"}
        company: {name: 울산정밀}
        status: done
        """)
    assert len(found) == 1
    assert found[0].startswith("3:1: status: invalid value")


# --- saving --------------------------------------------------------------------------------

def sample_response(model) -> responses.Response:
    response = responses.new_response(
        model, {"id": "ulsan-0042", "name": "(주)울산정밀", "employees": 85},
        Assessment(date=dt.date(2026, 3, 12), round="baseline", consultant="김민수"))
    response.answers["data.collection"] = Answer(
        value=3, note="설비 12대 중 4대만 PLC 연결 <img src=x>", evidence=["photos/line2.jpg"])
    response.answers["data.labelled_images"] = Answer(value="na", note="yes")
    response.answers["infra.systems"] = Answer(value=["erp", "mes"], note="줄1\n줄2")
    response.assessment.summary = "라인2부터: \"MES\" 먼저, #AI는 1년 뒤"
    response.status = "complete"
    return response


def test_save_then_load_round_trips(tmp_path, model):
    response = sample_response(model)
    path = tmp_path / "ulsan.yaml"
    responses.save(response, path)
    loaded = responses.load(path, model)
    assert loaded.response == response
    assert loaded.values == {
        "id": "ulsan-0042", "name": "(주)울산정밀", "employees": 85.0,
        "data.collection": 3, "data.labelled_images": "na", "infra.systems": ("erp", "mes"),
    }
    answers = loaded.response.answers
    assert answers["data.collection"].note == "설비 12대 중 4대만 PLC 연결 <img src=x>"
    assert answers["data.labelled_images"].note == "yes"
    assert answers["infra.systems"].note == "줄1\n줄2"
    assert answers["data.collection"].evidence == ["photos/line2.jpg"]
    assert loaded.response.status == "complete"
    assert loaded.response.questionnaire.sha256 == model.sha256
    assert loaded.response.assessment.summary == "라인2부터: \"MES\" 먼저, #AI는 1년 뒤"


def test_where_an_interview_stopped_round_trips_and_is_optional(tmp_path, model):
    response = sample_response(model)
    response.status = "in_progress"
    response.resume_at = "infra.systems"
    path = tmp_path / "ulsan.yaml"
    responses.save(response, path)
    assert path.read_text(encoding="utf-8").rstrip().endswith("resume_at: infra.systems")
    assert responses.load(path, model).response.resume_at == "infra.systems"
    response.resume_at = None
    responses.save(response, path)
    assert "resume_at" not in path.read_text(encoding="utf-8")


TRICKY_NOTES = ["yes", "no", "null", "10:30", "=1+2", "", "  앞뒤 공백  ", "'홑따옴표'", '"겹따옴표"',
                "라인 2: PLC #3, {예비} [확인], 50% 연결", "줄1\n줄2\n", "<script>alert(1)</script>",
                "설비 데이터를 수기로 기록하고 주 1회 엑셀에 옮겨 적는다. " * 6]


@pytest.mark.parametrize("note", TRICKY_NOTES)
def test_any_note_survives_save_and_load(tmp_path, model, note):
    response = sample_response(model)
    response.answers["data.collection"] = Answer(value=3, note=note)
    path = tmp_path / "ulsan.yaml"
    responses.save(response, path)
    assert responses.load(path, model).response.answers["data.collection"].note == note


def test_saved_file_is_readable_korean(tmp_path, model):
    path = tmp_path / "ulsan.yaml"
    responses.save(sample_response(model), path)
    text = path.read_text(encoding="utf-8")
    assert "name: (주)울산정밀" in text
    assert "consultant: 김민수" in text
    assert "\\u" not in text


def test_answered_at_round_trips_as_iso_8601(tmp_path, model):
    response = sample_response(model)
    response.answers["data.collection"] = Answer(
        value=3, answered_at=dt.datetime(2026, 3, 12, 10, 41, 7, tzinfo=KST))
    path = tmp_path / "ulsan.yaml"
    responses.save(response, path)
    loaded = responses.load(path, model).response
    assert loaded.answers["data.collection"].answered_at == "2026-03-12T10:41:07+09:00"
    assert loaded == response


def test_save_is_atomic_and_replaces(tmp_path, model):
    path = tmp_path / "ulsan.yaml"
    response = sample_response(model)
    responses.save(response, path)
    response.answers["data.collection"] = Answer(value=5)
    responses.save(response, path)
    assert os.listdir(tmp_path) == ["ulsan.yaml"]
    assert responses.load(path, model).values["data.collection"] == 5


# --- a file answered with questionnaire 1.0, read by the bundled 2.0 --------------------------

VERSION_1 = """\
questionnaire: {id: mfg-ai-readiness, version: "1.0"}
company: {id: ulsan-0007, name: (주)울산정밀, industry: auto-parts, employees: 85,
  smart_factory_level: basic, defect_rate: 2.5}
assessment: {date: 2025-11-20, round: baseline, consultant: 김민수}
answers:
  strategy.vision: 3
  strategy.ai_owner: partial
  strategy.support_programs: [smart_factory, kamp]
  data.collection: {value: 3, note: 설비 12대 중 4대만 PLC 연결}
  data.has_vision_images: "yes"
  infra.systems: [erp, mes]
  process.safety: 2
  process.quality_inspection: 2
  talent.digital_staff: 1.5
  governance.ai_use_policy: "yes"
status: complete
"""


def test_a_version_one_file_loads_under_two_with_what_changed_named(write):
    """Kept ids keep their answers; retired ones are left in the file, unscored, each named."""
    import pandas as pd

    from diagnose.engine import batch

    q, _ = batch.load_content()
    path = write("ulsan-0007.yaml", VERSION_1)
    loaded = responses.load(path, q)
    said = [p.render("en").split(":", 1)[1] for p in loaded.warnings]
    assert said == [
        "1:39: warning: answers version 1.0, scored with version 2.0: check the questions that "
        "changed",
        *[f"{line}:3: warning: answer to unknown question '{qid}' is not scored (it stays in "
          "the file)" for line, qid in [(7, "strategy.ai_owner"), (8, "strategy.support_programs"),
                                        (12, "process.safety"), (14, "talent.digital_staff"),
                                        (15, "governance.ai_use_policy")]],
    ]
    assert loaded.values["data.collection"] == 3 and loaded.values["industry"] == "auto-parts"
    row = batch.score_inputs([path]).scores.table.iloc[0]
    assert row["strategy.score"] == 3.0 and row["data.score"] == 3.0  # vision: not asked
    assert row["process.score"] == 2.0
    # nothing says AI is in operation: the new dimension has no score, and the level stays <= 3
    assert pd.isna(row["ai.score"]) and row["overall.level"] <= 3
