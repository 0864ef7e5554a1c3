"""The on-site interview: the state of one assessment while it is being asked.

``Session`` holds the questionnaire, the response being filled in and where the consultant is.
It is pure state and navigation: no terminal. ``interpret`` turns one typed line into an
``Action``; ``Session.apply`` carries it out and saves the response file atomically before it
returns, so the next question is never shown before the last answer is on disk.

The terminal side (screens, reading lines, the conversation loop) is ``diagnose.interview.screens``;
``run`` wires the two together for ``diagnose interview``.

Navigation, in short: an answer or ``s`` moves to the next open question (wrapping round to
open questions left behind); Enter on an answered question keeps it and moves to the next one
in order; ``b`` goes to the previous visible one; ``j`` jumps; ``r`` opens the review of all
answers, from which a question is edited and the review comes back. Questions hidden by
``show_if`` are passed over, and their stored answers stay in the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shlex
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from diagnose.content import programme, yamlio
from diagnose.content.programme import Track
from diagnose.content.questionnaire import ProfileItem, Question, Questionnaire, check_text
from diagnose.content.rubric import Rubric
from diagnose.core import files
from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, pick
from diagnose.engine import batch, progress, scoring
from diagnose.inputs import answers, evidence, identity, responses
from diagnose.inputs.answers import NA, SPECIAL, UNKNOWN, AnswerError
from diagnose.inputs.frame import answers_frame
from diagnose.inputs.identity import normal_form
from diagnose.inputs.responses import Answer, Assessment, LoadedResponse, Response

# what a consultant types for "no support since the last round" (in normal form)
NO_SUPPORT = frozenset({"0", "없음", "없다", "none", "no", "nothing"})

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
    "n": NA, "ㅜ": NA, "d": UNKNOWN, "ㅇ": UNKNOWN, "r": "review", "ㄱ": "review",
}
YES_WORDS = frozenset({"y", "yes", "ㅛ", "예", "네", "응"})
NO_WORDS = frozenset({"n", "no", "ㅜ", "아니오", "아니요", "아니"})


# --- typed input -------------------------------------------------------------------------------

ActionKind = Literal["answer", "keep", "empty", "back", "skip", "jump", "memo", "quit", "help",
                     "review", "invalid"]


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
            bad = [p for p in parts if not 1 <= int(p) <= len(options)]
            if bad:  # name the part that is wrong: '9' in 1,3,9
                hint = _multi_hint(len(options))
                raise AnswerError(Msg("{b}번 선택지는 없습니다: {ko}", "no option {b}: {en}").format(
                    b=", ".join(bad), ko=hint.ko, en=hint.en))
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


def _parse_time(text: str) -> dt.datetime | None:
    """An ``answered_at`` as local time; None when it is not a time (edited by hand)."""
    try:
        return dt.datetime.fromisoformat(str(text)).astimezone()
    except (ValueError, OverflowError):
        return None


def shown_value(item: Item, value: Any, lang: str) -> str:
    """An answer as the consultant reads it: the option number with its label (``2 예``),
    the number with its unit, the text."""
    if value is None:
        return ""
    shown = answers.display(item, value, lang)
    if item.type in CHOICE_TYPES and not (isinstance(value, str) and value in SPECIAL):
        number = next((k for k, o in enumerate(options_of(item), 1) if o.value == value), None)
        if number is not None:
            return f"{number} {shown}"
    return shown


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

    @property
    def downgrade(self) -> bool:
        """The file was answered with a newer version (or one that cannot be ordered)."""
        if not self.version_changed:
            return False
        old, new = _version_key(self.old_version), _version_key(self.new_version)
        return old is None or new is None or old > new


def _version_key(version: str) -> tuple[int, ...] | None:
    """``"2.10"`` as (2, 10), to order versions; None when a part is not a number."""
    parts = version.strip().split(".")
    return tuple(int(p) for p in parts) if all(p.isdecimal() for p in parts) else None


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
    """What ``Session.apply`` did, for the screen: what was saved, a notice, a warning about
    what was saved, or why the input was refused."""

    notice: Msg | None = None
    refused: Msg | None = None
    saved: Msg | None = None  # the answer as it is now in the file, in words
    warning: Msg | None = None


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
        self.left_blank: set[str] = set()  # optional facts left blank with Enter: not chased
        self.review: list[str] | None = None  # ids under review, when reviewing
        self.reviewed: set[str] = set()
        self.overview: int | None = None  # the review of all answers is open at this section
        self.overview_page = 0
        self.overview_from: int | None = None  # where the consultant was when it opened
        self.edit_from: int | None = None  # section of the review an edited question came from
        self.stale: dict[str, Any] = {}  # answers a new questionnaire version no longer takes
        self.changes: Changes | None = None  # set while a questionnaire change awaits a yes
        self.save_error: Msg | None = None
        self.opening: Msg | None = None  # said on the first screen (resumed, version changed)
        self.resume_command = f"diagnose interview --resume {shlex.quote(str(path))}"
        self.started = time.monotonic()
        self._visible: dict[str, bool] | None = None
        self._tracks: list[Track] | None = None

    # -- starting and resuming --

    @classmethod
    def start(cls, path: Path, questionnaire: Questionnaire, rubric: Rubric, *,
              company: str | None = None, consultant: str | None = None,
              round_: str = "baseline", lang: str = "ko", program: str = "diagnose") -> Session:
        """A new interview; the file is written at once, so even an empty one can be resumed.

        ``program`` is how the consultant started diagnose (``.venv/bin/diagnose``), for the
        hint when the file exists already.
        """
        if path.suffix.lower() not in batch.RESPONSE_SUFFIXES:
            raise DiagnoseError(Msg("응답 파일 이름은 .yaml로 끝나야 합니다",
                                    "the response file name must end in .yaml"), where=path)
        if path.is_dir():
            raise DiagnoseError(Msg("폴더가 아니라 새 응답 파일 이름을 주세요 (예: -o 기업.yaml)",
                                    "give a new response file name, not a folder "
                                    "(e.g. -o company.yaml)"), where=path)
        if path.exists():
            raise DiagnoseError(Msg(
                "이미 있는 파일입니다: 이어 하려면 {c}, 새로 하려면 다른 이름을 쓰세요",
                "the file exists: continue it with {c}, or choose another name",
            ).format(c=f"{program} interview --resume {shlex.quote(str(path))}"), where=path)
        values: dict[str, Any] = {}
        if company and company.strip():
            values["name"] = company.strip()
        response = responses.new_response(
            questionnaire, dict(values),
            Assessment(date=dt.date.today(), round=round_ or "baseline",
                       consultant=(consultant or "").strip() or None))
        session = cls(questionnaire, rubric, response, path, values, lang)
        session.position = session.first_open()
        session.save(strict=True)
        return session

    @classmethod
    def resume(cls, path: Path, questionnaire: Questionnaire, rubric: Rubric, *,
               company: str | None = None, consultant: str | None = None, lang: str = "ko",
               search: Sequence[Path] = ()) -> Session:
        """Continue a response file where the consultant was.

        When the questionnaire changed since the file was written, nothing is written yet:
        ``changes`` says what would change, and ``accept_changes`` rewrites the file (keeping
        a ``.bak`` copy) once the consultant agrees.
        """
        response = responses.parse(yamlio.load(path))
        ref = response.questionnaire
        if ref.id != questionnaire.id:
            raise DiagnoseError(Msg(
                "질문지 '{r}'의 응답입니다 (사용 중인 질문지: '{q}'): -q로 맞는 질문지를 지정하세요",
                "answers questionnaire '{r}', not '{q}': pass the right one with -q",
            ).format(r=ref.id, q=questionnaire.id), where=path)
        session = cls(questionnaire, rubric, response, path, {}, lang)
        changes = session._reconcile(search)
        dirty = False
        if consultant and consultant.strip() and not response.assessment.consultant:
            response.assessment.consultant = consultant.strip()
            dirty = True
        if company and company.strip() and "name" not in session.values:
            session.values["name"] = response.company["name"] = company.strip()
            dirty = True
        if changes.any:
            session.changes = changes  # written only when accepted
        elif dirty:
            session.save(strict=True)
        session._resume_where_left()
        return session

    def accept_changes(self) -> None:
        """Rewrite the file for the questionnaire in use, keeping the original as a ``.bak``."""
        changes = self.changes
        if changes is None:
            return
        changes.backup = _backup(self.path, self.response.questionnaire.version)
        self.response.status = "in_progress"  # answers were set aside: not complete any more
        self.response.questionnaire = responses.QuestionnaireRef(
            id=self.questionnaire.id, version=self.questionnaire.version,
            sha256=self.questionnaire.sha256 or None)
        self.save(strict=True)
        self.changes = None

    def _resume_where_left(self) -> None:
        """Go where the consultant was, and say so.

        That is ``resume_at``, saved with every change and when the interview stops. A file
        without it (written by hand or by another tool) goes on after the last answer given:
        the newest ``answered_at`` of an answered question (a note alone does not move on:
        the consultant was still at that question), else the last company fact in order. A
        file with everything answered opens the review of all answers.
        """
        saved = self.by_id.get(str(self.response.resume_at or ""))
        if saved is not None and self.visibility()[saved.id] and (
                self.is_open(saved) or self.response.status == "in_progress"):
            self.position = saved.index
            self.opening = self._where(Msg("이어서 합니다: 지난번 멈춘 곳 {h}부터",
                                           "resumed where you stopped: at {h}"), None)
            return
        last = self._last_answered()
        if last is None:
            self.position = self.first_open()
        else:
            self.position = last.index
            self.position = self._next_open()
        if self.position is None:
            self.open_overview(PROFILE, None)
            self.opening = Msg("모든 문항에 답한 파일입니다: 번호로 고치고, r로 닫으면 마칩니다",
                               "every question is answered: type a number to edit one, r closes "
                               "the review and finishes")
            return
        if last is None:
            msg = Msg("이어서 합니다: {h}부터", "resumed at {h}")
        else:
            msg = Msg("이어서 합니다: 마지막 답 {l}{t} 다음, {h}부터",
                      "resumed after the last answer, {l}{t}: at {h}")
        self.opening = self._where(msg, last)

    def _where(self, msg: Msg, last: Step | None) -> Msg:
        """The opening line of a resumed interview: where it is, and what is open before."""
        assert self.position is not None
        earlier = sum(1 for s in self.visible_steps() if s.index < self.position
                      and self.is_open(s) and not s.optional)
        if earlier:
            msg = Msg(msg.ko + " · 앞에 미응답 {e}개 (끝에서 다시 묻습니다)",
                      msg.en + " · {e} open earlier (asked at the end)")
        stamp = self._stamp(last)
        return msg.format(h=self.steps[self.position].id, l=last.id if last else "",
                          e=earlier, t=f" ({stamp})" if stamp else "")

    def _last_answered(self) -> Step | None:
        latest: tuple[dt.datetime, int] | None = None
        for step in self.steps:
            answer = self.answer_of(step)
            if answer is None or step.id not in self.values or not answer.answered_at:
                continue
            when = _parse_time(answer.answered_at)
            if when is not None and (latest is None or (when, step.index) > latest):
                latest = (when, step.index)
        if latest is not None:
            return self.steps[latest[1]]
        facts = [s for s in self.steps if s.is_profile and s.id in self.values]
        return facts[-1] if facts else None

    def _stamp(self, step: Step | None) -> str:
        """When ``step`` was answered, briefly: 10:41 today, else 2026-03-12 10:41."""
        answer = self.answer_of(step) if step is not None else None
        when = _parse_time(answer.answered_at) if answer and answer.answered_at else None
        if when is None:
            return ""
        return f"{when:%H:%M}" if when.date() == dt.date.today() else f"{when:%Y-%m-%d %H:%M}"

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
        """Answered and asked items, company profile included.

        Asked: the visible items, leaving out optional company facts that are blank (they
        are a choice, not a gap), so that "all answered" is n/n.
        """
        steps = [s for s in self.visible_steps() if not s.optional or s.id in self.values]
        return sum(1 for s in steps if s.id in self.values), len(steps)

    def section_progress(self, section: int) -> tuple[int, int]:
        """``progress`` within one section (0: the company profile)."""
        steps = [s for s in self.visible_steps(section) if not s.optional or s.id in self.values]
        return sum(1 for s in steps if s.id in self.values), len(steps)

    def open_required(self) -> list[Step]:
        """Visible items that need an answer and have none ('don't know' is an answer)."""
        return [s for s in self.visible_steps() if not s.optional and self.is_open(s)]

    def elapsed_minutes(self) -> int:
        """Minutes since this interview session started."""
        return int((time.monotonic() - self.started) // 60)

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
        """The first open question: where a new interview starts, and a resumed one that does
        not know where it stopped.

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
            if not self.is_open(step) or step.id in self.skipped or step.index == here \
                    or step.id in self.left_blank:
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
        """Unanswered and don't-know questions, and anything put off with ``s`` (optional
        company facts too), not yet offered for review."""
        return [s for s in self.visible_steps() if s.id not in self.reviewed and (
            (not s.optional and (self.is_open(s) or self.values.get(s.id) == UNKNOWN))
            or (s.id in self.skipped and self.is_open(s)))]

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
            outcome = self.set_value(step, action.value)
        elif action.kind == "keep":
            self._next_in_order()
            outcome = Outcome()
        elif action.kind == "empty":
            if self.review is None and not step.optional:
                return Outcome(refused=HINT_EMPTY)
            if self.review is None:
                self.left_blank.add(step.id)  # a choice, not a gap: never chased
            self._advance()
            outcome = Outcome()
        elif action.kind == "skip":
            if self.is_open(step):
                self.skipped.add(step.id)
            self._advance()
            outcome = Outcome()
        elif action.kind == "back":
            self.edit_from = None
            return self._back()
        elif action.kind == "jump":
            where = self.locate(action.target or "")
            if isinstance(where, Msg):
                return Outcome(refused=where)
            self.review = None
            self.edit_from = None
            self.position = where
            return Outcome()
        elif action.kind == "review":
            self.open_overview(step.section, self.position)
            return Outcome()
        else:
            return Outcome(refused=action.hint)
        if self.edit_from is not None:  # edited from the review of all answers: back to it
            self.position = step.index
            self.open_overview(self.edit_from, self.overview_from, self.overview_page)
        return outcome

    # -- the review of all answers --

    def open_overview(self, section: int, came_from: int | None, page: int = 0) -> None:
        """Show the review of all answers at ``section``; ``came_from`` is where to return."""
        self.overview = section
        self.overview_page = page
        self.overview_from = came_from
        self.edit_from = None
        self.review = None

    def edit_from_overview(self, step: Step) -> None:
        """Ask ``step`` again; after the answer (or Enter) the review comes back."""
        assert self.overview is not None
        self.edit_from = step.section
        self.overview = None
        self.position = step.index

    def close_overview(self) -> None:
        """Back to where the consultant was; from the end, on to the open questions or the end."""
        came_from = self.overview_from
        self.overview = self.overview_from = self.edit_from = None
        if came_from is not None and self.visibility()[self.steps[came_from].id]:
            self.position = came_from
        else:
            self.position = self.first_open()

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
        """Record an answer, save, and move on; say what was saved, in words, and which
        questions appeared or vanished."""
        before = dict(self.visibility())
        self.values[step.id] = value
        self.stale.pop(step.id, None)
        self.skipped.discard(step.id)
        self.left_blank.discard(step.id)
        if step.is_profile:
            self.response.company[step.id] = answers.to_yaml_value(value)
        else:
            answer = self.response.answers.get(step.id) or Answer()
            answer.value = answers.to_yaml_value(value)
            answer.answered_at = now_iso()
            self.response.answers[step.id] = answer
        self.response.status = "in_progress"
        self._visible = None
        self._advance()
        self.save()  # after moving on, so the file knows where the interview is
        return Outcome(notice=self._visibility_notice(before), saved=self.said(step))

    def said(self, step: Step) -> Msg:
        """``step``'s answer as it stands in the file, in words: ``data.plc: 2 예``."""
        return Msg("저장함 · {i}: {ko}", "saved · {i}: {en}").format(
            i=step.id, ko=shown_value(step.item, self.value(step), "ko"),
            en=shown_value(step.item, self.value(step), "en"))

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

    def set_note(self, step: Step, note: str | None, paths: list[str] | None) -> Outcome:
        """Change the note and evidence paths of a question (``None`` keeps what is there).

        Evidence paths are checked as they are typed, by the rule the report reads them with:
        a path that leads outside the response file's folder is refused (a report never reads
        it); a missing file is kept, with a warning (the photos are often copied in later).
        """
        if step.is_profile:
            return Outcome(refused=Msg("기업 정보에는 메모를 달 수 없습니다",
                                       "company profile items take no note"))
        kept, problems = self._checked_evidence(paths or [])
        if paths and not kept and note is None:
            return Outcome(refused=problems)
        answer = self.response.answers.get(step.id) or Answer()
        if note is not None:
            answer.note = note or None
        if paths is not None and (kept or not paths):  # only refused paths: keep the old ones
            answer.evidence = kept
        answer.answered_at = now_iso()
        self.response.answers[step.id] = answer
        self.save()
        return Outcome(notice=Msg("메모를 저장했습니다", "note saved"), warning=problems)

    def _checked_evidence(self, paths: list[str]) -> tuple[list[str], Msg | None]:
        """The paths to keep, and what is wrong with the others (each named, briefly)."""
        kept: list[str] = []
        problems: list[Msg] = []
        for written in paths:
            try:
                evidence.locate(self.path.parent, written)
            except evidence.EvidenceError as exc:
                if exc.message is evidence.OUTSIDE:
                    problems.append(Msg("{p}: 응답 파일 폴더 밖 — 저장하지 않음 (폴더 안에 복사하세요)",
                                        "{p}: outside the response file's folder — not saved "
                                        "(copy it in)").format(p=written))
                    continue
                reason = Msg("아직 없는 파일", "no such file yet") \
                    if exc.message is evidence.NOT_FOUND else exc.message
                problems.append(Msg("{p}: {ko} (저장함)", "{p}: {en} (saved)").format(
                    p=written, ko=reason.ko, en=reason.en))
            kept.append(written)
        if not problems:
            return kept, None
        return kept, Msg("증빙: " + " · ".join(m.ko for m in problems),
                         "evidence: " + " · ".join(m.en for m in problems))

    def set_assessment(self, *, consultant: str | None = None,
                       summary: str | None = None) -> Outcome:
        """Set the consultant's name or the summary verdict (``""`` clears it), and save."""
        assessment = self.response.assessment
        if consultant is not None:
            assessment.consultant = consultant.strip() or None
        if summary is not None:
            assessment.summary = " ".join(summary.split()) or None  # one paragraph
        self.save()
        return Outcome(notice=Msg("저장했습니다", "saved"))

    # -- support received since the last round (follow-up rounds only) --

    @property
    def followup(self) -> bool:
        """Whether this is a later round than the baseline (any round not named as the
        baseline: ``followup``, ``t2``, ``2027-상반기``): then the support received since the
        last round is asked at the end, for the progress report."""
        return identity.round_rank(self.response.assessment.round) != 0

    def programme_tracks(self) -> list[Track]:
        """The bundled programme's tracks, to name and match support by; none when the
        programme file cannot be read (the question then takes free text only)."""
        if self._tracks is None:
            try:
                self._tracks = list(programme.load(None, self.questionnaire).tracks)
            except DiagnoseError:
                self._tracks = []
        return self._tracks

    def set_support(self, text: str) -> Outcome:
        """Record ``assessment.support_since_last`` from a typed line and save.

        ``-`` clears it (not recorded); ``0``, ``없음`` or ``none`` records that nothing was
        received (an empty list: the progress report then says so, rather than "not
        recorded"); otherwise comma- or semicolon-separated items, each naming a programme
        track by its number on the screen (``programme_tracks`` order), its id or its name
        stored as the id (``AI 솔루션 보급`` -> ``ai-solution``), other items as typed.
        """
        assessment = self.response.assessment
        line = " ".join(text.split())
        if line == "-":
            assessment.support_since_last = None
        elif normal_form(line) in NO_SUPPORT:
            assessment.support_since_last = []
        else:
            tracks = self.programme_tracks()
            items = [part.strip() for part in line.replace(";", ",").split(",") if part.strip()]
            assessment.support_since_last = [
                tracks[int(item) - 1].id if item.isdigit() and 0 < int(item) <= len(tracks)
                else progress.track_of(item, tracks) or item for item in items]
        self.save()
        return Outcome(notice=Msg("저장했습니다", "saved"))

    def finish(self) -> bool:
        """Save at the end; ``status: complete`` only when nothing required is unanswered.

        Returns whether the assessment is complete.
        """
        complete = not self.open_required()
        self.response.status = "complete" if complete else "in_progress"
        self.save(strict=True)
        return complete

    # -- saving --

    def save(self, strict: bool = False) -> None:
        """Write the response file atomically (temp file, fsync, rename).

        A failure (disk full, a pulled USB stick) does not end the interview: the answers stay
        in memory, the screen says so, and the next answer tries again. ``strict`` raises.
        """
        self._order()
        here = self.current
        self.response.resume_at = here.id if here is not None and \
            self.response.status == "in_progress" else None
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
