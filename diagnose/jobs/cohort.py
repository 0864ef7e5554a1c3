"""The programme view: every company side by side, as a workbook and a PDF summary.

From one scored batch, ``build_cohort`` writes ``cohort.xlsx`` (all companies, a ranked sheet
per dimension, breakdowns by industry and size class, support tracks, progress between
rounds, consultants and data quality) and ``cohort.pdf`` (level distribution, dimension
spreads by industry, a company x dimension heatmap, the best-fitting companies per support
track, progress and data-quality warnings).

The view holds one row per company: its latest assessment. Assessments of the same company
(same id, else same name) in different rounds are linked, and the progress between the first
and the latest round is reported per dimension (see ``diagnose.jobs.compare`` for round order and
what counts as comparable).

The PDF stays readable for any cohort size: the heatmap lists companies only up to
``HEATMAP_MAX_COMPANIES`` (beyond, one row per industry and size class), each support track
shows its ``TRACK_TOP`` best companies and every data-quality list its first ``LIST_MAX``
rows; the workbook always has everything.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diagnose.core import fonts
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick
from diagnose.engine import peers, recommend
from diagnose.engine.batch import Batch
from diagnose.engine.recommend import Catalogue, Recommendation
from diagnose.engine.scoring import ANSWERED, MISSING
from diagnose.inputs.responses import LoadedResponse
from diagnose.jobs import compare
from diagnose.render import charts, report, tables, xlsx

TEMPLATE = "cohort.html.j2"
XLSX_NAME, PDF_NAME = "cohort.xlsx", "cohort.pdf"
HEATMAP_MAX_COMPANIES = 200  # more companies: the PDF heatmap shows industry x size groups
TRACK_TOP = 10  # companies per support track in the PDF
TRACK_SHEET_TOP = 150  # companies per support track in the workbook's track sheet
LIST_MAX = 30  # rows per data-quality list in the PDF
LOW_COMPLETENESS = 0.8  # an assessment with less of its questions answered is flagged
# A consultant is flagged when the mean of (their overall score - the median of the same peer
# group scored by other consultants) is beyond this many points, over at least
# DRIFT_MIN_ASSESSMENTS assessments. 0.5 points is 12.5 percentage points, well over half a
# maturity band (0.8 wide); chance alone rarely moves a mean of several assessments that far.
DRIFT_THRESHOLD = 0.5
DRIFT_MIN_ASSESSMENTS = 3

SHEETS: dict[str, dict[str, str]] = {
    "companies": {"ko": "기업 목록", "en": "companies"},
    "by_industry": {"ko": "업종별", "en": "by industry"},
    "by_size": {"ko": "규모별", "en": "by size"},
    "tracks": {"ko": "지원 트랙", "en": "support tracks"},
    "progress": {"ko": "차수별 향상", "en": "progress"},
    "progress_companies": {"ko": "기업별 향상", "en": "progress by company"},
    "consultants": {"ko": "컨설턴트", "en": "consultants"},
    "quality": {"ko": "데이터 품질", "en": "data quality"},
}
COLUMNS: dict[str, dict[str, str]] = {
    "industry_name": {"ko": "업종", "en": "Industry"},
    "size_class": {"ko": "규모", "en": "Size class"},
    "rounds": {"ko": "진단 횟수", "en": "Assessments"},
    "completeness": {"ko": "응답 완성도(%)", "en": "Completeness (%)"},
    "insufficient": {"ko": "근거 부족 영역", "en": "Insufficient evidence"},
    "dim_insufficient": {"ko": "근거 부족", "en": "Insufficient evidence"},
    "track_name": {"ko": "지원 트랙", "en": "Support track"},
    "rec1": {"ko": "추천 과제 1", "en": "Recommendation 1"},
    "rec2": {"ko": "추천 과제 2", "en": "Recommendation 2"},
    "rec3": {"ko": "추천 과제 3", "en": "Recommendation 3"},
    "track": {"ko": "제안 지원 트랙", "en": "Suggested support track"},
    "track_reason": {"ko": "제안 사유", "en": "Reason"},
    "peer_group": {"ko": "비교 집단", "en": "Peer group"},
    "peer_median": {"ko": "비교 집단 종합 중앙값", "en": "Peer median (overall)"},
    "peer_note": {"ko": "비교 집단 확대", "en": "Peer group widened"},
    "rank": {"ko": "순위", "en": "Rank"},
    "score": {"ko": "점수", "en": "Score"},
    "group": {"ko": "구분", "en": "Group"},
    "companies": {"ko": "기업 수", "en": "Companies"},
    "mean": {"ko": "평균", "en": "mean"},
    "median": {"ko": "중앙값", "en": "median"},
    "no_level": {"ko": "수준 없음", "en": "No level"},
    "solution": {"ko": "추천 과제", "en": "Recommendation"},
    "priority": {"ko": "우선순위", "en": "Priority"},
    "readiness": {"ko": "준비 상태", "en": "Readiness"},
    "reason": {"ko": "사유", "en": "Reason"},
    "dimension": {"ko": "영역", "en": "Dimension"},
    "linked": {"ko": "연결된 기업 수", "en": "Linked companies"},
    "before": {"ko": "기준 평균", "en": "Baseline mean"},
    "after": {"ko": "후속 평균", "en": "Follow-up mean"},
    "change": {"ko": "평균 변화", "en": "Mean change"},
    "consultant": {"ko": "컨설턴트", "en": "Consultant"},
    "assessments": {"ko": "비교된 진단 수", "en": "Assessments compared"},
    "drift": {"ko": "동종 기업 대비 평균 차이", "en": "Mean difference from peers"},
    "flagged": {"ko": "확인 필요", "en": "Flagged"},
    "kind": {"ko": "유형", "en": "Kind"},
    "detail": {"ko": "내용", "en": "Detail"},
    "file": {"ko": "파일", "en": "File"},
}
ISSUES: dict[str, dict[str, str]] = {
    "rejected": {"ko": "제외된 입력", "en": "Rejected input"},
    "warning": {"ko": "입력 경고", "en": "Input warning"},
    "no_score": {"ko": "점수 없음", "en": "No score"},
    "low_completeness": {"ko": "응답 완성도 낮음", "en": "Low completeness"},
    "insufficient": {"ko": "근거 부족 영역", "en": "Insufficient evidence"},
    "drift": {"ko": "컨설턴트 점수 편차", "en": "Consultant drift"},
    "versions": {"ko": "차수 간 질문지 버전 다름", "en": "Rounds on different versions"},
}


# --- the view --------------------------------------------------------------------------------

def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def company_keys(table: pd.DataFrame) -> pd.Series:
    """Who each assessment is about: ``id:<company id>``, else ``name:<company name>``.

    An assessment without an id joins the company that has its name and an id, when exactly
    one such company exists.
    """
    blank = pd.Series([""] * len(table), index=table.index, dtype=object)
    ids = table.get("company.id", blank).map(_text)
    names = table.get("company.name", blank).map(_text)
    with_id = pd.DataFrame({"id": ids, "name": names})[ids != ""].drop_duplicates()
    counts = with_id.groupby("name")["id"].transform("size")
    unique = with_id[counts == 1].set_index("name")["id"]
    adopted = names.map(unique).where(ids == "")
    return pd.Series(np.where(ids != "", "id:" + ids,
                              np.where(adopted.notna(), "id:" + adopted.fillna(""),
                                       "name:" + names)), index=table.index)


def round_order(table: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Each assessment's ``key``, ``position`` (row number), ``seq`` (0 = first round of its
    company) and ``count`` (its company's assessments).

    Rounds named baseline / followup / tN are ordered by name, then date; a company with a
    round named otherwise has all its rounds ordered by date (undated first), then input order.
    """
    rank = table["assessment.round"].map(compare.round_rank)
    all_named = ~rank.isna().groupby(keys).transform("any")
    order = pd.DataFrame({
        "key": keys, "primary": rank.where(all_named, 0.0),
        "date": table["assessment.date"].map(_text),
        "position": np.arange(len(table)),
    }, index=table.index).sort_values(["key", "primary", "date", "position"])
    order["seq"] = order.groupby("key").cumcount()
    order["count"] = order.groupby("key")["key"].transform("size")
    return order.loc[table.index, ["key", "position", "seq", "count"]]


@dataclass
class _View:
    """Everything the workbook and the PDF are made of."""

    batch: Batch
    lang: str
    catalogue: Catalogue
    frame: pd.DataFrame  # the answers of all assessments
    order: pd.DataFrame  # all assessments: key, position, seq, count
    recs: list[list[Recommendation]]  # all assessments
    companies: pd.DataFrame  # one row per company (its latest assessment), derived columns
    completeness: np.ndarray  # all assessments: answered / applicable question weight
    peer_groups: list[peers.PeerGroup] = field(default_factory=list)  # per company
    drift: pd.DataFrame = field(default_factory=pd.DataFrame)  # per consultant
    progress: pd.DataFrame = field(default_factory=pd.DataFrame)  # per linked company
    tracks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    track_counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # fits, ready
    issues: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def q(self) -> Any:
        return self.batch.questionnaire

    @property
    def dims(self) -> list[Any]:
        """The dimensions that can have a score."""
        return [d for d in self.q.dimensions if any(x.scored for x in d.questions)]

    def title(self, dim_id: str) -> str:
        return pick(self.q.dimension(dim_id).title, self.lang)


def _completeness(batch: Batch) -> np.ndarray:
    """Per assessment: answered over applicable weight, across all scored questions."""
    weights = np.array([q.weight for q in batch.questionnaire.scored_questions])
    states = batch.scores.states.to_numpy()
    answered = ((states == ANSWERED) * weights).sum(axis=1)
    applicable = ((states <= MISSING) * weights).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(applicable > 0, answered / applicable, 1.0)


def _view(batch: Batch, lang: str, catalogue_path: Path | None) -> _View:
    table = batch.scores.table
    catalogue = compare.load_catalogue(batch.questionnaire, catalogue_path)
    frame = batch.answers()
    recs = recommend.recommend(batch.scores, frame, catalogue)
    order = round_order(table, company_keys(table))
    latest = order.index[(order["seq"] == order["count"] - 1).to_numpy()]
    companies = table.loc[latest].copy()
    companies["key"] = order.loc[latest, "key"]
    companies["rounds"] = order.loc[latest, "count"]
    companies["position"] = order.loc[latest, "position"]
    companies = companies.sort_values(["overall.score", "company.name"],
                                      ascending=[False, True], na_position="last")
    view = _View(batch, lang, catalogue, frame, order, recs, companies, _completeness(batch))
    view.peer_groups = peers.peer_groups(companies, batch.questionnaire)
    _describe_companies(view)
    view.drift = consultant_drift(companies, batch.questionnaire)[1]
    view.progress = _progress(view)
    view.tracks, view.track_counts = _track_fits(view)
    view.issues = _issues(view)
    return view


def _display(item: Any, values: pd.Series, lang: str) -> list[Any]:
    """A profile column as people read it: option labels instead of ids."""
    from diagnose.inputs import answers

    if item.type not in {"choice", "multi"}:
        return [None if _text(v) == "" else v for v in values]
    shown: dict[Any, str] = {}
    result: list[Any] = []
    for value in values:
        if _text(value) == "" and not isinstance(value, tuple):
            result.append(None)
            continue
        if value not in shown:
            shown[value] = answers.display(item, value, lang)
        result.append(shown[value])
    return result


def _describe_companies(view: _View) -> None:
    """Add the derived columns the sheets and the PDF show, one per company."""
    c, lang, q = view.companies, view.lang, view.q
    positions = c["position"].to_numpy()
    c["industry_name"], c["size_class"] = peers.group_names(c, q, lang)
    c["completeness"] = view.completeness[positions]
    flags = np.column_stack([c[f"{d.id}.insufficient"].to_numpy(dtype=bool) for d in view.dims])
    titles = [view.title(d.id) for d in view.dims]
    c["insufficient"] = [", ".join(t for t, hit in zip(titles, row, strict=True) if hit)
                         for row in flags]
    c["overall.level_name"] = [view.batch.rubric.level_name(None if pd.isna(v) else int(v), lang)
                               for v in c["overall.level"]]
    names = {s.id: pick(s.name, lang) for s in view.catalogue.solutions}
    tracks = {t.id: pick(t.name, lang) for t in view.catalogue.tracks}
    recs = [view.recs[p] for p in positions]
    for n in range(3):
        c[f"rec{n + 1}"] = [names[r[n].solution.id] if len(r) > n else "" for r in recs]
    c["track"] = [tracks[r[0].solution.track] if r else "" for r in recs]
    c["track_reason"] = [_reason(r[0], names, lang).render(lang) if r else "" for r in recs]
    c["peer_group"] = [g.name(lang) for g in view.peer_groups]
    c["peer_note"] = [_peer_note(g).render(lang) if g.fell_back else "" for g in view.peer_groups]
    c["peer_median"] = [g.medians.get("overall.score", math.nan) for g in view.peer_groups]
    for track in view.catalogue.tracks:
        c[f"track.{track.id}"] = [max((r.priority for r in rs if r.solution.track == track.id),
                                      default=math.nan) for rs in recs]


def _peer_note(group: peers.PeerGroup) -> Msg:
    """Why a company is compared with a broader group than its industry and size."""
    if group.level == "none":
        return Msg("비교할 기업이 {m}곳 미만이라 비교 집단이 없습니다",
                   "fewer than {m} companies to compare with: no peer group").format(
            m=peers.MIN_GROUP)
    return Msg("업종·규모가 같은 기업이 {m}곳 미만(또는 정보 없음)이어서 비교 집단을 넓힘: {g}",
               "fewer than {m} companies of the same industry and size (or unknown): "
               "widened to {g_en}").format(m=peers.MIN_GROUP, g=group.name("ko"),
                                           g_en=group.name("en"))


def _reason(rec: Recommendation, names: dict[str, str], lang: str) -> Msg:
    """Why a company's first recommendation decides its suggested track."""
    name = names[rec.solution.id]
    if rec.prepare_for:
        return Msg("'{s}' 먼저: {x}의 선행 단계 (우선순위 {p:.2f})",
                   "'{s}' first: it prepares {x} (priority {p:.2f})").format(
            s=name, x=", ".join(f"'{names[x]}'" for x in rec.prepare_for), p=rec.priority)
    if rec.ready:
        return Msg("'{s}' 바로 시작 가능 (우선순위 {p:.2f})",
                   "'{s}' can start now (priority {p:.2f})").format(s=name, p=rec.priority)
    return Msg("'{s}' (우선순위 {p:.2f}), 선행 조건 필요: {m}",
               "'{s}' (priority {p:.2f}), needs first: {m}").format(
        s=name, p=rec.priority, m="; ".join(pick(x.text, lang) for x in rec.missing))


# --- support tracks ------------------------------------------------------------------------

def _track_fits(view: _View) -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[int, int]]]:
    """Per track, the companies that fit it best (ready first, then by priority), and how many
    companies fit it at all and how many of those can start now."""
    best: dict[str, list[tuple[bool, float, int, Recommendation]]] = {
        t.id: [] for t in view.catalogue.tracks}
    for row, position in enumerate(view.companies["position"].to_numpy()):
        chosen: dict[str, Recommendation] = {}
        for rec in view.recs[position]:
            held = chosen.get(rec.solution.track)
            if held is None or (rec.ready, rec.priority) > (held.ready, held.priority):
                chosen[rec.solution.track] = rec
        for track, rec in chosen.items():
            best[track].append((rec.ready, rec.priority, row, rec))
    rows: dict[str, list[dict[str, Any]]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for track, items in best.items():
        items.sort(key=lambda x: (not x[0], -x[1], x[2]))
        counts[track] = (len(items), sum(1 for x in items if x[0]))
        rows[track] = [_track_row(view, rank, row, rec)
                       for rank, (_, _, row, rec) in enumerate(items[:TRACK_SHEET_TOP], 1)]
    return rows, counts


def _track_row(view: _View, rank: int, row: int, rec: Recommendation) -> dict[str, Any]:
    company = view.companies.iloc[row]
    lang = view.lang
    described = recommend.describe(rec, view.catalogue, lang)
    score = company[f"{rec.solution.dimension}.score"]
    reason = Msg("{d} {s}점 · {k}", "{d} {s} · {k}").format(
        d=view.title(rec.solution.dimension), s="–" if pd.isna(score) else f"{score:.2f}",
        k=described["kpi"]).render(lang)
    if rec.business_case is not None and rec.solution.business_case is not None:
        estimate = Msg("기대 효과 연 약 {v} {u}", "about {v} {u} a year").format(
            v=f"{rec.business_case:,.0f}", u=pick(rec.solution.business_case.unit, lang))
        reason += f" · {estimate.render(lang)}"
    readiness = (Msg("바로 시작 가능", "can start now") if rec.ready else
                 Msg("선행 필요: {m}", "needs first: {m}").format(m="; ".join(described["missing"])))
    return {"rank": rank, "company.id": _text(company.get("company.id")),
            "company.name": _text(company.get("company.name")),
            "industry_name": company["industry_name"], "solution": described["name"],
            "priority": round(rec.priority, 2), "ready": rec.ready,
            "readiness": readiness.render(lang), "reason": reason}


# --- consultant drift and progress -------------------------------------------------------------

def consultant_drift(table: pd.DataFrame, questionnaire: Any) -> tuple[np.ndarray, pd.DataFrame]:
    """Per assessment: its overall score minus the median of its peers scored by *other*
    consultants (``peers.medians_excluding``). Per consultant: how many such differences
    (``count``), their ``mean``, and ``flagged`` when ``count`` >= DRIFT_MIN_ASSESSMENTS and
    the mean is beyond DRIFT_THRESHOLD either way."""
    others = peers.medians_excluding(table, questionnaire, "assessment.consultant")
    diff = table["overall.score"].to_numpy(dtype=float) - others
    frame = pd.DataFrame({"consultant": table["assessment.consultant"].to_numpy(dtype=object),
                          "diff": diff}).dropna()
    summary = frame.groupby("consultant", sort=True)["diff"].agg(["count", "mean"])
    summary["flagged"] = ((summary["count"] >= DRIFT_MIN_ASSESSMENTS)
                          & (summary["mean"].abs() > DRIFT_THRESHOLD))
    summary["size"] = summary["mean"].abs()
    summary = summary.reset_index().sort_values(["flagged", "size"], ascending=[False, False])
    return diff, summary.drop(columns="size").reset_index(drop=True)


def _progress(view: _View) -> pd.DataFrame:
    """One row per company with two or more rounds: its first and latest round compared."""
    linked = view.order[view.order["count"] >= 2]
    if linked.empty:
        return pd.DataFrame()
    first = linked[linked["seq"] == 0].set_index("key")["position"]
    last = linked[linked["seq"] == linked["count"] - 1].set_index("key")["position"]
    by_path = {item.path: item for item in view.batch.responses}
    sources = view.batch.scores.table["source"].to_numpy(dtype=object)
    loaded = [by_path.get(path) for path in sources]
    return pd.DataFrame([_pair(view, key, int(first[key]), int(last[key]), loaded)
                         for key in first.index])


def _written(batch: Batch, item: LoadedResponse | None) -> tuple[str, str, str]:
    """The questionnaire (id, version, sha256) an assessment was answered with."""
    if item is None:
        q = batch.questionnaire
        return q.id, q.version, q.sha256 or ""
    ref = item.response.questionnaire
    return ref.id, ref.version, ref.sha256 or ""


def _pair(view: _View, key: str, before: int, after: int,
          loaded: Sequence[LoadedResponse | None]) -> dict[str, Any]:
    """First and latest round of one company; re-scored on what both have when they answered
    different questionnaire versions (``compare.basis``)."""
    batch, table = view.batch, view.batch.scores.table
    rows = [table.iloc[before], table.iloc[after]]
    left_out = 0
    if compare.versions_differ(_written(batch, loaded[before]), _written(batch, loaded[after])):
        sources = [compare.source_of(batch, p, loaded[p]) for p in (before, after)]
        common = compare.basis((batch.questionnaire, batch.rubric, sources[0]),
                               (batch.questionnaire, batch.rubric, sources[1]))
        rescored = compare.rescore(common, view.frame.iloc[[before, after]], view.lang)
        rows = [rescored.table.iloc[0], rescored.table.iloc[1]]
        left_out = sum(1 for item in common.left_out if item.kind == "question")
    head = table.iloc[after]
    result: dict[str, Any] = {
        "key": key, "company.id": _text(head.get("company.id")),
        "company.name": _text(head.get("company.name")),
        "consultant": _text(head.get("assessment.consultant")),
        "round.before": _text(rows[0]["assessment.round"]),
        "date.before": _text(rows[0]["assessment.date"]),
        "round.after": _text(rows[1]["assessment.round"]),
        "date.after": _text(rows[1]["assessment.date"]),
        "level.before": rows[0]["overall.level"], "level.after": rows[1]["overall.level"],
        "left_out": left_out,
    }
    for column in ["overall", *(d.id for d in view.dims)]:
        b, f = rows[0][f"{column}.score"], rows[1][f"{column}.score"]
        result[f"{column}.before"], result[f"{column}.after"] = b, f
        result[f"{column}.change"] = f - b if pd.notna(b) and pd.notna(f) else math.nan
    return result


def progress_summary(progress: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Per dimension (and ``overall``): linked companies with both scores, the mean before,
    the mean after and the mean change (follow-up minus baseline) over those companies."""
    rows = []
    for column in columns:
        if progress.empty:
            rows.append({"dimension": column, "linked": 0, "before": math.nan,
                         "after": math.nan, "change": math.nan})
            continue
        both = progress[progress[f"{column}.change"].notna()]
        rows.append({"dimension": column, "linked": len(both),
                     "before": both[f"{column}.before"].astype(float).mean(),
                     "after": both[f"{column}.after"].astype(float).mean(),
                     "change": both[f"{column}.change"].astype(float).mean()})
    return pd.DataFrame(rows)


# --- data quality --------------------------------------------------------------------------

def _issues(view: _View) -> pd.DataFrame:
    """Every data-quality finding, one row each: kind, company, consultant, detail."""
    lang, rows = view.lang, []

    def add(kind: str, detail: str, company: pd.Series | None = None,
            consultant: str = "") -> None:
        rows.append({"kind": kind, "kind_name": pick(ISSUES[kind], lang),
                     "company.id": _text(company.get("company.id")) if company is not None else "",
                     "company.name": _text(company.get("company.name"))
                     if company is not None else "",
                     "consultant": consultant or (_text(company.get("assessment.consultant"))
                                                  if company is not None else ""),
                     "detail": detail})

    for rejection in view.batch.rejections:
        add("rejected", rejection.render(lang))
    for warning in view.batch.warnings:
        add("warning", warning.render(lang))
    c = view.companies
    for _, company in c[c["overall.score"].isna()].iterrows():
        add("no_score", Msg("종합 점수를 낼 응답이 없습니다", "no answers to score").render(lang),
            company)
    low = c[c["completeness"] < LOW_COMPLETENESS].sort_values("completeness")
    for _, company in low.iterrows():
        add("low_completeness", Msg("응답 완성도 {p:.0%} (기준 {t:.0%})",
                                    "completeness {p:.0%} (threshold {t:.0%})").format(
            p=company["completeness"], t=LOW_COMPLETENESS).render(lang), company)
    for _, company in c[c["insufficient"] != ""].iterrows():
        add("insufficient", company["insufficient"], company)
    for _, consultant in view.drift[view.drift["flagged"]].iterrows():
        add("drift", _drift_text(consultant, lang), consultant=str(consultant["consultant"]))
    if not view.progress.empty:
        for _, pair in view.progress[view.progress["left_out"] > 0].iterrows():
            add("versions", Msg(
                "두 차수가 다른 질문지 버전에 응답해 {n}개 문항을 빼고 비교했습니다",
                "the rounds answered different questionnaire versions; {n} question(s) left "
                "out of the comparison").format(n=pair["left_out"]).render(lang),
                pd.Series({"company.id": pair["company.id"],
                           "company.name": pair["company.name"],
                           "assessment.consultant": pair["consultant"]}))
    return pd.DataFrame(rows, columns=["kind", "kind_name", "company.id", "company.name",
                                       "consultant", "detail"])


def _drift_text(consultant: pd.Series, lang: str) -> str:
    return Msg("동종 기업(다른 컨설턴트 진단) 중앙값보다 평균 {d:+.2f}점, {n}건 (기준 ±{t})",
               "{d:+.2f} points from the median of peers assessed by other consultants on "
               "average, {n} assessment(s) (threshold ±{t})").format(
        d=consultant["mean"], n=int(consultant["count"]), t=DRIFT_THRESHOLD).render(lang)


# --- the workbook ----------------------------------------------------------------------------

Sheet = tuple[str, pd.DataFrame, dict[str, str]]


def _round2(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float).round(2)
    return frame


def _headers(view: _View) -> dict[str, str]:
    lang = view.lang
    headers = tables.titles(view.q, lang)
    headers.update({key: pick(text, lang) for key, text in COLUMNS.items()})
    fit = Msg("적합도: {t}", "Fit: {t}")
    for track in view.catalogue.tracks:
        headers[f"track.{track.id}"] = fit.format(t=pick(track.name, lang)).render(lang)
    return headers


def _companies_sheet(view: _View) -> pd.DataFrame:
    c = view.companies
    profile = [f"company.{p.id}" for p in view.q.profile if p.id not in {"id", "name", "industry"}]
    dims = [f"{d.id}.score" for d in view.dims]
    tracks = [f"track.{t.id}" for t in view.catalogue.tracks]
    columns = ["company.id", "company.name", "industry_name", "size_class", *profile,
               "assessment.date", "assessment.round", "assessment.consultant", "rounds",
               "overall.score", "overall.percent", "overall.level", "overall.level_name",
               "overall.gates", "completeness", "insufficient", *dims, "rec1", "rec2", "rec3",
               "track", "track_reason", *tracks, "peer_group", "peer_median", "peer_note",
               "source"]
    frame = c.reindex(columns=columns).copy()
    for item in view.q.profile:
        if f"company.{item.id}" in profile:
            frame[f"company.{item.id}"] = _display(item, frame[f"company.{item.id}"], view.lang)
    frame["completeness"] = (frame["completeness"].astype(float) * 100).round(0)
    gate_titles = {d.id: view.title(d.id) for d in view.q.dimensions}
    frame["overall.gates"] = [", ".join(gate_titles.get(g, g) for g in _text(v).split(";") if g)
                              for v in frame["overall.gates"]]
    return _round2(frame, ["overall.score", "overall.percent", *dims, *tracks, "peer_median"])


def _dimension_sheet(view: _View, dim_id: str) -> pd.DataFrame:
    c = view.companies
    frame = pd.DataFrame({
        "rank": c[f"{dim_id}.score"].rank(ascending=False, method="min"),
        "company.id": c.get("company.id"), "company.name": c["company.name"],
        "industry_name": c["industry_name"], "size_class": c["size_class"],
        "score": c[f"{dim_id}.score"],
        "completeness": (c[f"{dim_id}.completeness"].astype(float) * 100).round(0),
        "dim_insufficient": c[f"{dim_id}.insufficient"],
        "overall.level": c["overall.level"],
    }).sort_values(["rank", "company.name"], na_position="last")
    return _round2(frame, ["score"])


def _breakdown(view: _View, by: str) -> pd.DataFrame:
    """Companies, mean and median scores and the level distribution per group, then all."""
    c = view.companies
    rows = []
    groups = c.groupby(by, sort=False)
    order = groups.size().sort_values(ascending=False).index if by == "industry_name" else [
        peers.size_class_name(i, view.lang) for i in [*range(len(peers.SIZE_CLASSES)), None]]
    for name, members in [*((g, c[c[by] == g]) for g in order if g in groups.groups),
                          (pick(peers.WHOLE, view.lang), c)]:
        row: dict[str, Any] = {"group": name, "companies": len(members)}
        for column in ["overall", *(d.id for d in view.dims)]:
            scores = members[f"{column}.score"].astype(float)
            row[f"{column}.mean"], row[f"{column}.median"] = scores.mean(), scores.median()
        levels = members["overall.level"]
        for band in view.batch.rubric.bands:
            row[f"level.{band.level}"] = int((levels == band.level).sum())
        row["no_level"] = int(levels.isna().sum())
        rows.append(row)
    frame = pd.DataFrame(rows)
    return _round2(frame, [c for c in frame.columns if c.endswith((".mean", ".median"))])


def _breakdown_headers(view: _View, headers: dict[str, str]) -> dict[str, str]:
    lang = view.lang
    result = dict(headers)
    names = {"overall": pick({"ko": "종합", "en": "Overall"}, lang),
             **{d.id: view.title(d.id) for d in view.dims}}
    for key, name in names.items():
        result[f"{key}.mean"] = f"{name} {pick(COLUMNS['mean'], lang)}"
        result[f"{key}.median"] = f"{name} {pick(COLUMNS['median'], lang)}"
    level = {"ko": "수준", "en": "Level"}
    for band in view.batch.rubric.bands:
        result[f"level.{band.level}"] = f"{pick(level, lang)} {band.level} {pick(band.name, lang)}"
    return result


def _tracks_sheet(view: _View) -> pd.DataFrame:
    rows = []
    for track in view.catalogue.tracks:
        for item in view.tracks[track.id]:
            rows.append({"track_name": pick(track.name, view.lang), **item})
    columns = ["track_name", "rank", "company.id", "company.name", "industry_name", "solution",
               "priority", "readiness", "reason"]
    return pd.DataFrame(rows, columns=columns)


def _progress_sheets(view: _View, headers: dict[str, str]) -> tuple[Sheet, Sheet]:
    lang = view.lang
    columns = ["overall", *(d.id for d in view.dims)]
    names = {"overall": pick({"ko": "종합", "en": "Overall"}, lang),
             **{d.id: view.title(d.id) for d in view.dims}}
    summary = progress_summary(view.progress, columns)
    summary["dimension"] = summary["dimension"].map(names)
    summary = _round2(summary, ["before", "after", "change"])
    part = {"before": {"ko": "기준", "en": "baseline"}, "after": {"ko": "후속", "en": "follow-up"},
            "change": {"ko": "변화", "en": "change"}}
    company_headers = dict(headers)
    company_headers.update({
        "round.before": f"{pick(part['before'], lang)} {headers['assessment.round']}",
        "date.before": f"{pick(part['before'], lang)} {headers['assessment.date']}",
        "round.after": f"{pick(part['after'], lang)} {headers['assessment.round']}",
        "date.after": f"{pick(part['after'], lang)} {headers['assessment.date']}",
        "level.before": f"{pick(part['before'], lang)} {headers['overall.level']}",
        "level.after": f"{pick(part['after'], lang)} {headers['overall.level']}",
        "left_out": pick({"ko": "비교에서 뺀 문항 수", "en": "Questions left out"}, lang)})
    detail = ["company.id", "company.name", "consultant", "round.before", "date.before",
              "round.after", "date.after", "level.before", "level.after"]
    for column in columns:
        for key, text in part.items():
            company_headers[f"{column}.{key}"] = f"{names[column]} {pick(text, lang)}"
            detail.append(f"{column}.{key}")
    detail.append("left_out")
    company_headers["consultant"] = headers["assessment.consultant"]
    companies = view.progress.reindex(columns=detail)
    companies = _round2(companies, [c for c in detail if c.endswith((".before", ".after",
                                                                      ".change"))
                                    and not c.startswith(("round.", "date.", "level."))])
    return ((pick(SHEETS["progress"], lang), summary, headers),
            (pick(SHEETS["progress_companies"], lang), companies, company_headers))


def _sheets(view: _View) -> list[Sheet]:
    lang = view.lang
    headers = _headers(view)
    sheets: list[Sheet] = [(pick(SHEETS["companies"], lang), _companies_sheet(view), headers)]
    for dim in view.dims:
        sheets.append((view.title(dim.id), _dimension_sheet(view, dim.id), headers))
    breakdown_headers = _breakdown_headers(view, headers)
    for key, by in (("by_industry", "industry_name"), ("by_size", "size_class")):
        sheets.append((pick(SHEETS[key], lang), _breakdown(view, by), breakdown_headers))
    sheets.append((pick(SHEETS["tracks"], lang), _tracks_sheet(view), headers))
    sheets.extend(_progress_sheets(view, headers))
    drift = view.drift.rename(columns={"count": "assessments", "mean": "drift"})
    sheets.append((pick(SHEETS["consultants"], lang), _round2(drift, ["drift"]), headers))
    quality = view.issues.drop(columns="kind").rename(columns={"kind_name": "kind"})
    sheets.append((pick(SHEETS["quality"], lang), quality, headers))
    return sheets


NUMBER_SUFFIXES = (".score", ".percent", ".mean", ".median", ".change", ".before", ".after",
                   "peer_median", "priority", "drift", "score", "before", "after", "change")
WHOLE_NUMBERS = ("completeness",)


def _format(column: str) -> str | None:
    if column.startswith(("round.", "date.", "level.")):
        return None
    if column.endswith(NUMBER_SUFFIXES) or column.startswith("track."):
        return "0.00"
    return "0" if column in WHOLE_NUMBERS else None


def write_workbook(sheets: Sequence[Sheet], out: Path) -> None:
    """Write the sheets (name, data, column titles) as one XLSX, atomically (``diagnose.render.xlsx``:
    a 10,000-company cohort is about a million cells). Every text cell is neutralised."""
    xlsx.write([xlsx.Sheet(name, [headers.get(c, c) for c in data.columns],
                           [data[c].astype(object).tolist() for c in data.columns],
                           [_format(c) for c in data.columns])
                for name, data, headers in sheets], out)


# --- the PDF -----------------------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "report": {"ko": "AI 준비도 코호트 진단 요약", "en": "AI Readiness: Cohort Summary"},
    "companies": {"ko": "참여 기업", "en": "Companies"},
    "assessments": {"ko": "진단 건수", "en": "Assessments"},
    "mean_overall": {"ko": "종합 점수 평균", "en": "Mean overall score"},
    "ready_share": {"ko": "준비 수준(3단계) 이상", "en": "Level 3 (Ready) or above"},
    "period": {"ko": "진단 기간", "en": "Period"},
    "versions": {"ko": "질문지 · 채점 기준", "en": "Questionnaire · rubric"},
    "levels": {"ko": "성숙도 수준 분포", "en": "Maturity levels"},
    "level": {"ko": "수준", "en": "Level"},
    "no_level": {"ko": "수준 없음", "en": "No level"},
    "spread": {"ko": "영역별 점수 분포 (전체)", "en": "Dimension scores, all companies"},
    "spread_note": {"ko": "선: 하위 10%~상위 10%, 상자: 25%~75%, 굵은 선과 숫자: 중앙값",
                    "en": "Line: 10th to 90th percentile, box: 25th to 75th, bar and number: "
                          "median"},
    "by_industry": {"ko": "업종별 영역 점수 (중앙값, 괄호 안 25%~75%)",
                    "en": "Dimension scores by industry (median, 25th-75th percentile)"},
    "industry": {"ko": "업종", "en": "Industry"},
    "n": {"ko": "기업 수", "en": "n"},
    "heatmap": {"ko": "기업 × 영역 점수", "en": "Companies x dimensions"},
    "heatmap_groups": {"ko": "업종·규모 집단 × 영역 점수 (평균)",
                       "en": "Industry and size groups x dimensions (mean)"},
    "heatmap_capped": {"ko": "기업이 {n}곳으로 {cap}곳을 넘어, 기업별 행 대신 업종·규모 집단별 평균을 "
                             "보여 줍니다. 기업별 점수는 cohort.xlsx에 있습니다.",
                       "en": "With {n} companies (over {cap}), groups by industry and size "
                             "replace the company rows; every company is in cohort.xlsx."},
    "company": {"ko": "기업", "en": "Company"},
    "group": {"ko": "집단", "en": "Group"},
    "overall": {"ko": "종합", "en": "Overall"},
    "tracks": {"ko": "지원 트랙별 적합 기업", "en": "Best-fitting companies per support track"},
    "tracks_note": {"ko": "트랙마다 바로 시작할 수 있는 기업을 먼저, 그다음 우선순위 순으로 상위 {n}곳을 "
                          "보여 줍니다. 전체 목록은 cohort.xlsx의 '지원 트랙' 시트에 있습니다.",
                    "en": "Per track, companies that can start now come first, then by "
                          "priority; the top {n} are shown. The full list is in the 'support "
                          "tracks' sheet of cohort.xlsx."},
    "track_counts": {"ko": "적합 기업 {fits}곳 (바로 시작 가능 {ready}곳)",
                     "en": "{fits} companies fit ({ready} can start now)"},
    "no_fit": {"ko": "이 트랙에 맞는 기업이 없습니다.", "en": "No company fits this track."},
    "solution": {"ko": "추천 과제", "en": "Recommendation"},
    "priority": {"ko": "우선순위", "en": "Priority"},
    "readiness": {"ko": "준비 상태", "en": "Readiness"},
    "reason": {"ko": "사유", "en": "Reason"},
    "progress": {"ko": "차수 간 향상", "en": "Progress between rounds"},
    "progress_note": {"ko": "기준 진단과 후속 진단이 모두 있는 기업 {n}곳의 영역별 평균 변화(후속 − 기준)입니다.",
                      "en": "Mean change per dimension (follow-up minus baseline) over the {n} "
                            "companies with both rounds."},
    "no_progress": {"ko": "두 차수 이상 진단된 기업이 없습니다.",
                    "en": "No company has been assessed in two rounds."},
    "level_moves": {"ko": "수준 상승 {up}곳 · 유지 {same}곳 · 하락 {down}곳",
                    "en": "Level up {up} · same {same} · down {down}"},
    "dimension": {"ko": "영역", "en": "Dimension"},
    "linked": {"ko": "기업 수", "en": "Companies"},
    "before": {"ko": "기준", "en": "Baseline"},
    "after": {"ko": "후속", "en": "Follow-up"},
    "change": {"ko": "변화", "en": "Change"},
    "quality": {"ko": "데이터 품질 점검", "en": "Data quality"},
    "quality_counts": {"ko": "점검 결과", "en": "Findings"},
    "low_completeness": {"ko": "응답 완성도 {t:.0%} 미만 또는 근거 부족 영역이 있는 진단",
                         "en": "Assessments under {t:.0%} completeness or with insufficient "
                               "evidence"},
    "completeness": {"ko": "완성도", "en": "Completeness"},
    "insufficient": {"ko": "근거 부족 영역", "en": "Insufficient evidence"},
    "consultant": {"ko": "컨설턴트", "en": "Consultant"},
    "drift": {"ko": "컨설턴트별 점수 편차", "en": "Consultant drift"},
    "drift_note": {"ko": "진단마다 종합 점수를 같은 비교 집단(업종·규모, 5곳 미만이면 업종, 전체 순)에서 "
                         "다른 컨설턴트가 진단한 기업들의 중앙값과 비교합니다. 평균 차이가 ±{t}점을 넘고 "
                         "진단이 {m}건 이상이면 확인이 필요합니다.",
                   "en": "Each overall score is compared with the median of the same peer group "
                         "(industry and size, else industry, else all) assessed by other "
                         "consultants. A mean difference beyond ±{t} points over {m} or more "
                         "assessments is flagged."},
    "compared": {"ko": "비교된 진단", "en": "Compared"},
    "mean_diff": {"ko": "평균 차이", "en": "Mean difference"},
    "flagged": {"ko": "확인 필요", "en": "Flagged"},
    "yes": {"ko": "예", "en": "yes"},
    "other_issues": {"ko": "그 밖의 점검 결과", "en": "Other findings"},
    "more": {"ko": "외 {n}건은 cohort.xlsx의 '데이터 품질' 시트에 있습니다.",
             "en": "{n} more in the 'data quality' sheet of cohort.xlsx."},
    "no_issues": {"ko": "점검 결과 문제가 없습니다.", "en": "No findings."},
}
LEVEL_COLOURS = {1: "#b23a48", 2: "#e0a100", 3: "#1b998b", 4: "#2c6e9b", 5: "#12355b"}
# Heatmap cells: light red at 1 through light amber to teal at 5 (dark text stays legible).
HEAT_STOPS = [(1.0, (232, 180, 184)), (2.0, (246, 216, 143)), (3.0, (207, 232, 228)),
              (4.0, (143, 208, 198)), (5.0, (79, 179, 165))]


def heat(score: float | None) -> str:
    """The heatmap colour of a score on the 1-5 scale (light grey when there is none)."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return "#eef1f4"
    score = min(5.0, max(1.0, float(score)))
    for (low, a), (high, b) in itertools.pairwise(HEAT_STOPS):
        if score <= high:
            t = (score - low) / (high - low)
            return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))
    return "#4fb3a5"


def _num(value: Any, signed: bool = False) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{float(value):+.2f}" if signed else f"{float(value):.2f}"


def _levels(view: _View) -> tuple[list[dict[str, Any]], str]:
    levels = view.companies["overall.level"]
    total = len(levels) or 1
    rows = [{"level": band.level, "name": pick(band.name, view.lang),
             "count": int((levels == band.level).sum())} for band in view.batch.rubric.bands]
    missing = int(levels.isna().sum())
    labels = [f"{r['level']} {r['name']}" for r in rows]
    counts = [r["count"] for r in rows]
    colours = [LEVEL_COLOURS.get(r["level"], "#12355b") for r in rows]
    if missing:
        rows.append({"level": None, "name": pick(LABELS["no_level"], view.lang), "count": missing})
        labels.append(rows[-1]["name"])
        counts.append(missing)
        colours.append("#9aa5b1")
    for row in rows:
        row["share"] = f"{row['count'] / total:.0%}"
    return rows, charts.bar_svg(labels, counts, colours)


def _spread(view: _View) -> str:
    rows = []
    for dim in view.dims:
        scores = view.companies[f"{dim.id}.score"].astype(float).dropna()
        if scores.empty:
            rows.append(charts.Spread(view.title(dim.id), 0, 0, 0, 0, 0, 0))
            continue
        p = np.percentile(scores, [10, 25, 50, 75, 90])
        rows.append(charts.Spread(view.title(dim.id), *map(float, p), count=len(scores)))
    return charts.spread_svg(rows)


def _by_industry(view: _View) -> list[dict[str, Any]]:
    c = view.companies
    rows = []
    for name, members in sorted(c.groupby("industry_name"), key=lambda g: -len(g[1])):
        cells = []
        for dim in view.dims:
            scores = members[f"{dim.id}.score"].astype(float).dropna()
            if scores.empty:
                cells.append({"text": "–", "sub": "", "colour": heat(None)})
                continue
            q1, median, q3 = np.percentile(scores, [25, 50, 75])
            cells.append({"text": f"{median:.2f}", "sub": f"{q1:.1f}–{q3:.1f}",
                          "colour": heat(float(median))})
        rows.append({"name": name, "n": len(members), "cells": cells})
    return rows


def _heatmap(view: _View) -> dict[str, Any]:
    c, lang = view.companies, view.lang
    dims = [d.id for d in view.dims]
    if len(c) <= HEATMAP_MAX_COMPANIES:
        rows = [{"name": _text(row["company.name"]), "group": _short(row["industry_name"]),
                 "cells": [{"text": _num(row[f"{d}.score"]), "colour": heat(row[f"{d}.score"])}
                           for d in dims],
                 "overall": {"text": _num(row["overall.score"]),
                             "colour": heat(row["overall.score"])},
                 "level": None if pd.isna(row["overall.level"]) else int(row["overall.level"])}
                for _, row in c.iterrows()]
        return {"mode": "companies", "rows": rows, "note": ""}
    rows = []
    for (industry, size), members in c.groupby(["industry_name", "size_class"], sort=True):
        means = {d: members[f"{d}.score"].astype(float).mean() for d in [*dims, "overall"]}
        rows.append({"name": f"{_short(industry)} · {size}", "group": f"{len(members):,}",
                     "cells": [{"text": _num(means[d]), "colour": heat(means[d])} for d in dims],
                     "overall": {"text": _num(means["overall"]), "colour": heat(means["overall"])},
                     "level": None})
    note = Msg(**LABELS["heatmap_capped"]).format(n=f"{len(c):,}", cap=HEATMAP_MAX_COMPANIES)
    return {"mode": "groups", "rows": rows, "note": note.render(lang)}


def _short(industry: str) -> str:
    """An industry name without its classification code: '자동차 부품 (KSIC 30)' -> '자동차 부품'."""
    return re.sub(r"\s*\([^)]*\)$", "", industry) or industry


def _tracks(view: _View) -> list[dict[str, Any]]:
    result = []
    for track in view.catalogue.tracks:
        fits, ready = view.track_counts[track.id]
        result.append({
            "name": pick(track.name, view.lang),
            "description": pick(track.description, view.lang) if track.description else "",
            "counts": Msg(**LABELS["track_counts"]).format(fits=f"{fits:,}", ready=f"{ready:,}")
            .render(view.lang),
            "rows": view.tracks[track.id][:TRACK_TOP]})
    return result


def _progress_context(view: _View) -> dict[str, Any] | None:
    if view.progress.empty:
        return None
    lang = view.lang
    columns = ["overall", *(d.id for d in view.dims)]
    names = {"overall": pick(LABELS["overall"], lang), **{d.id: view.title(d.id)
                                                         for d in view.dims}}
    rows = []
    for _, item in progress_summary(view.progress, columns).iterrows():
        change = item["change"]
        rows.append({"title": names[item["dimension"]], "linked": int(item["linked"]),
                     "before": _num(item["before"]), "after": _num(item["after"]),
                     "change": _num(change, signed=True),
                     "direction": "none" if pd.isna(change) else "up" if change > 0.005 else
                     "down" if change < -0.005 else "same",
                     "width": 0 if pd.isna(change) else min(100, abs(change) / 2 * 100)})
    before = pd.to_numeric(view.progress["level.before"], errors="coerce")
    after = pd.to_numeric(view.progress["level.after"], errors="coerce")
    moves = Msg(**LABELS["level_moves"]).format(
        up=int((after > before).sum()), same=int((after == before).sum()),
        down=int((after < before).sum()))
    return {"note": Msg(**LABELS["progress_note"]).format(n=len(view.progress)).render(lang),
            "rows": rows, "moves": moves.render(lang)}


def _quality(view: _View) -> dict[str, Any]:
    lang, c = view.lang, view.companies
    weak = c[(c["completeness"] < LOW_COMPLETENESS) | (c["insufficient"] != "")]
    weak = weak.sort_values("completeness")
    issues = view.issues
    counts = issues.groupby("kind_name", sort=False).size()
    others = issues[~issues["kind"].isin(["low_completeness", "insufficient"])]
    drift = [{"consultant": str(row["consultant"]), "count": int(row["count"]),
              "mean": _num(row["mean"], signed=True), "flagged": bool(row["flagged"])}
             for _, row in view.drift.iterrows()]
    return {
        "counts": [{"kind": k, "count": f"{int(v):,}"} for k, v in counts.items()],
        "weak_title": Msg(**LABELS["low_completeness"]).format(t=LOW_COMPLETENESS).render(lang),
        "weak": [{"name": _text(row["company.name"]),
                  "consultant": _text(row["assessment.consultant"]),
                  "completeness": f"{row['completeness']:.0%}",
                  "insufficient": row["insufficient"]} for _, row in weak.head(LIST_MAX).iterrows()],
        "weak_more": _more(len(weak), lang),
        "drift": drift[:LIST_MAX], "drift_more": _more(len(drift), lang),
        "drift_note": Msg(**LABELS["drift_note"]).format(
            t=DRIFT_THRESHOLD, m=DRIFT_MIN_ASSESSMENTS).render(lang),
        "others": [{"kind": row["kind_name"], "name": row["company.name"] or row["consultant"],
                    "detail": row["detail"]} for _, row in others.head(LIST_MAX).iterrows()],
        "others_more": _more(len(others), lang),
    }


def _more(total: int, lang: str) -> str:
    extra = total - LIST_MAX
    return Msg(**LABELS["more"]).format(n=f"{extra:,}").render(lang) if extra > 0 else ""


def _summary(view: _View) -> dict[str, Any]:
    c, table, lang = view.companies, view.batch.scores.table, view.lang
    dates = sorted(d for d in table["assessment.date"].map(_text) if d)
    overall = c["overall.score"].astype(float)
    ready = (pd.to_numeric(c["overall.level"], errors="coerce") >= 3).sum()
    q, r = view.q, view.batch.rubric
    return {"companies": f"{len(c):,}", "assessments": f"{len(table):,}",
            "mean_overall": _num(overall.mean()),
            "ready_share": f"{ready / len(c):.0%}" if len(c) else "–",
            "period": f"{dates[0]} – {dates[-1]}" if dates else "–",
            "versions": f"{q.id} v{q.version} · {r.id} v{r.version}",
            "title": pick(q.title, lang)}


def _context(view: _View) -> dict[str, Any]:
    lang = view.lang
    levels, level_chart = _levels(view)
    return {
        "lang": lang,
        "labels": {key: pick(text, lang) for key, text in LABELS.items()},
        "programme": pick(report.PROGRAMME, lang),
        "summary": _summary(view),
        "levels": levels, "level_chart": level_chart,
        "spread_chart": _spread(view),
        "dims": [view.title(d.id) for d in view.dims],
        "industries": _by_industry(view),
        "heatmap": _heatmap(view),
        "tracks": _tracks(view),
        "tracks_note": Msg(**LABELS["tracks_note"]).format(n=TRACK_TOP).render(lang),
        "progress": _progress_context(view),
        "quality": _quality(view),
        "legend": [{"text": str(v), "colour": heat(float(v))} for v in (1, 2, 3, 4, 5)],
        "font": {weight: fonts.font_file(weight).as_uri()
                 for weight in ("regular", "bold", "extrabold")},
    }


# --- the job -------------------------------------------------------------------------------------

@dataclass
class CohortResult:
    """What ``build_cohort`` wrote and found."""

    xlsx: Path
    pdf: Path
    companies: int  # one per company: its latest assessment
    assessments: int  # every scored assessment, all rounds
    linked: int  # companies with two or more rounds
    levels: dict[str, int]  # level ("1".."5", "none") -> companies
    flagged_consultants: list[str]
    issues: int  # rows of the data-quality sheet
    heatmap: str  # "companies", or "groups" beyond HEATMAP_MAX_COMPANIES
    progress: dict[str, float | None] = field(default_factory=dict)  # mean change per dimension

    def summary(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {"xlsx": str(self.xlsx), "pdf": str(self.pdf), "companies": self.companies,
                "assessments": self.assessments, "linked": self.linked, "levels": self.levels,
                "flagged_consultants": self.flagged_consultants, "issues": self.issues,
                "heatmap": self.heatmap,
                "progress": {k: None if v is None else round(v, 2)
                             for k, v in self.progress.items()}}

    def message(self) -> Msg:
        """One line for the terminal."""
        return Msg("코호트: 기업 {c}곳 (진단 {a}건, 차수 연결 {l}곳) → {x}, {p}",
                   "cohort: {c} companies ({a} assessments, {l} linked across rounds) -> {x}, "
                   "{p}").format(c=self.companies, a=self.assessments, l=self.linked,
                                 x=self.xlsx, p=self.pdf)


def build_cohort(batch: Batch, out_dir: Path, lang: str = "ko",
                 catalogue_path: Path | None = None, templates: Path | None = None
                 ) -> CohortResult:
    """Write ``out_dir/cohort.xlsx`` and ``out_dir/cohort.pdf`` for a scored batch.

    Raises ``DiagnoseError`` when the batch holds no scored assessment, the catalogue or a
    template folder is invalid.
    """
    if batch.scores.table.empty:
        raise DiagnoseError(Msg("코호트를 만들 채점된 진단이 없습니다",
                                "no scored assessments to build a cohort from"))
    dirs = report.template_dirs(templates)
    view = _view(batch, lang, catalogue_path)
    xlsx, pdf = out_dir / XLSX_NAME, out_dir / PDF_NAME
    write_workbook(_sheets(view), xlsx)
    context = _context(view)
    report.write_pdf(report.render_html(context, dirs, TEMPLATE), pdf, dirs)
    levels = view.companies["overall.level"]
    columns = ["overall", *(d.id for d in view.dims)]
    change = progress_summary(view.progress, columns).set_index("dimension")["change"]
    return CohortResult(
        xlsx=xlsx, pdf=pdf, companies=len(view.companies),
        assessments=len(batch.scores.table), linked=len(view.progress),
        levels={**{str(b.level): int((levels == b.level).sum()) for b in batch.rubric.bands},
                "none": int(levels.isna().sum())},
        flagged_consultants=[str(x) for x in view.drift.loc[view.drift["flagged"], "consultant"]]
        if not view.drift.empty else [],
        issues=len(view.issues), heatmap=context["heatmap"]["mode"],
        progress={k: None if pd.isna(v) else float(v) for k, v in change.items()})
