"""answers.normalize: what people type or export, turned into canonical answer values."""

from __future__ import annotations

import math

import pytest

from diagnose.inputs import answers
from diagnose.inputs.answers import NA, UNKNOWN, AnswerError, normalize

QUESTIONNAIRE = """\
id: t
version: "1"
title: {ko: 시험, en: Test}
profile:
  - {id: name, type: text, text: {ko: 기업명, en: Company name}}
  - id: industry
    type: choice
    text: {ko: 업종, en: Industry}
    options:
      - {value: auto-parts, label: {ko: 자동차 부품, en: Auto parts}}
      - {value: none, label: {ko: 해당 없음, en: None of these}}
dimensions:
  - id: d
    title: {ko: 차원, en: Dimension}
    questions:
      - id: d.level
        type: level
        allow_na: true
        text: {ko: 수준, en: Level}
        options:
          - {value: 1, label: {ko: 수기 기록, en: On paper}}
          - {value: 2, label: {ko: 엑셀 입력, en: Typed into Excel}}
          - {value: 3, label: {ko: 일부 자동, en: Partly automatic}}
          - {value: 4, label: {ko: 대부분 자동, en: Mostly automatic}}
          - {value: 5, label: {ko: 실시간 통합, en: Real-time}}
      - {id: d.strict, type: level, text: {ko: 엄격, en: Strict}, options: LEVELS}
      - {id: d.plc, type: yesno, allow_na: true, text: {ko: PLC, en: PLC}}
      - id: d.sys
        type: multi
        text: {ko: 시스템, en: Systems}
        options:
          - {value: erp, label: {ko: 전사적 자원관리, en: ERP system}}
          - {value: mes, label: {ko: 생산관리, en: MES}}
          - {value: scada, label: {ko: 감시제어, en: SCADA}}
      - id: d.sensors
        type: number
        min: 0
        max: 1000
        text: {ko: 센서 수, en: Sensors}
        bands: [{max: 10, level: 1}, {max: 100, level: 3}, {max: 500, level: 5}]
      - id: d.rate
        type: number
        text: {ko: 불량률, en: Defect rate}
        bands: [{max: 1, level: 5}, {level: 1}]
      - {id: d.memo, type: text, text: {ko: 메모, en: Notes}}
      - {id: d.fte, type: number, unit: {ko: 명, en: FTE}, text: {ko: 인력, en: Staff},
         bands: [{level: 1}]}
"""


@pytest.fixture(scope="module")
def items(build_questionnaire):
    return build_questionnaire(QUESTIONNAIRE).items


def error(item, raw) -> str:
    with pytest.raises(AnswerError) as caught:
        normalize(item, raw)
    return caught.value.message.render("en")


# --- level ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [3, "3", " 3 ", "３", 3.0, "일부 자동", "Partly automatic",
                                 "partly  AUTOMATIC"])
def test_level_by_number_or_label(items, raw):
    value = normalize(items["d.level"], raw)
    assert value == 3
    assert type(value) is int


@pytest.mark.parametrize("raw", [6, "6", 0, "많이", 2.5])
def test_level_not_an_option_lists_the_valid_values(items, raw):
    assert error(items["d.level"], raw) == "not one of the options (valid: 1, 2, 3, 4, 5)"


def test_level_error_in_korean(items):
    with pytest.raises(AnswerError) as caught:
        normalize(items["d.level"], "많이")
    assert caught.value.message.render("ko") == "선택지에 없는 답입니다 (가능한 값: 1, 2, 3, 4, 5)"


def test_level_refuses_a_boolean(items):
    assert error(items["d.level"], True).startswith("not one of the options")


# --- yesno ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("yes", "yes"), ("Yes", "yes"), ("예", "yes"), ("true", "yes"), (True, "yes"),
    ("no", "no"), ("아니오", "no"), ("No", "no"), (False, "no"),
    ("partial", "partial"), ("일부", "partial"), ("Partly", "partial"),
])
def test_yesno(items, raw, expected):
    assert normalize(items["d.plc"], raw) == expected


def test_yesno_unknown_word_lists_the_three_values(items):
    assert error(items["d.plc"], "maybe") == "not one of the options (valid: no, partial, yes)"


# --- multi ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("ERP system, MES", ("erp", "mes")),
    ("MES, ERP system", ("erp", "mes")),  # questionnaire order, whatever the typed order
    ("mes;erp", ("erp", "mes")),
    ("scada ; 전사적 자원관리", ("erp", "scada")),
    ("생산관리", ("mes",)),  # one label: still a tuple
    ("mes", ("mes",)),
    ("Mes", ("mes",)),
    (["scada", "erp"], ("erp", "scada")),
    (["감시제어", "mes", "erp"], ("erp", "mes", "scada")),
    ("erp, erp", ("erp",)),
    ([], ()),  # nothing ticked is an answer, not a blank
])
def test_multi(items, raw, expected):
    assert normalize(items["d.sys"], raw) == expected


def test_multi_unknown_label_names_the_valid_values(items):
    assert error(items["d.sys"], "erp, SAP") == (
        "'SAP': not one of the options (valid: erp, mes, scada)")


# --- number --------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("1,200", 1200.0), ("12%", 12.0), (" 12 % ", 12.0), ("１２", 12.0), (7, 7.0), ("0.5", 0.5),
])
def test_number_cells(items, raw, expected):
    assert normalize(items["d.rate"], raw) == expected


@pytest.mark.parametrize("raw", ["abc", "12개", True, "inf", "nan"])
def test_not_a_number(items, raw):
    assert error(items["d.rate"], raw) == "not a number"


@pytest.mark.parametrize(("raw", "expected"), [
    ("85명", 85.0), ("85 명", 85.0), ("1.5 FTE", 1.5), ("1.5fte", 1.5), ("１,５００명", 1500.0),
    ("1,500", 1500.0), ("12,345,678.5", 12345678.5), ("-1,200", -1200.0),
])
def test_number_with_its_unit_and_thousands_commas(items, raw, expected):
    assert normalize(items["d.fte"], raw) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("0,5", "'0,5' could be 0.5 or 5: write decimals with a point (0.5), thousands as 1,500"),
    ("1,5", "'1,5' could be 1.5 or 15: write decimals with a point (1.5), thousands as 1,500"),
    ("85,5명", "'85,5' could be 85.5 or 855: write decimals with a point (85.5), "
               "thousands as 1,500"),
    ("1,50", "'1,50' could be 1.50 or 150: write decimals with a point (1.50), "
             "thousands as 1,500"),
    ("1.500,5", "'1.500,5': a comma only groups thousands (1,500); write decimals with a "
                "point (0.5)"),
    ("12,34,567", "'12,34,567': a comma only groups thousands (1,500); write decimals with a "
                  "point (0.5)"),
])
def test_a_comma_that_does_not_group_thousands_is_refused_never_guessed(items, raw, reason):
    assert error(items["d.fte"], raw) == reason
    with pytest.raises(AnswerError) as caught:
        normalize(items["d.fte"], raw)
    assert "알 수 없습니다" in caught.value.message.ko or "천 단위" in caught.value.message.ko


@pytest.mark.parametrize("raw", ["85개", "명", "85명 정도", "about 85 FTE"])
def test_not_the_unit_is_not_a_number(items, raw):
    assert error(items["d.fte"], raw) == "not a number"


def test_parse_number_is_the_one_rule_for_every_source():
    assert answers.parse_number("85 employees", {"ko": "명", "en": "employees"}) == 85.0
    assert answers.parse_number("85명", "명") == 85.0
    with pytest.raises(AnswerError):
        answers.parse_number("85명")  # no unit given: not a number


def test_number_below_minimum(items):
    assert error(items["d.sensors"], -1) == "-1 is below the minimum 0"


def test_number_above_maximum(items):
    assert error(items["d.sensors"], "1,200") == "1200 is above the maximum 1000"


def test_number_beyond_the_bands(items):
    assert error(items["d.sensors"], 600) == "600 is beyond the scoring bands (up to 500)"
    assert normalize(items["d.sensors"], 500) == 500.0  # the last max itself is inside


# --- not applicable, don't know, unanswered ----------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("na", NA), ("NA", NA), ("N/A", NA), ("해당 없음", NA), ("해당없음", NA),
    ("not applicable", NA),
    ("unknown", UNKNOWN), ("모름", UNKNOWN), ("don't know", UNKNOWN), ("Don't Know", UNKNOWN),
])
@pytest.mark.parametrize("question", ["d.level", "d.plc"])
def test_na_and_unknown_words_with_allow_na(items, question, raw, expected):
    assert normalize(items[question], raw) == expected


@pytest.mark.parametrize("raw", ["해당 없음", "N/A", "모름", "don't know", "na", "unknown"])
def test_na_and_unknown_refused_without_allow_na(items, raw):
    assert error(items["d.strict"], raw) == (
        "this question does not allow 'not applicable' or 'don't know'")


@pytest.mark.parametrize("raw", [None, "", "   ", math.nan])
def test_blank_is_unanswered(items, raw):
    assert normalize(items["d.level"], raw) is None
    assert normalize(items["d.sys"], raw) is None


# --- text and profile items ----------------------------------------------------------------

def test_text_is_trimmed(items):
    assert normalize(items["d.memo"], "  설비 12대 중 4대  ") == "설비 12대 중 4대"
    assert normalize(items["name"], "(주)울산정밀") == "(주)울산정밀"


def test_profile_choice_by_label(items):
    assert normalize(items["industry"], "Auto parts") == "auto-parts"
    assert normalize(items["industry"], "자동차 부품") == "auto-parts"


def test_text_answer_that_says_dont_know_is_kept_as_text(items):
    assert normalize(items["d.memo"], "모름") == "모름"


def test_option_labelled_like_na_can_be_chosen(items):
    assert normalize(items["industry"], "해당 없음") == "none"


def test_lookup_table_gives_the_same_answers(items):
    item = items["d.sys"]
    table = answers.lookup_table(item)
    assert normalize(item, "MES, ERP system", table) == ("erp", "mes")


# --- display -------------------------------------------------------------------------------

def test_display_shows_labels(items):
    assert answers.display(items["d.level"], 3, "en") == "Partly automatic"
    assert answers.display(items["d.level"], 3, "ko") == "일부 자동"
    assert answers.display(items["d.sys"], ("erp", "mes"), "en") == "ERP system, MES"
    assert answers.display(items["d.sys"], (), "ko") == "선택 없음"
    assert answers.display(items["d.level"], NA, "ko") == "해당 없음"
    assert answers.display(items["d.plc"], UNKNOWN, "en") == "Don't know"
    assert answers.display(items["d.sensors"], 1200.0, "ko") == "1,200"


def test_display_keeps_a_year_without_a_thousands_separator() -> None:
    from diagnose.engine import batch

    q, _ = batch.load_content()
    year = next(i for i in q.profile if i.id == "support_last_year")
    staff = next(i for i in q.profile if i.id == "employees")
    assert answers.display(year, 2024, "ko") == "2024"
    assert answers.display(staff, 1500, "ko").startswith("1,500")
