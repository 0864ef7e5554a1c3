"""yamlio: safe YAML reading with positions, and dumping that reads back the same."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnose.content import yamlio
from diagnose.core.errors import DiagnoseError, ValidationFailed


def refusal(text: str) -> str:
    """The one problem ``parse_text`` reports for ``text``, rendered in English."""
    with pytest.raises(ValidationFailed) as caught:
        yamlio.parse_text(text, "x.yaml")
    assert len(caught.value.problems) == 1
    return caught.value.render("en")


# --- what is refused, and where ------------------------------------------------------------

def test_anchor_is_refused_at_the_anchor():
    text = ("levels: [1, 2]\n"
            "copy: &lv [3, 4]\n")
    assert refusal(text) == (
        "x.yaml:2:7: anchors and aliases (&, *) are not allowed: write the content out")


def test_alias_is_refused_at_the_alias():
    text = ("a: 1\n"
            "b: *a\n")
    assert refusal(text) == (
        "x.yaml:2:4: anchors and aliases (&, *) are not allowed: write the content out")


def test_anchor_and_alias_report_the_anchor_first():
    text = ("a: &a 1\n"
            "b: *a\n")
    assert refusal(text).startswith("x.yaml:1:4: anchors and aliases")


def test_merge_key_is_refused_at_the_merge_key():
    text = ("base:\n"
            "  weight: 1\n"
            "question:\n"
            "  id: q1\n"
            "  <<: {weight: 2}\n")
    assert refusal(text) == (
        "x.yaml:5:3: merge keys (<<) are not allowed: write the content out")


def test_duplicate_key_is_refused_at_the_second_key():
    text = ("question:\n"
            "  id: q1\n"
            "  weight: 1\n"
            "  weight: 2\n")
    assert refusal(text) == "x.yaml:4:3: duplicate key: weight"


def test_duplicate_key_message_in_korean():
    with pytest.raises(ValidationFailed) as caught:
        yamlio.parse_text("a: 1\na: 2\n", "x.yaml")
    assert caught.value.render("ko") == "x.yaml:2:1: 중복된 키: a"


def test_syntax_error_is_located():
    text = ("id: t\n"
            "options: [1, 2\n"
            "title: x\n")
    message = refusal(text)
    assert message.startswith("x.yaml:3:6: YAML syntax error:")


def test_tab_indentation_is_a_located_syntax_error():
    message = refusal("a:\n\tb: 1\n")
    assert message.startswith("x.yaml:2:1: YAML syntax error:")


def test_python_tags_are_refused():
    message = refusal("value: !!python/name:os.system ''\n")
    assert message.startswith("x.yaml:1:8: unreadable value")


def test_tag_on_a_list_is_refused():
    # never constructed, and not silently dropped either: the file cannot make Python objects
    assert "unsupported YAML tag" in refusal("value: !!python/object/apply:os.system [ls]\n")


def test_nesting_too_deep_is_refused():
    text = "a: " + "[" * 100 + "]" * 100 + "\n"
    assert "nesting is too deep" in refusal(text)


# --- what values mean -----------------------------------------------------------------------

def test_only_true_and_false_are_booleans():
    doc = yamlio.parse_text(
        "a: yes\n"
        "b: no\n"
        "c: on\n"
        "d: off\n"
        "e: Yes\n"
        "f: true\n"
        "g: False\n")
    assert doc.data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": "Yes",
                        "f": True, "g": False}


def test_numbers_dates_and_null():
    doc = yamlio.parse_text("n: 3\nx: 1.5\nd: 2026-03-12\nz: ~\n")
    assert doc.data == {"n": 3, "x": 1.5, "d": dt.date(2026, 3, 12), "z": None}


@pytest.mark.parametrize("text, line, col, value", [
    ("assessment: {date: 2026-02-30, round: baseline}\n", 1, 20, "2026-02-30"),
    ("answers:\n  q1: {value: 3, answered_at: 2026-04-31T10:41:07+09:00}\n", 2, 31,
     "2026-04-31T10:41:07+09:00"),
    ("date: 2026-13-01\n", 1, 7, "2026-13-01"),
    ("at: 2026-03-12T25:00:00\n", 1, 5, "2026-03-12T25:00:00"),
    ("columns:\n  2026-02-30: q1\n", 2, 3, "2026-02-30"),  # a key (a map file's column)
], ids=["date", "answered_at", "month", "hour", "key"])
def test_an_impossible_date_is_a_located_problem(text: str, line: int, col: int,
                                                 value: str) -> None:
    """``datetime`` refuses what YAML reads as a date: a located problem, not a ValueError."""
    assert refusal(text) == (f"x.yaml:{line}:{col}: not a real date or time: {value}; "
                             "write an existing date as YYYY-MM-DD")


def test_time_of_day_stays_text():
    assert yamlio.parse_text("start: 10:30\n").data == {"start": "10:30"}


def test_leading_zero_id_is_not_octal():
    assert yamlio.parse_text("id: 0042\n").data["id"] in ("0042", 42)


def test_positions_of_keys_and_list_items():
    doc = yamlio.parse_text(
        "id: t\n"
        "dimensions:\n"
        "  - id: data\n"
        "    questions:\n"
        "      - {id: data.a, type: level}\n")
    assert doc.where(("id",)) == (1, 1)
    assert doc.where(("dimensions", 0, "id")) == (3, 5)
    assert doc.where(("dimensions", 0, "questions", 0)) == (5, 9)
    assert doc.where(("dimensions", 0, "questions", 0, "type")) == (5, 22)
    # a location that does not exist falls back to its nearest ancestor
    assert doc.where(("dimensions", 0, "questions", 0, "weight")) == (5, 9)


def test_empty_document_is_none():
    assert yamlio.parse_text("# only a comment\n").data is None


# --- reading files --------------------------------------------------------------------------

def test_file_over_size_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: 12345\n", encoding="utf-8")
    with pytest.raises(DiagnoseError) as caught:
        yamlio.load(path, max_bytes=5)
    assert caught.value.render("en") == f"{path}: file is too large (9 bytes, at most 5)"


def test_binary_file(tmp_path):
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DiagnoseError) as caught:
        yamlio.load(path)
    assert caught.value.render("en") == f"{path}: not a text file (binary)"


def test_non_utf8_file_says_to_save_as_utf8(tmp_path):
    path = tmp_path / "cp949.yaml"
    path.write_bytes("name: 울산정밀\n".encode("cp949"))
    with pytest.raises(DiagnoseError) as caught:
        yamlio.load(path)
    assert caught.value.render("en") == f"{path}: not UTF-8 (line 1): save it again as UTF-8"
    assert "UTF-8로 다시 저장하세요" in caught.value.render("ko")


def test_missing_file(tmp_path):
    with pytest.raises(DiagnoseError) as caught:
        yamlio.load(tmp_path / "nope.yaml")
    assert caught.value.render("en").endswith("nope.yaml: file not found")


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffname: 울산정밀\n".encode())
    doc = yamlio.load(path)
    assert doc.data == {"name": "울산정밀"}
    assert doc.path == str(path)


# --- dumping (atomic writing: tests/test_files.py) ------------------------------------------

ROUND_TRIP = {
    "company": {"name": "(주)울산정밀", "employees": 85},
    "note": "설비 12대 중 4대만 PLC 연결",
    "words": ["yes", "no", "on", "off", "true", "null", "=1+2", "1.0", "10:30", "", " 앞뒤 "],
    "multi": ["erp", "mes"],
    "date": dt.date(2026, 3, 12),
    "at": dt.datetime(2026, 3, 12, 10, 41, 7, tzinfo=dt.timezone(dt.timedelta(hours=9))),
    "lines": "첫째 줄\n둘째 줄\n",
    "html": "<img src=x onerror=alert(1)>",
    "flag": True,
    "none": None,
}


def test_dump_then_parse_round_trips():
    text = yamlio.dump(ROUND_TRIP)
    assert yamlio.parse_text(text).data == ROUND_TRIP


def test_dump_keeps_korean_readable_and_key_order():
    text = yamlio.dump({"b": "울산", "a": "yes"})
    assert text == "b: 울산\na: 'yes'\n"
