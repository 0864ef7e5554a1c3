"""Reading many inputs at once: which assessment of a company is kept."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnose.engine import batch

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
def test_company_keys_at_once_are_each_names_own_key(names: list[str]) -> None:
    assert batch.company_keys(names) == [one_by_one(name) for name in names]


def test_a_company_written_two_ways_is_one_company() -> None:
    assert len(set(batch.company_keys(["(주) 울산정밀", "(주)울산정밀", "（주）울산 정밀",
                                       "ULSAN Precision", "ulsan\u00a0precision"]))) == 2


def inputs(names: list[str], dates: list[str | None]) -> batch.Inputs:
    frame = pd.DataFrame({"company.name": names, "assessment.round": ["1차"] * len(names),
                          "assessment.date": dates}, dtype=object)
    files = np.array([f"f{i}.yaml" for i in range(len(names))], dtype=object)
    return batch.Inputs(frame, files, np.zeros(len(names), dtype=int), [], [], [])


def test_the_later_assessment_of_a_company_is_kept_and_the_other_explained() -> None:
    read = inputs(["(주)울산정밀", "(주)태화", "(주) 울산정밀", "(주)태화"],
                  ["2026-05-01", None, "2026-03-01", "2026-01-01"])
    assert read.latest_only().tolist() == [0, 3]  # the dated one beats the undated one
    left_out = {r.file: r for r in read.rejections}
    assert set(left_out) == {"f1.yaml", "f2.yaml"}
    assert "f0.yaml" in left_out["f2.yaml"].reason.en
    assert "f3.yaml" in left_out["f1.yaml"].reason.en
