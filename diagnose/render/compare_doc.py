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

LABELS: dict[str, dict[str, str]] = {
    "report": {"ko": "AI 준비도 향상 보고서", "en": "AI Readiness Progress Report"},
    "company_id": {"ko": "기업 관리번호", "en": "Company ID"},
    "round": {"ko": "차수", "en": "Round"},
    "date": {"ko": "진단일", "en": "Date"},
    "consultant": {"ko": "컨설턴트", "en": "Consultant"},
    "versions": {"ko": "질문지 · 채점 기준", "en": "Questionnaire · rubric"},
    "overall": {"ko": "종합 결과", "en": "Overall result"},
    "level": {"ko": "성숙도 수준", "en": "Maturity level"},
    "score": {"ko": "종합 점수", "en": "Overall score"},
    "change": {"ko": "변화", "en": "Change"},
    "kpis": {"ko": "경영 지표", "en": "Business KPIs"},
    "kpi": {"ko": "지표", "en": "KPI"},
    "verdict": {"ko": "판정", "en": "Verdict"},
    "kpi_note": {"ko": "두 진단의 기업 정보에 입력한 값입니다. 생산량·단가·설비 교체 같은 다른 요인도 "
                       "함께 반영되므로, 변화를 추천 과제의 효과로만 읽지 마세요.",
                 "en": "Figures as entered in each round's company profile. Volume, prices and "
                       "equipment changes move them too: do not read a change as the effect of "
                       "the projects alone."},
    "not_entered": {"ko": "입력 없음", "en": "not entered"},
    "support": {"ko": "두 진단 사이에 받은 지원", "en": "Support received between the rounds"},
    "support_track": {"ko": "사업단 지원 트랙", "en": "programme track"},
    "support_profile": {"ko": "기업 정보의 지원 이력에 새로 추가됨",
                        "en": "Newly ticked in the company's support history"},
    "support_none": {"ko": "후속 진단 응답 파일에 받은 지원이 없다고 적혀 있습니다.",
                     "en": "The follow-up's response file records no support received."},
    "support_unrecorded": {
        "ko": "기록 없음: 후속 진단 응답 파일의 assessment.support_since_last에 받은 지원(사업단 "
              "지원 트랙 id 또는 글)을 적으면 여기에 나옵니다.",
        "en": "Not recorded: list the support received (programme track ids or free text) under "
              "assessment.support_since_last in the follow-up's response file."},
    "answers": {"ko": "답변별 변화", "en": "Change by answer"},
    "answers_summary": {"ko": "답변 변화", "en": "Answers"},
    "improved": {"ko": "나아진 답변", "en": "Answers that improved"},
    "regressed": {"ko": "낮아진 답변", "en": "Answers that fell"},
    "not_compared": {"ko": "한 차수에만 수준이 있는 답변", "en": "Answers with a level in one round only"},
    "improved_short": {"ko": "개선", "en": "up"},
    "regressed_short": {"ko": "하락", "en": "down"},
    "not_compared_short": {"ko": "비교 불가", "en": "not comparable"},
    "no_answer_change": {"ko": "두 진단에서 수준이 달라진 답변이 없습니다.",
                         "en": "No answer changed level between the rounds."},
    "answers_note": {"ko": "수준은 1~5단계입니다. 영역 점수가 그대로여도 한 답변이 오르고 다른 답변이 "
                           "내려갔을 수 있어, 달라진 답변을 모두 적습니다. 낮아진 답변은 현장에서 다시 "
                           "확인하세요.",
                     "en": "Levels run from 1 to 5. A dimension's score can stay put while one "
                           "answer rises and another falls, so every answer that moved is listed. "
                           "Check the answers that fell on site."},
    "question": {"ko": "문항", "en": "Question"},
    "then_now": {"ko": "기준 → 후속", "en": "Before → after"},
    "note_now": {"ko": "후속 진단 메모", "en": "Follow-up note"},
    "radar": {"ko": "영역별 점수", "en": "Scores by dimension"},
    "dimensions": {"ko": "영역별 변화", "en": "Change by dimension"},
    "dimension": {"ko": "영역", "en": "Dimension"},
    "completeness": {"ko": "완성도", "en": "Completeness"},
    "insufficient": {"ko": "근거 부족", "en": "Insufficient evidence"},
    "recommendations": {"ko": "추천 과제의 진행", "en": "Recommendations: resolved and open"},
    "solution": {"ko": "추천 과제", "en": "Recommendation"},
    "track": {"ko": "지원 트랙", "en": "Support track"},
    "status": {"ko": "상태", "en": "Status"},
    "prerequisites": {"ko": "선행 조건", "en": "Prerequisites"},
    "met": {"ko": "충족", "en": "met"},
    "missing": {"ko": "부족", "en": "missing"},
    "then": {"ko": "기준 때 부족", "en": "missing then"},
    "none": {"ko": "없음", "en": "none"},
    "left_out": {"ko": "비교에서 제외한 항목", "en": "Left out of the comparison"},
    "nothing_left_out": {"ko": "두 진단은 같은 질문지와 채점 기준으로 비교했습니다. 제외한 항목이 없습니다.",
                         "en": "Both rounds are compared on the same questionnaire and rubric; "
                               "nothing was left out."},
    "definition": {
        "ko": "답변상 해소: 후속 진단의 답변으로 보면 기준 진단의 추천 과제가 메우려던 격차가 더 이상 "
              "보이지 않음(판단에 쓰는 문항이 모두 응답됨). 과제를 실제로 수행했는지는 답변만으로 알 수 "
              "없으니 현장에서 확인하세요. 진전: 여전히 필요하지만 부족했던 선행 조건이 모두 충족됨. "
              "답변상 해소와 진전을 '진행된 과제'로 셉니다. 진행 중: 여전히 필요함. 확인 필요: 판단에 "
              "쓰는 문항이 후속 진단에서 응답되지 않음. 새 추천: 후속 진단에서 새로 추천됨.",
        "en": "Resolved per the answers: at follow-up the answers no longer show the gap the "
              "baseline recommendation addressed (and everything its fit tests was answered). "
              "The answers cannot tell whether the project was carried out: check on site. "
              "Progressed: still needed, and the prerequisites it lacked are now met. Both count "
              "as progressed. Open: still needed. Unclear: what its fit tests was not answered "
              "at follow-up. New: recommended at follow-up only."},
    "progressed": {"ko": "진행된 과제", "en": "Progressed"},
    "see_below": {"ko": "마지막 부분 참조", "en": "listed at the end"},
    "no_score": {"ko": "점수 없음", "en": "No score"},
    "page": {"ko": "쪽", "en": "Page"},
}
VERDICTS = {"better": {"ko": "개선", "en": "Better"}, "worse": {"ko": "악화", "en": "Worse"},
            "same": {"ko": "변화 없음", "en": "No change"}, "changed": {"ko": "변화", "en": "Changed"},
            "none": {"ko": "비교 불가", "en": "Not comparable"}}
STATE_WORDS = {"unknown": {"ko": "모름", "en": "Don't know"},
               "missing": {"ko": "미응답", "en": "Unanswered"},
               "na": {"ko": "해당 없음", "en": "Not applicable"},
               "hidden": {"ko": "해당 없음(조건)", "en": "Not asked (condition)"},
               "answered": {"ko": "수준 없음", "en": "No level"}}


def _label(key: str, lang: str) -> str:
    return pick(LABELS[key], lang)


# --- business KPIs -----------------------------------------------------------------------------

def _figure_text(value: float, unit: str, money: bool, lang: str, signed: bool = False) -> str:
    """A KPI figure with its unit: money as ``krw`` writes it, a share in % (a change of a share
    in percentage points), anything else with the questionnaire's unit."""
    value = round(value, 4)
    if money:  # the sign before the whole amount: "-KRW 17 million", "-1,700만 원"
        sign = ("+" if value > 0 else "-" if value < 0 else "") if signed else ""
        return sign + krw(abs(value) * MILLION if signed else value * MILLION, lang)
    if unit == "%":
        points = "%p" if lang == "ko" else "\u00a0pp"
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
                     "verdict": kpi.verdict, "verdict_name": pick(VERDICTS[kpi.verdict], lang)})
    return rows


# --- answers -----------------------------------------------------------------------------------

def _level_text(level: float | None, state: str, lang: str) -> str:
    if level is None:
        return pick(STATE_WORDS[state], lang)
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
            "status": state, "status_name": pick(STATUSES[state], lang),
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
        **documents.base_context(LABELS, lang),
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
