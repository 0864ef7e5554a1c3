"""Progress between rounds of one company: what changed, and what is done.

Assessments are *linked* when they are about one company (``diagnose.inputs.identity``). Rounds
are ordered by name (``baseline`` < ``followup``; ``t0`` < ``t1`` < ...), and by date when they
are named otherwise.

Only comparable things are compared. When two assessments answered different questionnaire
versions (``questionnaire.version`` or ``sha256`` in the response files), or were scored with
different questionnaires or rubrics, both are re-scored with the later one's content
restricted to the questions both have; everything left out is listed with its reason.

A recommendation of the baseline is *resolved* (according to the answers) when its solution no
longer fits at the follow-up (the gap it addressed is closed in the answers) and every question
and dimension its fit condition tests was answered then: the answers say the gap closed, not
that the project was carried out. It is *ready* when it still fits and the prerequisites it
lacked are now met. Both count as progressed. A baseline recommendation that still fits is
*open*; one whose fit can no longer be judged (what it tests went unanswered) is *unclear*; a
follow-up recommendation the baseline did not have is *new*.

Besides scores, a comparison carries what a reader checks first: the business KPIs of both
rounds (profile facts, ``kpi_changes``), every answer that rose or fell (``question_changes``:
a lowered answer is listed even when its dimension's score did not move) and the support the
company received between the rounds (``assessment.support_since_last`` of the follow-up's
response file, and support newly ticked in its profile; ``support_between``).

``compare`` compares the two assessments of one company in detail (the progress report);
``linked_progress`` compares the first and the latest round of every linked company of a batch
(the cohort).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from diagnose.content import catalogue as catalogue_file
from diagnose.content.catalogue import Advisory, Solution
from diagnose.content.conditions import Condition
from diagnose.content.questionnaire import Question, Questionnaire
from diagnose.content.rubric import Rubric
from diagnose.core.errors import DiagnoseError, Problem, Rejection
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import ROUNDS, as_text
from diagnose.engine import recommend, scoring
from diagnose.engine.batch import Batch
from diagnose.engine.recommend import Recommendation
from diagnose.engine.scoring import HIDDEN, Scores
from diagnose.inputs import identity
from diagnose.inputs.frame import frame_columns, profile_column
from diagnose.inputs.identity import normal_form, round_rank  # the rule for rounds
from diagnose.inputs.responses import LoadedResponse

# The two sides of a comparison are named as their rounds are.
ROLES = {role: as_text(name) for role, name in ROUNDS.items()}
# Where a baseline recommendation stands at follow-up, in the order the progress report lists
# them (their words: ``core.labels.REC_STATUSES``).
STATUSES = ("resolved", "ready", "open", "unclear", "new")
PROGRESSED = frozenset({"resolved", "ready"})
# which way a business KPI is better; a KPI not named here is shown without a verdict
HIGHER_IS_BETTER = {"defect_rate": False, "oee": True, "unplanned_downtime_hours": False,
                    "energy_cost": False}
LEVEL_EPSILON = 1e-9  # levels of multi questions are fractions: equal within rounding


def cell_text(value: object) -> str:
    """A table cell as trimmed text; a gap (None, NaN, NA) is empty."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


# the business KPIs the programme reports (the progress report, the city report)
KPIS = ("defect_rate", "oee", "unplanned_downtime_hours", "energy_cost")


# --- rounds ----------------------------------------------------------------------------------

def round_order(table: pd.DataFrame, keys: pd.Series) -> pd.DataFrame:
    """Each assessment's ``key``, ``position`` (row number), ``seq`` (0 = first round of its
    company) and ``count`` (its company's assessments).

    ``keys`` says which company each row is about (``identity.company_keys``). Rounds named
    baseline / followup / tN are ordered by name, then date; a company with a round named
    otherwise has all its rounds ordered by date (undated first), then input order.
    """
    rank = table["assessment.round"].map(round_rank)
    all_named = ~rank.isna().groupby(keys).transform("any")
    order = pd.DataFrame({
        "key": keys, "primary": rank.where(all_named, 0.0),
        "date": table["assessment.date"].map(cell_text),
        "position": np.arange(len(table)),
    }, index=table.index).sort_values(["key", "primary", "date", "position"])
    order["seq"] = order.groupby("key").cumcount()
    order["count"] = order.groupby("key")["key"].transform("size")
    return order.loc[table.index, ["key", "position", "seq", "count"]]


def latest(table: pd.DataFrame) -> np.ndarray:
    """True for each company's latest assessment, in the order ``round_order`` gives (round
    names first, then dates): what its current state is judged on."""
    return is_latest(round_order(table, identity.company_keys(table)))


def is_latest(order: pd.DataFrame) -> np.ndarray:
    """True for the rows of a ``round_order`` that are their company's latest round."""
    return (order["seq"] == order["count"] - 1).to_numpy()


# --- what is comparable --------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """What one assessment was answered and scored with."""

    questionnaire: tuple[str, str, str]  # id, version, sha256 ('' when not recorded)
    rubric: tuple[str, str]  # id, version
    asked: frozenset[str] | None  # questions the file answered or hid; None: all of them
    extra: tuple[str, ...] = ()  # answers to questions the questionnaire in use does not have

    def version_text(self) -> str:
        qid, version, sha = self.questionnaire
        rid, rversion = self.rubric
        sha_text = f" (sha256 {sha[:12]})" if sha else ""
        return f"{qid} v{version}{sha_text} · {rid} v{rversion}"


def source_of(batch: Batch, position: int, loaded: LoadedResponse | None) -> Source:
    """The versions behind one scored row: from its response file, else the batch's content."""
    q, r = batch.questionnaire, batch.rubric
    ref = (q.id, q.version, q.sha256 or "")
    asked: frozenset[str] | None = None
    extra: tuple[str, ...] = ()
    if loaded is not None:
        written = loaded.response.questionnaire
        ref = (written.id, written.version, written.sha256 or "")
        states = batch.scores.states.iloc[position]
        hidden = {qid for qid, state in states.items() if state == HIDDEN}
        asked = frozenset(set(loaded.response.answers) | hidden)
        extra = tuple(sorted(set(loaded.response.answers) - set(q.items)))
    return Source(ref, (r.id, r.version), asked, extra)


def versions_differ(first: tuple[str, str, str], second: tuple[str, str, str]) -> bool:
    """Two (id, version, sha256) differ; an unrecorded sha256 ('') matches any."""
    (id1, version1, sha1), (id2, version2, sha2) = first, second
    return (id1, version1) != (id2, version2) or bool(sha1 and sha2 and sha1 != sha2)


@dataclass(frozen=True)
class LeftOut:
    """Something not compared, and why."""

    kind: str  # "question" | "dimension"
    id: str
    title: dict[str, str]
    reason: Msg

    def render(self, lang: str) -> str:
        title = pick(self.title, lang)
        named = f"{title} [{self.id}]" if title != self.id else self.id
        return f"{named}: {self.reason.render(lang)}"


@dataclass
class Basis:
    """The content both rounds are scored with, and what was left out to make them comparable."""

    questionnaire: Questionnaire
    rubric: Rubric
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)


def _options(question: Question) -> tuple[str, tuple[object, ...]]:
    return question.type, tuple(o.value for o in question.choices())


def _title(item: Any) -> dict[str, str]:
    text = getattr(item, "title", None) or getattr(item, "text", None) or ""
    return {"ko": pick(text, "ko"), "en": pick(text, "en")}


def basis(baseline: tuple[Questionnaire, Rubric, Source],
          followup: tuple[Questionnaire, Rubric, Source]) -> Basis:
    """What two assessments can be compared on (the follow-up's content, restricted)."""
    (qb, rb, sb), (qf, rf, sf) = baseline, followup
    result = Basis(qf, rf)
    keep = {q.id for q in qf.scored_questions}
    reasons: dict[str, Msg] = {}
    if versions_differ((qb.id, qb.version, qb.sha256), (qf.id, qf.version, qf.sha256)):
        before = {q.id: q for q in qb.scored_questions}
        for question in qf.scored_questions:
            if question.id not in before:
                reasons[question.id] = Msg("기준 진단의 질문지(v{v})에 없는 문항",
                                           "not in the baseline's questionnaire (v{v})"
                                           ).format(v=qb.version)
            elif _options(before[question.id]) != _options(question):
                reasons[question.id] = Msg("두 질문지 버전에서 문항 형식이나 선택지가 다름",
                                           "its type or options differ between the versions")
    if versions_differ(sb.questionnaire, sf.questionnaire):
        for role, source in (("baseline", sb), ("followup", sf)):
            if source.asked is None:
                continue
            for qid in sorted(keep - source.asked):
                reasons.setdefault(qid, Msg(
                    "{r}(질문지 v{v})에 이 문항의 응답이 없어 그때도 있던 문항인지 알 수 없음",
                    "no answer in the {e} (questionnaire v{v}), so it may not have been asked "
                    "then").format(
                    r=ROLES[role]["ko"], e=ROLES[role]["en"].lower(), v=source.questionnaire[1]))
    for role, source in (("baseline", sb), ("followup", sf)):
        for qid in source.extra:
            result.left_out.append(LeftOut("question", qid, {"ko": qid, "en": qid}, Msg(
                "{r}에 답이 있지만 사용 중인 질문지(v{v})에 없는 문항",
                "answered in the {e} but not in the questionnaire in use (v{v})").format(
                r=ROLES[role]["ko"], e=ROLES[role]["en"].lower(), v=qf.version)))
    for question in qf.scored_questions:
        if question.id in reasons:
            result.left_out.append(LeftOut("question", question.id, _title(question),
                                           reasons[question.id]))
    keep -= set(reasons)
    _left_out_dimensions(result, qb, qf, keep)
    if (rb.id, rb.version) != (rf.id, rf.version):
        result.notes.append(Msg(
            "기준 진단은 채점 기준 {a}로 채점되었으나, 비교를 위해 두 진단 모두 {b}로 다시 채점했습니다",
            "the baseline was scored with rubric {a}; both are re-scored with {b} to compare "
            "them").format(a=f"{rb.id} v{rb.version}", b=f"{rf.id} v{rf.version}"))
    if reasons:
        result.questionnaire = restricted(qf, keep)
    return result


def _left_out_dimensions(result: Basis, qb: Questionnaire, qf: Questionnaire,
                         keep: set[str]) -> None:
    kept_dims = {d.id for d in qb.dimensions}
    for dim in qf.dimensions:
        scored = [q for q in dim.questions if q.scored]
        if dim.id not in kept_dims:
            reason = Msg("기준 진단의 질문지에 없는 영역", "not in the baseline's questionnaire")
        elif scored and not any(q.id in keep for q in scored):
            reason = Msg("비교할 수 있는 문항이 없는 영역", "none of its questions is comparable")
        else:
            continue
        keep.difference_update(q.id for q in scored)
        result.left_out.append(LeftOut("dimension", dim.id, _title(dim), reason))
    for dim in qb.dimensions:
        if dim.id not in {d.id for d in qf.dimensions}:
            result.left_out.append(LeftOut("dimension", dim.id, _title(dim), Msg(
                "후속 진단의 질문지에 없는 영역", "not in the follow-up's questionnaire")))


def restricted(questionnaire: Questionnaire, keep: set[str]) -> Questionnaire:
    """The questionnaire with every scored question outside ``keep`` turned unscored.

    The questions stay (their answers still drive ``show_if``); they only stop counting in
    scores and completeness, so the one scoring engine scores exactly the comparable part.
    """
    dims = [dim.model_copy(update={"questions": [
        q if not q.scored or q.id in keep else q.model_copy(update={"type": "text"})
        for q in dim.questions]}) for dim in questionnaire.dimensions]
    fields = {name: getattr(questionnaire, name) for name in type(questionnaire).model_fields
              if name != "dimensions"}
    copy = Questionnaire.model_construct(**fields, dimensions=dims)  # fresh cached properties
    copy._source, copy._sha256 = questionnaire.source, questionnaire.sha256
    return copy


def rescore(base: Basis, frame: pd.DataFrame, lang: str = "ko") -> Scores:
    """Score answers-frame rows with the basis (columns it lacks are unanswered)."""
    frame = frame.reindex(columns=frame_columns(base.questionnaire))
    return scoring.score(frame.astype(object).where(frame.notna(), None), base.questionnaire,
                         base.rubric, lang)


# --- recommendations done and open -----------------------------------------------------------

def load_catalogue(questionnaire: Questionnaire, path: Path | None = None) -> Advisory:
    """The solution catalogue and programme, checked against the questionnaire.

    The bundled catalogue is written for the bundled questionnaire; with another
    questionnaire and no catalogue of its own, there is nothing to recommend.
    """
    return catalogue_file.load_for(questionnaire, path) or catalogue_file.empty(questionnaire)


def _named(condition: Condition) -> Iterable[tuple[str, str]]:
    """The (kind, id) of every question and dimension a condition tests."""
    for _, leaf in condition.walk():
        if leaf.question is not None:
            yield "question", leaf.question
        if leaf.dimension is not None:
            yield "dimension", leaf.dimension


def _fit_conditions(solution: Solution) -> list[Condition]:
    return [*([solution.applies] if solution.applies is not None else []),
            *(signal.when for signal in solution.signals)]


def _judgeable(recommendation: Recommendation, scores: Scores, position: int) -> bool:
    """Whether every question and dimension the solution's fit tests has an answer or score."""
    states = scores.states.iloc[position]
    row = scores.table.iloc[position]
    for kind, ident in (named for cond in _fit_conditions(recommendation.solution)
                        for named in _named(cond)):
        if kind == "dimension" and pd.isna(row.get(f"{ident}.score")):
            return False
        if kind == "question" and ident in states and states[ident] not in (scoring.ANSWERED,
                                                                             HIDDEN):
            return False
    return True


def statuses(before: Sequence[Recommendation], after: Sequence[Recommendation],
             after_scores: Scores, after_position: int) -> dict[str, str]:
    """Solution id -> resolved | ready | open | unclear | new (see the module docstring)."""
    later = {rec.solution.id: rec for rec in after}
    result: dict[str, str] = {}
    for rec in before:
        now = later.get(rec.solution.id)
        if now is None:
            judged = _judgeable(rec, after_scores, after_position)
            result[rec.solution.id] = "resolved" if judged else "unclear"
        elif rec.missing and not now.missing:
            result[rec.solution.id] = "ready"
        else:
            result[rec.solution.id] = "open"
    for sid in later:
        result.setdefault(sid, "new")
    return result


# --- two assessments of one company ----------------------------------------------------------

@dataclass(frozen=True)
class RoundSummary:
    """One round as the progress report shows it."""

    round: str
    date: str
    overall: float | None
    level: int | None
    level_name: str


@dataclass(frozen=True)
class KpiChange:
    """One business KPI (a profile fact, e.g. the defect rate) in both rounds."""

    id: str
    before: float | None  # None: not entered in that round
    after: float | None
    higher_is_better: bool | None  # None: no verdict

    @property
    def change(self) -> float | None:
        """Follow-up minus baseline; None when a round lacks the figure."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def verdict(self) -> str:
        """``better``, ``worse``, ``same``, ``changed`` (no known direction) or ``none``
        (a round lacks the figure)."""
        change = self.change
        if change is None:
            return "none"
        assert self.before is not None and self.after is not None
        if math.isclose(self.before, self.after, rel_tol=1e-9, abs_tol=1e-9):
            return "same"
        if self.higher_is_better is None:
            return "changed"
        return "better" if (change > 0) == self.higher_is_better else "worse"


def _figure(value: object) -> float | None:
    """A profile number as a float; None for a gap, 'unknown' or anything not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    return None if math.isnan(float(value)) else float(value)


def kpi_changes(questionnaire: Questionnaire, before: pd.Series,
                after: pd.Series) -> list[KpiChange]:
    """The business KPIs the programme reports (``KPIS``) that the questionnaire asks,
    from two answers-frame rows, in that order."""
    asked = {item.id for item in questionnaire.profile}
    return [KpiChange(kpi, _figure(before.get(profile_column(kpi))),
                      _figure(after.get(profile_column(kpi))), HIGHER_IS_BETTER.get(kpi))
            for kpi in KPIS if kpi in asked]


@dataclass(frozen=True)
class QuestionChange:
    """One scored question whose answer moved between the rounds."""

    question: str
    dimension: str
    before: float | None  # the level; None when that round gave none (unknown, na, ...)
    after: float | None
    states: tuple[str, str]  # ``scoring.STATE_NAMES`` of both rounds

    @property
    def kind(self) -> str:
        """``improved`` or ``regressed`` (a level in both rounds), ``not_compared`` (a level
        in one round only)."""
        if self.before is None or self.after is None:
            return "not_compared"
        return "improved" if self.after > self.before else "regressed"


def question_changes(questionnaire: Questionnaire,
                     scores: Sequence[Scores]) -> list[QuestionChange]:
    """Every comparable question whose level rose or fell, or that has a level in one round
    only, in questionnaire order. Both ``scores`` are one row each, scored on one basis.

    A dimension's mean can stay put while one answer falls and another rises: each answer is
    listed on its own, so a lowered answer is never hidden by the dimension's score.
    """
    levels = [s.levels.iloc[0] for s in scores]
    states = [s.states.iloc[0] for s in scores]
    result = []
    for question in questionnaire.scored_questions:
        if question.id not in levels[0] or question.id not in levels[1]:
            continue
        pair = [None if pd.isna(lv[question.id]) else float(lv[question.id]) for lv in levels]
        if pair[0] is None and pair[1] is None:
            continue  # neither round gave a level: nothing a reader can compare
        if pair[0] is not None and pair[1] is not None and abs(pair[1] - pair[0]) < LEVEL_EPSILON:
            continue
        result.append(QuestionChange(
            question.id, questionnaire.dimension_of[question.id], pair[0], pair[1],
            (scoring.STATE_NAMES[int(states[0][question.id])],
             scoring.STATE_NAMES[int(states[1][question.id])])))
    return result


SUPPORT_PROFILE = "support_received"  # the profile's support history (a multi item)


@dataclass(frozen=True)
class Support:
    """The support a company received between the two rounds, as the follow-up recorded it."""

    recorded: bool  # the follow-up's response file has ``assessment.support_since_last``
    items: tuple[str, ...] = ()  # as written
    tracks: tuple[str | None, ...] = ()  # the programme track each item names, else None
    profile_new: tuple[str, ...] = ()  # support_received options ticked at follow-up only


def track_of(text: str, tracks: Sequence[Any]) -> str | None:
    """The id of the programme track ``text`` names by id or by name (as people write it)."""
    word = normal_form(text)
    for track in tracks:
        names = [track.id, *(track.name.values() if isinstance(track.name, dict)
                             else [track.name])]
        if word in {normal_form(str(name)) for name in names}:
            return str(track.id)
    return None


def _support_items(written: list[str] | str, tracks: Sequence[Any]) -> list[str]:
    """The items of ``support_since_last``: a list as written; free text as one item, unless
    every comma- or semicolon-separated part of it names a programme track."""
    if isinstance(written, list):
        return [item.strip() for item in written if item.strip()]
    parts = [part.strip() for part in written.replace(";", ",").split(",") if part.strip()]
    if len(parts) > 1 and all(track_of(part, tracks) for part in parts):
        return parts
    return [written.strip()] if written.strip() else []


def support_tracks(loaded: LoadedResponse | None, tracks: Sequence[Any]) -> frozenset[str]:
    """The programme tracks an assessment's ``support_since_last`` names (by id or name)."""
    written = loaded.response.assessment.support_since_last if loaded is not None else None
    if not written:
        return frozenset()
    return frozenset(found for item in _support_items(written, tracks)
                     if (found := track_of(item, tracks)) is not None)


def support_between(base: Round, follow: Round, tracks: Sequence[Any]) -> Support:
    """What the follow-up recorded as support received since the baseline: its
    ``assessment.support_since_last`` (items naming a programme track are matched to it), and
    the support history options (``company.support_received``) ticked at follow-up only."""
    column = profile_column(SUPPORT_PROFILE)
    ticked = [follow.frame[column].iloc[0] if column in follow.frame else None,
              base.frame[column].iloc[0] if column in base.frame else None]
    before = set(ticked[1]) if isinstance(ticked[1], tuple) else set()
    new = tuple(v for v in ticked[0] if v not in before and v != "none"
                ) if isinstance(ticked[0], tuple) else ()
    written = (follow.loaded.response.assessment.support_since_last
               if follow.loaded is not None else None)
    if written is None:
        return Support(False, profile_new=new)
    items = _support_items(written, tracks)
    return Support(True, tuple(items), tuple(track_of(item, tracks) for item in items), new)


@dataclass
class Round:
    """One of the two assessments compared: its batch, row and answers."""

    batch: Batch
    position: int
    loaded: LoadedResponse | None
    row: pd.Series
    frame: pd.DataFrame  # the answers, one row

    def source(self) -> Source:
        return source_of(self.batch, self.position, self.loaded)


@dataclass
class Comparison:
    """Two rounds of one company compared on what both have."""

    company: str  # as shown: 'name (id)'
    rounds: tuple[Round, Round]  # baseline, follow-up
    basis: Basis
    scores: tuple[Scores, Scores]  # both re-scored on the basis, one row each
    recommendations: tuple[list[Recommendation], list[Recommendation]]  # each from its own round
    catalogue: Advisory  # the follow-up's catalogue and programme
    baseline: RoundSummary
    followup: RoundSummary
    changes: dict[str, float | None]  # dimension id (and overall) -> follow-up minus baseline
    statuses: dict[str, str]  # solution id -> resolved | ready | open | unclear | new
    kpis: list[KpiChange] = field(default_factory=list)
    questions: list[QuestionChange] = field(default_factory=list)
    support: Support = field(default_factory=lambda: Support(False))
    warnings: list[Problem] = field(default_factory=list)

    @property
    def left_out(self) -> list[LeftOut]:
        return self.basis.left_out

    @property
    def notes(self) -> list[Msg]:
        return self.basis.notes

    @property
    def progressed(self) -> list[str]:
        return [sid for sid, status in self.statuses.items() if status in PROGRESSED]


def unreadable(role: str, where: str | None, rejections: Sequence[Rejection]) -> DiagnoseError:
    """The error for a baseline or follow-up input that could not be read (exit 2)."""
    reasons = "; ".join(r.reason.render("ko") for r in rejections)
    reasons_en = "; ".join(r.reason.render("en") for r in rejections)
    return DiagnoseError(Msg("{r} 파일을 읽을 수 없습니다: {why}",
                             "cannot read the {e} file: {why_en}").format(
        r=ROLES[role]["ko"], e=ROLES[role]["en"].lower(), why=reasons or "-",
        why_en=reasons_en or "-"), where=where)


def _single(batch: Batch, role: str, where: str | None) -> Round:
    """The one assessment of a batch, or a clear error."""
    count = len(batch.scores.table)
    if count == 0:
        raise unreadable(role, where, batch.rejections)
    if count > 1:
        raise DiagnoseError(Msg("{r}는 한 건이어야 합니다 ({n}건이 있음)",
                                "the {e} must be one assessment ({n} found)").format(
            r=ROLES[role]["ko"], e=ROLES[role]["en"].lower(), n=count), where=where)
    return Round(batch, 0, batch.loaded()[0], batch.scores.table.iloc[0], batch.answers())


def shown_name(row: pd.Series) -> str:
    """A company as messages name it: 'name (id)', or the name alone."""
    name, company_id = cell_text(row.get("company.name")), cell_text(row.get("company.id"))
    return f"{name} ({company_id})" if company_id else name


def _recommendations(rounds: Sequence[Round], catalogue_path: Path | None
                     ) -> tuple[list[list[Recommendation]], Advisory]:
    """Each round's recommendations from its own scores (all of them, not only the first
    few: a solution that drops in rank is not done), and the follow-up's catalogue."""
    result, advisory = [], None
    for item in rounds:
        advisory = load_catalogue(item.batch.questionnaire, catalogue_path)
        everything = max(1, len(advisory.catalogue.solutions))
        result.append(recommend.recommend(item.batch.scores, item.frame, advisory.catalogue,
                                          advisory.programme, everything)[0])
    assert advisory is not None
    return result, advisory


def _summary(scores: Scores, row: pd.Series) -> RoundSummary:
    table = scores.table.iloc[0]
    level = table["overall.level"]
    return RoundSummary(cell_text(row.get("assessment.round")),
                        cell_text(row.get("assessment.date")),
                        None if pd.isna(table["overall.score"]) else float(table["overall.score"]),
                        None if pd.isna(level) else int(level),
                        str(table["overall.level_name"] or ""))


def _changes(questionnaire: Questionnaire, scores: Sequence[Scores]) -> dict[str, float | None]:
    changes: dict[str, float | None] = {}
    for column in ["overall", *(d.id for d in questionnaire.dimensions)]:
        before = scores[0].table[f"{column}.score"].iloc[0]
        after = scores[1].table[f"{column}.score"].iloc[0]
        changes[column] = None if pd.isna(before) or pd.isna(after) else float(after - before)
    return changes


def _refuse_out_of_order(base: pd.Series, follow: pd.Series) -> None:
    """A follow-up dated before its baseline, or a later round named first (``followup``
    given as the baseline), is two files given the wrong way round: a report would show every
    change with the wrong sign. Same date and same round are allowed (a correction)."""
    dates = [pd.to_datetime(cell_text(row.get("assessment.date")) or None, errors="coerce")
             for row in (base, follow)]
    if pd.notna(dates[0]) and pd.notna(dates[1]) and dates[0] > dates[1]:
        raise DiagnoseError(Msg(
            "후속 진단({b})이 기준 진단({a})보다 이릅니다: 기준 진단을 먼저, 후속 진단을 나중에 "
            "적으세요",
            "the follow-up ({b}) is dated before the baseline ({a}): give the baseline first "
            "and the follow-up second").format(a=dates[0].date().isoformat(),
                                               b=dates[1].date().isoformat()))
    rounds = [cell_text(row.get("assessment.round")) for row in (base, follow)]
    ranks = [round_rank(name) for name in rounds]
    if ranks[0] > ranks[1]:  # NaN (a round of another name) compares False: dates decide
        raise DiagnoseError(Msg(
            "기준 진단이 '{a}' 차수이고 후속 진단이 '{b}' 차수입니다: 기준 진단을 먼저, 후속 진단을 "
            "나중에 적으세요",
            "the baseline is round '{a}' and the follow-up round '{b}': give the baseline first "
            "and the follow-up second").format(a=rounds[0], b=rounds[1]))


def compare(baseline: Batch, followup: Batch, lang: str = "ko",
            catalogue_path: Path | None = None,
            where: tuple[str | None, str | None] = (None, None)) -> Comparison:
    """Two rounds of one company compared: changes, what was left out, recommendation status.

    Each batch must hold exactly one assessment, of one company, the follow-up not dated or
    named before the baseline; otherwise a ``DiagnoseError`` (exit 2). ``where`` names the two
    inputs in error messages.
    """
    base = _single(baseline, "baseline", where[0])
    follow = _single(followup, "followup", where[1])
    if not identity.same_company(base.row, follow.row):
        raise DiagnoseError(Msg(
            "서로 다른 기업의 진단은 비교할 수 없습니다: 기준 '{a}', 후속 '{b}' "
            "(같은 기업 관리번호, 없으면 같은 기업명이어야 합니다)",
            "cannot compare assessments of different companies: baseline '{a}', follow-up "
            "'{b}' (they need the same company id, else the same company name)").format(
            a=shown_name(base.row), b=shown_name(follow.row)))
    _refuse_out_of_order(base.row, follow.row)
    common = basis((baseline.questionnaire, baseline.rubric, base.source()),
                   (followup.questionnaire, followup.rubric, follow.source()))
    scores = (rescore(common, base.frame, lang), rescore(common, follow.frame, lang))
    recs, catalogue = _recommendations((base, follow), catalogue_path)
    return Comparison(
        company=shown_name(follow.row), rounds=(base, follow), basis=common, scores=scores,
        recommendations=(recs[0], recs[1]), catalogue=catalogue,
        baseline=_summary(scores[0], base.row), followup=_summary(scores[1], follow.row),
        changes=_changes(common.questionnaire, scores),
        statuses=statuses(recs[0], recs[1], followup.scores, follow.position),
        kpis=kpi_changes(followup.questionnaire, base.frame.iloc[0], follow.frame.iloc[0]),
        questions=question_changes(common.questionnaire, scores),
        support=support_between(base, follow, catalogue.programme.tracks),
        warnings=[*baseline.warnings, *followup.warnings])


# --- the first and latest round of every linked company --------------------------------------

def _written(batch: Batch, item: LoadedResponse | None) -> tuple[str, str, str]:
    """The questionnaire (id, version, sha256) an assessment was answered with."""
    if item is None:
        q = batch.questionnaire
        return q.id, q.version, q.sha256 or ""
    ref = item.response.questionnaire
    return ref.id, ref.version, ref.sha256 or ""


def linked_progress(batch: Batch, frame: pd.DataFrame, order: pd.DataFrame,
                    lang: str = "ko") -> pd.DataFrame:
    """One row per company with two or more rounds: its first and latest round compared.

    ``frame`` is the batch's answers frame, ``order`` its ``round_order``. Columns: ``key``,
    company id and name, consultant, round, date and level before and after, and for
    ``overall`` and every dimension ``<d>.before``, ``<d>.after``, ``<d>.change``; ``left_out``
    counts the questions left out when the rounds answered different questionnaire versions.
    """
    linked = order[order["count"] >= 2]
    if linked.empty:
        return pd.DataFrame()
    first = linked[linked["seq"] == 0].set_index("key")["position"]
    last = linked[is_latest(linked)].set_index("key")["position"]
    loaded = batch.loaded()
    return pd.DataFrame([_pair(batch, frame, key, int(first[key]), int(last[key]), loaded, lang)
                         for key in first.index])


def _pair(batch: Batch, frame: pd.DataFrame, key: str, before: int, after: int,
          loaded: Sequence[LoadedResponse | None], lang: str) -> dict[str, Any]:
    """First and latest round of one company; re-scored on what both have when they answered
    different questionnaire versions (``basis``)."""
    table = batch.scores.table
    rows = [table.iloc[before], table.iloc[after]]
    left_out = 0
    if versions_differ(_written(batch, loaded[before]), _written(batch, loaded[after])):
        sources = [source_of(batch, p, loaded[p]) for p in (before, after)]
        common = basis((batch.questionnaire, batch.rubric, sources[0]),
                       (batch.questionnaire, batch.rubric, sources[1]))
        rescored = rescore(common, frame.iloc[[before, after]], lang)
        rows = [rescored.table.iloc[0], rescored.table.iloc[1]]
        left_out = sum(1 for item in common.left_out if item.kind == "question")
    head = table.iloc[after]
    result: dict[str, Any] = {
        "key": key, "company.id": cell_text(head.get("company.id")),
        "company.name": cell_text(head.get("company.name")),
        "consultant": cell_text(head.get("assessment.consultant")),
        "round.before": cell_text(rows[0]["assessment.round"]),
        "date.before": cell_text(rows[0]["assessment.date"]),
        "round.after": cell_text(rows[1]["assessment.round"]),
        "date.after": cell_text(rows[1]["assessment.date"]),
        "level.before": rows[0]["overall.level"], "level.after": rows[1]["overall.level"],
        "left_out": left_out,
    }
    dims = [d.id for d in batch.questionnaire.dimensions if any(q.scored for q in d.questions)]
    for column in ["overall", *dims]:
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
