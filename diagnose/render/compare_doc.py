"""The progress report of one company between two rounds: comparison -> context -> HTML -> PDF.

The numbers come from ``diagnose.engine.progress``; this module only words and lays them out
(template ``compare.html.j2``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.content.questionnaire import Questionnaire
from diagnose.core.i18n import pick
from diagnose.engine.progress import PROGRESSED, ROLES, STATUSES, Comparison, Round, cell_text
from diagnose.engine.recommend import Recommendation
from diagnose.engine.scoring import Scores
from diagnose.render import charts, documents
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
    "radar": {"ko": "영역별 비교", "en": "Dimensions, both rounds"},
    "dimensions": {"ko": "영역별 변화", "en": "Change by dimension"},
    "dimension": {"ko": "영역", "en": "Dimension"},
    "completeness": {"ko": "완성도", "en": "Completeness"},
    "insufficient": {"ko": "근거 부족", "en": "Insufficient evidence"},
    "recommendations": {"ko": "추천 과제의 진행", "en": "Recommendations: done and open"},
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
        "ko": "완료: 기준 진단의 추천 과제가 후속 진단에서 더 이상 맞지 않음(해결하려던 격차가 해소됨, "
              "판단에 쓰는 문항이 모두 응답됨). 진전: 여전히 맞지만 부족했던 선행 조건이 모두 충족됨. "
              "완료와 진전을 '진행된 과제'로 셉니다. 진행 중: 여전히 필요함. 확인 필요: 판단에 쓰는 "
              "문항이 후속 진단에서 응답되지 않음. 새 추천: 후속 진단에서 새로 추천됨.",
        "en": "Done: the baseline recommendation no longer fits at follow-up (the gap it "
              "addressed is closed, and everything its fit tests was answered). Progressed: it "
              "still fits and the prerequisites it lacked are now met. Both count as "
              "progressed. Open: still needed. Unclear: what its fit tests was not answered at "
              "follow-up. New: recommended at follow-up only."},
    "progressed": {"ko": "진행된 과제", "en": "Progressed"},
    "see_below": {"ko": "마지막 부분 참조", "en": "listed at the end"},
    "no_score": {"ko": "점수 없음", "en": "No score"},
    "page": {"ko": "쪽", "en": "Page"},
}


def _dimension_rows(questionnaire: Questionnaire, scores: Sequence[Scores],
                    changes: dict[str, float | None], lang: str) -> list[dict[str, Any]]:
    rows = []
    for dim in questionnaire.dimensions:
        if not any(q.scored for q in dim.questions):
            continue
        before, after = (s.table.iloc[0] for s in scores)
        change = changes[dim.id]
        rows.append({
            "title": pick(dim.title, lang),
            "before": number(before[f"{dim.id}.score"]),
            "after": number(after[f"{dim.id}.score"]),
            "change": number(change, signed=True),
            "direction": documents.direction(change),
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


def _radar(questionnaire: Questionnaire, scores: Sequence[Scores], rounds: Sequence[Round],
           lang: str) -> str:
    dims = [d for d in questionnaire.dimensions if any(q.scored for q in d.questions)]
    if len(dims) < 3:
        return ""  # a radar needs three axes
    series = []
    for role, score, item in zip(("baseline", "company"), scores, rounds, strict=True):
        name = pick(ROLES["baseline" if role == "baseline" else "followup"], lang)
        label = (cell_text(item.row.get("assessment.round"))
                 or cell_text(item.row.get("assessment.date")))
        values = [None if pd.isna(v) else float(v) for v in
                  (score.table[f"{d.id}.score"].iloc[0] for d in dims)]
        series.append(charts.Series(f"{name} ({label})" if label else name, values, role))
    return charts.radar_svg([pick(d.title, lang) for d in dims], series)


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


def context(comparison: Comparison, lang: str) -> dict[str, Any]:
    """Everything ``compare.html.j2`` needs, as plain data."""
    questionnaire, rounds = comparison.basis.questionnaire, comparison.rounds
    tracks = {t.id: pick(t.name, lang) for t in comparison.catalogue.tracks}
    rows = _recommendation_rows(comparison.recommendations, comparison.statuses, lang)
    for row in rows:
        row["track"] = tracks.get(row["track"], row["track"])
    facts = []
    for role, item in zip(("baseline", "followup"), rounds, strict=True):
        facts.append({"role": pick(ROLES[role], lang),
                      "round": cell_text(item.row.get("assessment.round")),
                      "date": cell_text(item.row.get("assessment.date")),
                      "consultant": cell_text(item.row.get("assessment.consultant")),
                      "versions": item.source().version_text()})
    sides = [{"score": number(summary.overall), "level": summary.level,
              "level_name": summary.level_name}
             for summary in (comparison.baseline, comparison.followup)]
    progressed = len(comparison.progressed)
    judged = sum(1 for s in comparison.statuses.values() if s != "new")
    return {
        **documents.base_context(LABELS, lang),
        "title": pick(questionnaire.title, lang),
        "company": {"name": cell_text(rounds[1].row.get("company.name")),
                    "id": cell_text(rounds[1].row.get("company.id"))},
        "rounds": facts,
        "sides": sides,
        "overall_change": number(comparison.changes["overall"], signed=True),
        "radar": _radar(questionnaire, comparison.scores, rounds, lang),
        "dimensions": _dimension_rows(questionnaire, comparison.scores, comparison.changes,
                                      lang),
        "recommendations": rows,
        "progressed": f"{progressed} / {judged}",
        "left_out": [item.render(lang) for item in comparison.left_out],
        "notes": [note.render(lang) for note in comparison.notes],
    }


def write(comparison: Comparison, out: Path, templates: list[Path], lang: str = "ko") -> None:
    """Write the progress report to ``out`` (PDF); ``templates``: the folders to look in
    (``report.template_dirs``)."""
    documents.write_pdf(context(comparison, lang), TEMPLATE, out, templates)
