"""Company identity: which assessments are about one company.

One rule for every command: ``score`` keeps one assessment per company and round, ``compare``
refuses two different companies, ``cohort`` links a company's rounds. An assessment is about
the company with its programme company id when it has one, else the company with its name. Ids
and names are compared as people mean them: NFKC, case folded, without any whitespace, so
``울산오토파츠(주)`` and ``울산오토파츠 (주)``, or ``ULSAN-0042`` and ``ulsan-0042``, are one
company. An assessment without an id joins the company that has its name and an id when exactly
one such company is among the assessments read together; one with neither id nor name is a
company of its own.

Rounds are told apart the same way (``round_key``): ``baseline``, ``Baseline`` and ``T0`` are
one round; ``followup``, ``Follow-up`` and ``t1`` the next (``followup2``, ``t2`` the one
after); any other round name in the same normal form as ids and names. Documents name rounds
in words (``round_name``): 기준 진단 / Baseline, 후속 진단 / Follow-up, 후속 진단 2, ...
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from diagnose.core.labels import label
from diagnose.inputs.frame import profile_column

ID_COLUMN, NAME_COLUMN = profile_column("id"), profile_column("name")


def normal_form(text: str) -> str:
    """A company id or name as people mean it: NFKC, case folded, without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def normal_forms(texts: list[str]) -> list[str]:
    """``normal_form`` of every text, in a few passes over all of them at once.

    The texts are joined with NUL, which no normalisation, case folding or whitespace rule
    touches or joins across (it is a starter, and not whitespace); texts holding NUL
    themselves are taken one by one.
    """
    joined = "\0".join(texts)
    if joined.count("\0") != max(len(texts) - 1, 0):
        return [normal_form(text) for text in texts]
    forms = "".join(unicodedata.normalize("NFKC", joined).casefold().split()).split("\0")
    return forms if texts else []


def _normalised(column: pd.Series | None, size: int) -> np.ndarray:
    """The normal form of every cell of a column ('' for a gap or a missing column)."""
    if column is None:
        return np.full(size, "", dtype=object)
    values = column.astype(object).where(column.notna(), "")
    forms = np.empty(size, dtype=object)  # filled, not built from a list: stays one-dimensional
    forms[:] = normal_forms([str(value) for value in values.tolist()])
    return forms


def company_keys(table: pd.DataFrame) -> pd.Series:
    """Who each row (an assessment) is about, indexed like ``table``.

    ``id:<id>`` or ``name:<name>`` in normal form (see the module docstring for the rule), or
    ``row:<position>`` for a row with neither. ``table`` is an answers frame or a score table
    (columns ``company.id``, which may be absent, and ``company.name``).
    """
    size = len(table)
    ids = _normalised(table.get(ID_COLUMN), size)
    names = _normalised(table.get(NAME_COLUMN), size)
    has_id, has_name = ids != "", names != ""
    keys = np.where(has_id, "id:" + ids, "name:" + names)
    if has_id.any() and not has_id.all():  # only then can an assessment join a company's id
        known = pd.DataFrame({"id": ids[has_id], "name": names[has_id]}).drop_duplicates()
        known = known[known["name"] != ""]
        single = known[~known["name"].duplicated(keep=False)].set_index("name")["id"]
        adopted = pd.Series(names).map(single).to_numpy(dtype=object)
        joins = ~has_id & pd.notna(adopted)
        keys = np.where(joins, "id:" + np.where(joins, adopted, ""), keys)
    anonymous = ~has_id & ~has_name
    if anonymous.any():
        keys = np.where(anonymous, np.array([f"row:{i}" for i in range(size)], dtype=object),
                        keys)
    return pd.Series(keys, index=table.index, dtype=object)


_FOLLOWUP = re.compile(r"^follow[-_]?up[-_]?(\d*)$")
_NUMBERED = re.compile(r"^t(\d+)$")


def round_rank(name: object) -> float:
    """The place of a round name in time: baseline 0, followup 1 (followup2: 2), tN: N.

    Read in normal form (``Follow up``, ``ＢＡＳＥＬＩＮＥ``); NaN for any other name.
    """
    if not isinstance(name, str):
        return math.nan
    word = normal_form(name)
    if word in {"baseline", "t0"}:
        return 0.0
    if match := _FOLLOWUP.match(word):
        return float(match.group(1) or 1)
    if match := _NUMBERED.match(word):
        return float(match.group(1))
    return math.nan


def round_key(name: object) -> str:
    """A round as people mean it: ``#0`` for baseline (any case, ``t0``), ``#1`` for followup
    (``Follow-up``, ``t1``), ...; any other name in normal form; ``''`` for none."""
    if not isinstance(name, str):
        return ""
    rank = round_rank(name)
    return normal_form(name) if math.isnan(rank) else f"#{rank:g}"


def round_name(name: object, lang: str = "ko") -> str:
    """A round in words for a reader: baseline (``t0``) -> 기준 진단 / Baseline, followup
    (``t1``) -> 후속 진단 / Follow-up, followup2 (``t2``) -> 후속 진단 2; any other name as
    written; ``''`` for none."""
    if not isinstance(name, str):
        return ""
    rank = round_rank(name)
    if math.isnan(rank):
        return name.strip()
    if rank == 0:
        return label("rounds.baseline", lang)
    followup = label("rounds.followup", lang)
    return followup if rank == 1 else f"{followup} {rank:g}"


def round_keys(rounds: pd.Series) -> np.ndarray:
    """``round_key`` of every cell (a gap is ``''``), once per distinct name."""
    values = rounds.astype(object).where(rounds.notna(), None)
    keys = {name: round_key(name) for name in pd.unique(values)}
    return np.array([keys[name] for name in values.tolist()], dtype=object)


def same_company(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Two assessments (score-table rows or dicts with ``company.id``/``company.name``) are
    about one company."""
    pair = pd.DataFrame({column: [first.get(column), second.get(column)]
                         for column in (ID_COLUMN, NAME_COLUMN)}, dtype=object)
    keys = company_keys(pair)
    return bool(keys.iloc[0] == keys.iloc[1])
