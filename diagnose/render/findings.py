"""What a company's answers show, as plain data for its report.

Per dimension, a finding as a consultant writes one: what was seen (the answers as
observations, the consultant's note beside the answer it belongs to, the evidence photos),
why it matters (the gate it trips, the recommendations that wait for it), strengths only from
level ``STRENGTH_LEVEL`` up ("no particular strength" otherwise), and what to do to reach the
next level: the action written per question and level in the questionnaire, never the next
level's anchor (which, at low levels, still describes a poor state).

Also the recommendations with their schedule (the preparation steps one after another, then the
solution), the rows of the roadmap's Gantt chart, the dot chart's series against the benchmark
or peers, and the risk register. Only group statistics of other companies ever enter (see
``diagnose.engine.peers``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from diagnose.content.catalogue import Risk
from diagnose.content.programme import Contact
from diagnose.content.questionnaire import Question, Questionnaire
from diagnose.core import labels, money
from diagnose.core.i18n import pick
from diagnose.engine.gates import Fired
from diagnose.engine.peers import PeerGroup
from diagnose.engine.recommend import GOAL, PAIN, Recommendation, describe
from diagnose.engine.scoring import ANSWERED, Scores
from diagnose.inputs import answers

STRENGTH_LEVEL = 4.0  # an answer from this level up is a strength
GAP_LEVEL = 3.0  # an answer below this level is a gap
DIM_STRENGTH = 3.0  # a dimension from this score up is a strength of the company
ROADMAP_MONTHS = 24
CEO = "CEO"  # the catalogue's owner role (English text) of steps only the CEO can take
# the text questions that carry the CEO's goal and pain in their own words (shown first, once)
OWN_WORDS = ("strategy.ai_goal", "process.pain_point")

_KO_PAREN = re.compile(r"\s*\([^()]*(?:선택|고름|고르|비워)[^()]*\)")
_EN_PAREN = re.compile(r"\s*\([^()]*\b(?:select|choose|tick|leave)\b[^()]*\)", re.IGNORECASE)
_KO_SELECT = re.compile(r"\s*[을를]?\s*모두\s*(?:선택|고르)(?:하십시오|하세요|십시오)\.?")
_EN_SELECT = re.compile(r"^(?:select|tick|choose)\s+(?:all|every)\s+(?:kinds?\s+of\s+)?",
                        re.IGNORECASE)


def topic(item: Any, lang: str) -> str:
    """A question's text as the subject of a finding: without the questionnaire's instructions
    ("모두 선택하십시오", "(select all)")."""
    text = pick(item.text, lang)
    text = _EN_PAREN.sub("", _KO_PAREN.sub("", text))
    text = _KO_SELECT.sub("", text)
    stripped = _EN_SELECT.sub("", text)
    if stripped != text:
        text = stripped[:1].upper() + stripped[1:]
    return text.strip().rstrip(".:").strip()


def observation(question: Question, value: Any, lang: str, lacking: bool = False) -> str:
    """What was seen, as one line: a level question's answer is a state in its own words; any
    other answer is written after its subject ("보유 시스템: ERP, MES"). ``lacking``: for a
    checklist, what is *not* ticked (a gap lists what is missing, not what the company has)."""
    if lacking and question.type == "multi" and isinstance(value, tuple):
        missing = [pick(o.label, lang) for o in question.options if o.value not in value]
        if missing:
            return labels.msg("findings.lacking").format(
                t=topic(question, lang), m=", ".join(missing)).render(lang)
    shown = answers.display(question, value, lang)
    if question.type == "level":
        return shown
    subject = topic(question, lang)
    # a checklist's subject is a noun ("보유 시스템: ERP"); a yes/no or number one a question
    return f"{subject}: {shown}" if question.type == "multi" else f"{subject} → {shown}"


def _score(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def strengths_and_gaps(scores: Scores, position: int, lang: str, count: int = 3
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The company's strong dimensions (score ``DIM_STRENGTH`` or more, highest first) and its
    weakest dimensions (below that, lowest first); never the same dimension in both."""
    row = scores.table.iloc[position]
    scored = [(d, s) for d in scores.questionnaire.dimensions
              if (s := _score(row[f"{d.id}.score"])) is not None]
    ranked = sorted(scored, key=lambda item: (-item[1], item[0].id))

    def shown(items: list[Any]) -> list[dict[str, Any]]:
        return [{"id": d.id, "title": pick(d.title, lang), "score": round(s, 2)} for d, s in items]

    strengths = [x for x in ranked if x[1] >= DIM_STRENGTH][:count]
    gaps = [x for x in reversed(ranked) if x[1] < DIM_STRENGTH][:count]
    return shown(strengths), shown(gaps)


# --- findings by dimension ---------------------------------------------------------------------

def dimension_findings(scores: Scores, position: int, loaded: Any, values: dict[str, Any],
                       lang: str, recs: list[Recommendation] | None = None,
                       fired: list[Fired] | None = None) -> dict[str, dict[str, Any]]:
    """Per dimension: what was seen (strengths, gaps, notes beside their answers), why it
    matters, the actions to reach the next level, and the questions answered 'don't know'."""
    q = scores.questionnaire
    levels = scores.levels.iloc[position]
    states = scores.states.iloc[position]
    notes = _notes(q, loaded)
    shown_notes: set[str] = set()  # a note copied onto several answers is shown once
    result = {}
    for dim in q.dimensions:
        answered = [(question, float(levels[question.id])) for question in dim.questions
                    if question.scored and int(states[question.id]) == ANSWERED]
        by_level = sorted(answered, key=lambda item: (item[1], item[0].id))

        def seen(items: list[tuple[Question, float]], lacking: bool) -> list[dict[str, Any]]:
            found = []
            for question, level in items:
                note = notes.get(question.id, "")
                if note in shown_notes:
                    note = ""
                shown_notes.add(note)
                found.append({"qid": question.id, "topic": topic(question, lang),
                              "seen": observation(question, values.get(question.id), lang,
                                                  lacking),
                              "level": round(level, 1), "note": note,
                              "level_question": question.type == "level"})
            return found

        gaps = seen([x for x in by_level if x[1] < GAP_LEVEL][:2], lacking=True)
        strengths = seen([x for x in reversed(by_level) if x[1] >= STRENGTH_LEVEL][:2],
                         lacking=False)
        other_notes = []
        for question in dim.questions:
            note = notes.get(question.id, "")
            if note and note not in shown_notes and question.id not in OWN_WORDS:
                shown_notes.add(note)
                other_notes.append({"topic": topic(question, lang), "note": note})
        weakest = [x for x in by_level if x[0].type == "level"][:1] or by_level[:1]
        result[dim.id] = {
            "gaps": gaps, "strengths": strengths, "notes": other_notes,
            "weakest": [{"qid": x.id, "topic": topic(x, lang), "note": notes.get(x.id, ""),
                         "seen": observation(x, values.get(x.id), lang, True)}
                        for x, _ in weakest],
            "actions": _actions(by_level, lang),
            "why": _why(dim.id, q, recs or [], fired or [], lang),
            "unknown": [topic(x, lang) for x in dim.questions
                        if x.scored and int(states[x.id]) == 1],
            "qids": [x.id for x in dim.questions],
        }
    return result


def _notes(q: Questionnaire, loaded: Any) -> dict[str, str]:
    if loaded is None:
        return {}
    found = {}
    for question in q.questions:
        answer = loaded.response.answers.get(question.id)
        if answer is not None and answer.note and answer.note.strip():
            found[question.id] = answer.note.strip()
    return found


def _actions(by_level: list[tuple[Question, float]], lang: str) -> list[dict[str, str]]:
    """Up to three actions, weakest answers first: what the questionnaire says a company at
    that level does next (verb, owner role, deliverable)."""
    found = []
    for question, level in by_level:
        if question.type != "level" or level >= 5:
            continue
        action = question.action(int(level))
        if action is not None and action.text:
            found.append({"action": pick(action.text, lang), "topic": topic(question, lang)})
        if len(found) == 3:
            break
    return found


def _referenced_dimensions(rec: Recommendation, q: Questionnaire) -> dict[str, list[str]]:
    """Per dimension, the missing preparation steps of ``rec`` whose condition reads it."""
    found: dict[str, list[str]] = {}
    for pre in rec.missing:
        dims = set()
        for _, cond in pre.met_when.walk():
            if cond.dimension:
                dims.add(cond.dimension)
            if cond.field_id in q.dimension_of:
                dims.add(q.dimension_of[cond.field_id])
        for dim in dims:
            found.setdefault(dim, []).append(pre.id)
    return found


def _why(dim_id: str, q: Questionnaire, recs: list[Recommendation], fired: list[Fired],
         lang: str) -> list[dict[str, str]]:
    """Why this dimension matters to this company: the gate it trips, the recommendations
    that wait for its preparation steps; each as a full sentence and a short one."""
    reasons = []
    for item in fired:
        if dim_id in (item.gate.dimension, q.dimension_of.get(item.gate.question or "")):
            text = labels.msg("findings.gate").format(c=item.gate.cap_level).render(lang)
            reasons.append({"text": text, "short": text})
    for rec in recs:
        steps = _referenced_dimensions(rec, q).get(dim_id, [])
        if steps:
            name = pick(rec.solution.name, lang)
            prepare = [pick(p.prepare, lang) for p in rec.missing if p.id in steps]
            reasons.append({
                "text": labels.msg("findings.waits").format(
                    r=name, s="; ".join(prepare), m=rec.start_month).render(lang),
                "short": labels.msg("findings.waits_short").format(
                    r=name, m=rec.start_month).render(lang)})
        if len(reasons) >= 2:
            break
    return reasons


# --- recommendations, their schedule and the roadmap --------------------------------------------

@dataclass(frozen=True)
class Step:
    """A preparation step on the roadmap: when it runs and who does it."""

    id: str
    text: str
    owner: str
    start: int
    end: int
    alongside: bool  # runs with the project itself (e.g. OEM approval during the parallel run)
    ceo: bool  # the catalogue gives it to the CEO: a decision, not a task


def schedule(rec: Recommendation, lang: str) -> list[Step]:
    """The missing prerequisites' steps in time, as the engine schedules them: sequential
    steps one after another from month 1, parallel ones alongside from month 1, and steps of
    0 months with the project."""
    steps, month = [], 1
    for pre in rec.missing:
        role = pre.owner or rec.solution.owner
        owner, ceo = pick(role, lang), pick(role, "en") == CEO
        text = pick(pre.prepare, lang)
        if pre.months == 0:
            steps.append(Step(pre.id, text, owner, rec.start_month, rec.end_month, True, ceo))
        elif pre.parallel:
            steps.append(Step(pre.id, text, owner, 1, pre.months, False, ceo))
        else:
            steps.append(Step(pre.id, text, owner, month, month + pre.months - 1, False, ceo))
            month += pre.months
    return steps


def roadmap(recs: list[Recommendation], q: Questionnaire, lang: str,
            on: dt.date | None = None) -> list[dict[str, Any]]:
    """The recommendations as report data (contract fields plus display strings); ``on`` is
    the report's date, against which each track's application window is open or closed."""
    shown = []
    for rec in recs:
        data = describe(rec, q, lang)
        own, investment = data["own_share_krw"], data["investment_krw"]
        primary = next(t for t in data["tracks"] if t["primary"])
        track = rec.primary.track
        data.update({
            "name": data["solution"]["name"], "summary": data["solution"]["summary"],
            "kind": data["solution"]["kind"], "category": data["solution"]["category"],
            "track": primary["name"],
            "track_external": primary["external"],
            "track_window": track.window.describe(lang, on) if track.window else "",
            "track_window_short": track.window.describe(lang, on, short=True)
            if track.window else "",
            "track_window_status": track.window.status(on) if track.window else "unknown",
            "track_provider": pick(track.provider, lang) if track.provider else "",
            "track_contact": contact_data(track.contact, lang),
            "subsidy_text": _subsidy_text(primary, lang),
            "alternatives": [t["name"] for t in data["tracks"] if not t["primary"]],
            "investment_text": money.krw_range(investment["min"], investment["max"], lang),
            "own_share_text": money.krw_range(own["min"], own["max"], lang),
            "value_text": money.krw(data["value"]["yearly_krw"], lang)
            if data["value"]["yearly_krw"] is not None else "",
            "priority_name": labels.label(f"priorities.{rec.priority}", lang),
            "kpi_text": kpi_text(data["kpi"], lang),
            "steps": [{**step.__dict__, "when": months_label(step.start, step.end, lang)}
                      for step in schedule(rec, lang)],
            "months_label": months_label(rec.start_month, rec.end_month, lang),
            "goal_hit": rec.goal == GOAL, "pain_hit": rec.goal == PAIN,
        })
        for term in data["value"]["terms"]:
            term["text"] = money.krw(term["yearly_krw"], lang) if term["yearly_krw"] is not None \
                else ""
            for item in term["inputs"]:
                item["text"] = figure_text(item, lang)
        shown.append(data)
    share_steps(shown, lang)
    return shown


def contact_data(contact: Contact | None, lang: str) -> dict[str, str]:
    """A programme file's contact as plain strings (empty where the file has none)."""
    if contact is None:
        return {"organisation": "", "role": "", "phone": "", "email": "", "url": ""}
    return {"organisation": pick(contact.organisation, lang) if contact.organisation else "",
            "role": pick(contact.role, lang) if contact.role else "",
            "phone": (contact.phone or "").strip(), "email": (contact.email or "").strip(),
            "url": (contact.url or "").strip()}


def share_steps(shown: list[dict[str, Any]], lang: str) -> None:
    """A preparation step that several recommendations need (the same catalogue id, e.g. naming
    an owner and a maintenance budget) is done once: every occurrence gets the earliest
    schedule among them, and ``shared`` lists the ranks of the projects it unlocks. Each card
    keeps its own words for the step; the roadmap and the 90 days show it once.

    The earliest schedule ends no later than any occurrence did, so every project still starts
    after its steps end. Steps that run alongside a project (an OEM approval during its
    parallel run) belong to that project and are not shared.
    """
    first: dict[str, dict[str, Any]] = {}
    ranks: dict[str, list[int]] = {}
    words: dict[str, list[str]] = {}
    for rec in shown:
        for step in rec["steps"]:
            if step["alongside"]:
                continue
            ranks.setdefault(step["id"], []).append(rec["rank"])
            words.setdefault(step["id"], []).append(step["text"])
            known = first.get(step["id"])
            if known is None or (step["start"], step["end"]) < (known["start"], known["end"]):
                first[step["id"]] = {"start": step["start"], "end": step["end"]}
    for step_id, texts in words.items():  # the wording most of its projects use (first on a tie)
        first[step_id]["shared_label"] = max(texts, key=texts.count)
    for rec in shown:
        for step in rec["steps"]:
            if step["alongside"]:
                step.update(shared=[], shared_text="", shared_label=step["text"])
                continue
            step.update(first[step["id"]])
            step["when"] = months_label(step["start"], step["end"], lang)
            step["shared"] = ranks[step["id"]] if len(ranks[step["id"]]) > 1 else []
            step["shared_text"] = shared_note(step["shared"], lang)


def shared_note(ranks: list[int], lang: str) -> str:
    """'과제 1·2·5 공통' / 'for projects 1, 2, 5': the projects a shared step unlocks."""
    if not ranks:
        return ""
    separator = labels.label("findings.shared_separator", lang)
    return labels.msg("findings.shared").format(
        r=separator.join(str(r) for r in ranks)).render(lang)


def months_label(start: int, end: int, lang: str) -> str:
    """'3~8개월 차' / 'months 3-8'; one month: '3개월 차' / 'month 3'."""
    text = labels.msg("month") if start == end else labels.msg("months")
    return text.format(start=start, end=end).render(lang)


def _subsidy_text(track: dict[str, Any], lang: str) -> str:
    share = round(track["subsidy_share"] * 100)
    if not share:
        return labels.label("findings.no_grant", lang)
    cap = money.krw(track["subsidy_cap_krw"], lang) if track["subsidy_cap_krw"] else ""
    text = labels.msg("findings.subsidy_cap" if cap else "findings.subsidy")
    return text.format(share=share, cap=cap).render(lang)


def figure_text(item: dict[str, Any], lang: str) -> str:
    """One input of a business case as a reader sees it: money in 원, shares in %."""
    value, unit = item["value"], item["unit"]
    if value is None:
        return labels.label("findings.input_needed", lang)
    if unit in {"비율", "share"}:
        return f"{value * 100:.4g}%"
    if unit in money.MILLION_UNITS:
        return money.krw(value * money.MILLION, lang)
    if "원" in unit and "KRW" not in unit and value >= 10_000:
        rest = unit.replace("원", "", 1).strip()
        return money.krw(value, lang) + (rest if rest else "")
    if "KRW" in unit and value >= 10_000:
        rest = unit.replace("KRW", "", 1).strip()
        return money.krw(value, lang) + (f" {rest}" if rest else "")
    return f"{value:,.10g} {unit}".strip()


def _kpi_figure(value: float, unit: str, lang: str, digits: int) -> str:
    """A KPI figure with its unit: money in 원 ('147억 원/년', not '1.47e+04백만 원/년'), other
    figures without an exponent."""
    for million in sorted(money.MILLION_UNITS, key=len, reverse=True):
        if unit.startswith(million):
            return money.krw(value * money.MILLION, lang) + unit[len(million):]
    number = f"{value:,.0f}" if abs(value) >= 10 ** digits else f"{value:.{digits}g}"
    return f"{number}{unit}"


def kpi_text(kpi: dict[str, Any], lang: str) -> str:
    """The KPI with its baseline and target ('불량률 2.2% → 1.81%')."""
    unit = kpi["unit"]
    if kpi["baseline"] is not None and kpi["target"] is not None:
        return (f"{kpi['name']}: {_kpi_figure(kpi['baseline'], unit, lang, 4)} → "
                f"{_kpi_figure(kpi['target'], unit, lang, 3)}")
    if kpi["target_text"]:
        return f"{kpi['name']}: {kpi['target_text']}"
    return labels.msg("findings.baseline_needed").format(k=kpi["name"]).render(lang)


def gantt_rows(shown: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The rows of the roadmap chart: per recommendation its preparation steps, then the
    solution with arrows from those steps. A step several recommendations need (one catalogue
    id, ``share_steps``) is drawn once, under the first of them, and each points to it."""
    rows: list[dict[str, Any]] = []
    drawn: dict[str, int] = {}
    for rec in shown:
        after = []
        for step in rec["steps"]:
            if step["alongside"]:
                continue
            if step["id"] not in drawn:
                drawn[step["id"]] = len(rows)
                note = " · ".join(x for x in (step["owner"], step["shared_text"]) if x)
                rows.append({"label": step["shared_label"], "start": step["start"],
                             "end": step["end"], "kind": "prepare", "after": (), "note": note})
            after.append(drawn[step["id"]])
        rows.append({"label": f"{rec['rank']}. {rec['name']}", "start": rec["start_month"],
                     "end": rec["end_month"], "kind": "solution", "after": tuple(after),
                     "note": rec["owner"]})
        for step in rec["steps"]:
            if step["alongside"]:
                rows.append({"label": step["text"], "start": step["start"], "end": step["end"],
                             "kind": "alongside", "after": (),
                             "note": labels.label("alongside", lang)})
    return rows


# --- the dimension chart -------------------------------------------------------------------------

def dimension_series(scores: Scores, position: int, peer: PeerGroup | None, lang: str
                     ) -> dict[str, Any]:
    """Labels and series (plain data) for ``charts.dimension_svg``, drawn in the worker:
    the company, the next-level target and the benchmark or peer median."""
    q, rubric = scores.questionnaire, scores.rubric
    row = scores.table.iloc[position]
    company = [_score(row[f"{d.id}.score"]) for d in q.dimensions]
    series = [{"name": labels.label("series.company", lang), "values": company,
               "role": "company"}]
    level = row["overall.level"]
    above = [b for b in rubric.bands if not pd.isna(level) and b.level > int(level)]
    if above:
        series.append({"name": labels.label("series.target", lang) + f" ({above[0].min:g})",
                       "values": [above[0].min] * len(company), "role": "target"})
    if peer is not None and peer.level != "none":
        medians = [peer.medians.get(f"{d.id}.score") for d in q.dimensions]
        if any(m is not None and not math.isnan(m) for m in medians):
            role = "benchmark" if peer.source == "benchmark" else "peers"
            series.append({"name": f"{labels.label(f'series.{role}', lang)} · {peer.name(lang)}"
                                   f" (n={peer.size})", "values": medians, "role": "peers"})
    return {"labels": [pick(d.title, lang) for d in q.dimensions], "series": series}


# --- risks -----------------------------------------------------------------------------------------

def risk_register(q: Questionnaire, values: dict[str, Any], levels: dict[str, float],
                  recs: list[dict[str, Any]], risks: Sequence[Risk], lang: str
                  ) -> list[dict[str, Any]]:
    """The catalogue's risks of AI projects at an SME (``risk_register``), each with what this
    company's answers say (the weakest related answer, or the customers and projects
    concerned) and the response."""
    register = []
    categories = {r["category"]: r["name"] for r in recs}
    oems = values.get("oem_customers")
    oem_names = ""
    if isinstance(oems, tuple) and any(v != "none" for v in oems):
        oem_names = answers.display(q.items["oem_customers"], tuple(v for v in oems
                                                                     if v != "none"), lang)
    psm = values.get("psm_applicable") == "yes"
    for risk in risks:
        related = [(levels[qid], qid) for qid in risk.questions
                   if qid in levels and not math.isnan(levels[qid])]
        applies, seen = True, ""
        projects = [categories[c] for c in risk.categories if c in categories]
        if risk.scope == "oem":  # a supplier's change needs its OEM's 4M approval
            applies = bool(oem_names and projects)
            seen = labels.msg("findings.risk_oem").format(
                o=oem_names, p=", ".join(projects)).render(lang) if applies else ""
        elif risk.scope == "psm":  # a change at a PSM site goes through MOC
            applies = psm and bool(projects)
            seen = labels.msg("findings.risk_psm").format(
                p=", ".join(projects)).render(lang) if applies else ""
        if related and (applies or not seen):
            qid = min(related)[1]
            seen = " · ".join(x for x in (seen, observation(q.question(qid), values.get(qid),
                                                              lang)) if x)
        if not applies:
            level = "low"
        elif (related and min(related)[0] <= 2) or risk.scope != "all":
            level = "high"
        else:
            level = "medium"
        register.append({"id": risk.id, "name": pick(risk.name, lang),
                         "risk": pick(risk.risk, lang), "action": pick(risk.action, lang),
                         "owner": pick(risk.owner, lang), "seen": seen,
                         "level": labels.label(f"risk_levels.{level}", lang),
                         "applies": applies})
    return register
