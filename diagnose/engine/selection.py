"""Programme selection within capacity (CONTRACT.md section 9).

For every programme track (outside programmes are never selected here):

1. **Candidates.** A company is a candidate for a track when one of its first
   ``selection.recommendations`` recommendations can be funded by the track at its maturity
   stage, or (tracks that fund no solution: academy, experience hall) when the track's
   ``candidates`` condition holds.
2. **Eligibility.** The programme's rules and the track's own rules, as declarative conditions.
   A rule that does not hold makes the company not eligible, naming the rule; a rule whose
   answer is missing is "to be checked" and not eligible until it is. A track marked ``once``
   does not select a company whose response file records that track among the support
   received since the last round (``assessment.support_since_last``). Only each company's
   latest assessment takes part (rounds ordered as ``progress.round_order`` orders them): an
   earlier round never takes a second place.
3. **Selection score**, with its parts kept apart (each 0..1)::

       score = w_readiness x readiness + w_impact x impact + w_goal x goal

   readiness = 0.7 x (1 - months of preparation / 12) + 0.3 x completeness of the answers;
   impact = log10(yearly value / 10 million KRW) / 2, clipped to 0..1 (10 million -> 0,
   1 billion -> 1; 0.3 without an estimate); goal = 1 when the funded initiative answers the
   CEO's main goal, 0.6 a stated pain point, else 0. A company's score never depends on which
   other companies are in the run.
4. **Places.** Tracks marked ``exclusive`` give one company at most one place among them:
   companies propose to their exclusive tracks in the order of their own recommendations, each
   track keeps its best proposers up to capacity (deferred acceptance: the result does not
   depend on the order tracks are listed in). Other tracks fill independently. Order within a
   track: score, then impact, then readiness, then the company key (id, else normalised name).
   The reserve list is the next ``selection.reserve`` eligible candidates not placed in a track
   they rank higher.
5. **Decisions.** An officer's ``in`` puts the company in the track's primary list (taking a
   place, and its place in other exclusive tracks is released); ``out`` takes it out of the
   track. Both are applied before the places are filled, so the lists stay consistent, and
   every decision is listed with its reason, who and when.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from diagnose.content.programme import Programme, Rule, Track
from diagnose.core.i18n import Msg, pick
from diagnose.core.money import krw
from diagnose.engine.conditions import Fields, evaluate
from diagnose.engine.recommend import GOAL, Recommendation, gc_paused
from diagnose.engine.scoring import Scores
from diagnose.inputs.decisions import Decision
from diagnose.inputs.identity import company_keys

Status = Literal["primary", "reserve", "waiting", "elsewhere", "not_eligible", "excluded"]
IMPACT_FLOOR_KRW = 1e7  # 1,000만 원 a year scores 0; 100x that (10억 원) scores 1
IMPACT_UNKNOWN = 0.3


@dataclass
class Entry:
    """One company's standing in one track."""

    row: int
    key: str
    track: Track
    status: Status
    readiness: float = 0.0
    impact: float = 0.0
    goal: float = 0.0
    score: float = 0.0
    recommendation: Recommendation | None = None
    failed: list[Rule] = field(default_factory=list)  # rules that do not hold
    received: bool = False  # a ``once`` track that already supported this company
    unknown: list[Rule] = field(default_factory=list)  # rules to be checked
    rank: int | None = None  # within primary or reserve
    placed_in: Track | None = None  # the exclusive track it got, when another one
    prefers_this: bool = False  # placed elsewhere, but ranks this track higher (a reserve)
    decision: Decision | None = None
    reason: Msg = field(default_factory=lambda: Msg("", ""))


@dataclass
class TrackResult:
    track: Track
    primary: list[Entry]
    reserve: list[Entry]
    others: list[Entry]  # waiting beyond the reserve, placed elsewhere, not eligible

    @property
    def entries(self) -> list[Entry]:
        return [*self.primary, *self.reserve, *self.others]


@dataclass
class SelectionResult:
    programme: Programme
    tracks: list[TrackResult]
    decisions: list[tuple[Decision, Entry]]  # with the entry each applied to


def _rules_truth(rules: Sequence[Rule], fields: Fields) -> list[tuple[Rule, np.ndarray, np.ndarray]]:
    out = []
    for rule in rules:
        truth = evaluate(rule.when, fields)
        out.append((rule, truth.false, truth.unknown))
    return out


def _impact(value: float | None) -> float:
    if value is None:
        return IMPACT_UNKNOWN
    if value <= 0:  # net of upkeep, it does not pay for itself
        return 0.0
    return float(np.clip(math.log10(value / IMPACT_FLOOR_KRW) / 2, 0, 1))


def _fundable(recs: list[Recommendation], depth: int) -> dict[str, Recommendation]:
    """Per track id, the company's best recommendation (of its first ``depth``) that the track
    can fund at its stage."""
    found: dict[str, Recommendation] = {}
    for rec in recs[:depth]:
        for funding in rec.funding:
            if funding.fits_stage:
                found.setdefault(funding.track.id, rec)
    return found


def _order_key(entry: Entry) -> tuple[float, float, float, str]:
    return (-round(entry.score, 9), -round(entry.impact, 9), -round(entry.readiness, 9),
            entry.key)


def select(scores: Scores, frame: pd.DataFrame, recommendations: list[list[Recommendation]],
           programme: Programme, decisions: Mapping[tuple[str, str], Decision] | None = None,
           current: np.ndarray | None = None, received: Sequence[frozenset[str]] | None = None
           ) -> SelectionResult:
    """Primary and reserve lists per programme track, every company with its standing.

    ``decisions`` maps (company key, track id) to the officer's decision; company keys are
    ``identity.company_keys`` of the score table. ``current`` marks the rows that take part
    (each company's latest assessment, ``progress.latest``; all rows when not given);
    ``received`` holds, per row, the tracks its response file says supported the company
    since the last round (``progress.support_tracks``).
    """
    with gc_paused():  # many small objects over a big heap (``recommend.gc_paused``)
        return _select(scores, frame, recommendations, programme, decisions, current, received)


def _select(scores: Scores, frame: pd.DataFrame, recommendations: list[list[Recommendation]],
            programme: Programme, decisions: Mapping[tuple[str, str], Decision] | None,
            current: np.ndarray | None = None, received: Sequence[frozenset[str]] | None = None
            ) -> SelectionResult:
    fields = Fields(scores, frame)
    keys = company_keys(scores.table).tolist()
    completeness = fields.completeness()
    weights = programme.selection.weights
    general = _rules_truth(programme.eligibility, fields)
    wanted = dict(decisions or {})
    tracks = [t for t in programme.tracks if not t.external]
    fundable = [_fundable(recs, programme.selection.recommendations) for recs in recommendations]
    entries: dict[str, dict[int, Entry]] = {}
    for track in tracks:
        own = _rules_truth(track.eligibility, fields)
        applies = (evaluate(track.candidates.when, fields).true if track.candidates is not None
                   else None)
        found: dict[int, Entry] = {}
        for row in range(len(recommendations)):
            if current is not None and not current[row]:
                continue  # an earlier round of a company assessed again
            rec = fundable[row].get(track.id)
            decision = wanted.get((keys[row], track.id))
            candidate = rec is not None or (applies is not None and applies[row])
            if not candidate and not (decision and decision.decision == "in"):
                continue
            entry = Entry(row, keys[row], track, "waiting", recommendation=rec, decision=decision)
            entry.failed = [r for r, false, _ in [*general, *own] if false[row]]
            entry.unknown = [r for r, _, unknown in [*general, *own] if unknown[row]]
            prep = (rec.start_month - 1) if rec is not None else 0
            entry.readiness = 0.7 * max(0.0, 1 - prep / 12) + 0.3 * float(completeness[row])
            entry.impact = _impact(rec.value_krw) if rec is not None else IMPACT_UNKNOWN
            entry.goal = rec.goal if rec is not None else 0.0
            entry.score = (weights.readiness * entry.readiness + weights.impact * entry.impact
                           + weights.goal * entry.goal)
            entry.received = track.once and received is not None and track.id in received[row]
            if entry.failed or entry.unknown or entry.received:
                entry.status = "not_eligible"
            found[row] = entry
        entries[track.id] = found
    _place(tracks, entries, recommendations)
    results = [_result(track, entries[track.id], programme) for track in tracks]
    applied = [(entry.decision, entry) for track in tracks
               for entry in sorted(entries[track.id].values(), key=lambda e: e.row)
               if entry.decision is not None]
    return SelectionResult(programme, results, applied)


def _preference(recs: list[Recommendation], exclusive: list[Track]) -> list[str]:
    """A company's exclusive tracks in the order its own recommendations name them."""
    order: list[str] = []
    for rec in recs:
        for funding in rec.funding:
            if funding.fits_stage and funding.track.id not in order and any(
                    t.id == funding.track.id for t in exclusive):
                order.append(funding.track.id)
    return order


def _place(tracks: list[Track], entries: dict[str, dict[int, Entry]],
           recommendations: list[list[Recommendation]]) -> None:
    """Fill primary lists: decisions first, then deferred acceptance over exclusive tracks."""
    forced: dict[int, str] = {}
    for track in tracks:
        for row, entry in entries[track.id].items():
            if entry.decision is not None and entry.decision.decision == "in":
                entry.status = "primary"
                if track.exclusive:
                    forced[row] = track.id
            elif entry.decision is not None:  # "out"
                entry.status = "excluded"
    exclusive = [t for t in tracks if t.exclusive]
    for track in tracks:  # forced places release the company's other exclusive tracks
        if track.exclusive:
            for row, entry in entries[track.id].items():
                if row in forced and forced[row] != track.id and entry.status == "waiting":
                    entry.status = "elsewhere"
                    entry.placed_in = next(t for t in tracks if t.id == forced[row])
    free = {t.id: (None if t.capacity is None else
                   t.capacity - sum(e.status == "primary" for e in entries[t.id].values()))
            for t in tracks}
    # deferred acceptance: companies propose down their own preference order
    prefs = {row: [tid for tid in _preference(recs, exclusive)
                   if row in entries[tid] and entries[tid][row].status == "waiting"]
             for row, recs in enumerate(recommendations) if row not in forced}
    for track in exclusive:  # a track only its `candidates` rule reaches comes last
        for row, entry in entries[track.id].items():
            if entry.status == "waiting" and row in prefs and track.id not in prefs[row]:
                prefs[row].append(track.id)
    held: dict[str, list[Entry]] = {t.id: [] for t in exclusive}
    pending = sorted(row for row, pref in prefs.items() if pref)
    nxt = {row: 0 for row in prefs}
    while pending:
        row = pending.pop(0)
        if nxt[row] >= len(prefs[row]):
            continue
        tid = prefs[row][nxt[row]]
        nxt[row] += 1
        held[tid].append(entries[tid][row])
        held[tid].sort(key=_order_key)
        limit = free[tid]
        if limit is not None and len(held[tid]) > max(limit, 0):
            bumped = held[tid].pop()
            pending.append(bumped.row)
            pending.sort()
    placed = {}
    for tid, group in held.items():
        for entry in group:
            entry.status = "primary"
            placed[entry.row] = tid
    for track in exclusive:
        for row, entry in entries[track.id].items():
            if entry.status == "waiting" and row in placed and placed[row] != track.id:
                entry.status = "elsewhere"
                entry.placed_in = next(t for t in tracks if t.id == placed[row])
                order = prefs.get(row, [])
                entry.prefers_this = (track.id in order and placed[row] in order and
                                      order.index(track.id) < order.index(placed[row]))
    for track in tracks:
        if track.exclusive:
            continue
        waiting = sorted((e for e in entries[track.id].values() if e.status == "waiting"),
                         key=_order_key)
        limit = free[track.id]
        for entry in waiting[:len(waiting) if limit is None else max(limit, 0)]:
            entry.status = "primary"


def _result(track: Track, found: dict[int, Entry], programme: Programme) -> TrackResult:
    ordered = sorted(found.values(), key=_order_key)
    primary = [e for e in ordered if e.status == "primary"]
    # a reserve takes a place that frees up: someone waiting, or placed in a track it ranks
    # lower than this one
    reserve = [e for e in ordered if e.status == "waiting" or
               (e.status == "elsewhere" and e.prefers_this)][:programme.selection.reserve]
    for e in reserve:
        e.status = "reserve"
    others = [e for e in ordered if e.status not in ("primary", "reserve")]
    for rank, e in enumerate(primary, start=1):
        e.rank = rank
    for rank, e in enumerate(reserve, start=1):
        e.rank = rank
    cut = primary[-1] if primary and track.capacity is not None and \
        len(primary) >= track.capacity else None
    for e in found.values():
        e.reason = _reason(e, track, cut, len(primary))
    return TrackResult(track, primary, reserve, others)


# --- reasons, as sentences -----------------------------------------------------------------------

def _scores_text(e: Entry) -> Msg:
    return Msg("선정 점수 {s:.2f} = 준비도 {r:.2f} · 효과 {i:.2f} · 목표 부합 {g:.2f}",
               "selection score {s:.2f} = readiness {r:.2f} · impact {i:.2f} · goal fit {g:.2f}"
               ).format(s=e.score, r=e.readiness, i=e.impact, g=e.goal)


def _initiative(e: Entry) -> Msg:
    rec = e.recommendation
    if rec is None:
        return Msg("", "")
    name = Msg(pick(rec.solution.name, "ko"), pick(rec.solution.name, "en"))
    parts_ko = [f"'{name.ko}'"]
    parts_en = [f"'{name.en}'"]
    if rec.goal == GOAL:
        parts_ko.append("대표 목표에 직접 답함")
        parts_en.append("answers the CEO's own goal")
    if rec.value_krw is not None:
        parts_ko.append(f"연간 효과 약 {krw(rec.value_krw, 'ko')}")
        parts_en.append(f"yearly value about {krw(rec.value_krw, 'en')}")
    if rec.start_month <= 1:
        parts_ko.append("바로 착수 가능")
        parts_en.append("can start now")
    else:
        parts_ko.append(f"준비 {rec.start_month - 1}개월 후 착수")
        parts_en.append(f"starts after {rec.start_month - 1} months of preparation")
    return Msg(", ".join(parts_ko), ", ".join(parts_en))


def _join(*parts: Msg) -> Msg:
    return Msg(" ".join(p.ko for p in parts if p.ko), " ".join(p.en for p in parts if p.en))


def _reason(e: Entry, track: Track, cut: Entry | None, placed: int) -> Msg:
    name = Msg(pick(track.name, "ko"), pick(track.name, "en"))
    override = (Msg("담당자 결정: {r}", "officer's decision: {r}").format(r=e.decision.reason)
                if e.decision is not None else Msg("", ""))
    if e.status == "excluded":
        return _join(Msg("제외.", "Excluded."), override)
    if e.status == "not_eligible":
        failed = "; ".join(pick(r.text, "ko") for r in e.failed)
        failed_en = "; ".join(pick(r.text, "en") for r in e.failed)
        unknown = "; ".join(pick(r.text, "ko") for r in e.unknown)
        unknown_en = "; ".join(pick(r.text, "en") for r in e.unknown)
        parts = []
        if e.received:
            parts.append(Msg("지원 대상 아님: 지난 진단 뒤 이미 이 트랙의 지원을 받았습니다(한 기업 한 번).",
                             "Not eligible: already supported by this track since the last "
                             "round (once per company)."))
        if failed:
            parts.append(Msg(f"지원 대상 아님: {failed} 요건을 충족하지 않습니다.",
                             f"Not eligible: does not meet {failed_en}."))
        if unknown:
            parts.append(Msg(f"확인 필요: {unknown} 여부를 확인해야 선정할 수 있습니다.",
                             f"To be checked: {unknown_en} must be confirmed before selection."))
        return _join(*parts)
    initiative = _initiative(e)
    if e.recommendation is None and track.candidates is not None:
        initiative = Msg(f"대상: {pick(track.candidates.text, 'ko')}.",
                         f"For: {pick(track.candidates.text, 'en')}.")
    if e.status == "primary":
        head = Msg(f"{name.ko} 선정 ({e.rank}/{placed}위).",
                   f"Selected for {name.en} (rank {e.rank} of {placed}).")
        return _join(head, initiative, _scores_text(e), override)
    if e.status == "elsewhere" and e.placed_in is not None:
        other = Msg(pick(e.placed_in.name, "ko"), pick(e.placed_in.name, "en"))
        return _join(Msg(f"'{other.ko}'에 선정되어 이 트랙에는 중복 선정하지 않습니다(한 기업 한 "
                         f"트랙).", f"Selected for '{other.en}', so not for this track as well "
                         f"(one exclusive track per company)."), _scores_text(e))
    if e.status == "reserve":
        line = Msg(f"예비 {e.rank}순위: 정원 {track.capacity}개 사가 찼습니다",
                   f"Reserve {e.rank}: the {track.capacity} places are taken")
        if e.placed_in is not None:
            line = Msg(line.ko + f" (현재 '{pick(e.placed_in.name, 'ko')}'에 선정)",
                       line.en + f" (now selected for '{pick(e.placed_in.name, 'en')}')")
        if cut is not None:
            line = Msg(line.ko + f" (마지막 선정 점수 {cut.score:.2f}).",
                       line.en + f" (last selected score {cut.score:.2f}).")
        return _join(line, initiative, _scores_text(e))
    return _join(Msg(f"대기: 정원과 예비 명단 밖입니다 ({track.capacity}개 사).",
                     f"Waiting: beyond the places and the reserve list ({track.capacity})."),
                 _scores_text(e))
