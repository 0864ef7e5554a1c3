"""Company identity: the one rule by which score, compare and cohort tell companies apart."""

from __future__ import annotations

import unicodedata

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnose.inputs import identity

# Names that normalise, fold or lose spaces, and characters that combine across a boundary
# if anything joined them: a leading jamo and a vowel jamo, a letter and a combining mark.
NAME_PARTS = st.sampled_from(["(주)", "( 주 )", "㈜", "울산정밀", "ＵＬＳＡＮ", "Ulsan", "ULSAN",
                              "\u00a0", "\u3000", " ", "\t", "\u1100", "\u1161", "e", "\u0301",
                              "\u00a8", "ß", "ﬁ", "\x1f", "\x00", "Ⅻ", "①"])
NAMES = st.lists(st.lists(st.one_of(NAME_PARTS, st.text(max_size=3))).map("".join), max_size=12)


def one_by_one(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


@settings(max_examples=400, deadline=None, derandomize=True)
@given(NAMES)
def test_normal_forms_at_once_are_each_names_own(names: list[str]) -> None:
    assert identity.normal_forms(names) == [one_by_one(name) for name in names]


def test_a_company_written_two_ways_is_one_company() -> None:
    assert len(set(identity.normal_forms(["(주) 울산정밀", "(주)울산정밀", "（주）울산 정밀",
                                          "ULSAN Precision", "ulsan\u00a0precision"]))) == 2


def keys(rows: list[tuple[str | None, str | None]]) -> list[str]:
    table = pd.DataFrame(rows, columns=["company.id", "company.name"], dtype=object)
    return identity.company_keys(table).tolist()


def test_the_id_decides_else_the_name_as_people_mean_them() -> None:
    assert keys([("U-1", "가"), ("u-1 ", "나"), (None, "울산오토파츠(주)"),
                 ("", "울산오토파츠 (주)")]) == [
        "id:u-1", "id:u-1", "name:울산오토파츠(주)", "name:울산오토파츠(주)"]


def test_without_an_id_an_assessment_joins_the_one_company_with_its_name() -> None:
    assert keys([("u-1", "울산오토파츠(주)"), (None, "울산오토파츠 (주)")]) == ["id:u-1", "id:u-1"]
    # two companies of that name: which one is meant is unknown, so it stays on its own
    assert keys([("u-1", "가"), ("u-2", "가"), (None, "가")]) == ["id:u-1", "id:u-2", "name:가"]


def test_an_assessment_naming_no_company_is_a_company_of_its_own() -> None:
    assert keys([(None, None), (None, ""), (None, "가")]) == ["row:0", "row:1", "name:가"]


def test_same_company_uses_the_same_rule() -> None:
    row = pd.Series
    assert identity.same_company(row({"company.name": "울산오토파츠(주)"}),
                                 row({"company.name": "울산오토파츠 (주)"}))
    assert not identity.same_company(row({"company.name": ""}), row({"company.name": None}))


def test_rounds_are_told_apart_as_people_mean_them() -> None:
    """``baseline`` and ``Baseline`` are one round, as a company's id in two cases is one
    company; ``t0`` is the baseline, ``Follow-up`` and ``t1`` the first follow-up."""
    same = [["baseline", "Baseline", " BASELINE ", "t0", "ｂａｓｅｌｉｎｅ"],
            ["followup", "Follow-up", "follow up", "T1", "followup1"],
            ["1차", "1 차"]]
    for names in same:
        assert len({identity.round_key(name) for name in names}) == 1, names
    assert len({identity.round_key(names[0]) for names in same}) == 3
    assert identity.round_key(None) == ""
    rounds = pd.Series(["Baseline", None, "followup"], dtype=object)
    assert identity.round_keys(rounds).tolist() == ["#0", "", "#1"]
