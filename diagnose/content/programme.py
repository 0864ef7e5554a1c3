"""The programme file: support tracks, eligibility and the selection rules (CONTRACT.md 9).

Content, not code (``scoring/programme.yaml``): each track's name, which maturity levels it
suits (routing by stage), its subsidy share and cap per company, its capacity this year, and
whether it is one of the programme's own tracks or an outside programme the consultant can
point to (national smart-factory support, KOSHA, KEA, KISA). Eligibility rules are declarative
conditions (as in the catalogue); the selection score's weights, the reserve length, the
application window (dates, so a report can say whether the call is open on its date) and the
contacts are data the office edits without Python. Money is in 백만 원 (KRW million), as in the
profile. Phone numbers and e-mail addresses are copied from the call for applications, never
guessed: a missing one is left empty and the report points to the call instead.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from diagnose.content import conditions, yamlio
from diagnose.content.conditions import Condition
from diagnose.content.questionnaire import Questionnaire, Text, version_text
from diagnose.core import resources
from diagnose.core.errors import Problem
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import msg

DEFAULT_PROGRAMME = resources.SCORING / "programme.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(_Model):
    """An eligibility rule: who may be selected, with the sentence a refusal cites."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-_]*$")
    text: Text  # the rule as a requirement ("울산 소재 사업장")
    when: Condition  # holds for an eligible company; unknown -> to be checked (not eligible)


OPEN, UPCOMING, CLOSED, ROLLING, UNKNOWN = "open", "upcoming", "closed", "rolling", "unknown"


class Window(_Model):
    """When a track takes applications: the call's dates as its 공고 gives them.

    ``opens``/``closes`` are dates; ``rolling`` a track that takes applications all year;
    ``text`` names the call or who announces it ("2차연도 공개 모집, 수행기관 공고"). A window
    with no dates is "to be announced". The old form, a text alone, is read as ``text``.
    """

    opens: dt.date | None = None
    closes: dt.date | None = None
    rolling: bool = False
    text: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _text_alone(cls, value: Any) -> Any:
        if isinstance(value, str) or (isinstance(value, dict) and value
                                      and set(value) <= {"ko", "en"}):
            return {"text": value}
        return value

    def status(self, on: dt.date | None) -> str:
        """``open``, ``upcoming``, ``closed``, ``rolling`` or ``unknown`` on the date ``on``
        (the report's date; never the clock). A call that has opened with no known closing
        date, and any call without a date to compare, is ``unknown``: to be checked."""
        if self.rolling:
            return ROLLING
        if on is None:
            return UNKNOWN
        if self.closes is not None and on > self.closes:
            return CLOSED
        if self.opens is not None and on < self.opens:
            return UPCOMING
        if self.opens is not None and self.closes is not None:
            return OPEN
        return UNKNOWN

    def describe(self, lang: str, on: dt.date | None = None, short: bool = False) -> str:
        """The window as a reader needs it on ``on``: open until when, opening when, or closed
        and the next call to be checked; without ``on``, the dates alone. ``short``: without
        the call's name (for a narrow table cell)."""
        state = self.status(on) if on is not None else None
        opens, closes = _day(self.opens, lang), _day(self.closes, lang)
        if self.rolling:
            said = Msg("상시 신청", "open all year")
        elif state == OPEN:
            said = Msg("모집 중 · {c}까지", "open until {c}").format(c=closes)
        elif state == UPCOMING:
            said = (Msg("{o}~{c} 모집 예정", "opens {o}, closes {c}").format(o=opens, c=closes)
                    if closes and not short else
                    Msg("{o}부터 모집 예정", "opens {o}").format(o=opens))
        elif state == CLOSED:
            said = Msg("{c} 마감 · 다음 공고 확인 필요", "closed {c} · check for the next call"
                       ).format(c=closes)
        elif self.opens is not None and state is None:
            said = (Msg("{o} ~ {c} 모집", "call {o} to {c}").format(o=opens, c=closes) if closes
                    else Msg("{o}부터 모집", "call from {o}").format(o=opens))
        elif self.opens is not None:  # opened, closing date not known
            said = (Msg("{o} 공고 · 마감 여부 확인 필요", "call of {o} · check it is open")
                    if short else
                    Msg("{o}부터 모집(마감일 미확인) · 모집 여부·다음 공고 확인 필요",
                        "call from {o} (closing date not known) · check whether it is still "
                        "open, or the next call")).format(o=opens)
        elif self.closes is not None:
            said = Msg("{c}까지 모집", "closes {c}").format(c=closes)
        else:
            said = Msg("공고 확인 필요", "check the call") if short else Msg(
                "모집 일정 미발표 · 공고 확인 필요", "dates not announced · check the call")
        text = pick(self.text, lang) if self.text and not short else ""
        return f"{said.render(lang)} ({text})" if text else said.render(lang)


def _day(day: dt.date | None, lang: str) -> str:
    if day is None:
        return ""
    return msg("day").format(y=day.year, m=day.month, d=day.day,
                             mon=day.strftime("%b")).render(lang)


class Contact(_Model):
    """Who answers questions about the programme or a track; every field optional.

    Phone and e-mail come from the call for applications: left empty, the report says to see
    the call rather than print a guess.
    """

    organisation: Text | None = None
    role: Text | None = None  # the desk and what it answers ("사업 총괄·모집 공고")
    phone: str | None = None
    email: str | None = None
    url: str | None = None

    @property
    def reachable(self) -> bool:
        """Whether it names a way to reach someone (phone, e-mail or web page)."""
        return bool(self.phone or self.email or self.url)


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
    # one time per company: a company whose latest response file records this track among
    # the support received since the last round (assessment.support_since_last) is not
    # selected for it again (the calls' rule against funding one company twice)
    once: bool = False
    eligibility: list[Rule] = Field(default_factory=list)  # besides the programme's own rules
    candidates: Rule | None = None  # who is a candidate for a track no recommendation funds
    window: Window | None = None  # the application window, as the call for applications says
    contact: Contact | None = None  # the track's own desk; else the programme's contact

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
    contact: Contact | None = None  # the programme office
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
    problems += _check_contact(doc, ("contact",), programme.contact)
    repeated = set(yamlio.repeats([track.id for track in programme.tracks]))
    for i, track in enumerate(programme.tracks):
        problems += _check_contact(doc, ("tracks", i, "contact"), track.contact)
        window = track.window
        if window is not None and window.opens and window.closes and window.closes < window.opens:
            problems.append(doc.problem(("tracks", i, "window", "closes"), Msg(
                "마감일({c})이 시작일({o})보다 앞섭니다", "the closing date {c} is before the "
                "opening date {o}").format(c=window.closes.isoformat(),
                                           o=window.opens.isoformat())))
        if window is not None and window.rolling and (window.opens or window.closes):
            problems.append(doc.problem(("tracks", i, "window", "rolling"), Msg(
                "상시 모집(rolling)에는 opens·closes를 적지 않습니다",
                "a rolling window has no opens or closes date")))
        if i in repeated:
            problems.append(doc.problem(("tracks", i, "id"), Msg(
                "트랙 id '{t}'가 중복됩니다", "duplicate track id '{t}'").format(t=track.id)))
        if not track.levels or any(not 1 <= level <= 5 for level in track.levels):
            problems.append(doc.problem(("tracks", i, "levels"), Msg(
                "levels는 1~5 사이의 수준 목록입니다", "levels lists maturity levels 1 to 5")))
    return problems


# A phone number as a call prints it: digits with hyphens, spaces or brackets, 8-15 digits
# ("052-123-4567", "1588-0000", "+82 52 123 4567"); an e-mail address; a web address.
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]*[0-9]$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def _check_contact(doc: yamlio.Document, loc: tuple[Any, ...], contact: Contact | None
                   ) -> list[Problem]:
    """Each malformed phone number, e-mail address or web address, at its line."""
    if contact is None:
        return []
    problems = []
    phone = contact.phone
    if phone is not None and not (_PHONE.match(phone.strip())
                                  and 8 <= sum(c.isdigit() for c in phone) <= 15):
        problems.append(doc.problem((*loc, "phone"), Msg(
            "전화번호가 아닙니다: '{v}' (예: 052-123-4567)",
            "not a phone number: '{v}' (e.g. 052-123-4567)").format(v=phone)))
    if contact.email is not None and not _EMAIL.match(contact.email.strip()):
        problems.append(doc.problem((*loc, "email"), Msg(
            "전자우편 주소가 아닙니다: '{v}'", "not an e-mail address: '{v}'").format(
            v=contact.email)))
    if contact.url is not None:
        parsed = urlparse(contact.url.strip())
        if parsed.scheme not in {"http", "https"} or not parsed.netloc \
                or any(c.isspace() for c in contact.url.strip()):
            problems.append(doc.problem((*loc, "url"), Msg(
                "웹 주소는 https://로 시작해야 합니다: '{v}'",
                "a web address starts with https://: '{v}'").format(v=contact.url)))
    return problems


def load(path: Path | None = None, questionnaire: Questionnaire | None = None) -> Programme:
    """Load and check a programme file (the bundled one by default); with a questionnaire,
    also the ids its eligibility rules name."""
    programme, _ = yamlio.load_checked(path or DEFAULT_PROGRAMME, Programme,
                                       Msg("사업 계획 파일", "a programme file"),
                                       lambda doc, plan: _check(doc, plan, questionnaire))
    return programme
