"""The programme file: support tracks, eligibility and the selection rules (CONTRACT.md 9).

Content, not code (``scoring/programme.yaml``): each track's name, which maturity levels it
suits (routing by stage), its subsidy share and cap per company, its capacity this year, and
whether it is one of the programme's own tracks or an outside programme the consultant can
point to (national smart-factory support, KOSHA, KEA, KISA). Eligibility rules are declarative
conditions (as in the catalogue); the selection score's weights, the reserve length and the
application window are data the office edits without Python. Money is in 백만 원 (KRW million),
as in the profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from diagnose.content import conditions, yamlio
from diagnose.content.conditions import Condition
from diagnose.content.questionnaire import Questionnaire, Text, version_text
from diagnose.core import resources
from diagnose.core.errors import Problem, ValidationFailed
from diagnose.core.i18n import Msg

DEFAULT_PROGRAMME = resources.SCORING / "programme.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(_Model):
    """An eligibility rule: who may be selected, with the sentence a refusal cites."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-_]*$")
    text: Text  # the rule as a requirement ("울산 소재 사업장")
    when: Condition  # holds for an eligible company; unknown -> to be checked (not eligible)


class Track(_Model):
    """One way to fund or support a step: a programme track or an outside programme."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Text
    description: Text | None = None
    pillar: Text | None = None  # the programme's pillar (AI hub, computing centre, ...)
    external: bool = False  # an outside programme, named where it fits, never selected here
    provider: Text | None = None  # who runs it (outside programmes)
    levels: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])  # stages it suits
    subsidy_share: float = Field(0.0, ge=0, le=1)  # share of the cost the track pays
    subsidy_cap_mkrw: float | None = Field(None, ge=0)  # most it pays one company, 백만 원
    capacity: int | None = Field(None, ge=0)  # places this year (programme tracks)
    source: str | None = None  # where the figures come from (for the office)
    exclusive: bool = False  # one place among all exclusive tracks per company
    eligibility: list[Rule] = Field(default_factory=list)  # besides the programme's own rules
    candidates: Rule | None = None  # who is a candidate for a track no recommendation funds
    window: Text | None = None  # the application window, as the call for applications says

    def subsidy(self, cost_mkrw: float) -> float:
        """What the track pays of a cost, in 백만 원: its share, up to its cap."""
        paid = cost_mkrw * self.subsidy_share
        return paid if self.subsidy_cap_mkrw is None else min(paid, self.subsidy_cap_mkrw)


class SelectionWeights(_Model):
    """The selection score's parts (each 0..1), kept apart in the output."""

    readiness: float = Field(0.35, ge=0)  # ready to succeed: stage fit and months to start
    impact: float = Field(0.40, ge=0)  # expected yearly value of the funded initiative
    goal: float = Field(0.25, ge=0)  # it answers the company's own goal


class Selection(_Model):
    weights: SelectionWeights = Field(default_factory=SelectionWeights)
    reserve: int = Field(5, ge=0)  # reserve list length per track
    recommendations: int = Field(5, ge=1)  # how deep in a company's list a track may be


class Programme(_Model):
    id: str
    version: str
    name: Text
    year: int
    target_companies: int | None = Field(None, ge=0)  # diagnoses the city expects
    eligibility: list[Rule] = Field(default_factory=list)  # for every programme track
    selection: Selection = Field(default_factory=Selection)
    tracks: list[Track] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)

    def track(self, track_id: str) -> Track:
        return next(t for t in self.tracks if t.id == track_id)

    @property
    def track_ids(self) -> set[str]:
        return {t.id for t in self.tracks}


def _check(doc: yamlio.Document, programme: Programme,
           questionnaire: Questionnaire | None) -> list[Problem]:
    problems: list[Problem] = []

    def bad(loc: tuple[Any, ...], msg: Msg) -> None:
        problems.append(doc.problem(loc, msg))

    if questionnaire is not None:
        for i, rule in enumerate(programme.eligibility):
            conditions.check(rule.when, ("eligibility", i, "when"), questionnaire, bad)
        for i, track in enumerate(programme.tracks):
            for j, rule in enumerate(track.eligibility):
                conditions.check(rule.when, ("tracks", i, "eligibility", j, "when"),
                                 questionnaire, bad)
            if track.candidates is not None:
                conditions.check(track.candidates.when, ("tracks", i, "candidates", "when"),
                                 questionnaire, bad)
    seen: set[str] = set()
    for i, track in enumerate(programme.tracks):
        if track.id in seen:
            problems.append(doc.problem(("tracks", i, "id"), Msg(
                "트랙 id '{t}'가 중복됩니다", "duplicate track id '{t}'").format(t=track.id)))
        seen.add(track.id)
        if not track.levels or any(not 1 <= level <= 5 for level in track.levels):
            problems.append(doc.problem(("tracks", i, "levels"), Msg(
                "levels는 1~5 사이의 수준 목록입니다", "levels lists maturity levels 1 to 5")))
    return problems


def load(path: Path | None = None, questionnaire: Questionnaire | None = None) -> Programme:
    """Load and check a programme file (the bundled one by default); with a questionnaire,
    also the ids its eligibility rules name."""
    doc = yamlio.load(path or DEFAULT_PROGRAMME)
    programme = yamlio.validate(doc, Programme, Msg("사업 계획 파일", "a programme file"))
    problems = _check(doc, programme, questionnaire)
    if problems:
        raise ValidationFailed(problems)
    return programme
