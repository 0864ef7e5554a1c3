"""The programme's figures for the city and the ministry (the city report).

Companies diagnosed against the target, employees and production value covered,
distributions by industry, size class, district, smart-factory level and maturity level, the
baseline business KPIs (medians with n), the estimated value of the recommended initiatives
(with its method), places per track against capacity, and after a follow-up round the change
per dimension and KPI (T0 -> T1, as the EU DMA reports it) by industry and size.

Every figure comes from a group of ``MIN_GROUP`` (5) or more companies: a smaller group's
count is shown as "fewer than 5" and its medians are not shown at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from diagnose.content.questionnaire import Questionnaire
from diagnose.core.i18n import pick
from diagnose.core.labels import label
from diagnose.core.money import MILLION
from diagnose.engine import progress
from diagnose.engine.peers import MIN_GROUP, size_class, size_class_name
from diagnose.engine.progress import KPIS
from diagnose.engine.recommend import Recommendation
from diagnose.engine.selection import SelectionResult
from diagnose.inputs.frame import profile_column
from diagnose.inputs.identity import company_keys, round_name

MKRW = MILLION  # the profile states money in 백만 원


@dataclass
class Count:
    label: str
    n: int | None  # None: fewer than MIN_GROUP, not shown


@dataclass
class Median:
    label: str
    n: int
    median: float | None  # None where n < MIN_GROUP
    unit: str = ""  # the questionnaire's unit in the document's language ('%', '백만원')


@dataclass
class Change:
    group: str
    n: int
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class CityFigures:
    companies: int
    target: int | None
    employees: float
    production_value_krw: float
    distributions: dict[str, list[Count]]
    kpis: list[Median]
    value_krw: float
    value_companies: int
    allocation: list[dict[str, Any]]
    rounds: list[str] = field(default_factory=list)
    changes: dict[str, list[Change]] = field(default_factory=dict)  # by what changed, named
    units: dict[str, str] = field(default_factory=dict)  # the unit of a KPI in ``changes``


def _count(label: str, n: int) -> Count:
    return Count(label, n if n >= MIN_GROUP else None)


def _distribution(values: pd.Series, labels: dict[Any, str], unknown: str) -> list[Count]:
    counts = values.map(lambda v: labels.get(v, unknown) if v is not None and v == v
                        else unknown).value_counts()
    order = [*dict.fromkeys([*labels.values(), unknown])]
    return [_count(label, int(counts[label])) for label in order if label in counts]


def _option_labels(q: Questionnaire, item_id: str, lang: str) -> dict[Any, str]:
    item = q.items.get(item_id)
    if item is None:
        return {}
    return {o.value: pick(o.label, lang) for o in item.options}


def _median(label: str, values: pd.Series, unit: str = "") -> Median:
    numbers = pd.to_numeric(values, errors="coerce").dropna()
    n = len(numbers)
    return Median(label, n, float(numbers.median()) if n >= MIN_GROUP else None, unit)


def _unit(q: Questionnaire, item: str, lang: str) -> str:
    """The unit a profile figure is asked in ('%', '시간/년', '백만원'), '' for none."""
    found = q.items.get(item)
    unit = getattr(found, "unit", None)
    return pick(unit, lang) if unit else ""


def figures(table: pd.DataFrame, q: Questionnaire, recommendations: list[list[Recommendation]],
            selection: SelectionResult | None, target: int | None, lang: str) -> CityFigures:
    """The city report's figures from a score table (with its profile columns)."""
    latest = progress.latest(table)
    now = table[latest]
    unknown = label("city.unknown", lang)
    sizes = now.get(profile_column("employees"), pd.Series(index=now.index, dtype=object))
    size_labels = {i: size_class_name(i, lang) for i in range(3)}
    levels = now["overall.level"].map(lambda v: None if pd.isna(v) else int(v))
    level_names = {level: f"{level} {name}" for level, name in
                   sorted(zip(levels, now["overall.level_name"], strict=True),
                          key=lambda pair: pair[0] if pair[0] is not None else 99)
                   if level is not None}
    distributions = {
        "industry": _distribution(now.get(profile_column("industry"), pd.Series(dtype=object)),
                                  _option_labels(q, "industry", lang), unknown),
        "size": _distribution(sizes.map(size_class), size_labels, unknown),
        "district": _distribution(now.get(profile_column("district"), pd.Series(dtype=object)),
                                  _option_labels(q, "district", lang), unknown),
        "smart_factory_level": _distribution(
            now.get(profile_column("smart_factory_level"), pd.Series(dtype=object)),
            _option_labels(q, "smart_factory_level", lang), unknown),
        "level": _distribution(levels, level_names, unknown),
    }
    kpis = [_median(pick(q.items[k].text, lang) if k in q.items else k,
                    now.get(profile_column(k), pd.Series(dtype=float)), _unit(q, k, lang))
            for k in KPIS]
    values = [recs[0].value_krw for recs, keep in zip(recommendations, latest, strict=True)
              if keep and recs and recs[0].value_krw is not None]
    employees = pd.to_numeric(sizes, errors="coerce").sum()
    production = pd.to_numeric(now.get(profile_column("annual_production_value"),
                                       pd.Series(dtype=float)), errors="coerce").sum() * MKRW
    allocation = []
    if selection is not None:
        for track in selection.tracks:
            allocation.append({"track": pick(track.track.name, lang), "id": track.track.id,
                               "capacity": track.track.capacity,
                               "selected": len(track.primary), "reserve": len(track.reserve)})
    result = CityFigures(len(now), target, float(employees), float(production), distributions,
                         kpis, float(sum(values)), len(values), allocation)
    _changes(result, table, q, lang)
    return result


def _changes(result: CityFigures, table: pd.DataFrame, q: Questionnaire, lang: str) -> None:
    """T0 -> T1 per dimension and KPI, over companies assessed in two rounds, by group."""
    keys = company_keys(table)
    frame = table.assign(_key=keys.to_numpy(), _date=table["assessment.date"].astype(str),
                         _pos=range(len(table)))
    counts = frame.groupby("_key")["_pos"].transform("size")
    paired = frame[counts >= 2].sort_values(["_key", "_date", "_pos"])
    if paired.empty:
        return
    first = paired.groupby("_key").head(1).set_index("_key")
    last = paired.groupby("_key").tail(1).set_index("_key")
    result.rounds = [round_name(str(first["assessment.round"].mode().iloc[0]), lang),
                     round_name(str(last["assessment.round"].mode().iloc[0]), lang)]
    industry = first.get(profile_column("industry"))
    labels = _option_labels(q, "industry", lang)
    groups: dict[str, pd.Index] = {label("city.all", lang): first.index}
    if industry is not None:
        for value, members in first.groupby(industry).groups.items():
            groups[labels.get(value, str(value))] = members
    sizes = first.get(profile_column("employees"))
    if sizes is not None:
        for value, members in first.groupby(sizes.map(size_class)).groups.items():
            groups[size_class_name(int(value), lang)] = members
    columns = [(pick(d.title, lang), f"{d.id}.score") for d in q.dimensions]
    kpis = [k for k in KPIS if profile_column(k) in table and k in q.items]
    columns += [(pick(q.items[k].text, lang), profile_column(k)) for k in kpis]
    result.units.update({pick(q.items[k].text, lang): _unit(q, k, lang) for k in kpis})
    overall = label("city.overall", lang)
    for name, column in [(overall, "overall.score"), *columns]:
        rows = []
        for group, members in groups.items():
            before = pd.to_numeric(first.loc[members, column], errors="coerce")
            after = pd.to_numeric(last.loc[members, column], errors="coerce")
            both = before.notna() & after.notna()
            n = int(both.sum())
            if n >= MIN_GROUP:
                rows.append(Change(group, n, float(before[both].median()),
                                   float(after[both].median())))
            else:
                rows.append(Change(group, n, None, None))
        result.changes[name] = rows
