"""questionnaire: the model, its loader and its FILE:LINE:COL problems (CONTRACT.md section 2)."""

from __future__ import annotations

import hashlib
import textwrap

import pytest

from diagnose.content import questionnaire
from diagnose.core.errors import ValidationFailed


def problems(text: str) -> list[str]:
    """Every problem in an inline questionnaire, rendered in English."""
    _, found = questionnaire.check_text(textwrap.dedent(text), "q.yaml")
    return [p.render("en") for p in found]


# Written to CONTRACT.md section 2 by someone who never read the code.
CONTRACT_EXAMPLE = """\
id: mfg-ai-readiness            # stable id
version: "1.0"
default_language: ko
title: {ko: 제조 AI 준비도 진단, en: Manufacturing AI Readiness Diagnosis}
profile:                         # company facts asked first; unscored
  - {id: name, type: text, text: {ko: 기업명, en: Company name}}
  - id: industry
    type: choice
    text: {ko: 업종, en: Industry}
    options:
      - {value: auto-parts, label: {ko: 자동차 부품, en: Auto parts}}
      - {value: food, label: {ko: 식품, en: Food}}
  - {id: employees, type: number, text: {ko: 직원 수, en: Employees}}
dimensions:
  - id: data
    title: {ko: 데이터, en: Data}
    questions:
      - id: data.has_plc
        type: yesno
        text: {ko: 설비에 PLC가 있습니까, en: Do the machines have PLCs}
      - id: data.collection      # unique across the file
        type: level
        text: 설비 데이터를 어떻게 모읍니까
        guidance: {ko: 실제 화면을 보여 달라고 하세요, en: Ask to see the screen}
        weight: 2
        allow_na: true
        show_if: {question: data.has_plc, in: [yes]}
        options:
          - {value: 1, label: {ko: 수기 기록, en: On paper}}
          - {value: 2, label: {ko: 엑셀 입력, en: Typed into Excel}}
          - {value: 3, label: {ko: 일부 자동 수집, en: Partly automatic}}
          - {value: 4, label: {ko: 대부분 자동 수집, en: Mostly automatic}}
          - {value: 5, label: {ko: 실시간 통합, en: "Real-time, integrated"}}
  - id: infra
    title: {ko: 인프라, en: Infrastructure}
    questions:
      - id: infra.systems
        type: multi
        text: {ko: 쓰는 시스템, en: Systems in use}
        options:
          - {value: erp, label: {ko: ERP, en: ERP}, weight: 2}
          - {value: mes, label: {ko: MES, en: MES}}
      - id: infra.sensors
        type: number
        text: {ko: 센서 수, en: Number of sensors}
        bands: [{max: 0, level: 1}, {max: 10, level: 3}, {level: 5}]
      - {id: infra.memo, type: text, text: {ko: 메모, en: Notes}}
"""


def test_contract_example_validates_with_one_warning_for_the_plain_string():
    assert problems(CONTRACT_EXAMPLE) == ["q.yaml:23:9: warning: no translation (only ko)"]


def test_contract_example_model(tmp_path):
    path = tmp_path / "mfg.yaml"
    path.write_text(CONTRACT_EXAMPLE, encoding="utf-8")
    model = questionnaire.load(path)
    assert [q.id for q in model.questions] == [
        "data.has_plc", "data.collection", "infra.systems", "infra.sensors", "infra.memo"]
    assert [q.id for q in model.scored_questions] == [
        "data.has_plc", "data.collection", "infra.systems", "infra.sensors"]
    collection = model.question("data.collection")
    assert collection.weight == 2
    assert collection.allow_na is True
    assert collection.show_if is not None and collection.show_if.in_ == ["yes"]  # not True
    assert model.question("data.has_plc").weight == 1  # the default
    assert model.dimension_of["infra.sensors"] == "infra"
    # a plain string is the default language, and stands in for the missing English
    assert model.text(collection.text, "en") == "설비 데이터를 어떻게 모읍니까"
    assert model.text(model.title, "en") == "Manufacturing AI Readiness Diagnosis"
    assert model.source == str(path)
    assert model.sha256 == hashlib.sha256(CONTRACT_EXAMPLE.encode()).hexdigest()


def test_yesno_offers_three_choices_without_options_in_the_file():
    model, _ = questionnaire.check_text(CONTRACT_EXAMPLE, "q.yaml")
    assert model is not None
    choices = model.question("data.has_plc").choices()
    assert [(o.value, o.label) for o in choices] == [
        ("no", {"ko": "아니오", "en": "No"}),
        ("partial", {"ko": "일부", "en": "Partly"}),
        ("yes", {"ko": "예", "en": "Yes"})]


def test_show_if_true_means_yes():
    text = CONTRACT_EXAMPLE.replace("in: [yes]", "in: [true]")
    model, found = questionnaire.check_text(text, "q.yaml")
    assert [p.severity for p in found] == ["warning"]
    assert model is not None
    assert model.question("data.collection").show_if.in_ == ["yes"]


# --- broken files: each problem at its line and column -------------------------------------

def test_unknown_key_is_located_at_the_key():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - id: d.a
                type: yesno
                text: 가
                wieght: 2
        """) == ["q.yaml:13:9: unknown key 'wieght': check its spelling"]


def test_duplicate_question_id_names_the_first_line():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: yesno, text: 가}
              - {id: d.b, type: yesno, text: 나}
          - id: e
            title: 차원2
            questions:
              - {id: d.a, type: yesno, text: 다}
        """) == ["q.yaml:15:10: duplicate id 'd.a' (already on line 10)"]


def test_show_if_pointing_at_an_unknown_question():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: yesno, text: 가}
              - {id: d.b, type: yesno, text: 나, show_if: {question: d.plc, in: [yes]}}
        """) == ["q.yaml:11:51: show_if points at unknown question 'd.plc'"]


def test_show_if_pointing_at_a_later_question():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: yesno, text: 가, show_if: {question: d.b, in: [yes]}}
              - {id: d.b, type: yesno, text: 나}
        """) == ["q.yaml:10:51: show_if may only point at an earlier question "
                 "('d.b' comes later)"]


def test_show_if_value_not_an_option_of_its_target():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.plc, type: yesno, text: 가}
              - {id: d.lvl, type: level, text: 나, options: [{value: 1, label: 낮음}, {value: 5, label: 높음}]}
              - id: d.c
                type: yesno
                text: 다
                show_if: {question: d.plc, in: [yes, maybe]}
              - id: d.d
                type: yesno
                text: 라
                show_if: {question: d.lvl, not_in: [1, 3]}
        """) == ["q.yaml:15:46: 'maybe' is not a value of 'd.plc'",
                 "q.yaml:19:48: '3' is not a value of 'd.lvl'"]


def test_show_if_on_a_profile_choice_is_checked_against_its_options():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile:
          - {id: name, type: text, text: 기업명}
          - {id: industry, type: choice, text: 업종, options: [{value: food, label: 식품}]}
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: yesno, text: 가, show_if: {question: industry, in: [food]}}
              - {id: d.b, type: yesno, text: 나, show_if: {question: industry, in: [auto]}}
        """) == ["q.yaml:13:76: 'auto' is not a value of 'industry'"]


def test_level_option_value_6():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - id: d.a
                type: level
                text: 가
                options:
                  - {value: 1, label: 낮음}
                  - {value: 6, label: 너무 높음}
        """) == ["q.yaml:15:14: level option values must be whole numbers 1-5 ('6')"]


def test_level_question_without_options():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: yesno, text: 가}
              - id: d.b
                type: level
                text: 나
        """) == ["q.yaml:11:9: a 'level' question needs options"]


def test_number_bands_out_of_order_and_open_band_not_last():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - id: d.sensors
                type: number
                text: 센서 수
                bands:
                  - {max: 10, level: 1}
                  - {max: 5, level: 3}
                  - {level: 4}
                  - {max: 100, level: 5}
        """) == [
        "q.yaml:15:14: band max values must ascend (10.0 then 5.0)",
        "q.yaml:16:13: only the last band may lack max",
        ]


def test_number_question_without_bands():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.sensors, type: number, text: 센서 수}
        """) == ["q.yaml:10:9: a number question needs bands"]


def test_missing_name_profile_item():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile:
          - {id: company, type: text, text: 회사}
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: yesno, text: 가}
        """) == ["q.yaml:5:1: the profile needs a company name item (id: name)"]


def test_missing_required_key_is_located_at_its_parent():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, text: 가}
        """) == ["q.yaml:10:9: required key 'type' is missing"]


def test_unknown_question_type_is_located_at_the_value():
    found = problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: scale, text: 가}
        """)
    assert len(found) == 1
    assert found[0].startswith("q.yaml:10:19: dimensions.0.questions.0.type: invalid value")


def test_multi_and_choice_option_values_must_be_ids():
    assert problems("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - id: d.sys
                type: multi
                text: 시스템
                options:
                  - {value: ERP, label: ERP}
                  - {value: mes, label: MES}
                  - {value: mes, label: MES2}
        """) == [
        "q.yaml:14:14: option values must be ids of lowercase letters, digits, - and _ ('ERP')",
        "q.yaml:16:14: duplicate option value 'mes'",
        ]


def test_missing_translation_is_a_warning_only(tmp_path):
    text = textwrap.dedent("""\
        id: t
        version: "1"
        title: {ko: 시험, en: Test}
        profile: [{id: name, type: text, text: {ko: 기업명, en: Company name}}]
        dimensions:
          - id: d
            title: {ko: 차원, en: Dimension}
            questions:
              - id: d.a
                type: yesno
                text: {ko: PLC가 있습니까}
        """)
    assert problems(text) == ["q.yaml:11:9: warning: missing 'en' translation"]
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    model = questionnaire.load(path)
    assert model.text(model.question("d.a").text, "en") == "PLC가 있습니까"


def test_load_raises_with_every_error_on_its_own_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent("""\
        id: t
        version: "1"
        languages: [ko]
        title: 시험
        profile: [{id: company, type: text, text: 회사}]
        dimensions:
          - id: d
            title: 차원
            questions:
              - {id: d.a, type: level, text: 가}
        """), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        questionnaire.load(path)
    assert caught.value.render("en").splitlines() == [
        f"{path}:5:1: the profile needs a company name item (id: name)",
        f"{path}:10:9: a 'level' question needs options",
    ]


def test_check_file_reports_yaml_syntax_error_as_a_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: t\ntitle: [시험\n", encoding="utf-8")
    model, found = questionnaire.check_file(path)
    assert model is None
    assert len(found) == 1
    assert found[0].render("en").startswith(f"{path}:3:1: YAML syntax error")


def test_json_schema_has_defs_for_question():
    schema = questionnaire.json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) >= {"id", "version", "title", "profile", "dimensions"}
    question = schema["$defs"]["Question"]
    assert question["additionalProperties"] is False
    assert set(question["required"]) == {"id", "text", "type"}
    assert question["properties"]["type"]["enum"] == ["level", "multi", "yesno", "number",
                                                     "text"]
    assert "in" in schema["$defs"]["ShowIf"]["properties"]  # the alias, as authors write it
    assert {"Option", "NumberBand", "Dimension", "ProfileItem"} <= set(schema["$defs"])


# --- actions: per level 1-4, what a company at that level does next -----------------------

ACTIONS = """\
id: t
version: "1"
title: {ko: 시험, en: Test}
profile: [{id: name, type: text, text: {ko: 기업명, en: Name}}]
dimensions:
  - id: d
    title: {ko: 차원, en: Dimension}
    questions:
      - id: d.a
        type: level
        text: {ko: 가, en: A}
        options:
          - {value: 1, label: {ko: 종이, en: Paper}}
          - {value: 2, label: {ko: 엑셀, en: Excel}}
          - {value: 3, label: {ko: 시스템, en: System}}
        actions:
          - {level: 1, ko: "담당이 엑셀 양식을 만든다", en: "The owner makes an Excel form"}
          - {level: 2, ko: "담당이 시스템에 입력한다"}
      - id: d.b
        type: yesno
        text: {ko: 나, en: B}
        actions: [{level: 1, ko: "한다", en: "Does it"}]
"""


def test_actions_load_by_level_and_read_in_either_language(tmp_path):
    model, found = questionnaire.check_text(ACTIONS.replace(
        "        actions: [{level: 1, ko: \"한다\", en: \"Does it\"}]\n", ""), "q.yaml")
    assert model is not None
    question = model.question("d.a")
    assert question.action(1).text == {"ko": "담당이 엑셀 양식을 만든다",
                                       "en": "The owner makes an Excel form"}
    assert question.action(2).text == {"ko": "담당이 시스템에 입력한다"}
    assert question.action(3) is None
    assert [p.render("en") for p in found] == ["q.yaml:18:13: warning: missing 'en' translation"]


def test_actions_errors_are_located():
    text = ACTIONS.replace("- {level: 2, ko:", "- {level: 1, ko:").replace(
        "          - {value: 3, label: {ko: 시스템, en: System}}\n", "")
    assert problems(text) == [
        "q.yaml:17:13: warning: missing 'en' translation",
        "q.yaml:17:14: duplicate action for level 1",
        "q.yaml:21:9: actions belong to level questions only",
    ]


def test_an_action_on_the_top_level_is_an_error():
    text = ACTIONS.replace("- {level: 2, ko:", "- {level: 3, ko:")
    assert "q.yaml:18:14: no option above level 3, so it takes no action" in problems(text)


def test_an_action_without_any_text_is_an_error():
    text = ACTIONS.replace('- {level: 2, ko: "담당이 시스템에 입력한다"}', "- {level: 2}")
    assert "q.yaml:18:13: the action has no text (ko, en)" in problems(text)


# --- the bundled questionnaire (content checks a consultant relies on) --------------------

@pytest.fixture(scope="module")
def bundled():
    from diagnose.core import resources

    model, found = questionnaire.check_file(resources.DEFAULT_QUESTIONNAIRE)
    assert model is not None
    assert [p.render("en") for p in found] == []  # not even a missing translation
    return model


def test_bundled_stays_within_sixty_scored_questions(bundled):
    assert bundled.version == "2.0"
    assert len(bundled.scored_questions) <= 60
    assert [d.id for d in bundled.dimensions] == [
        "strategy", "data", "infra", "process", "talent", "culture", "governance", "ai"]


def test_every_bundled_level_question_has_an_action_per_level_that_is_no_anchor(bundled):
    for question in bundled.questions:
        if question.type != "level":
            continue
        assert sorted(a.level for a in question.actions) == [1, 2, 3, 4], question.id
        anchors = {text for o in question.options for text in o.label.values()}
        for action in question.actions:
            assert set(action.text) == {"ko", "en"}, (question.id, action.level)
            assert not anchors & set(action.text.values()), (question.id, action.level)


# The recommendation engine and the solution catalogue are written against these ids and
# values: renaming one breaks them silently, so the test lists them exactly.
PROFILE_OPTIONS = {
    "district": ["jung", "nam", "dong", "buk", "ulju", "outside"],
    "main_processes": ["press", "injection", "welding", "painting_coating", "heat_treatment",
                       "casting_forging", "cnc_machining", "assembly", "reaction_distillation",
                       "batch_mixing", "plating_surface", "inspection_testing"],
    "production_type": ["mass", "hmlv", "project", "continuous"],
    "automation_level": ["manual", "semi", "automated", "highly_automated"],
    "oem_customers": ["hyundai_kia", "hyundai_mobis", "hd_hyundai_shipbuilding", "hanwha_ocean",
                      "samsung_heavy", "sk_energy", "s_oil", "korea_zinc", "other_oem", "none"],
    "oem_demands": ["quality_data_submission", "traceability", "carbon_data", "security_audit",
                    "supplier_quality_cert", "none"],
    "support_received": ["smart_factory", "kamp", "ai_voucher", "data_voucher", "rnd",
                         "consulting", "training", "kosha_safety", "kea_fems", "kisa_security",
                         "none"],
    "support_in_use": ["yes", "partly", "no", "not_applicable"],
    "investment_capacity": ["under_30m", "30m_100m", "100m_300m", "300m_1b", "over_1b"],
    "goal_area": ["quality_inspection", "predictive_maintenance", "process_optimisation",
                  "energy", "safety", "scheduling", "productivity_automation",
                  "knowledge_documents", "quotation_design", "carbon", "traceability_customer"],
    "psm_applicable": ["yes", "no", "unknown"],
    "hazardous_zones": ["yes", "no", "unknown"],
    "programme_consent": ["yes", "no"],
    "visual_inspection": ["yes", "no"],
}
PROFILE_NUMBERS = ["employees", "defect_rate", "unplanned_downtime_hours", "oee", "energy_cost",
                   "annual_production_value", "support_last_year", "visual_inspectors",
                   "operating_hours", "claim_cost", "ageing_share", "foreign_worker_share"]
QUESTIONS = ["ai.in_operation", "ai.after_vendor", "ai.operation_plan", "ai.vendor_management",
             "process.safety_system", "process.moc", "process.customer_integration",
             "process.product_data", "governance.green", "governance.ai_rules",
             "talent.digital_roles"]


def test_bundled_profile_has_the_ids_and_values_the_engine_uses(bundled):
    profile = {p.id: p for p in bundled.profile}
    for item_id, values in PROFILE_OPTIONS.items():
        assert [o.value for o in profile[item_id].options] == values, item_id
    assert [o.value for o in profile["pain_areas"].options] == PROFILE_OPTIONS["goal_area"]
    industries = [o.value for o in profile["industry"].options]
    assert {"auto-parts", "shipbuilding", "petrochemical", "metal", "machinery", "electronics",
            "food", "other", "plastics", "refining"} == set(industries)
    for item_id in PROFILE_NUMBERS:
        assert profile[item_id].type == "number", item_id
    money = {p.id: p.unit for p in bundled.profile if p.id in
             {"claim_cost", "energy_cost", "annual_production_value"}}
    assert set(map(str, money.values())) == {str({"ko": "백만원", "en": "KRW million"})}
    assert profile["name_en"].type == "text"


def test_bundled_new_questions_are_levels_and_retired_ids_are_gone(bundled):
    for qid in QUESTIONS:
        assert bundled.question(qid).type == "level", qid
    retired = {"strategy.support_programs", "strategy.ai_owner", "talent.digital_staff",
               "process.safety", "governance.ai_use_policy"}
    assert not retired & set(bundled.items)


def test_bundled_conditions_ask_use_case_items_only_where_they_apply(bundled):
    conditions = {q.id: (q.show_if.question, q.show_if.values())
                  for q in bundled.questions if q.show_if is not None}
    assert conditions["data.has_vision_images"] == ("visual_inspection", ["yes"])
    assert conditions["data.labelled_images"][0] == "data.has_vision_images"
    assert conditions["data.defect_image_count"][0] == "data.has_vision_images"
    assert conditions["ai.after_vendor"] == ("ai.in_operation", [2, 3, 4, 5])
    assert conditions["process.moc"] == ("psm_applicable", ["yes"])
    assert conditions["process.process_control"][0] == "main_processes"


def test_bundled_safety_level_one_names_the_legal_gap(bundled):
    one = bundled.question("process.safety_system").options[0].label
    assert "법" in one["ko"] and "law" in one["en"]


@pytest.mark.parametrize("where, weight, shown", [
    ("question", "1e308", "1e+308"), ("question", "1e999", "inf"), ("option", "1e308", "1e+308"),
    ("question", "101", "101.0"),
])
def test_an_absurd_weight_is_a_located_problem(where: str, weight: str, shown: str) -> None:
    """Weights are finite and at most 100 (questionnaire.MAX_WEIGHT): 1e308 passed validation
    and two of them added up to inf, every score of the dimension NaN."""
    question_weight = weight if where == "question" else "1"
    option_weight = weight if where == "option" else "1"
    found = problems(f"""\
        id: w
        version: "1"
        languages: [ko]
        title: 가중치
        profile: [{{id: name, type: text, text: 기업명}}]
        dimensions:
          - id: infra
            title: 인프라
            questions:
              - id: infra.systems
                type: multi
                weight: {question_weight}
                text: 시스템
                options:
                  - {{value: erp, label: ERP, weight: {option_weight}}}
                  - {{value: mes, label: MES}}
        """)
    line, col = (12, 9) if where == "question" else (15, 38)
    assert found == [f"q.yaml:{line}:{col}: a weight must be a finite number up to 100 "
                     f"('{shown}')"]


def test_weights_up_to_100_are_taken() -> None:
    assert questionnaire.MAX_WEIGHT == 100
    assert problems("""\
        id: w
        version: "1"
        languages: [ko]
        title: 가중치
        profile: [{id: name, type: text, text: 기업명}]
        dimensions:
          - {id: infra, title: 인프라, questions: [{id: infra.a, type: yesno, text: 가, weight: 100}]}
        """) == []
