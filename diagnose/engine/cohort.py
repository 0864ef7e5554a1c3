"""The cohort's figures: every company side by side, for the programme office.

``figures`` turns one scored batch into one row per company (its latest assessment; rounds are
linked by ``diagnose.inputs.identity`` and ordered by ``diagnose.engine.progress``) with its
completeness, recommendations, suggested track and peer group; the support tracks' rankings;
consultant drift; progress between the first and the latest round; and the data-quality
findings. The distributions the documents show (levels, percentiles per dimension, groups by
industry and size) are computed here too; ``diagnose.render.cohort_doc`` only lays them out.
"""

from __future__ import annotations

import math
import ntpath
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from diagnose.content.catalogue import Advisory
from diagnose.content.questionnaire import Dimension, Questionnaire
from diagnose.core import money
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import label, msg
from diagnose.engine import peers, progress, recommend, scoring
from diagnose.engine.batch import Batch
from diagnose.engine.progress import cell_text
from diagnose.engine.recommend import Recommendation
from diagnose.inputs import identity

TRACK_SHEET_TOP = 150  # companies ranked per support track (the workbook's track sheet)
LOW_COMPLETENESS = 0.8  # an assessment with less of its questions answered is flagged
# A consultant is flagged when the mean of (their overall score - the median of the same peer
# group scored by other consultants) is beyond this many points, over at least
# DRIFT_MIN_ASSESSMENTS assessments. 0.5 points is 12.5 percentage points, well over half a
# maturity band (0.8 wide); chance alone rarely moves a mean of several assessments that far.
DRIFT_THRESHOLD = 0.5
DRIFT_MIN_ASSESSMENTS = 3

@dataclass
class Cohort:
    """Everything the workbook and the PDF are made of."""

    batch: Batch
    lang: str
    catalogue: Advisory  # the catalogue and the programme's tracks
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
    def q(self) -> Questionnaire:
        return self.batch.questionnaire

    @property
    def dims(self) -> list[Dimension]:
        """The dimensions that can have a score."""
        return [d for d in self.q.dimensions if any(x.scored for x in d.questions)]

    @property
    def columns(self) -> list[str]:
        """``overall`` and the id of every dimension that can have a score."""
        return ["overall", *(d.id for d in self.dims)]

    def title(self, dim_id: str) -> str:
        return pick(self.q.dimension(dim_id).title, self.lang)


def figures(batch: Batch, catalogue: Advisory, lang: str = "ko") -> Cohort:
    """The cohort of a scored batch (at least one assessment), texts in ``lang``."""
    table = batch.scores.table
    frame = batch.answers()
    recs = recommend.recommend(batch.scores, frame, catalogue.catalogue, catalogue.programme)
    order = progress.round_order(table, identity.company_keys(table))
    latest = order.index[progress.is_latest(order)]
    companies = table.loc[latest].copy()
    companies["key"] = order.loc[latest, "key"]
    companies["rounds"] = order.loc[latest, "count"]
    companies["position"] = order.loc[latest, "position"]
    companies = companies.sort_values(["overall.score", "company.name"],
                                      ascending=[False, True], na_position="last")
    cohort = Cohort(batch, lang, catalogue, frame, order, recs, companies,
                    scoring.completeness(batch.scores))
    cohort.peer_groups = peers.peer_groups(companies, batch.questionnaire)
    _describe_companies(cohort)
    cohort.drift = consultant_drift(companies, batch.questionnaire)[1]
    cohort.progress = progress.linked_progress(batch, frame, order, lang)
    cohort.tracks, cohort.track_counts = _track_fits(cohort)
    cohort.issues = _issues(cohort)
    return cohort


def _describe_companies(cohort: Cohort) -> None:
    """Add the derived columns the sheets and the PDF show, one per company."""
    c, lang, q = cohort.companies, cohort.lang, cohort.q
    positions = c["position"].to_numpy()
    c["industry_name"], c["size_class"] = peers.group_names(c, q, lang)
    c["completeness"] = cohort.completeness[positions]
    flags = np.column_stack([c[f"{d.id}.insufficient"].to_numpy(dtype=bool)
                             for d in cohort.dims])
    titles = [cohort.title(d.id) for d in cohort.dims]
    c["insufficient"] = [", ".join(t for t, hit in zip(titles, row, strict=True) if hit)
                         for row in flags]
    c["overall.level_name"] = [
        cohort.batch.rubric.level_name(None if pd.isna(v) else int(v), lang)
        for v in c["overall.level"]]
    names = {s.id: pick(s.name, lang) for s in cohort.catalogue.catalogue.solutions}
    tracks = {t.id: pick(t.name, lang) for t in cohort.catalogue.tracks}
    recs = [cohort.recs[p] for p in positions]
    for n in range(3):
        c[f"rec{n + 1}"] = [names[r[n].solution.id] if len(r) > n else "" for r in recs]
    c["track"] = [tracks.get(r[0].primary.track.id, "") if r else "" for r in recs]
    c["track_reason"] = [_reason(r[0], names).render(lang) if r else "" for r in recs]
    c["peer_group"] = [g.name(lang) for g in cohort.peer_groups]
    c["peer_note"] = [_peer_note(g).render(lang) if g.fell_back else ""
                      for g in cohort.peer_groups]
    c["peer_median"] = [g.medians.get("overall.score", math.nan) for g in cohort.peer_groups]
    for track in cohort.catalogue.tracks:
        c[f"track.{track.id}"] = [max((r.score for r in rs if r.primary.track.id == track.id),
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


def _reason(rec: Recommendation, names: dict[str, str]) -> Msg:
    """Why a company's first recommendation decides its suggested track."""
    return Msg("'{s}' ({p}): {r}", "'{s}' ({p}): {r_en}").format(
        s=names[rec.solution.id], p=rec.priority, r=rec.priority_reason.ko,
        r_en=rec.priority_reason.en)


# --- distributions -----------------------------------------------------------------------------

def level_counts(cohort: Cohort) -> list[tuple[int | None, int]]:
    """Companies per level of the rubric's bands (lowest first), then ``None``: no level."""
    levels = cohort.companies["overall.level"]
    return [*((band.level, int((levels == band.level).sum())) for band in cohort.batch.rubric.bands),
            (None, int(levels.isna().sum()))]


def dimension_percentiles(cohort: Cohort, quantiles: Sequence[float]
                          ) -> list[tuple[str, np.ndarray | None, int]]:
    """Per dimension that can have a score: its id, the percentiles of the companies' scores
    (``None`` when no company has one) and how many scores there are."""
    result = []
    for dim in cohort.dims:
        scores = cohort.companies[f"{dim.id}.score"].astype(float).dropna()
        result.append((dim.id, None if scores.empty else np.percentile(scores, quantiles),
                       len(scores)))
    return result


def industry_quartiles(cohort: Cohort
                       ) -> list[tuple[str, int, dict[str, tuple[float, float, float] | None]]]:
    """Per industry, the largest first: its name, companies, and per dimension the 25th
    percentile, median and 75th percentile of its scores (``None`` when none has a score)."""
    rows = []
    for name, members in sorted(cohort.companies.groupby("industry_name"),
                                key=lambda g: -len(g[1])):
        quartiles: dict[str, tuple[float, float, float] | None] = {}
        for dim in cohort.dims:
            scores = members[f"{dim.id}.score"].astype(float).dropna()
            if scores.empty:
                quartiles[dim.id] = None
            else:
                q1, median, q3 = (float(x) for x in np.percentile(scores, [25, 50, 75]))
                quartiles[dim.id] = (q1, median, q3)
        rows.append((str(name), len(members), quartiles))
    return rows


def group_means(cohort: Cohort) -> list[tuple[str, str, int, dict[str, float]]]:
    """Per industry and size class (sorted by both): companies and the mean of every score."""
    rows = []
    for (industry, size), members in cohort.companies.groupby(["industry_name", "size_class"],
                                                              sort=True):
        rows.append((industry, size, len(members),
                     {d: members[f"{d}.score"].astype(float).mean()
                      for d in [*(x.id for x in cohort.dims), "overall"]}))
    return rows


def breakdown(cohort: Cohort, by: str) -> pd.DataFrame:
    """Companies, mean and median scores and the level distribution per group, then all.

    ``by`` is ``industry_name`` (largest first) or ``size_class`` (smallest class first).
    Columns: ``group``, ``companies``, ``<d>.mean``, ``<d>.median`` for ``overall`` and every
    dimension, ``level.<n>`` per band and ``no_level``.
    """
    c = cohort.companies
    rows = []
    groups = c.groupby(by, sort=False)
    order = groups.size().sort_values(ascending=False).index if by == "industry_name" else [
        peers.size_class_name(i, cohort.lang) for i in [*range(len(peers.SIZE_CLASSES)), None]]
    for name, members in [*((g, c[c[by] == g]) for g in order if g in groups.groups),
                          (label("peers.whole", cohort.lang), c)]:
        row: dict[str, Any] = {"group": name, "companies": len(members)}
        for column in cohort.columns:
            scores = members[f"{column}.score"].astype(float)
            row[f"{column}.mean"], row[f"{column}.median"] = scores.mean(), scores.median()
        levels = members["overall.level"]
        for band in cohort.batch.rubric.bands:
            row[f"level.{band.level}"] = int((levels == band.level).sum())
        row["no_level"] = int(levels.isna().sum())
        rows.append(row)
    return pd.DataFrame(rows)


def dimension_ranking(cohort: Cohort, dim_id: str) -> pd.DataFrame:
    """The companies ranked by one dimension (ties share the better rank, no score last)."""
    c = cohort.companies
    return pd.DataFrame({
        "rank": c[f"{dim_id}.score"].rank(ascending=False, method="min"),
        "company.id": c.get("company.id"), "company.name": c["company.name"],
        "industry_name": c["industry_name"], "size_class": c["size_class"],
        "score": c[f"{dim_id}.score"],
        "completeness": c[f"{dim_id}.completeness"].astype(float),
        "dim_insufficient": c[f"{dim_id}.insufficient"],
        "overall.level": c["overall.level"],
    }).sort_values(["rank", "company.name"], na_position="last")


def mean_changes(cohort: Cohort) -> pd.DataFrame:
    """Per ``overall`` and dimension: linked companies, mean before, after and change."""
    return progress.progress_summary(cohort.progress, cohort.columns)


# --- support tracks ------------------------------------------------------------------------

def _track_fits(cohort: Cohort
                ) -> tuple[dict[str, list[dict[str, Any]]], dict[str, tuple[int, int]]]:
    """Per track, the companies that fit it best (ready first, then by priority), and how many
    companies fit it at all and how many of those can start now."""
    best: dict[str, list[tuple[bool, float, int, Recommendation]]] = {
        t.id: [] for t in cohort.catalogue.tracks}
    for row, position in enumerate(cohort.companies["position"].to_numpy()):
        chosen: dict[str, Recommendation] = {}
        for rec in cohort.recs[position]:
            track_id = rec.primary.track.id
            held = chosen.get(track_id)
            if held is None or (rec.ready, rec.score) > (held.ready, held.score):
                chosen[track_id] = rec
        for track, rec in chosen.items():
            if track in best:
                best[track].append((rec.ready, rec.score, row, rec))
    rows: dict[str, list[dict[str, Any]]] = {}
    counts: dict[str, tuple[int, int]] = {}
    for track, items in best.items():
        items.sort(key=lambda x: (not x[0], -x[1], x[2]))
        counts[track] = (len(items), sum(1 for x in items if x[0]))
        rows[track] = [_track_row(cohort, rank, row, rec)
                       for rank, (_, _, row, rec) in enumerate(items[:TRACK_SHEET_TOP], 1)]
    return rows, counts


def _track_row(cohort: Cohort, rank: int, row: int, rec: Recommendation) -> dict[str, Any]:
    company = cohort.companies.iloc[row]
    lang = cohort.lang
    described = recommend.describe(rec, cohort.q, lang)
    reason = " · ".join(described["why"][:2]) or described["kpi"]["name"]
    if described["value"]["yearly_krw"] is not None:
        estimate = msg("cohort_track_row.yearly").format(
            v=money.krw(described["value"]["yearly_krw"], lang))
        reason += f" · {estimate.render(lang)}"
    readiness = (msg("cohort_track_row.ready") if rec.ready else
                 msg("cohort_track_row.needs_first").format(
                     m="; ".join(s["step"] for s in described["prepare_first"])))
    return {"rank": rank, "company.id": cell_text(company.get("company.id")),
            "company.name": cell_text(company.get("company.name")),
            "industry_name": company["industry_name"], "solution": described["solution"]["name"],
            "priority": round(rec.score, 2), "ready": rec.ready,
            "readiness": readiness.render(lang), "reason": reason}


# --- consultant drift ----------------------------------------------------------------------------

def consultant_drift(table: pd.DataFrame, questionnaire: Questionnaire
                     ) -> tuple[np.ndarray, pd.DataFrame]:
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


def flagged_consultants(cohort: Cohort) -> list[str]:
    """The consultants whose drift asks for a check."""
    drift = cohort.drift
    return [str(x) for x in drift.loc[drift["flagged"], "consultant"]] if not drift.empty else []


# --- data quality --------------------------------------------------------------------------

def _issues(cohort: Cohort) -> pd.DataFrame:
    """Every data-quality finding, one row each: kind, company, consultant, detail."""
    lang, rows = cohort.lang, []

    def add(kind: str, detail: str, company: pd.Series | None = None,
            consultant: str = "") -> None:
        rows.append({"kind": kind, "kind_name": label(f"cohort_issues.{kind}", lang),
                     "company.id": cell_text(company.get("company.id"))
                     if company is not None else "",
                     "company.name": cell_text(company.get("company.name"))
                     if company is not None else "",
                     "consultant": consultant or (cell_text(company.get("assessment.consultant"))
                                                  if company is not None else ""),
                     "detail": detail})

    # The office's list names an input by its file name: the consultant's local folders
    # (/Users/kim/..., C:\Users\...) are neither needed to find it nor theirs to read.
    for rejection in cohort.batch.rejections:
        add("rejected", replace(rejection, file=_file_name(rejection.file)).render(lang),
            pd.Series({"company.id": rejection.company_id,
                       "company.name": rejection.company_name}))
    for warning in cohort.batch.warnings:
        add("warning", replace(warning, file=_file_name(warning.file)).render(lang))
    c = cohort.companies
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
    for _, consultant in cohort.drift[cohort.drift["flagged"]].iterrows():
        add("drift", _drift_text(consultant, lang), consultant=str(consultant["consultant"]))
    if not cohort.progress.empty:
        for _, pair in cohort.progress[cohort.progress["left_out"] > 0].iterrows():
            add("versions", Msg(
                "두 차수가 다른 질문지 버전에 응답해 {n}개 문항을 빼고 비교했습니다",
                "the rounds answered different questionnaire versions; {n} question(s) left "
                "out of the comparison").format(n=pair["left_out"]).render(lang),
                pd.Series({"company.id": pair["company.id"],
                           "company.name": pair["company.name"],
                           "assessment.consultant": pair["consultant"]}))
    return pd.DataFrame(rows, columns=["kind", "kind_name", "company.id", "company.name",
                                       "consultant", "detail"])


def _file_name(path: str) -> str:
    """The last part of a path written on any system (``C:\\data\\a.csv`` -> ``a.csv``)."""
    return (ntpath.basename(path) or path) if path else path


def _drift_text(consultant: pd.Series, lang: str) -> str:
    return Msg("동종 기업(다른 컨설턴트 진단) 중앙값보다 평균 {d:+.2f}점, {n}건 (기준 ±{t})",
               "{d:+.2f} points from the median of peers assessed by other consultants on "
               "average, {n} assessment(s) (threshold ±{t})").format(
        d=consultant["mean"], n=int(consultant["count"]), t=DRIFT_THRESHOLD).render(lang)
