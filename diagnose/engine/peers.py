"""Peer groups: companies compared with others like them, never with fewer than five.

Two sources, one shape (``PeerGroup``):

* ``reference``: the dated reference benchmark (``scoring/benchmark.yaml``), the default of
  the company report, so a report never depends on which other files were in the command;
* ``peer_groups``: the assessments scored together (the cohort, and ``diagnose report
  --peers``).

Either way a company's group is its industry and size class; when that group is missing or has
fewer than ``MIN_GROUP`` companies it falls back to the industry, then to everyone, and says
so. Only group statistics leave this module: never another company's name or answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from diagnose.content.benchmark import ALL, SIZES, Benchmark
from diagnose.content.questionnaire import Questionnaire
from diagnose.core import labels
from diagnose.core.i18n import LANGS, pick

MIN_GROUP = 5
# The size classes: head count below the limit, and the key of their names (``labels.PEERS``)
# and of the benchmark's groups, in order.
SIZE_CLASSES: list[tuple[float, str]] = list(zip((50, 300, float("inf")), SIZES, strict=True))


def size_class(employees: object) -> int | None:
    """Index into ``SIZE_CLASSES`` for a head count (None when unknown)."""
    try:
        count = float(employees)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if np.isnan(count):
        return None
    return next(i for i, (limit, _) in enumerate(SIZE_CLASSES) if count < limit)


def size_class_name(size: int | None, lang: str) -> str:
    """The name of a size class (``size_class``'s result) in ``lang``."""
    key = "unknown_size" if size is None else SIZE_CLASSES[size][1]
    return labels.label(f"peers.{key}", lang)


def _in_all(key: str) -> dict[str, str]:
    """The label ``key`` in every language, as a ``PeerGroup`` keeps its name."""
    return {lang: labels.label(key, lang) for lang in LANGS}


@dataclass(frozen=True)
class PeerGroup:
    """The group an assessment is compared with, and the group's median scores."""

    level: str  # "industry-size" | "industry" | "all" | "none"
    size: int
    label: dict[str, str]
    medians: dict[str, float]  # "<dim>.score" and "overall.score" -> median
    fell_back: bool
    source: str = "batch"  # "batch": scored together; "benchmark": the reference benchmark

    def name(self, lang: str) -> str:
        return pick(self.label, lang)


def _medians(table: pd.DataFrame, members: np.ndarray, columns: list[str]) -> dict[str, float]:
    subset = table.loc[members, columns]
    return {c: float(subset[c].median()) for c in columns if subset[c].notna().any()}


@dataclass(frozen=True)
class _Profile:
    """The facts peer groups are made of, one array per table row."""

    industries: pd.Series
    sizes: pd.Series
    scored: np.ndarray
    labels: dict[object, object]

    @classmethod
    def of(cls, table: pd.DataFrame, questionnaire: Questionnaire) -> _Profile:
        blank = pd.Series([None] * len(table), index=table.index, dtype=object)
        industry_item = next((p for p in questionnaire.profile if p.id == "industry"), None)
        return cls(
            industries=table.get("company.industry", blank),
            # object dtype: a missing head count must stay None, not turn the classes into floats
            sizes=pd.Series([size_class(v) for v in table.get("company.employees", blank)],
                            index=table.index, dtype=object),
            scored=table["overall.score"].notna().to_numpy(),
            labels={o.value: o.label for o in industry_item.options} if industry_item else {},
        )

    def chain(self, industry: object, size: int | None
              ) -> list[tuple[str, np.ndarray, dict[str, str]]]:
        """The groups to try for one company, narrowest first: (level, members, label)."""
        industry_name = self.labels.get(industry)
        known_industry = industry is not None and not (isinstance(industry, float)
                                                       and np.isnan(industry))
        candidates = []
        if known_industry and size is not None:
            members = (self.scored & (self.industries == industry).to_numpy()
                       & (self.sizes == size).to_numpy())
            label = {lang: f"{pick(industry_name, lang) or industry} · "
                           f"{size_class_name(size, lang)}" for lang in LANGS}
            candidates.append(("industry-size", members, label))
        if known_industry:
            members = self.scored & (self.industries == industry).to_numpy()
            label = {lang: pick(industry_name, lang) or str(industry) for lang in LANGS}
            candidates.append(("industry", members, label))
        candidates.append(("all", self.scored, _in_all("peers.whole")))
        return candidates


def peer_groups(table: pd.DataFrame, questionnaire: Questionnaire) -> list[PeerGroup]:
    """The peer group of every row of a score table (same order)."""
    columns = ["overall.score"] + [f"{d.id}.score" for d in questionnaire.dimensions]
    profile = _Profile.of(table, questionnaire)
    cache: dict[tuple[object, ...], PeerGroup] = {}
    groups = []
    for industry, size in zip(profile.industries, profile.sizes, strict=True):
        key = (industry, size)
        if key not in cache:
            cache[key] = _group(table, columns, profile, industry, size)
        groups.append(cache[key])
    return groups


def _group(table: pd.DataFrame, columns: list[str], profile: _Profile, industry: object,
           size: int | None) -> PeerGroup:
    for rank, (level, members, label) in enumerate(profile.chain(industry, size)):
        if members.sum() >= MIN_GROUP:
            return PeerGroup(level, int(members.sum()), label,
                             _medians(table, members, columns), fell_back=rank > 0)
    return PeerGroup("none", int(profile.scored.sum()), _in_all("peers.whole"), {},
                     fell_back=True)


def medians_excluding(table: pd.DataFrame, questionnaire: Questionnaire, by: str,
                      column: str = "overall.score") -> np.ndarray:
    """For every row, the median ``column`` of its peers that do not share its ``by`` value.

    Used to check one consultant's scores against the other consultants' on similar
    companies: the peers are chosen by the same fallback chain as ``peer_groups``, each group
    counted without the rows whose ``by`` equals this row's, and needing ``MIN_GROUP`` of
    them. NaN where ``by`` is blank or no group is large enough.
    """
    profile = _Profile.of(table, questionnaire)
    owners = table[by].to_numpy(dtype=object) if by in table else np.full(len(table), None)
    values = table[column].to_numpy(dtype=float)
    result = np.full(len(table), np.nan)
    cache: dict[tuple[object, ...], float] = {}
    for row, (industry, size, owner) in enumerate(zip(profile.industries, profile.sizes, owners,
                                                       strict=True)):
        if _blank(owner):
            continue
        key = (industry, size, owner)
        if key not in cache:
            cache[key] = _median_without(profile, values, owners, industry, size, owner)
        result[row] = cache[key]
    return result


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value == ""


def _median_without(profile: _Profile, values: np.ndarray, owners: np.ndarray,
                    industry: object, size: int | None, owner: object) -> float:
    others = owners != owner
    for _, members, _ in profile.chain(industry, size):
        chosen = members & others & ~np.isnan(values)
        if chosen.sum() >= MIN_GROUP:
            return float(np.median(values[chosen]))
    return float("nan")


def group_names(table: pd.DataFrame, questionnaire: Questionnaire, lang: str
                ) -> tuple[list[str], list[str]]:
    """Every row's industry name and size-class name in ``lang`` (for breakdowns)."""
    profile = _Profile.of(table, questionnaire)
    unknown = labels.label("peers.unknown_industry", lang)

    def industry_name(value: object) -> str:
        return pick(profile.labels.get(value), lang) or str(value)  # type: ignore[arg-type]

    names = {v: industry_name(v) for v in {x for x in profile.industries if not _blank(x)}}
    industries = [unknown if _blank(v) else names[v] for v in profile.industries]
    sizes: Sequence[int | None] = profile.sizes.tolist()
    return industries, [size_class_name(s, lang) for s in sizes]


def reference(benchmark: Benchmark, industry: object, employees: object,
              questionnaire: Questionnaire) -> PeerGroup:
    """A company's group in the reference benchmark: its industry and size class, else its
    industry, else everyone (the file holds only groups of at least its ``min_group``)."""
    industry_item = questionnaire.items.get("industry")
    industry_names = {o.value: o.label for o in industry_item.options} if industry_item else {}
    size = size_class(employees)
    known = not _blank(industry)
    chain: list[tuple[str, str, str]] = []
    if known and size is not None:
        chain.append(("industry-size", str(industry), SIZES[size]))
    if known:
        chain.append(("industry", str(industry), ALL))
    chain.append(("all", ALL, ALL))
    for rank, (level, key, size_key) in enumerate(chain):
        group = benchmark.group(key, size_key)
        if group is None:
            continue
        parts = [] if key == ALL else [industry_names.get(industry) or key]
        label = {lang: " · ".join([*(pick(p, lang) for p in parts),
                                   *([size_class_name(size, lang)] if size_key != ALL
                                     and size is not None else [])])
                 or labels.label("peers.whole", lang) for lang in LANGS}
        medians = {("overall.score" if k == "overall" else f"{k}.score"): v
                   for k, v in group.medians.items()}
        return PeerGroup(level, group.n, label, medians, fell_back=rank > 0,
                         source="benchmark")
    return PeerGroup("none", 0, _in_all("peers.whole"), {}, fell_back=True,
                     source="benchmark")
