"""The questionnaire: its model, its loader and its validation (CONTRACT.md section 2).

One typed model both validates a file and documents the format (``diagnose questionnaire
schema`` prints its JSON Schema). Structural problems come from pydantic; the rules that span
the file (unique ids, ``show_if`` order, option values, bands) are checked here. Every problem
is located as ``FILE:LINE:COL``.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from diagnose.content import yamlio
from diagnose.core.errors import DiagnoseError, Problem, ValidationFailed
from diagnose.core.i18n import Msg, pick
from diagnose.core.labels import ANSWERS, as_text

Text = Annotated[
    str | dict[str, str],
    Field(description="A plain string (the default language) or {ko: ..., en: ...}"),
]
OptionValue = int | float | str
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$"
OPTION_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

YESNO_LEVELS: dict[str, int] = {"no": 1, "partial": 3, "yes": 5}
# Weights (of questions, multi options, rubric dimensions) are relative: 100 to 1 is more than
# any real rubric needs, and a bound keeps the weighted sums exact (two weights of 1e308 add
# up to inf, and every score of the dimension becomes NaN).
MAX_WEIGHT = 100
SCORED_TYPES = frozenset({"level", "multi", "yesno", "number"})


def version_text(value: Any) -> Any:
    """A version as text. Unquoted decimals are refused: YAML reads ``1.10`` as ``1.1``."""
    if isinstance(value, float):
        raise ValueError(f'write the version in quotes, e.g. version: "{value}"')
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _yesno_word(value: Any) -> Any:
    """YAML ``true``/``false`` typed where an author meant yes/no."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def weight_error(value: float) -> Msg | None:
    """Why a weight is out of range, or None: a weight is a finite number up to
    ``MAX_WEIGHT`` (whether 0 is allowed is each field's own rule)."""
    if math.isfinite(value) and value <= MAX_WEIGHT:
        return None
    return Msg("가중치는 {m} 이하의 유한한 수여야 합니다 ('{v}')",
               "a weight must be a finite number up to {m} ('{v}')").format(m=MAX_WEIGHT, v=value)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Option(_Model):
    """One answer option. For ``level`` questions ``value`` is the maturity level 1-5."""

    value: OptionValue
    label: Text
    weight: float = Field(1.0, ge=0, description="multi: share of the score when ticked")

    _norm = field_validator("value", mode="before")(lambda v: _yesno_word(v))


class NumberBand(_Model):
    """Maps a number to a level: the first band whose ``max`` >= the number."""

    max: float | None = None
    level: int = Field(ge=1, le=5)


class ShowIf(_Model):
    """Show a question only when an earlier answer is (or is not) one of some values."""

    question: str
    in_: list[OptionValue] | None = Field(None, alias="in")
    not_in: list[OptionValue] | None = None

    @field_validator("in_", "not_in", mode="before")
    @classmethod
    def _words(cls, values: Any) -> Any:
        return [_yesno_word(v) for v in values] if isinstance(values, list) else values

    def values(self) -> list[OptionValue]:
        return list(self.in_ if self.in_ is not None else self.not_in or [])


class Action(_Model):
    """What a company at ``level`` does to reach the next level (a level question's advice).

    Written as an action (verb, owner role, deliverable), never as the next level's anchor: an
    anchor describes a state, which for low levels is still a poor one.
    """

    level: int = Field(ge=1, le=4)
    ko: str | None = None
    en: str | None = None

    @property
    def text(self) -> dict[str, str]:
        """The action by language, for ``pick``."""
        return {lang: t for lang, t in (("ko", self.ko), ("en", self.en)) if t}


class _Item(_Model):
    """What profile items and questions share."""

    id: str = Field(pattern=ID_PATTERN)
    text: Text
    guidance: Text | None = None
    options: list[Option] = Field(default_factory=list)
    unit: Text | None = None
    min: float | None = None
    max: float | None = None

    def option(self, value: Any) -> Option | None:
        for option in self.options:
            if option.value == value:
                return option
        return None


class ProfileItem(_Item):
    """A company fact asked before the questions; never scored."""

    type: Literal["text", "choice", "multi", "number"]
    required: bool = False


class Question(_Item):
    """A scored question (or an unscored ``text`` one) inside a dimension."""

    type: Literal["level", "multi", "yesno", "number", "text"]
    weight: float = Field(1.0, gt=0)
    allow_na: bool = Field(False, description="offer 'not applicable' and 'don't know'")
    show_if: ShowIf | None = None
    bands: list[NumberBand] = Field(default_factory=list)
    actions: list[Action] = Field(
        default_factory=list,
        description="level questions: per level 1-4, one action that reaches the next level")

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES

    def action(self, level: int) -> Action | None:
        """The action written for a company at ``level``, if any."""
        return next((a for a in self.actions if a.level == level), None)

    def choices(self) -> list[Option]:
        """The options as asked: ``yesno`` has its three even when the file names none."""
        if self.type != "yesno":
            return self.options
        given = {o.value: o for o in self.options}
        # the default labels of the three answers: core.labels.ANSWERS
        return [given.get(v) or Option(value=v, label=as_text(ANSWERS[v])) for v in YESNO_LEVELS]


class Dimension(_Model):
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    title: Text
    description: Text | None = None
    questions: list[Question]


class Questionnaire(_Model):
    """A maturity questionnaire: profile items first, then dimensions of questions."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    version: str
    default_language: str = "ko"
    languages: list[str] = Field(default_factory=lambda: ["ko", "en"])
    title: Text
    description: Text | None = None
    profile: list[ProfileItem]
    dimensions: list[Dimension] = Field(min_length=1)

    # Set by the loader: where the file came from and the hash of its text.
    _source: str = PrivateAttr("")
    _sha256: str = PrivateAttr("")

    @property
    def source(self) -> str:
        return self._source

    @property
    def sha256(self) -> str:
        return self._sha256

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return version_text(value)

    @cached_property
    def questions(self) -> list[Question]:
        return [q for d in self.dimensions for q in d.questions]

    @cached_property
    def scored_questions(self) -> list[Question]:
        return [q for q in self.questions if q.scored]

    @cached_property
    def dimension_of(self) -> dict[str, str]:
        return {q.id: d.id for d in self.dimensions for q in d.questions}

    @cached_property
    def items(self) -> dict[str, ProfileItem | Question]:
        """Every profile item and question by id, in file order."""
        found: dict[str, ProfileItem | Question] = {p.id: p for p in self.profile}
        found.update({q.id: q for q in self.questions})
        return found

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def text(self, value: Text | None, lang: str) -> str:
        return pick(value, lang, self.default_language)


# --- loading and validation ---------------------------------------------------------------

class _Checker:
    """Rules that span the file, each problem located in the source."""

    def __init__(self, doc: yamlio.Document, model: Questionnaire) -> None:
        self.doc = doc
        self.q = model
        self.problems: list[Problem] = []

    def error(self, loc: tuple[Any, ...], msg: Msg) -> None:
        self.problems.append(self.doc.problem(loc, msg))

    def warn(self, loc: tuple[Any, ...], msg: Msg) -> None:
        self.problems.append(self.doc.problem(loc, msg, "warning"))

    def run(self) -> list[Problem]:
        if self.q.default_language not in self.q.languages:
            self.error(("default_language",), Msg(
                "default_language '{l}'이(가) languages에 없습니다",
                "default_language '{l}' is not in languages").format(l=self.q.default_language))
        if not any(p.id == "name" for p in self.q.profile):
            self.error(("profile",), Msg("profile에 기업명 항목(id: name)이 있어야 합니다",
                                         "the profile needs a company name item (id: name)"))
        self._texts(("title",), self.q.title)
        self._texts(("description",), self.q.description)
        seen: dict[str, tuple[Any, ...]] = {}
        for i, item in enumerate(self.q.profile):
            self._item(("profile", i), item, seen)
        dim_ids: set[str] = set()
        for d, dim in enumerate(self.q.dimensions):
            loc = ("dimensions", d)
            if dim.id in dim_ids:
                self.error((*loc, "id"), Msg("차원 id '{i}'가 중복됩니다",
                                             "duplicate dimension id '{i}'").format(i=dim.id))
            dim_ids.add(dim.id)
            self._texts((*loc, "title"), dim.title)
            self._texts((*loc, "description"), dim.description)
            if not any(q.scored for q in dim.questions):
                self.warn(loc, Msg("차원 '{i}'에 점수가 매겨지는 문항이 없습니다",
                                   "dimension '{i}' has no scored question").format(i=dim.id))
            for j, question in enumerate(dim.questions):
                self._item((*loc, "questions", j), question, seen)
        return self.problems

    def _texts(self, loc: tuple[Any, ...], text: Text | None) -> None:
        if text is None:
            return
        if isinstance(text, str):
            if len(self.q.languages) > 1 and text.strip():
                self.warn(loc, Msg("번역이 없습니다 ({l}만 있음)", "no translation (only {l})")
                          .format(l=self.q.default_language))
            return
        for lang in text:
            if lang not in self.q.languages:
                self.error((*loc, lang), Msg("languages에 없는 언어 '{l}'",
                                             "language '{l}' is not in languages").format(l=lang))
        for lang in self.q.languages:
            if not (text.get(lang) or "").strip():
                self.warn(loc, Msg("'{l}' 번역이 없습니다", "missing '{l}' translation")
                          .format(l=lang))

    def _item(self, loc: tuple[Any, ...], item: ProfileItem | Question,
              seen: dict[str, tuple[Any, ...]]) -> None:
        if item.id in seen:
            line, _ = self.doc.where(seen[item.id])
            self.error((*loc, "id"), Msg("id '{i}'가 중복됩니다 ({n}번째 줄에 이미 있음)",
                                         "duplicate id '{i}' (already on line {n})")
                       .format(i=item.id, n=line))
        else:
            seen[item.id] = (*loc, "id")
        for key in ("text", "guidance", "unit"):
            self._texts((*loc, key), getattr(item, key))
        for k, option in enumerate(item.options):
            self._texts((*loc, "options", k, "label"), option.label)
        if item.min is not None and item.max is not None and item.min > item.max:
            self.error((*loc, "min"), Msg("min이 max보다 큽니다", "min is greater than max"))
        self._options(loc, item)
        if isinstance(item, Question):
            self._weight((*loc, "weight"), item.weight)
            self._bands(loc, item)
            self._actions(loc, item)
            if item.show_if is not None:
                self._show_if(loc, item, seen)

    def _options(self, loc: tuple[Any, ...], item: ProfileItem | Question) -> None:
        kind = item.type
        opts = (*loc, "options")
        needs = {"level", "multi", "choice"}
        if kind in needs and not item.options:
            self.error(loc, Msg("'{t}' 문항에는 options가 있어야 합니다",
                                "a '{t}' question needs options").format(t=kind))
        if kind in {"text", "number"} and item.options:
            self.error(opts, Msg("'{t}' 문항에는 options를 쓰지 않습니다",
                                 "a '{t}' question takes no options").format(t=kind))
        values: set[Any] = set()
        for k, option in enumerate(item.options):
            where = (*opts, k, "value")
            if option.value in values:
                self.error(where, Msg("선택지 값 '{v}'가 중복됩니다",
                                      "duplicate option value '{v}'").format(v=option.value))
            values.add(option.value)
            self._weight((*opts, k, "weight"), option.weight)
            if kind == "level" and not (isinstance(option.value, int) and 1 <= option.value <= 5):
                self.error(where, Msg("level 선택지 값은 1~5의 정수여야 합니다 ('{v}')",
                                      "level option values must be whole numbers 1-5 ('{v}')")
                           .format(v=option.value))
            if kind in {"multi", "choice"} and not (
                    isinstance(option.value, str) and OPTION_ID_PATTERN.match(option.value)):
                self.error(where, Msg(
                    "선택지 값은 영문 소문자·숫자·-·_로 된 id여야 합니다 ('{v}')",
                    "option values must be ids of lowercase letters, digits, - and _ ('{v}')")
                    .format(v=option.value))
            if kind == "yesno" and option.value not in YESNO_LEVELS:
                self.error(where, Msg("yesno 선택지 값은 no, partial, yes 중 하나입니다 ('{v}')",
                                      "yesno option values are no, partial or yes ('{v}')")
                           .format(v=option.value))
        if kind == "multi" and item.options and sum(o.weight for o in item.options) <= 0:
            self.error(opts, Msg("선택지 가중치의 합이 0보다 커야 합니다",
                                 "the option weights must add up to more than 0"))

    def _weight(self, where: tuple[Any, ...], value: float) -> None:
        message = weight_error(value)
        if message is not None:
            self.error(where, message)

    def _bands(self, loc: tuple[Any, ...], question: Question) -> None:
        where = (*loc, "bands")
        if question.type != "number":
            if question.bands:
                self.error(where, Msg("bands는 number 문항에만 씁니다",
                                      "bands belong to number questions only"))
            return
        if not question.bands:
            self.error(loc, Msg("number 문항에는 bands가 있어야 합니다",
                                "a number question needs bands"))
            return
        previous: float | None = None
        for k, band in enumerate(question.bands):
            last = k == len(question.bands) - 1
            if band.max is None and not last:
                self.error((*where, k), Msg("max가 없는 구간은 마지막이어야 합니다",
                                            "only the last band may lack max"))
            if band.max is not None and previous is not None and band.max <= previous:
                self.error((*where, k, "max"), Msg(
                    "구간의 max는 오름차순이어야 합니다 ({a} 다음 {b})",
                    "band max values must ascend ({a} then {b})").format(a=previous, b=band.max))
            if band.max is not None:
                previous = band.max

    def _actions(self, loc: tuple[Any, ...], question: Question) -> None:
        where = (*loc, "actions")
        if question.actions and question.type != "level":
            self.error(where, Msg("actions는 level 문항에만 씁니다",
                                  "actions belong to level questions only"))
            return
        top = max((o.value for o in question.options if isinstance(o.value, int)), default=5)
        levels: set[int] = set()
        for k, action in enumerate(question.actions):
            if action.level in levels:
                self.error((*where, k, "level"), Msg(
                    "수준 {n}의 action이 중복됩니다", "duplicate action for level {n}")
                    .format(n=action.level))
            levels.add(action.level)
            if action.level >= top:
                self.error((*where, k, "level"), Msg(
                    "수준 {n}보다 높은 선택지가 없어 action을 쓸 수 없습니다",
                    "no option above level {n}, so it takes no action").format(n=action.level))
            if not action.text:
                self.error((*where, k), Msg("action에 문구(ko, en)가 없습니다",
                                            "the action has no text (ko, en)"))
            else:
                self._texts((*where, k), action.text)

    def _show_if(self, loc: tuple[Any, ...], question: Question,
                 seen: dict[str, tuple[Any, ...]]) -> None:
        cond = question.show_if
        assert cond is not None
        where = (*loc, "show_if")
        if (cond.in_ is None) == (cond.not_in is None):
            self.error(where, Msg("show_if에는 in 또는 not_in 중 하나만 씁니다",
                                  "show_if takes exactly one of in or not_in"))
            return
        target_id = cond.question
        if target_id == question.id:
            self.error((*where, "question"), Msg(
                "show_if가 자기 자신을 가리킵니다", "show_if points at its own question"))
            return
        if target_id not in self.q.items:
            self.error((*where, "question"), Msg(
                "show_if가 없는 문항 '{t}'을(를) 가리킵니다",
                "show_if points at unknown question '{t}'").format(t=target_id))
            return
        if target_id not in seen:
            self.error((*where, "question"), Msg(
                "show_if는 앞에 나온 문항만 가리킬 수 있습니다 ('{t}'는 뒤에 있음)",
                "show_if may only point at an earlier question ('{t}' comes later)")
                .format(t=target_id))
            return
        target = self.q.items[target_id]
        allowed: set[Any] | None = None
        if target.type == "yesno":
            allowed = set(YESNO_LEVELS)
        elif target.type in {"level", "multi", "choice"}:
            allowed = {o.value for o in target.options}
        if allowed is None:
            return
        key = "in" if cond.in_ is not None else "not_in"
        for k, value in enumerate(cond.values()):
            if value not in allowed:
                self.error((*where, key, k), Msg(
                    "'{t}'에 없는 값 '{v}'", "'{v}' is not a value of '{t}'")
                    .format(t=target_id, v=value))


def check_text(text: str, path: str) -> tuple[Questionnaire | None, list[Problem]]:
    """Validate questionnaire YAML text: the model (or None) and every problem found."""
    doc = yamlio.parse_text(text, path)
    if not isinstance(doc.data, dict):
        return None, [doc.problem((), Msg("질문지는 키: 값 형식의 YAML이어야 합니다",
                                          "a questionnaire must be a YAML mapping"))]
    try:
        model = Questionnaire.model_validate(doc.data)
    except ValidationError as exc:
        return None, sorted(yamlio.model_problems(doc, exc), key=lambda p: (p.line, p.column))
    problems = sorted(_Checker(doc, model).run(), key=lambda p: (p.line, p.column))
    model._source = path
    model._sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return model, problems


def check_file(path: Path) -> tuple[Questionnaire | None, list[Problem]]:
    """Validate a questionnaire file; unreadable files raise ``DiagnoseError``."""
    try:
        return check_text(yamlio.read_text(path), str(path))
    except ValidationFailed as exc:
        return None, exc.problems
    except DiagnoseError as exc:
        return None, [Problem(str(path), 1, 1, exc.message)]


def load(path: Path) -> Questionnaire:
    """Load a valid questionnaire or raise ``ValidationFailed`` with every problem."""
    model, problems = check_file(path)
    if model is None or any(p.severity == "error" for p in problems):
        raise ValidationFailed(problems)
    return model


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the questionnaire format, for editors and other tools."""
    schema = Questionnaire.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "diagnose questionnaire"
    return schema
