"""Peer groups: companies compared with others like them, never with fewer than five.

A company's peers are the companies of its industry and size class; when that group has
fewer than ``MIN_GROUP`` companies it falls back to the industry, then to the whole cohort,
and says so. Only group statistics leave this module: never another company's name or answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from diagnose.i18n import pick
from diagnose.questionnaire import Questionnaire

MIN_GROUP = 5
SIZE_CLASSES: list[tuple[float, dict[str, str]]] = [
    (50, {"ko": "50인 미만", "en": "under 50 staff"}),
    (300, {"ko": "50~299인", "en": "50-299 staff"}),
    (float("inf"), {"ko": "300인 이상", "en": "300+ staff"}),
]
WHOLE = {"ko": "전체 참여 기업", "en": "all participating companies"}


def size_class(employees: object) -> int | None:
    """Index into ``SIZE_CLASSES`` for a head count (None when unknown)."""
    try:
        count = float(employees)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if np.isnan(count):
        return None
    return next(i for i, (limit, _) in enumerate(SIZE_CLASSES) if count < limit)


@dataclass(frozen=True)
class PeerGroup:
    """The group an assessment is compared with, and the group's median scores."""

    level: str  # "industry-size" | "industry" | "all" | "none"
    size: int
    label: dict[str, str]
    medians: dict[str, float]  # "<dim>.score" and "overall.score" -> median
    fell_back: bool

    def name(self, lang: str) -> str:
        return pick(self.label, lang)


def _medians(table: pd.DataFrame, members: np.ndarray, columns: list[str]) -> dict[str, float]:
    subset = table.loc[members, columns]
    return {c: float(subset[c].median()) for c in columns if subset[c].notna().any()}


def peer_groups(table: pd.DataFrame, questionnaire: Questionnaire) -> list[PeerGroup]:
    """The peer group of every row of a score table (same order)."""
    columns = ["overall.score"] + [f"{d.id}.score" for d in questionnaire.dimensions]
    industry_item = next((p for p in questionnaire.profile if p.id == "industry"), None)
    industries = table.get("company.industry", pd.Series([None] * len(table), index=table.index))
    sizes = table.get("company.employees", pd.Series([None] * len(table), index=table.index)
                      ).map(size_class)
    scored = table["overall.score"].notna().to_numpy()
    labels = {o.value: o.label for o in industry_item.options} if industry_item else {}
    cache: dict[tuple[object, ...], PeerGroup] = {}
    groups = []
    for industry, size in zip(industries, sizes, strict=True):
        key = (industry, size)
        if key not in cache:
            cache[key] = _group(table, columns, industries, sizes, scored, industry, size, labels)
        groups.append(cache[key])
    return groups


def _group(table: pd.DataFrame, columns: list[str], industries: pd.Series, sizes: pd.Series,
           scored: np.ndarray, industry: object, size: int | None,
           labels: dict[object, object]) -> PeerGroup:
    industry_name = labels.get(industry)
    known_industry = industry is not None and not (isinstance(industry, float)
                                                   and np.isnan(industry))
    candidates = []
    if known_industry and size is not None:
        members = scored & (industries == industry).to_numpy() & (sizes == size).to_numpy()
        size_label = SIZE_CLASSES[size][1]
        label = {lang: f"{pick(industry_name, lang) or industry} · {size_label[lang]}"
                 for lang in ("ko", "en")}
        candidates.append(("industry-size", members, label))
    if known_industry:
        members = scored & (industries == industry).to_numpy()
        label = {lang: pick(industry_name, lang) or str(industry) for lang in ("ko", "en")}
        candidates.append(("industry", members, label))
    candidates.append(("all", scored, dict(WHOLE)))
    for rank, (level, members, label) in enumerate(candidates):
        if members.sum() >= MIN_GROUP:
            return PeerGroup(level, int(members.sum()), label,
                             _medians(table, members, columns), fell_back=rank > 0)
    return PeerGroup("none", int(scored.sum()), dict(WHOLE), {}, fell_back=True)
