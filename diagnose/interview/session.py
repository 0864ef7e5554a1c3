"""The on-site interview: the state of one assessment while it is being asked.

``Session`` holds the questionnaire, the response being filled in and where the consultant is.
It is pure state and navigation: no terminal. ``interpret`` turns one typed line into an
``Action``; ``Session.apply`` carries it out and saves the response file atomically before it
returns, so the next question is never shown before the last answer is on disk.

The terminal side (screens, reading lines, the conversation loop) is ``diagnose.interview.screens``;
``run`` wires the two together for ``diagnose interview``.

Navigation, in short: an answer or ``s`` moves to the next open question (wrapping round to
open questions left behind); Enter on an answered question keeps it and moves to the next one
in order; ``b`` goes to the previous visible one; ``j`` jumps. Questions hidden by ``show_if``
are passed over, and their stored answers stay in the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shlex
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from diagnose.content import yamlio
from diagnose.content.questionnaire import ProfileItem, Question, Questionnaire, check_text
from diagnose.content.rubric import Rubric
from diagnose.core import files
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick
from diagnose.engine import batch, scoring
from diagnose.inputs import answers, responses
from diagnose.inputs.answers import NA, SPECIAL, UNKNOWN, AnswerError
from diagnose.inputs.frame import answers_frame
from diagnose.inputs.responses import Answer, Assessment, LoadedResponse, Response

EXIT_INTERRUPTED = 130  # Ctrl-C: everything answered is saved; the shell convention for SIGINT

Item = ProfileItem | Question
PROFILE = 0  # section number of the company profile; dimensions are 1..n

CHOICE_TYPES = frozenset({"level", "yesno", "choice"})
NONE_TICKED = frozenset({"0", "-"})
LIST_SEPARATORS = re.compile(r"[\s,;]+")

# Command keys, and the jamo the same keys type when the IME is still in Korean (2-beolsik):
# a consultant who just typed a Korean note presses 'b' and gets 'ㅠ'.
COMMANDS: dict[str, str] = {
    "b": "back", "ㅠ": "back", "s": "skip", "ㄴ": "skip", "q": "quit", "ㅂ": "quit",
    "m": "memo", "ㅡ": "memo", "?": "help", "/": "help", "j": "jump", "ㅓ": "jump",
    "n": NA, "ㅜ": NA, "d": UNKNOWN, "ㅇ": UNKNOWN,
}
YES_WORDS = frozenset({"y", "yes", "ㅛ", "예", "네", "응"})
NO_WORDS = frozenset({"n", "no", "ㅜ", "아니오", "아니요", "아니"})


# --- typed input -------------------------------------------------------------------------------

ActionKind = Literal["answer", "keep", "empty", "back", "skip", "jump", "memo", "quit", "help",
                     "invalid"]


@dataclass(frozen=True)
class Action:
    """What one typed line asks for. ``value`` is canonical (see ``diagnose.inputs.answers``)."""

    kind: ActionKind
    value: Any = None
    target: str | None = None  # jump: what was typed after 'j' ('' when nothing)
    hint: Msg | None = None  # invalid: why, briefly


HINT_EMPTY = Msg("답을 입력하세요 (s 나중에, ? 안내)", "type an answer (s later, ? guidance)")
HINT_NA = Msg("이 문항은 n(해당 없음)·d(모름)를 받지 않습니다",
              "this question takes no n (not applicable) or d (don't know)")
HINT_ENCODING = Msg("입력을 읽을 수 없습니다: 터미널 인코딩을 UTF-8로 맞추세요",
                    "cannot read that input: set the terminal encoding to UTF-8")


def _range_hint(count: int) -> Msg:
    return Msg("1~{k} 사이의 번호를 입력하세요", "type a number from 1 to {k}").format(k=count)


def _multi_hint(count: int) -> Msg:
    return Msg("번호를 1,3 또는 1 3처럼 입력하세요 (1~{k}, 0 = 선택 없음)",
               "type numbers like 1,3 or 1 3 (1 to {k}, 0 = none ticked)").format(k=count)


def options_of(item: Item) -> list[Any]:
    """The options as numbered on screen (``yesno`` has its three)."""
    return list(item.choices() if isinstance(item, Question) else item.options)


def allows_na(item: Item) -> bool:
    return isinstance(item, Question) and item.allow_na


def clean_text(text: str) -> str | None:
    """``text`` if it can be written as UTF-8; ``None`` for undecodable terminal bytes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return text


def interpret(line: str, item: Item, answered: bool) -> Action:
    """The action one typed line means for ``item``; never raises on any input."""
    text = clean_text(line)
    if text is None:
        return Action("invalid", hint=HINT_ENCODING)
    text = text.strip()
    if not text:
        return Action("keep") if answered else Action("empty")
    # Full-width letters fold to ASCII; the jamo are looked up as typed (NFKC would turn them
    # into conjoining jamo).
    word = text.casefold()
    head, _, rest = word.partition(" ")
    wide_head = unicodedata.normalize("NFKC", head)
    if "jump" in (COMMANDS.get(head), COMMANDS.get(wide_head)):  # 'j', 'j 2', 'j data.quality'
        return Action("jump", target=rest.strip())
    command = COMMANDS.get(word) or COMMANDS.get(unicodedata.normalize("NFKC", word))
    if command in SPECIAL:
        if not allows_na(item):
            return Action("invalid", hint=HINT_NA)
        return Action("answer", value=command)
    if command is not None:
        return Action(command)  # type: ignore[arg-type]
    try:
        return Action("answer", value=_value(item, text))
    except AnswerError as exc:
        return Action("invalid", hint=exc.message)


def _value(item: Item, text: str) -> Any:
    """The canonical value of a typed answer: option numbers first, then ``normalize``."""
    digits = unicodedata.normalize("NFKC", text)
    options = options_of(item)
    if item.type in CHOICE_TYPES:
        if digits.isdecimal():
            number = int(digits)
            if not 1 <= number <= len(options):
                raise AnswerError(_range_hint(len(options)))
            return options[number - 1].value
        try:
            return answers.normalize(item, text)  # an option's label or value also works
        except AnswerError:
            raise AnswerError(_range_hint(len(options))) from None
    if item.type == "multi":
        if digits.strip() in NONE_TICKED:
            return ()
        parts = [p for p in LIST_SEPARATORS.split(digits) if p]
        if parts and all(p.isdecimal() for p in parts):
            if not all(1 <= int(p) <= len(options) for p in parts):
                raise AnswerError(_multi_hint(len(options)))
            ticked = {options[int(p) - 1].value for p in parts}
            return tuple(o.value for o in options if o.value in ticked)
        try:
            return answers.normalize(item, text)
        except AnswerError:
            raise AnswerError(_multi_hint(len(options))) from None
    value = answers.normalize(item, text)
    return plain_number(value) if item.type == "number" else value


def plain_number(value: Any) -> Any:
    """85.0 as 85, so the file reads as it was typed."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def confirmation(line: str) -> bool | None:
    """``True`` for yes, ``False`` for no, ``None`` for anything else (ask again)."""
    typed = line.strip().casefold()
    words = {typed, unicodedata.normalize("NFKC", typed)}  # full-width 'ｙ'; jamo 'ㅛ' as typed
    if words & YES_WORDS:
        return True
    if words & NO_WORDS:
        return False
    return None


def now_iso() -> str:
    """The local time with its UTC offset, e.g. ``2026-03-12T10:41:07+09:00``."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


# --- questionnaire changes between sessions ---------------------------------------------------

@dataclass
class Changes:
    """What differs between a response file and the questionnaire it is resumed with."""

    old_version: str
    new_version: str
    version_changed: bool = False
    text_changed: bool = False  # same version, different questionnaire file (sha256)
    removed: list[str] = field(default_factory=list)  # answered ids no longer asked
    invalid: list[tuple[str, Any, Msg]] = field(default_factory=list)  # id, old value, why
    added: list[str] = field(default_factory=list)
    added_exact: bool = False  # False: the old questionnaire was not found, ``added`` guesses
    changed: list[str] = field(default_factory=list)  # answered, but the question changed
    backup: Path | None = None

    @property
    def any(self) -> bool:
        return bool(self.version_changed or self.text_changed or self.removed or self.invalid)


def _signature(item: Item) -> str:
    """What makes an answer mean something: type, text, options, bands, condition."""
    return item.model_dump_json(exclude={"guidance"}, by_alias=True)


def find_questionnaire(ref: responses.QuestionnaireRef, folders: Iterable[Path]
                       ) -> Questionnaire | None:
    """The questionnaire a response was made with, if a copy is in one of ``folders``."""
    seen: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in yamlio.iter_yaml_files(folder):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                text = yamlio.read_text(path)
            except DiagnoseError:
                continue
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if ref.sha256 and digest != ref.sha256:
                continue
            if ref.id not in text:
                continue  # cheap filter before a full parse
            model, problems = check_text(text, str(path))
            if model is not None and model.id == ref.id and model.version == ref.version \
                    and not any(p.severity == "error" for p in problems):
                return model
    return None


# --- the session ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One thing asked: a profile item (section 0) or a question of dimension ``section``."""

    item: Item
    section: int
    index: int

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def is_profile(self) -> bool:
        return self.section == PROFILE

    @property
    def optional(self) -> bool:
        """Optional company facts are left blank freely and never chased at the end."""
        return (isinstance(self.item, ProfileItem) and not self.item.required
                and self.item.id != "name")  # the name is always required (CONTRACT.md 2)


@dataclass
class Outcome:
    """What ``Session.apply`` did, for the screen: a notice, or why the input was refused."""

    notice: Msg | None = None
    refused: Msg | None = None


@dataclass
class Result:
    """The finished assessment, scored by the same engine as ``diagnose score``."""

    loaded: LoadedResponse
    scores: scoring.Scores

    @property
    def row(self) -> Any:
        return self.scores.table.iloc[0]


class Session:
    """One assessment being asked: the response, the position, and the rules for moving."""

    def __init__(self, questionnaire: Questionnaire, rubric: Rubric, response: Response,
                 path: Path, values: dict[str, Any], lang: str = "ko") -> None:
        self.questionnaire = questionnaire
        self.rubric = rubric
        self.response = response
        self.path = path
        self.values = values  # item id -> canonical value; the truth the file is written from
        self.lang = lang
        steps = [Step(p, PROFILE, i) for i, p in enumerate(questionnaire.profile)]
        for number, dim in enumerate(questionnaire.dimensions, start=1):
            base = len(steps)
            steps.extend([Step(q, number, base + k) for k, q in enumerate(dim.questions)])
        self.steps: list[Step] = steps
        self.by_id: dict[str, Step] = {s.id: s for s in steps}
        self.position: int | None = 0
        self.skipped: set[str] = set()  # 's' in this run: asked again in the end review
        self.review: list[str] | None = None  # ids under review, when reviewing
        self.reviewed: set[str] = set()
        self.stale: dict[str, Any] = {}  # answers a new questionnaire version no longer takes
        self.changes: Changes | None = None
        self.save_error: Msg | None = None
        self.opening: Msg | None = None  # said on the first screen (resumed, version changed)
        self.resume_command = f"diagnose interview --resume {shlex.quote(str(path))}"
        self._visible: dict[str, bool] | None = None

    # -- starting and resuming --

    @classmethod
    def start(cls, path: Path, questionnaire: Questionnaire, rubric: Rubric, *,
              company: str | None = None, consultant: str | None = None,
              round_: str = "baseline", lang: str = "ko") -> Session:
        """A new interview; the file is written at once, so even an empty one can be resumed."""
        if path.suffix.lower() not in batch.RESPONSE_SUFFIXES:
            raise DiagnoseError(Msg("응답 파일 이름은 .yaml로 끝나야 합니다",
                                    "the response file name must end in .yaml"), where=path)
        if path.is_dir():
            raise DiagnoseError(Msg("폴더가 아니라 새 응답 파일 이름을 주세요 (예: -o 기업.yaml)",
                                    "give a new response file name, not a folder "
                                    "(e.g. -o company.yaml)"), where=path)
        if path.exists():
            raise DiagnoseError(Msg(
                "이미 있는 파일입니다: 이어 하려면 --resume {p}, 새로 하려면 다른 이름을 쓰세요",
                "the file exists: continue it with --resume {p}, or choose another name",
            ).format(p=shlex.quote(str(path))), where=path)
        values: dict[str, Any] = {}
        if company and company.strip():
            values["name"] = company.strip()
        response = responses.new_response(
            questionnaire, dict(values),
            Assessment(date=dt.date.today(), round=round_ or "baseline",
                       consultant=consultant or None))
        session = cls(questionnaire, rubric, response, path, values, lang)
        session.position = session.first_open()
        session.save(strict=True)
        return session

    @classmethod
    def resume(cls, path: Path, questionnaire: Questionnaire, rubric: Rubric, *,
               company: str | None = None, consultant: str | None = None, lang: str = "ko",
               search: Sequence[Path] = ()) -> Session:
        """Continue a response file at its first open question, reconciling a new version."""
        response = responses.parse(yamlio.load(path))
        ref = response.questionnaire
        if ref.id != questionnaire.id:
            raise DiagnoseError(Msg(
                "질문지 '{r}'의 응답입니다 (사용 중인 질문지: '{q}'): -q로 맞는 질문지를 지정하세요",
                "answers questionnaire '{r}', not '{q}': pass the right one with -q",
            ).format(r=ref.id, q=questionnaire.id), where=path)
        session = cls(questionnaire, rubric, response, path, {}, lang)
        changes = session._reconcile(search)
        dirty = changes.any
        if changes.any:
            session.changes = changes
            changes.backup = _backup(path, ref.version)
            response.status = "in_progress"  # answers were set aside: not complete any more
            response.questionnaire = responses.QuestionnaireRef(
                id=questionnaire.id, version=questionnaire.version,
                sha256=questionnaire.sha256 or None)
        if consultant and not response.assessment.consultant:
            response.assessment.consultant = consultant
            dirty = True
        if company and company.strip() and "name" not in session.values:
            session.values["name"] = response.company["name"] = company.strip()
            dirty = True
        if dirty:
            session.save(strict=True)
        session.position = session.first_open()
        if session.position is None:  # all answered: show the last one, Enter ends, j edits
            shown = session.visible_steps()
            session.position = shown[-1].index if shown else None
            session.opening = Msg("모든 문항에 답했습니다: Enter로 마치거나 j로 이동해 고치세요",
                                  "every question is answered: Enter to finish, j to go and edit")
        else:
            session.opening = Msg("이어서 합니다: 첫 미응답 문항부터",
                                  "resumed at the first open question")
        return session

    def _reconcile(self, search: Sequence[Path]) -> Changes:
        """Canonical values from the file; what no longer fits is set aside, never guessed."""
        q, response = self.questionnaire, self.response
        ref = response.questionnaire
        changes = Changes(ref.version, q.version)
        changes.version_changed = ref.version != q.version
        changes.text_changed = (not changes.version_changed and bool(ref.sha256)
                                and bool(q.sha256) and ref.sha256 != q.sha256)
        profile = {p.id: p for p in q.profile}
        for key, raw in list(response.company.items()):
            item = profile.get(str(key))
            if item is None:
                continue  # unknown company fields stay in the file; scoring ignores them
            try:
                value = answers.normalize(item, raw)
            except AnswerError as exc:
                changes.invalid.append((item.id, raw, exc.message))
                self.stale[item.id] = raw
                del response.company[key]
                continue
            if value is not None:
                self.values[item.id] = plain_number(value)
        questions = {question.id: question for question in q.questions}
        for qid, answer in list(response.answers.items()):
            question = questions.get(qid)
            if question is None:
                if answer.value is not None:
                    changes.removed.append(qid)
                continue
            try:
                value = answers.normalize(question, answer.value)
            except AnswerError as exc:
                changes.invalid.append((qid, answer.value, exc.message))
                self.stale[qid] = answer.value
                if answer.note or answer.evidence:
                    answer.value = None
                else:
                    del response.answers[qid]
                continue
            if value is not None:
                self.values[qid] = value
        if changes.version_changed or changes.text_changed:
            self._compare(changes, search)
        return changes

    def _compare(self, changes: Changes, search: Sequence[Path]) -> None:
        """New and changed questions: exact when the old questionnaire can be found."""
        old = find_questionnaire(self.response.questionnaire, search)
        current = self.questionnaire.items
        if old is not None:
            changes.added_exact = True
            changes.added = [i for i in current if i not in old.items]
            changes.changed = [i for i, item in current.items() if i in old.items
                               and i in self.values and _signature(item) != _signature(
                                   old.items[i])]
            return
        # Without the old file: questions without an answer in the part already covered are
        # the likely newcomers (or were skipped).
        answered = [s.index for s in self.steps if not s.is_profile and s.id in self.values]
        last = max(answered, default=-1)
        visible = self.visibility()
        changes.added = [s.id for s in self.steps if not s.is_profile and s.index < last
                         and visible[s.id] and s.id not in self.values]

    # -- what is shown --

    def visibility(self) -> dict[str, bool]:
        """Every item id -> shown, following ``show_if`` in file order (as the engine does)."""
        if self._visible is None:
            shown: dict[str, bool] = {}
            for step in self.steps:
                shown[step.id] = self._shown(step.item, shown)
            self._visible = shown
        return self._visible

    def _shown(self, item: Item, shown: dict[str, bool]) -> bool:
        cond = getattr(item, "show_if", None)
        if cond is None:
            return True
        if not shown.get(cond.question, True):
            return False  # an answer to a hidden question counts as not applicable
        value = self.values.get(cond.question)
        if value is None or (isinstance(value, str) and value in SPECIAL):
            return False
        wanted = set(cond.values())
        hit = bool(wanted.intersection(value)) if isinstance(value, tuple) else value in wanted
        return hit if cond.in_ is not None else not hit

    @property
    def current(self) -> Step | None:
        return None if self.position is None else self.steps[self.position]

    def visible_steps(self, section: int | None = None) -> list[Step]:
        shown = self.visibility()
        return [s for s in self.steps if shown[s.id] and (section is None or s.section == section)]

    def progress(self) -> tuple[int, int]:
        """Answered and asked (visible) items, company profile included."""
        steps = self.visible_steps()
        return sum(1 for s in steps if s.id in self.values), len(steps)

    def value(self, step: Step) -> Any:
        return self.values.get(step.id)

    def answer_of(self, step: Step) -> Answer | None:
        return None if step.is_profile else self.response.answers.get(step.id)

    def is_open(self, step: Step) -> bool:
        return step.id not in self.values

    def section_title(self, section: int) -> str:
        if section == PROFILE:
            return Msg("기업 정보", "Company profile").render(self.lang)
        return pick(self.questionnaire.dimensions[section - 1].title, self.lang)

    # -- where to go --

    def first_open(self) -> int | None:
        """Where a resumed interview starts: the first open question.

        Optional company facts count only while no question has been answered: once the
        interview is in the dimensions, a blank employee count is a choice, not a gap.
        """
        in_dimensions = any(not s.is_profile and s.id in self.values for s in self.steps)
        for step in self.visible_steps():
            if self.is_open(step) and not (in_dimensions and step.optional):
                return step.index
        return None

    def _next_open(self) -> int | None:
        """The next open step after this one, else an earlier open question; None: the end."""
        here = -1 if self.position is None else self.position
        later: int | None = None
        earlier: int | None = None
        for step in self.visible_steps():
            if not self.is_open(step) or step.id in self.skipped or step.index == here:
                continue
            if step.index > here:
                later = step.index
                break
            if earlier is None and not step.optional:
                earlier = step.index
        return later if later is not None else earlier

    def _advance(self) -> None:
        if self.review is not None:
            self._review_step(+1)
        else:
            self.position = self._next_open()

    def _next_in_order(self) -> None:
        if self.review is not None:
            self._review_step(+1)
            return
        here = self.position if self.position is not None else -1
        later = [s.index for s in self.visible_steps() if s.index > here]
        self.position = later[0] if later else self._next_open()

    def _review_step(self, delta: int) -> None:
        assert self.review is not None
        ids = self.review
        here = self.current.id if self.current else None
        index = ids.index(here) if here in ids else -1
        shown = self.visibility()
        index += delta
        while 0 <= index < len(ids) and not shown[ids[index]]:
            index += delta
        if 0 <= index < len(ids):
            self.position = self.by_id[ids[index]].index
            return
        self.review = None
        self.position = self._next_open()  # answers in the review may have shown new questions

    def review_items(self) -> list[Step]:
        """Skipped, unanswered and don't-know questions not yet offered for review."""
        return [s for s in self.visible_steps() if not s.optional and s.id not in self.reviewed
                and (self.is_open(s) or self.values.get(s.id) == UNKNOWN)]

    def begin_review(self, steps: list[Step]) -> None:
        self.review = [s.id for s in steps]
        self.reviewed.update(self.review)
        self.skipped.difference_update(self.review)
        self.position = steps[0].index if steps else None

    def decline_review(self, steps: list[Step]) -> None:
        self.reviewed.update(s.id for s in steps)

    def missing_required(self) -> Step | None:
        """A required company fact (the name) still blank: the interview cannot end without it."""
        for step in self.steps:
            if step.is_profile and not step.optional and self.is_open(step):
                return step
        return None

    def locate(self, target: str) -> int | Msg:
        """The step a jump target names: dimension number or id, question or profile id.

        Returns the step index, or a message saying why there is nowhere to go.
        """
        target = unicodedata.normalize("NFKC", target).strip()
        if not target:
            found = self.first_open()
            return found if found is not None else Msg(
                "답하지 않은 문항이 없습니다", "every question is answered")
        dims = self.questionnaire.dimensions
        section: int | None = None
        if target.isdecimal() and int(target) <= len(dims):
            section = int(target)
        elif target.casefold() in {"p", "profile", "company", "기업", "기업정보"}:
            section = PROFILE
        else:
            section = next((n for n, d in enumerate(dims, 1) if d.id.casefold()
                            == target.casefold()), None)
        if section is not None:
            steps = self.visible_steps(section)
            if steps:
                return steps[0].index
            return Msg("이 영역에는 지금 보이는 문항이 없습니다", "nothing to ask in that dimension now")
        step = self.by_id.get(target) or next(
            (s for s in self.steps if s.id.casefold() == target.casefold()), None)
        if step is None:
            return Msg("없는 영역·문항입니다 (영역 번호 0~{n} 또는 id, 예: {e})",
                       "no such dimension or question (dimension 0-{n} or an id, e.g. {e})"
                       ).format(n=len(dims), e=self.questionnaire.questions[0].id)
        if not self.visibility()[step.id]:
            cond = getattr(step.item, "show_if", None)
            return Msg("조건에 따라 숨겨진 문항입니다 ({c})", "hidden by its condition ({c})").format(
                c=cond.question if cond else "")
        return step.index

    # -- changing --

    def apply(self, action: Action) -> Outcome:
        """Carry out a navigation or answer action; the file is saved before this returns."""
        step = self.current
        if step is None:
            return Outcome()
        if action.kind == "answer":
            return self.set_value(step, action.value)
        if action.kind == "keep":
            self._next_in_order()
        elif action.kind == "empty":
            if self.review is not None or step.optional:
                self.skipped.add(step.id)
                self._advance()
            else:
                return Outcome(refused=HINT_EMPTY)
        elif action.kind == "skip":
            if not step.optional and step.is_profile and self.is_open(step):
                return Outcome(refused=Msg("필수 항목이라 건너뛸 수 없습니다",
                                           "required: it cannot be skipped"))
            if self.is_open(step):
                self.skipped.add(step.id)
            self._advance()
        elif action.kind == "back":
            return self._back()
        elif action.kind == "jump":
            where = self.locate(action.target or "")
            if isinstance(where, Msg):
                return Outcome(refused=where)
            self.review = None
            self.position = where
        elif action.kind == "invalid":
            return Outcome(refused=action.hint)
        return Outcome()

    def _back(self) -> Outcome:
        if self.review is not None:
            ids = self.review
            here = self.current.id if self.current else None
            if here in ids and ids.index(here) > 0:
                self._review_step(-1)
                return Outcome()
            return Outcome(refused=Msg("검토의 처음입니다", "this is the first one in the review"))
        here = self.position if self.position is not None else len(self.steps)
        earlier = [s.index for s in self.visible_steps() if s.index < here]
        if not earlier:
            return Outcome(refused=Msg("처음 항목입니다", "this is the first item"))
        self.position = earlier[-1]
        return Outcome()

    def set_value(self, step: Step, value: Any) -> Outcome:
        """Record an answer, save, and move on; say which questions appeared or vanished."""
        before = dict(self.visibility())
        self.values[step.id] = value
        self.stale.pop(step.id, None)
        self.skipped.discard(step.id)
        if step.is_profile:
            self.response.company[step.id] = answers.to_yaml_value(value)
        else:
            answer = self.response.answers.get(step.id) or Answer()
            answer.value = answers.to_yaml_value(value)
            answer.answered_at = now_iso()
            self.response.answers[step.id] = answer
        self.response.status = "in_progress"
        self._visible = None
        self.save()
        self._advance()
        return Outcome(notice=self._visibility_notice(before))

    def _visibility_notice(self, before: dict[str, bool]) -> Msg | None:
        after = self.visibility()
        hidden = [i for i, shown in before.items() if shown and not after[i] and i in self.values]
        appeared = [i for i, shown in after.items() if shown and not before[i]]
        parts: list[Msg] = []
        if appeared:
            parts.append(Msg("새로 나타난 문항: {i}", "now asked: {i}").format(i=", ".join(appeared)))
        if hidden:
            parts.append(Msg("답이 있는 문항이 숨겨짐(답은 파일에 남고 채점에서는 해당 없음): {i}",
                             "answered questions now hidden (kept in the file, not scored): {i}"
                             ).format(i=", ".join(hidden)))
        if not parts:
            return None
        return Msg(" · ".join(p.ko for p in parts), " · ".join(p.en for p in parts))

    def set_note(self, step: Step, note: str | None, evidence: list[str] | None) -> Outcome:
        """Change the note and evidence paths of a question (``None`` keeps what is there)."""
        if step.is_profile:
            return Outcome(refused=Msg("기업 정보에는 메모를 달 수 없습니다",
                                       "company profile items take no note"))
        answer = self.response.answers.get(step.id) or Answer()
        if note is not None:
            answer.note = note or None
        if evidence is not None:
            answer.evidence = evidence
        answer.answered_at = now_iso()
        self.response.answers[step.id] = answer
        self.save()
        return Outcome(notice=Msg("메모를 저장했습니다", "note saved"))

    def finish(self) -> None:
        """Mark the assessment complete and save it."""
        self.response.status = "complete"
        self.save(strict=True)

    # -- saving --

    def save(self, strict: bool = False) -> None:
        """Write the response file atomically (temp file, fsync, rename).

        A failure (disk full, a pulled USB stick) does not end the interview: the answers stay
        in memory, the screen says so, and the next answer tries again. ``strict`` raises.
        """
        self._order()
        try:
            responses.save(self.response, self.path)
        except OSError as exc:
            self.save_error = Msg("저장하지 못했습니다: {e} (답은 아직 메모리에 있습니다)",
                                  "could not save: {e} (the answers are still in memory)"
                                  ).format(e=exc.strerror or exc)
            if strict:
                raise DiagnoseError(self.save_error, where=self.path) from None
        else:
            self.save_error = None

    def _order(self) -> None:
        """Company facts and answers in questionnaire order, unknown ids after: easy to read."""
        rank = {s.id: s.index for s in self.steps}
        last = len(self.steps)
        for name in ("company", "answers"):
            current = getattr(self.response, name)
            keys = list(current)
            ordered = sorted(keys, key=lambda k: rank.get(str(k), last))
            if ordered != keys:
                setattr(self.response, name, {k: current[k] for k in ordered})

    # -- the result --

    def result(self) -> Result:
        """Score the saved file exactly as ``diagnose score`` would."""
        loaded = responses.load(self.path, self.questionnaire)
        frame = answers_frame(batch.records([loaded], self.questionnaire),
                                      self.questionnaire)
        return Result(loaded, scoring.score(frame, self.questionnaire, self.rubric, self.lang))


def _backup(path: Path, version: str) -> Path:
    """Keep the file as it was before a questionnaire change touched it (not a .yaml: never
    scored by accident when a folder is scored)."""
    stem = f"{path.name}.v{version}"
    backup, n = path.with_name(f"{stem}.bak"), 2
    while backup.exists():
        backup, n = path.with_name(f"{stem}-{n}.bak"), n + 1
    files.write_atomic(backup, path.read_text(encoding="utf-8"))
    return backup
