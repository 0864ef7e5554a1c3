"""Response files: one assessment each, YAML, written atomically (CONTRACT.md section 5).

A response file is kept by hand as much as by the tool: consultants copy it between laptops,
keep it in git and correct it in an editor. Loading checks every answer against the
questionnaire and points at the line of anything it cannot use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from diagnose.content import yamlio
from diagnose.content.questionnaire import Questionnaire, version_text
from diagnose.core import files
from diagnose.core.errors import Problem, ValidationFailed
from diagnose.core.i18n import Msg
from diagnose.inputs import answers

Status = Literal["in_progress", "complete"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionnaireRef(_Model):
    id: str
    version: str
    sha256: str | None = None

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)


class Answer(_Model):
    """One answer with the consultant's note and evidence (paths beside the response file)."""

    value: Any = None
    note: str | None = None
    evidence: list[str] = Field(default_factory=list)
    answered_at: str | None = Field(None, description="ISO 8601 time of the last change")

    @field_validator("answered_at", mode="before")
    @classmethod
    def _iso_time(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else value

    @field_validator("note", mode="before")
    @classmethod
    def _note_text(cls, value: Any) -> Any:
        return None if value is None else str(value)


class Assessment(_Model):
    """Who assessed, when, in which round; ``summary`` is the consultant's own verdict."""

    date: dt.date | None = None
    round: str = "baseline"
    consultant: str | None = None
    summary: str | None = None
    support_since_last: list[str] | str | None = Field(
        None, description="support received since the previous round: programme track ids "
                          "or free text (the progress report shows it)")

    @field_validator("round", "consultant", "summary", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return None if value is None else str(value)

    @field_validator("support_since_last", mode="before")
    @classmethod
    def _support_text(cls, value: Any) -> Any:
        # YAML reads `2025` as a number and a blank item as null: every item is text
        if isinstance(value, list):
            return [item if isinstance(item, (dict, list)) else str(item)
                    for item in value if item is not None]
        return value if value is None or isinstance(value, dict) else str(value)


class Response(_Model):
    questionnaire: QuestionnaireRef
    company: dict[str, Any] = Field(default_factory=dict)
    assessment: Assessment = Field(default_factory=Assessment)
    answers: dict[str, Answer] = Field(default_factory=dict)
    status: Status = "in_progress"
    resume_at: str | None = Field(
        None, description="the item the interview was at when last saved; where --resume goes")

    @field_validator("answers", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """``data.collection: 3`` is accepted for ``data.collection: {value: 3}``."""
        if not isinstance(value, dict):
            return value
        return {str(k): v if isinstance(v, dict) else {"value": v} for k, v in value.items()}


@dataclass
class LoadedResponse:
    """A response checked against its questionnaire, with canonical answer values."""

    path: str
    response: Response
    values: dict[str, Any] = field(default_factory=dict)  # item id -> canonical value
    warnings: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The assessment's identity: the programme's company id, else the company name."""
        company = self.values
        return str(company.get("id") or company.get("name") or self.path)


def new_response(questionnaire: Questionnaire, company: dict[str, Any] | None = None,
                 assessment: Assessment | None = None) -> Response:
    return Response(
        questionnaire=QuestionnaireRef(id=questionnaire.id, version=questionnaire.version,
                                       sha256=questionnaire.sha256 or None),
        company=dict(company or {}),
        assessment=assessment or Assessment(date=dt.date.today()),
    )


def parse(doc: yamlio.Document) -> Response:
    """A parsed response file as a model (structure only; answers are checked by ``check``)."""
    return yamlio.validate(doc, Response, Msg("응답 파일", "a response file"))


def check(doc: yamlio.Document, questionnaire: Questionnaire) -> LoadedResponse:
    """Validate a parsed response file; raise ``ValidationFailed`` listing every bad answer."""
    response = parse(doc)
    ref = response.questionnaire
    if ref.id != questionnaire.id:
        raise ValidationFailed([doc.problem(("questionnaire", "id"), Msg(
            "질문지 '{r}'의 응답입니다 (사용 중인 질문지: '{q}'): -q로 맞는 질문지를 지정하세요",
            "answers questionnaire '{r}', not '{q}': pass the right one with -q",
        ).format(r=ref.id, q=questionnaire.id))])
    loaded = LoadedResponse(doc.path, response)
    errors: list[Problem] = []
    if ref.version != questionnaire.version:
        loaded.warnings.append(doc.problem(("questionnaire", "version"), Msg(
            "질문지 버전 {r}의 응답을 버전 {q}로 채점합니다: 바뀐 문항을 확인하세요",
            "answers version {r}, scored with version {q}: check the questions that changed",
        ).format(r=ref.version, q=questionnaire.version), "warning"))
    profile = {p.id: p for p in questionnaire.profile}
    for key, raw in response.company.items():
        item = profile.get(str(key))
        if item is None:
            loaded.warnings.append(doc.problem(("company", key), Msg(
                "질문지에 없는 기업 정보 '{k}'는 무시합니다", "unknown company field '{k}' is ignored")
                .format(k=key), "warning"))
            continue
        _put(loaded, errors, doc, ("company", key), item, raw)
    questions = {q.id: q for q in questionnaire.questions}
    for qid, answer in response.answers.items():
        question = questions.get(qid)
        if question is None:
            loaded.warnings.append(doc.problem(("answers", qid), Msg(
                "질문지에 없는 문항 '{k}'의 답은 채점하지 않습니다 (파일에는 남겨 둡니다)",
                "answer to unknown question '{k}' is not scored (it stays in the file)")
                .format(k=qid), "warning"))
            continue
        _put(loaded, errors, doc, ("answers", qid, "value"), question, answer.value)
    if not str(loaded.values.get("name") or "").strip():
        errors.append(doc.problem(("company",), Msg(
            "기업명(company.name)이 없습니다", "the company name (company.name) is missing")))
    for item in questionnaire.profile:
        if item.required and item.id != "name" and loaded.values.get(item.id) is None:
            errors.append(doc.problem(("company",), Msg(
                "필수 기업 정보 company.{i}가 없습니다", "required company field company.{i} is missing")
                .format(i=item.id)))
    if errors:
        raise ValidationFailed(errors)
    return loaded


def _put(loaded: LoadedResponse, errors: list[Problem], doc: yamlio.Document,
         loc: tuple[Any, ...], item: Any, raw: Any) -> None:
    try:
        loaded.values[item.id] = answers.normalize(item, raw)
    except answers.AnswerError as exc:
        errors.append(doc.problem(loc, Msg(
            "'{i}'의 답 '{v}': {ko}", "answer '{v}' to '{i}': {en}",
        ).format(i=item.id, v=raw, ko=exc.message.ko, en=exc.message.en)))


def load(path: Path, questionnaire: Questionnaire) -> LoadedResponse:
    """Load and check one response file."""
    return check(yamlio.load(path), questionnaire)


def to_yaml(response: Response) -> str:
    """The response as YAML in the contract's layout, readable and stable under edits."""
    data = response.model_dump(mode="python", exclude_none=True)
    for key, answer in data.get("answers", {}).items():
        if not answer.get("evidence"):
            answer.pop("evidence", None)
        data["answers"][key] = yamlio.Flow(answer)
    header = "# diagnose response file: edit by hand with care; every answer is checked on load\n"
    return header + yamlio.dump(data)


def save(response: Response, path: Path) -> None:
    """Write the response atomically: after a crash the file is the old one or the new one."""
    files.write_atomic(path, to_yaml(response))
