"""The progress report of one company between two rounds: comparison -> context -> HTML -> PDF.

The numbers come from ``diagnose.engine.progress``; this module only words and lays them out
(template ``compare.html.j2``): rounds in words (``identity.round_name``), business KPIs with
their unit and money as ``krw`` writes it, every answer that rose or fell, the support received
between the rounds, and the recommendations resolved according to the answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.content.questionnaire import Question, Questionnaire
from diagnose.core.i18n import pick
from diagnose.core.labels import label
from diagnose.core.money import MILLION, MILLION_UNITS, krw
from diagnose.engine.progress import (
    PROGRESSED,
    ROLES,
    STATUSES,
    SUPPORT_PROFILE,
    Comparison,
    KpiChange,
    QuestionChange,
    Round,
    Support,
    cell_text,
)
from diagnose.engine.recommend import Recommendation
from diagnose.engine.scoring import Scores
from diagnose.inputs import answers
from diagnose.inputs.identity import round_name
from diagnose.render import charts, documents, findings
from diagnose.render.documents import number

TEMPLATE = "compare.html.j2"

def _label(key: str, lang: str) -> str:
    return label(f"compare.{key}", lang)


# --- business KPIs -----------------------------------------------------------------------------

def _figure_text(value: float, unit: str, money: bool, lang: str, signed: bool = False) -> str:
    """A KPI figure with its unit: money as ``krw`` writes it, a share in % (a change of a share
    in percentage points), anything else with the questionnaire's unit."""
    value = round(value, 4)
    if money:  # the sign before the whole amount: "-KRW 17 million", "-1,700만 원"
        sign = ("+" if value > 0 else "-" if value < 0 else "") if signed else ""
        return sign + krw(abs(value) * MILLION if signed else value * MILLION, lang)
    if unit == "%":
        points = _label("points", lang)
        return f"{value:+,.10g}{points}" if signed else f"{value:,.10g}%"
    text = f"{value:+,.10g}" if signed else f"{value:,.10g}"
    return f"{text}\u00a0{unit}" if unit else text


def _kpi_rows(questionnaire: Questionnaire, kpis: Sequence[KpiChange],
              lang: str) -> list[dict[str, Any]]:
    rows = []
    for kpi in kpis:
        item = questionnaire.items[kpi.id]
        unit = pick(item.unit, lang) if item.unit else ""
        money = pick(item.unit, "ko") in MILLION_UNITS if item.unit else False
        def shown(value: float | None, item_unit: str = unit, is_money: bool = money) -> str:
            if value is None:
                return _label("not_entered", lang)
            return _figure_text(value, item_unit, is_money, lang)
        change = kpi.change
        change_text = "–"
        if change is not None:
            change_text = _figure_text(change, unit, money, lang, signed=True)
            if unit != "%" and kpi.before and kpi.verdict != "same":
                change_text += f" ({change / kpi.before:+.1%})"
        rows.append({"name": findings.topic(item, lang), "before": shown(kpi.before),
                     "after": shown(kpi.after), "change": change_text,
                     "verdict": kpi.verdict, "verdict_name": label(f"kpi_verdicts.{kpi.verdict}", lang)})
    return rows


# --- answers -----------------------------------------------------------------------------------

def _level_text(level: float | None, state: str, lang: str) -> str:
    if level is None:
        return label(f"answer_states.{state}", lang)
    return f"{level:g}" if float(level).is_integer() else f"{level:.2f}"


def _answer_text(question: Question, item: Round, lang: str) -> str:
    """What a round answered, in words (an option's label, the ticked options, a number with
    its unit); '' when it gave nothing."""
    value = item.frame[question.id].iloc[0] if question.id in item.frame else None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return answers.display(question, value, lang)


def _note(question: Question, item: Round) -> str:
    if item.loaded is None:
        return ""
    answer = item.loaded.response.answers.get(question.id)
    return (answer.note or "").strip() if answer is not None else ""


def _answer_rows(comparison: Comparison, lang: str) -> dict[str, list[dict[str, Any]]]:
    """The answers that moved, by kind (improved, regressed, not_compared)."""
    questionnaire, rounds = comparison.basis.questionnaire, comparison.rounds
    titles = {d.id: pick(d.title, lang) for d in questionnaire.dimensions}
    grouped: dict[str, list[dict[str, Any]]] = {"improved": [], "regressed": [],
                                                "not_compared": []}
    for change in comparison.questions:
        question = questionnaire.question(change.question)
        delta = (None if change.before is None or change.after is None
                 else change.after - change.before)
        grouped[change.kind].append({
            "id": question.id, "text": findings.topic(question, lang),
            "dimension": titles[change.dimension],
            "before": _level_text(change.before, change.states[0], lang),
            "after": _level_text(change.after, change.states[1], lang),
            "change": "–" if delta is None else f"{delta:+.2f}".rstrip("0").rstrip("."),
            "answer_before": _answer_text(question, rounds[0], lang),
            "answer_after": _answer_text(question, rounds[1], lang),
            "note": _note(question, rounds[1]),
        })
    return grouped


def _counts(questions: Sequence[QuestionChange], dimension: str | None = None) -> dict[str, int]:
    kinds = [q.kind for q in questions if dimension is None or q.dimension == dimension]
    return {kind: kinds.count(kind) for kind in ("improved", "regressed", "not_compared")}


# --- support -----------------------------------------------------------------------------------

def _support(comparison: Comparison, lang: str) -> dict[str, Any]:
    support: Support = comparison.support
    tracks = {t.id: pick(t.name, lang) for t in comparison.catalogue.programme.tracks}
    items = [{"text": tracks.get(track or "", text), "track": track is not None}
             for text, track in zip(support.items, support.tracks, strict=True)]
    history = next((p for p in comparison.rounds[1].batch.questionnaire.profile
                    if p.id == SUPPORT_PROFILE), None)
    profile_new = [answers.display(history, value, lang) if history else value
                   for value in support.profile_new]
    return {"recorded": support.recorded, "received": items, "profile_new": profile_new}


def _dimension_rows(comparison: Comparison, lang: str) -> list[dict[str, Any]]:
    questionnaire, scores = comparison.basis.questionnaire, comparison.scores
    rows = []
    for dim in questionnaire.dimensions:
        if not any(q.scored for q in dim.questions):
            continue
        before, after = (s.table.iloc[0] for s in scores)
        change = comparison.changes[dim.id]
        rows.append({
            "title": pick(dim.title, lang),
            "before": number(before[f"{dim.id}.score"]),
            "after": number(after[f"{dim.id}.score"]),
            "change": number(change, signed=True),
            "direction": documents.direction(change),
            "answers": _counts(comparison.questions, dim.id),
            "completeness": f"{before[f'{dim.id}.completeness']:.0%} → "
                            f"{after[f'{dim.id}.completeness']:.0%}",
            "insufficient": bool(before[f"{dim.id}.insufficient"]
                                 or after[f"{dim.id}.insufficient"]),
        })
    return rows


def _prerequisites(then: Recommendation | None, now: Recommendation | None,
                   lang: str) -> list[dict[str, Any]]:
    """The prerequisites missing at either round: met or missing now, or only 'missing then'
    when the solution is no longer recommended (so they are not judged again)."""
    # the two rounds may load the catalogue twice: prerequisites are matched by their id
    missing_now = {p.id for p in now.missing} if now else set()
    texts = {p.id: p for p in [*(then.missing if then else []),
                                      *(now.missing if now else [])]}
    shown = []
    for key, prerequisite in texts.items():
        state = "then" if now is None else "missing" if key in missing_now else "met"
        shown.append({"text": pick(prerequisite.text, lang), "state": state})
    return shown


def _chart(questionnaire: Questionnaire, scores: Sequence[Scores], lang: str) -> str:
    """Both rounds per dimension on one 1-5 scale: the baseline (hollow diamond) joined to the
    follow-up (dot), highest follow-up first; a line reads better than two radar polygons."""
    dims = [d for d in questionnaire.dimensions if any(q.scored for q in d.questions)]
    def score(which: Scores, dim_id: str) -> float | None:
        value = which.table[f"{dim_id}.score"].iloc[0]
        return None if pd.isna(value) else float(value)
    rows = [charts.DimensionRow(pick(d.title, lang), score(scores[1], d.id),
                                score(scores[0], d.id)) for d in dims]
    names = {"company": pick(ROLES["followup"], lang), "median": pick(ROLES["baseline"], lang)}
    return charts.dimension_svg(rows, None, names, _label("radar", lang),
                                _label("no_score", lang))


def _recommendation_rows(recs: Sequence[Sequence[Recommendation]], status: dict[str, str],
                         lang: str) -> list[dict[str, Any]]:
    before = {r.solution.id: r for r in recs[0]}
    after = {r.solution.id: r for r in recs[1]}
    order = list(STATUSES)
    rows = []
    for sid, state in sorted(status.items(), key=lambda kv: (order.index(kv[1]), kv[0])):
        rec = after.get(sid) or before[sid]
        then, now = before.get(sid), after.get(sid)
        rows.append({
            "name": pick(rec.solution.name, lang),
            "track": rec.primary.track.id,
            "status": state, "status_name": label(f"rec_statuses.{state}", lang),
            "progressed": state in PROGRESSED,
            "prerequisites": _prerequisites(then, now, lang),
        })
    return rows


def _round_facts(item: Round, role: str, lang: str) -> dict[str, str]:
    return {"role": pick(ROLES[role], lang),
            "round": round_name(cell_text(item.row.get("assessment.round")), lang),
            "date": cell_text(item.row.get("assessment.date")),
            "consultant": cell_text(item.row.get("assessment.consultant")),
            "versions": item.source().version_text()}


def context(comparison: Comparison, lang: str) -> dict[str, Any]:
    """Everything ``compare.html.j2`` needs, as plain data."""
    questionnaire, rounds = comparison.basis.questionnaire, comparison.rounds
    tracks = {t.id: pick(t.name, lang) for t in comparison.catalogue.tracks}
    rows = _recommendation_rows(comparison.recommendations, comparison.statuses, lang)
    for row in rows:
        row["track"] = tracks.get(row["track"], row["track"])
    sides = [{"score": number(summary.overall), "level": summary.level,
              "level_name": summary.level_name}
             for summary in (comparison.baseline, comparison.followup)]
    progressed = len(comparison.progressed)
    judged = sum(1 for s in comparison.statuses.values() if s != "new")
    head = rounds[1].row
    facts = [_round_facts(rounds[0], "baseline", lang), _round_facts(rounds[1], "followup", lang)]
    return {
        **documents.base_context("compare", lang),
        "title": pick(questionnaire.title, lang),
        "company": {"name": cell_text(head.get("company.name")),
                    "name_en": cell_text(head.get("company.name_en")) if lang != "ko" else "",
                    "id": cell_text(head.get("company.id"))},
        "rounds": facts,
        # the round row only when a round is named otherwise than its role (1차, followup2)
        "rounds_named_otherwise": any(f["round"] != f["role"] for f in facts),
        "sides": sides,
        "overall_change": number(comparison.changes["overall"], signed=True),
        "kpis": _kpi_rows(comparison.rounds[1].batch.questionnaire, comparison.kpis, lang),
        "support": _support(comparison, lang),
        "answer_counts": _counts(comparison.questions),
        "answers": _answer_rows(comparison, lang),
        "chart": _chart(questionnaire, comparison.scores, lang),
        "dimensions": _dimension_rows(comparison, lang),
        "recommendations": rows,
        "progressed": f"{progressed} / {judged}",
        "left_out": [item.render(lang) for item in comparison.left_out],
        "notes": [note.render(lang) for note in comparison.notes],
    }


def write(comparison: Comparison, out: Path, templates: list[Path], lang: str = "ko") -> None:
    """Write the progress report to ``out`` (PDF); ``templates``: the folders to look in
    (``report.template_dirs``)."""
    documents.write_pdf(context(comparison, lang), TEMPLATE, out, templates)
