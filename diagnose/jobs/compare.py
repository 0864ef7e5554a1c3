"""Progress between two rounds of one company: what changed, and what is done.

A baseline and a follow-up are *linked* when they are the same company: the same programme
company id when both have one, else the same company name. Rounds are ordered by name
(``baseline`` < ``followup``; ``t0`` < ``t1`` < ...), and by date when they are named
otherwise.

Only comparable things are compared. When the two assessments answered different
questionnaire versions (``questionnaire.version`` or ``sha256`` in the response files), or were
scored with different questionnaires or rubrics, both are re-scored with the follow-up's
content restricted to the questions both have; everything left out is listed with its reason.

A recommendation of the baseline is *done* when its solution no longer fits at the follow-up
(the gap it addressed is closed) and every question and dimension its fit condition tests was
answered then; it is *ready* when it still fits and the prerequisites it lacked are now met.
Both count as progressed. A baseline recommendation that still fits is *open*; one whose fit
can no longer be judged (what it tests went unanswered) is *unclear*; a follow-up
recommendation the baseline did not have is *new*.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from diagnose.content.questionnaire import Question, Questionnaire
from diagnose.content.rubric import Rubric
from diagnose.core import fonts
from diagnose.core.errors import DiagnoseError, Problem, Rejection
from diagnose.core.i18n import Msg, pick
from diagnose.engine import batch as batch_module
from diagnose.engine import recommend, scoring
from diagnose.engine.batch import Batch
from diagnose.engine.recommend import Catalogue, Condition, Recommendation
from diagnose.engine.scoring import HIDDEN, Scores
from diagnose.inputs.frame import frame_columns
from diagnose.inputs.responses import LoadedResponse
from diagnose.render import charts, report

TEMPLATE = "compare.html.j2"
_FOLLOWUP = re.compile(r"^follow[-_ ]?up[-_ ]?(\d*)$")
_NUMBERED = re.compile(r"^t(\d+)$")

ROLES = {"baseline": {"ko": "기준 진단", "en": "Baseline"},
         "followup": {"ko": "후속 진단", "en": "Follow-up"}}
STATUSES: dict[str, dict[str, str]] = {
    "done": {"ko": "완료", "en": "Done"},
    "ready": {"ko": "진전", "en": "Progressed"},
    "open": {"ko": "진행 중", "en": "Open"},
    "unclear": {"ko": "확인 필요", "en": "Unclear"},
    "new": {"ko": "새 추천", "en": "New"},
}
PROGRESSED = frozenset({"done", "ready"})


# --- rounds and identity -------------------------------------------------------------------

def round_rank(name: object) -> float:
    """The place of a round name in time: baseline 0, followup 1 (followup2: 2), tN: N.

    NaN for any other name: such rounds are ordered by date.
    """
    if not isinstance(name, str):
        return math.nan
    word = name.strip().casefold()
    if word in {"baseline", "t0"}:
        return 0.0
    if match := _FOLLOWUP.match(word):
        return float(match.group(1) or 1)
    if match := _NUMBERED.match(word):
        return float(match.group(1))
    return math.nan


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def same_company(first: pd.Series, second: pd.Series) -> bool:
    """Two score-table rows are one company: same id when both have one, else same name."""
    ids = _text(first.get("company.id")), _text(second.get("company.id"))
    if all(ids):
        return ids[0] == ids[1]
    return _text(first.get("company.name")) == _text(second.get("company.name")) != ""


def _shown_name(row: pd.Series) -> str:
    name, company_id = _text(row.get("company.name")), _text(row.get("company.id"))
    return f"{name} ({company_id})" if company_id else name


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


# --- answers and recommendations of a batch ------------------------------------------------

def load_catalogue(questionnaire: Questionnaire, path: Path | None = None) -> Catalogue:
    """The solution catalogue, checked against the questionnaire (bundled one by default).

    The bundled catalogue is written for the bundled questionnaire; with another
    questionnaire and no catalogue of its own, there is nothing to recommend.
    """
    return recommend.load_for(questionnaire, path) or recommend.empty(questionnaire)


def _named(condition: Condition) -> Iterable[tuple[str, str]]:
    """The (kind, id) of every question and dimension a condition tests."""
    if condition.question is not None:
        yield "question", condition.question
    if condition.dimension is not None:
        yield "dimension", condition.dimension
    for child in [*(condition.all or []), *(condition.any or [])]:
        yield from _named(child)
    if condition.not_ is not None:
        yield from _named(condition.not_)


def _judgeable(recommendation: Recommendation, scores: Scores, position: int) -> bool:
    """Whether every question and dimension the solution's fit tests has an answer or score."""
    states = scores.states.iloc[position]
    row = scores.table.iloc[position]
    for kind, ident in _named(recommendation.solution.fits):
        if kind == "dimension" and pd.isna(row.get(f"{ident}.score")):
            return False
        if kind == "question" and ident in states and states[ident] not in (scoring.ANSWERED,
                                                                             HIDDEN):
            return False
    return True


def statuses(before: Sequence[Recommendation], after: Sequence[Recommendation],
             after_scores: Scores, after_position: int) -> dict[str, str]:
    """Solution id -> done | ready | open | unclear | new (see the module docstring)."""
    later = {rec.solution.id: rec for rec in after}
    result: dict[str, str] = {}
    for rec in before:
        now = later.get(rec.solution.id)
        if now is None:
            judged = _judgeable(rec, after_scores, after_position)
            result[rec.solution.id] = "done" if judged else "unclear"
        elif rec.missing and not now.missing:
            result[rec.solution.id] = "ready"
        else:
            result[rec.solution.id] = "open"
    for sid in later:
        result.setdefault(sid, "new")
    return result


# --- the comparison ------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundSummary:
    """One round as the progress report shows it."""

    round: str
    date: str
    overall: float | None
    level: int | None
    level_name: str


@dataclass
class ComparisonResult:
    """What ``build_comparison`` wrote and found."""

    out: Path
    company: str
    baseline: RoundSummary
    followup: RoundSummary
    changes: dict[str, float | None]  # dimension id -> follow-up minus baseline (unrounded)
    left_out: list[LeftOut]
    statuses: dict[str, str]  # solution id -> done | ready | open | unclear | new
    notes: list[Msg] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def progressed(self) -> list[str]:
        return [sid for sid, status in self.statuses.items() if status in PROGRESSED]

    def summary(self, lang: str = "ko") -> dict[str, Any]:
        """Plain data for ``--json`` and the terminal."""
        def side(item: RoundSummary) -> dict[str, Any]:
            return {"round": item.round, "date": item.date,
                    "overall": None if item.overall is None else round(item.overall, 2),
                    "level": item.level, "level_name": item.level_name}

        return {
            "out": str(self.out), "company": self.company,
            "baseline": side(self.baseline), "followup": side(self.followup),
            "changes": {k: None if v is None else round(v, 2) for k, v in self.changes.items()},
            "left_out": [{"kind": x.kind, "id": x.id, "reason": x.reason.render(lang)}
                         for x in self.left_out],
            "notes": [n.render(lang) for n in self.notes],
            "recommendations": self.statuses,
        }


@dataclass
class _Round:
    batch: Batch
    position: int
    loaded: LoadedResponse | None
    row: pd.Series
    frame: pd.DataFrame  # the answers, one row


def _unreadable(role: str, where: str | None, rejections: Sequence[Rejection]) -> DiagnoseError:
    reasons = "; ".join(r.reason.render("ko") for r in rejections)
    reasons_en = "; ".join(r.reason.render("en") for r in rejections)
    return DiagnoseError(Msg("{r} 파일을 읽을 수 없습니다: {why}",
                             "cannot read the {e} file: {why_en}").format(
        r=ROLES[role]["ko"], e=ROLES[role]["en"].lower(), why=reasons or "-",
        why_en=reasons_en or "-"), where=where)


def _single(batch: Batch, role: str, where: str | None) -> _Round:
    """The one assessment of a batch, or a clear error."""
    count = len(batch.scores.table)
    if count == 0:
        raise _unreadable(role, where, batch.rejections)
    if count > 1:
        raise DiagnoseError(Msg("{r}는 한 건이어야 합니다 ({n}건이 있음)",
                                "the {e} must be one assessment ({n} found)").format(
            r=ROLES[role]["ko"], e=ROLES[role]["en"].lower(), n=count), where=where)
    row = batch.scores.table.iloc[0]
    loaded = next((item for item in batch.responses if item.path == row["source"]), None)
    return _Round(batch, 0, loaded, row, batch.answers())


def _recommendations(rounds: Sequence[_Round], catalogue_path: Path | None
                     ) -> tuple[list[list[Recommendation]], Catalogue]:
    """Each round's recommendations from its own scores, and the follow-up's catalogue."""
    result, catalogue = [], None
    for item in rounds:
        catalogue = load_catalogue(item.batch.questionnaire, catalogue_path)
        result.append(recommend.recommend(item.batch.scores, item.frame, catalogue)[0])
    assert catalogue is not None
    return result, catalogue


def _summary(scores: Scores, row: pd.Series) -> RoundSummary:
    table = scores.table.iloc[0]
    level = table["overall.level"]
    return RoundSummary(_text(row.get("assessment.round")), _text(row.get("assessment.date")),
                        None if pd.isna(table["overall.score"]) else float(table["overall.score"]),
                        None if pd.isna(level) else int(level),
                        str(table["overall.level_name"] or ""))


def build_comparison(baseline: Batch, followup: Batch, out: Path, lang: str = "ko",
                     templates: Path | None = None, catalogue_path: Path | None = None,
                     where: tuple[str | None, str | None] = (None, None)) -> ComparisonResult:
    """The progress report of one company between two rounds, written to ``out`` (PDF).

    Each batch must hold exactly one assessment, of the same company; otherwise a
    ``DiagnoseError`` (exit 2). ``where`` names the two inputs in error messages.
    """
    base = _single(baseline, "baseline", where[0])
    follow = _single(followup, "followup", where[1])
    if not same_company(base.row, follow.row):
        raise DiagnoseError(Msg(
            "서로 다른 기업의 진단은 비교할 수 없습니다: 기준 '{a}', 후속 '{b}' "
            "(같은 기업 관리번호, 없으면 같은 기업명이어야 합니다)",
            "cannot compare assessments of different companies: baseline '{a}', follow-up "
            "'{b}' (they need the same company id, else the same company name)").format(
            a=_shown_name(base.row), b=_shown_name(follow.row)))
    common = basis(
        (baseline.questionnaire, baseline.rubric,
         source_of(baseline, base.position, base.loaded)),
        (followup.questionnaire, followup.rubric,
         source_of(followup, follow.position, follow.loaded)))
    dates = (_text(base.row.get("assessment.date")), _text(follow.row.get("assessment.date")))
    if all(dates) and dates[0] > dates[1]:
        common.notes.append(Msg(
            "기준 진단일({a})이 후속 진단일({b})보다 늦습니다: 두 파일의 순서를 확인하세요",
            "the baseline ({a}) is dated after the follow-up ({b}): check the order of the "
            "two files").format(a=dates[0], b=dates[1]))
    scores = [rescore(common, item.frame, lang) for item in (base, follow)]
    recs, catalogue = _recommendations((base, follow), catalogue_path)
    status = statuses(recs[0], recs[1], followup.scores, follow.position)
    result = ComparisonResult(
        out=out, company=_shown_name(follow.row),
        baseline=_summary(scores[0], base.row), followup=_summary(scores[1], follow.row),
        changes=_changes(common.questionnaire, scores),
        left_out=common.left_out, statuses=status, notes=common.notes,
        warnings=[*baseline.warnings, *followup.warnings])
    tracks = {t.id: pick(t.name, lang) for t in catalogue.tracks}
    context = _context(result, common, scores, (base, follow), recs, tracks, lang)
    dirs = report.template_dirs(templates)
    report.write_pdf(report.render_html(context, dirs, TEMPLATE), out, dirs)
    return result


def compare_files(baseline_path: Path, followup_path: Path, out: Path, lang: str = "ko",
                  questionnaire_path: Path | None = None, rubric_path: Path | None = None,
                  templates: Path | None = None, catalogue_path: Path | None = None,
                  mapping_path: Path | None = None) -> ComparisonResult:
    """Score two inputs (a response file or a one-row survey export each, read as
    ``batch.score_inputs`` reads them) and write the progress report to ``out`` (PDF)."""
    batches = []
    for role, path in (("baseline", baseline_path), ("followup", followup_path)):
        try:
            batches.append(batch_module.score_inputs([path], questionnaire_path, rubric_path,
                                                     lang, mapping_path))
        except batch_module.NothingReadable as exc:
            raise _unreadable(role, str(path), exc.rejections) from None
    return build_comparison(batches[0], batches[1], out, lang, templates, catalogue_path,
                            where=(str(baseline_path), str(followup_path)))


def _changes(questionnaire: Questionnaire, scores: Sequence[Scores]) -> dict[str, float | None]:
    changes: dict[str, float | None] = {}
    for column in ["overall", *(d.id for d in questionnaire.dimensions)]:
        before = scores[0].table[f"{column}.score"].iloc[0]
        after = scores[1].table[f"{column}.score"].iloc[0]
        changes[column] = None if pd.isna(before) or pd.isna(after) else float(after - before)
    return changes


# --- the report's context ------------------------------------------------------------------

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


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


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
            "before": _fmt(before[f"{dim.id}.score"]), "after": _fmt(after[f"{dim.id}.score"]),
            "change": _fmt(change, signed=True),
            "direction": "none" if change is None else "up" if change > 0.005 else
            "down" if change < -0.005 else "same",
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
    # the two rounds may load the catalogue twice: prerequisites are matched by their text
    missing_now = {str(p.text) for p in now.missing} if now else set()
    texts = {str(p.text): p for p in [*(then.missing if then else []),
                                      *(now.missing if now else [])]}
    shown = []
    for key, prerequisite in texts.items():
        state = "then" if now is None else "missing" if key in missing_now else "met"
        shown.append({"text": pick(prerequisite.text, lang), "state": state})
    return shown


def _radar(questionnaire: Questionnaire, scores: Sequence[Scores], rounds: Sequence[_Round],
           lang: str) -> str:
    dims = [d for d in questionnaire.dimensions if any(q.scored for q in d.questions)]
    if len(dims) < 3:
        return ""  # a radar needs three axes
    series = []
    for role, score, item in zip(("baseline", "company"), scores, rounds, strict=True):
        name = pick(ROLES["baseline" if role == "baseline" else "followup"], lang)
        label = _text(item.row.get("assessment.round")) or _text(item.row.get("assessment.date"))
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
            "track": rec.solution.track,
            "status": state, "status_name": pick(STATUSES[state], lang),
            "progressed": state in PROGRESSED,
            "prerequisites": _prerequisites(then, now, lang),
        })
    return rows


def _context(result: ComparisonResult, common: Basis, scores: Sequence[Scores],
             rounds: Sequence[_Round], recs: Sequence[Sequence[Recommendation]],
             tracks: dict[str, str], lang: str) -> dict[str, Any]:
    rows = _recommendation_rows(recs, result.statuses, lang)
    for row in rows:
        row["track"] = tracks.get(row["track"], row["track"])
    facts = []
    for role, item in zip(("baseline", "followup"), rounds, strict=True):
        source = source_of(item.batch, item.position, item.loaded)
        facts.append({"role": pick(ROLES[role], lang),
                      "round": _text(item.row.get("assessment.round")),
                      "date": _text(item.row.get("assessment.date")),
                      "consultant": _text(item.row.get("assessment.consultant")),
                      "versions": source.version_text()})
    sides = []
    for summary in (result.baseline, result.followup):
        sides.append({"score": _fmt(summary.overall), "level": summary.level,
                      "level_name": summary.level_name})
    progressed = len(result.progressed)
    return {
        "lang": lang,
        "labels": {key: pick(text, lang) for key, text in LABELS.items()},
        "programme": pick(report.PROGRAMME, lang),
        "title": pick(common.questionnaire.title, lang),
        "company": {"name": _text(rounds[1].row.get("company.name")),
                    "id": _text(rounds[1].row.get("company.id"))},
        "rounds": facts,
        "sides": sides,
        "overall_change": _fmt(result.changes["overall"], signed=True),
        "radar": _radar(common.questionnaire, scores, rounds, lang),
        "dimensions": _dimension_rows(common.questionnaire, scores, result.changes, lang),
        "recommendations": rows,
        "progressed": f"{progressed} / {sum(1 for s in result.statuses.values() if s != 'new')}",
        "left_out": [item.render(lang) for item in result.left_out],
        "notes": [note.render(lang) for note in result.notes],
        "font": {weight: fonts.font_file(weight).as_uri()
                 for weight in ("regular", "bold", "extrabold")},
    }
