"""What a company's answers show, as plain data for its report.

Strengths and gaps, per-dimension findings (the strongest and weakest answers, the
consultant's notes, what the next level needs: the anchored option one level up), the
recommendations with their roadmap, and the radar's series against target and peers.
Only group statistics of other companies ever enter (see ``diagnose.engine.peers``).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from diagnose.core.i18n import pick
from diagnose.engine.peers import PeerGroup
from diagnose.engine.recommend import HORIZONS, Catalogue, Recommendation, describe
from diagnose.engine.scoring import ANSWERED, Scores
from diagnose.inputs import answers
from diagnose.inputs.responses import LoadedResponse

HORIZON_LABELS = {"0-6": {"ko": "0~6개월: 기반 다지기", "en": "0-6 months: foundations"},
                  "6-18": {"ko": "6~18개월: AI 도입", "en": "6-18 months: adopt AI"},
                  "18+": {"ko": "18개월 이후: 확산·고도화", "en": "18+ months: scale up"}}
SERIES_NAMES = {"company": {"ko": "진단 기업", "en": "This company"},
                "target": {"ko": "다음 단계 목표", "en": "Next-level target"},
                "peers": {"ko": "동종 그룹 중앙값", "en": "Peer-group median"}}


def _score(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def strengths_and_gaps(scores: Scores, position: int, lang: str, count: int = 3
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The highest- and lowest-scoring dimensions (only those with a score)."""
    row = scores.table.iloc[position]
    scored = [(d, s) for d in scores.questionnaire.dimensions
              if (s := _score(row[f"{d.id}.score"])) is not None]
    ranked = sorted(scored, key=lambda item: (-item[1], item[0].id))
    def shown(items: list[Any]) -> list[dict[str, Any]]:
        return [{"id": d.id, "title": pick(d.title, lang), "score": round(s, 2)} for d, s in items]
    # never the same dimension on both lists: with few dimensions each list gets half
    take = min(count, len(ranked) // 2) if len(ranked) < 2 * count else count
    strengths = shown(ranked[:take])
    gaps = shown(list(reversed(ranked))[:take])
    return strengths, gaps


def dimension_findings(scores: Scores, position: int, loaded: LoadedResponse | None,
                       values: dict[str, Any], lang: str) -> dict[str, dict[str, Any]]:
    """Per dimension: strongest and weakest answers, notes, and what the next level needs."""
    q = scores.questionnaire
    levels = scores.levels.iloc[position]
    states = scores.states.iloc[position]
    result = {}
    for dim in q.dimensions:
        answered = [(question, float(levels[question.id])) for question in dim.questions
                    if question.scored and int(states[question.id]) == ANSWERED]
        by_level = sorted(answered, key=lambda item: (item[1], item[0].id))
        notes = []
        if loaded is not None:
            for question in dim.questions:
                answer = loaded.response.answers.get(question.id)
                if answer is not None and answer.note:
                    notes.append({"question": pick(question.text, lang), "note": answer.note})
        next_steps = []
        for question, level in by_level:
            if question.type != "level" or level >= 5 or len(next_steps) == 3:
                continue
            option = question.option(int(level) + 1)
            if option is not None:
                next_steps.append({"question": pick(question.text, lang),
                                   "now": answers.display(question, values.get(question.id), lang),
                                   "next": pick(option.label, lang)})
        def shown(items: list[Any]) -> list[dict[str, Any]]:
            return [{"question": pick(question.text, lang), "level": round(level, 1),
                     "answer": answers.display(question, values.get(question.id), lang)}
                    for question, level in items]
        # "works" only from level 3.5 up, "missing" only below 3: a company at 5 everywhere
        # has nothing missing, one at 1 everywhere nothing that works
        result[dim.id] = {
            "strong": shown([x for x in reversed(by_level) if x[1] >= 3.5][:2]),
            "weak": shown([x for x in by_level if x[1] < 3][:2]),
            "notes": notes,
            "next_steps": next_steps,
            "unknown": sum(1 for x in dim.questions if x.scored and int(states[x.id]) == 1),
        }
    return result


def roadmap(recs: list[Recommendation], catalogue: Catalogue, lang: str, limit: int = 8
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The top recommendations, and the same grouped by horizon for the timeline."""
    chosen = recs[:limit]
    ids = {rec.solution.id for rec in chosen}
    for rec in list(chosen):  # a listed solution's preparation step is always listed too
        for pre in rec.missing:
            step = next((r for r in recs if r.solution.id == pre.prepare), None)
            if step is not None and step.solution.id not in ids:
                chosen.append(step)
                ids.add(step.solution.id)
    # preparation before what it prepares when priorities tie
    chosen.sort(key=lambda r: (-round(r.priority, 9), 0 if r.prepare_for else 1, r.solution.id))
    shown = [describe(rec, catalogue, lang) for rec in chosen]
    phases = [{"horizon": h, "title": pick(HORIZON_LABELS[h], lang),
               "entries": [r for r in shown if r["horizon"] == h]} for h in HORIZONS]
    return shown, phases


def radar_series(scores: Scores, position: int, peer: PeerGroup | None, lang: str
                 ) -> dict[str, Any]:
    """Labels and series (plain data) for ``charts.radar_svg``, drawn in the worker."""
    q, rubric = scores.questionnaire, scores.rubric
    row = scores.table.iloc[position]
    company = [_score(row[f"{d.id}.score"]) for d in q.dimensions]
    series = [{"name": pick(SERIES_NAMES["company"], lang), "values": company,
               "role": "company"}]
    level = row["overall.level"]
    above = [b for b in rubric.bands if not pd.isna(level) and b.level > int(level)]
    if above:
        series.append({"name": pick(SERIES_NAMES["target"], lang) + f" ({above[0].min:g})",
                       "values": [above[0].min] * len(company), "role": "target"})
    if peer is not None and peer.level != "none":
        medians = [peer.medians.get(f"{d.id}.score") for d in q.dimensions]
        if any(m is not None and not math.isnan(m) for m in medians):
            series.append({"name": f"{pick(SERIES_NAMES['peers'], lang)} · {peer.name(lang)}"
                                   f" (n={peer.size})", "values": medians, "role": "peers"})
    no_score = " (–)"
    labels = [pick(d.title, lang) + ("" if value is not None else no_score)
              for d, value in zip(q.dimensions, company, strict=True)]
    return {"labels": labels, "series": series}
