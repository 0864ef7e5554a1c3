"""The interview at the terminal: screens that fit 80x24, reading lines, the conversation.

Every screen is rebuilt from the session for each prompt, so what the consultant sees is
always what is in the file. Untrusted text (company names, notes, questionnaire content) is
always ``rich.text.Text``, never markup. Lines are read whole with ``input()`` (GNU readline on
a terminal), decoded in the terminal's encoding, so a Korean IME's multi-byte input arrives
intact and backspace deletes whole syllables.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from diagnose.core.errors import EXIT_OK, DiagnoseError
from diagnose.core.i18n import Msg, pick
from diagnose.engine import batch, gates
from diagnose.inputs import answers
from diagnose.inputs.answers import NA, UNKNOWN
from diagnose.interview.session import (
    EXIT_INTERRUPTED,
    HINT_ENCODING,
    PROFILE,
    Action,
    Outcome,
    Result,
    Session,
    Step,
    allows_na,
    clean_text,
    confirmation,
    interpret,
    options_of,
)

TYPE_NAMES: dict[str, Msg] = {
    "level": Msg("수준", "level"), "multi": Msg("복수 선택", "multiple choice"),
    "yesno": Msg("예/아니오", "yes/no"), "number": Msg("숫자", "number"),
    "text": Msg("서술", "text"), "choice": Msg("선택", "choice"),
}
KEYS = Msg("? 안내 b 이전 s 나중에 j 이동 m 메모 q 종료",
           "? guidance b back s later j jump m note q quit")
KEYS_HELP = Msg(
    "Enter 유지 · s 나중에(끝에서 다시 물음) · j 2 / j data / j data.quality 이동\n"
    "m 메모·증빙 · q 저장 후 종료 (Ctrl-C도 저장) · 답마다 파일에 바로 저장",
    "Enter keeps · s later (asked again at the end) · j 2 / j data / j data.quality\n"
    "m note, evidence · q save and quit (Ctrl-C too) · every answer is saved at once")
BAR_WIDTH = 16


def read_line(prompt: str) -> str:
    """One whole line from the terminal, decoded in its encoding.

    Bytes the terminal's encoding cannot decode come back as a lone surrogate, which the
    interview refuses with a hint instead of writing garbage to the file.
    """
    try:
        return input(prompt)
    except UnicodeDecodeError:
        return "\udcff"


class Terminal:
    """Where the interview is shown and typed: a rich console and a line reader."""

    def __init__(self, lang: str = "ko", console: Console | None = None,
                 read: Callable[[str], str] | None = None) -> None:
        self.lang = lang
        self.console = console or Console(highlight=False, markup=False, emoji=False)
        self._read = read or read_line
        self.interactive = console is None and read is None and sys.stdin.isatty() \
            and self.console.is_terminal
        if self.interactive:
            import readline  # noqa: F401  (line editing that knows wide Korean characters)

    def text(self, msg: Msg) -> str:
        return msg.render(self.lang)

    def show(self, renderable: RenderableType) -> None:
        self.console.print(renderable)

    def say(self, msg: Msg, style: str = "") -> None:
        """One message; never wrapped, so a path or a command stays whole for copying."""
        self.console.print(Text(self.text(msg), style=style), soft_wrap=True)

    def read(self, prompt: str = "> ") -> str:
        """A typed line; raises ``EOFError`` and ``KeyboardInterrupt`` as ``input`` does."""
        return self._read(prompt)

    def ask(self, session: Session, step: Step, outcome: Outcome | None, guidance: bool) -> str:
        """Show the question screen and read the answer line."""
        width = self.console.width
        screen = question_screen(session, step, outcome, guidance, width)
        if guidance and self.height(screen) >= self.console.height:
            screen = question_screen(session, step, outcome, guidance, width, key_help=False)
        self.clear()
        self.show(screen)
        return self.read("> ")

    def height(self, renderable: RenderableType) -> int:
        """Lines ``renderable`` takes on this console."""
        return len(self.console.render_lines(renderable, self.console.options, pad=False))

    def prompt(self, msg: Msg) -> str:
        self.say(msg, "bold")
        return self.read("> ")

    def confirm(self, msg: Msg) -> bool:
        """A [y/n] question, asked until answered."""
        while True:
            answer = confirmation(self.read(f"{self.text(msg)} [y/n] "))
            if answer is not None:
                return answer
            self.say(Msg("y(예) 또는 n(아니오)를 입력하세요", "type y (yes) or n (no)"), "yellow")

    def pause(self) -> None:
        self.read(self.text(Msg("Enter를 누르면 계속합니다 ", "press Enter to continue ")))

    def clear(self) -> None:
        if self.interactive:
            self.console.clear()


# --- screens -----------------------------------------------------------------------------------

def _t(session: Session, msg: Msg) -> str:
    return msg.render(session.lang)


def _bar(done: int, total: int) -> Text:
    filled = round(BAR_WIDTH * done / total) if total else 0
    bar = Text("━" * filled, style="cyan")
    bar.append("─" * (BAR_WIDTH - filled), style="dim")
    bar.append(f" {done}/{total}")
    return bar


def _header(session: Session, step: Step) -> Table:
    done, total = session.progress()
    steps = session.visible_steps(step.section)
    number = next((k for k, s in enumerate(steps, 1) if s.index == step.index), 0)
    title = session.section_title(step.section)
    if step.section == PROFILE:
        where = Msg("{t} · 항목 {j}/{m}", "{t} · item {j}/{m}")
    else:
        where = Msg("영역 {i}/{n} {t} · 문항 {j}/{m}", "Dimension {i}/{n} {t} · question {j}/{m}")
    where = where.format(i=step.section, n=len(session.questionnaire.dimensions), t=title,
                         j=number, m=len(steps))
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_row(Text(_t(session, where), style="bold"), _bar(done, total))
    return grid


def _about(session: Session, step: Step) -> Text:
    item = step.item
    parts = [step.id, _t(session, TYPE_NAMES[item.type])]
    if step.is_profile and not step.optional:
        parts.append(_t(session, Msg("필수", "required")))
    weight = getattr(item, "weight", 1)
    if weight != 1:
        parts.append(_t(session, Msg("가중치 {w:g}", "weight {w:g}").format(w=weight)))
    if session.review is not None and step.id in session.review:
        shown = [i for i in session.review if session.visibility()[i]]
        if step.id in shown:
            parts.append(_t(session, Msg("검토 {k}/{n}", "review {k}/{n}").format(
                k=shown.index(step.id) + 1, n=len(shown))))
    elif step.id in session.skipped:
        parts.append(_t(session, Msg("나중에로 미룸", "left for later")))
    return Text(" · ".join(parts), style="dim")


def _selected(value: Any) -> set[Any]:
    if value is None:
        return set()
    return set(value) if isinstance(value, tuple) else {value}


def _options(session: Session, step: Step, value: Any) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    chosen = _selected(value)
    for k, option in enumerate(options_of(step.item), 1):
        picked = option.value in chosen
        mark = Text("●" if picked else " ", style="green")
        mark.append(str(k), style="bold green" if picked else "bold")
        grid.add_row(mark, Text(pick(option.label, session.lang),
                                style="green" if picked else ""))
    return grid


def _format_hint(session: Session, step: Step) -> str:
    item = step.item
    count = len(options_of(item))
    if item.type == "multi":
        text = Msg("번호 여러 개: 1,3 또는 1 3 · 0 = 선택 없음",
                   "numbers: 1,3 or 1 3 · 0 = none ticked").render(session.lang)
    elif item.type == "number":
        unit = pick(item.unit, session.lang) if item.unit else ""
        bounds = ""
        if item.min is not None and item.max is not None:
            bounds = f"{item.min:g}~{item.max:g}"
        elif item.min is not None:
            bounds = f"≥ {item.min:g}"
        elif item.max is not None:
            bounds = f"≤ {item.max:g}"
        extra = ", ".join(p for p in (unit, bounds) if p)
        text = _t(session, Msg("숫자", "a number")) + (f" ({extra})" if extra else "")
    elif item.type == "text":
        text = _t(session, Msg("글로 입력", "type text"))
    else:
        text = _t(session, Msg("번호 1~{k}", "number 1-{k}").format(k=count))
    if allows_na(item):
        text += _t(session, Msg(" · n 해당없음 · d 모름", " · n n/a · d don't know"))
    if step.optional and session.value(step) is None:
        text += _t(session, Msg(" · Enter 비워 둠", " · Enter leaves it blank"))
    return text


def _keys(session: Session, step: Step, width: int) -> Text:
    """How to answer and the command keys: one line when it fits, else two."""
    answer, keys = _format_hint(session, step), _t(session, KEYS)
    joined = f"{answer} │ {keys}"
    return Text(joined if cell_len(joined) <= width else f"{answer}\n{keys}", style="dim")


def _current(session: Session, step: Step, value: Any) -> Text | None:
    answer = session.answer_of(step)
    parts: list[str] = []
    if value is not None:
        shown = answers.display(step.item, value, session.lang)
        if step.item.type in {"level", "yesno", "choice"} and value not in (NA, UNKNOWN):
            number = next((k for k, o in enumerate(options_of(step.item), 1) if o.value == value),
                          None)
            shown = f"{number}" if number else shown
        parts.append(_t(session, Msg("현재 답: {v} (Enter = 유지)", "answer: {v} (Enter keeps it)")
                        .format(v=shown)))
    if answer is not None and (answer.note or answer.evidence):
        note = (answer.note or "").replace("\n", " ")
        extra = _t(session, Msg(" · 증빙 {n}개", " · {n} evidence")).format(
            n=len(answer.evidence)) if answer.evidence else ""
        parts.append(_t(session, Msg("메모: ", "note: ")) + note + extra)
    if not parts:
        return None
    return Text(" │ ".join(parts), style="green", no_wrap=True, overflow="ellipsis")


def question_screen(session: Session, step: Step, outcome: Outcome | None = None,
                    guidance: bool = False, width: int = 80, key_help: bool = True) -> Group:
    """One question, compact enough for 80x24 with five long anchored options.

    ``guidance`` adds the consultant guidance (and, with ``key_help``, what the keys do).
    """
    item = step.item
    value = session.value(step)
    rows: list[RenderableType] = [_header(session, step), _about(session, step),
                                  Text(pick(item.text, session.lang), style="bold")]
    if options_of(item):
        rows.append(_options(session, step, value))
    if guidance:
        text = pick(item.guidance, session.lang) if item.guidance else _t(
            session, Msg("이 문항에는 안내가 없습니다.", "no guidance for this question."))
        rows.append(Text(_t(session, Msg("안내: ", "Guidance: ")) + text, style="cyan"))
        if key_help:
            rows.append(Text(_t(session, KEYS_HELP), style="dim"))
    if step.id in session.stale:
        rows.append(Text(_t(session, Msg(
            "이전 버전의 답 '{v}'은(는) 이제 맞지 않습니다: 다시 답하세요",
            "the earlier answer '{v}' no longer fits this version: answer again"))
            .format(v=_raw(session.stale[step.id])), style="yellow"))
    current = _current(session, step, value)
    if current is not None:
        rows.append(current)
    rows.append(_keys(session, step, width))
    if session.save_error is not None:
        rows.append(Text(_t(session, session.save_error), style="bold red"))
    if outcome is not None and (outcome.refused or outcome.notice):
        msg = outcome.refused or outcome.notice
        assert msg is not None
        rows.append(Text(_t(session, msg), style="yellow" if outcome.refused else "green"))
    return Group(*rows)


def _raw(value: Any) -> str:
    """A stored value as typed in the file (a list as ``a, b``)."""
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def _listed(ids: list[str], limit: int = 6) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" … +{len(ids) - limit}" if len(ids) > limit else "")


def _bullets(lines: list[str]) -> Table:
    """Bulleted lines whose wrapped parts hang under the text, not under the bullet."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for line in lines:
        grid.add_row("•", Text(line))
    return grid


def changes_screen(session: Session) -> Group:
    """What changed since the file was written with another questionnaire version."""
    changes = session.changes
    assert changes is not None
    lang = session.lang
    rows: list[RenderableType] = []
    if changes.version_changed:
        rows.append(Text(Msg("질문지가 바뀌었습니다: 이 파일은 버전 {o}, 지금 질문지는 버전 {n}입니다.",
                             "The questionnaire changed: this file has version {o}, "
                             "the questionnaire is version {n}.")
                         .format(o=changes.old_version, n=changes.new_version).render(lang),
                         style="bold yellow"))
    elif changes.text_changed:
        rows.append(Text(Msg("같은 버전 {n}이지만 질문지 파일의 내용이 바뀌었습니다.",
                             "Same version {n}, but the questionnaire file's content changed.")
                         .format(n=changes.new_version).render(lang), style="bold yellow"))
    else:
        rows.append(Text(Msg("응답 파일에 이 질문지에 맞지 않는 답이 있습니다.",
                             "The response file has answers this questionnaire does not take.")
                         .render(lang), style="bold yellow"))
    if changes.backup is not None:
        rows.append(Text(Msg("원래 파일은 {b}에 보관했습니다.", "The original file is kept as {b}.")
                         .format(b=changes.backup).render(lang)))
    bullets: list[str] = []
    if changes.removed:
        bullets.append(Msg("질문지에서 빠진 문항 (답은 파일에 남고 채점하지 않음): {i}",
                           "no longer asked (kept in the file, not scored): {i}")
                       .format(i=_listed(changes.removed)).render(lang))
    for qid, old, why in changes.invalid[:6]:
        bullets.append(Msg("더 이상 맞지 않는 답 (다시 묻습니다): {i} = {v} — {w}",
                           "no longer valid (asked again): {i} = {v} — {w}")
                       .format(i=qid, v=_raw(old), w=why.render(lang)).render(lang))
    if len(changes.invalid) > 6:
        bullets.append(f"… +{len(changes.invalid) - 6}")
    if changes.added:
        label = Msg("새 문항: {i}", "new questions: {i}") if changes.added_exact else Msg(
            "지나온 부분에서 답이 없는 문항 (새 문항일 수 있음): {i}",
            "unanswered questions in the part already covered (possibly new): {i}")
        bullets.append(label.format(i=_listed(changes.added)).render(lang))
    if changes.changed:
        bullets.append(Msg("내용이 바뀐 문항 (답을 확인하세요, j로 이동): {i}",
                           "changed questions (check the answers, j to go): {i}")
                       .format(i=_listed(changes.changed)).render(lang))
    if bullets:
        rows.append(_bullets(bullets))
    rows.append(Text(Msg("맞는 답은 그대로 두고, 답이 없는 문항부터 이어서 묻습니다.",
                         "Answers that still fit are kept; the interview continues with the "
                         "open questions.").render(lang), style="dim"))
    return Group(*rows)


def review_screen(session: Session, steps: list[Step]) -> Group:
    """The questions left open or answered 'don't know', before the interview ends."""
    lang = session.lang
    unknown = [s for s in steps if session.value(s) == UNKNOWN]
    open_ = [s for s in steps if session.value(s) is None]
    rows: list[RenderableType] = [Text(Msg(
        "끝까지 왔습니다. 답하지 않은 문항 {a}개, '모름' {b}개가 있습니다.",
        "You reached the end. {a} question(s) unanswered, {b} answered 'don't know'.")
        .format(a=len(open_), b=len(unknown)).render(lang), style="bold")]
    limit = 14
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="yellow")
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(no_wrap=True, overflow="ellipsis")
    for step in steps[:limit]:
        mark = Msg("모름", "don't know") if session.value(step) == UNKNOWN else Msg(
            "미응답", "open")
        grid.add_row(mark.render(lang), step.id, Text(pick(step.item.text, lang)))
    rows.append(grid)
    if len(steps) > limit:
        rows.append(Text(f"… +{len(steps) - limit}"))
    return Group(*rows)


def _num(value: Any, digits: int = 2) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if number != number else f"{number:.{digits}f}"


def _percent(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if number != number else f"{number:.0f}%"


def result_screen(session: Session, result: Result) -> Group:
    """The dimension table, the overall level and which gate capped it (same engine)."""
    lang = session.lang
    row = result.row
    q = session.questionnaire
    title = Text(Msg("진단 결과 — ", "Result — ").render(lang), style="bold")
    title.append(str(row["company.name"] or ""), style="bold")
    title.append(f"  ({row['assessment.round']}, {row['assessment.date'] or ''})", style="dim")
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    for name, justify in ((Msg("영역", "Dimension"), "left"), (Msg("점수", "Score"), "right"),
                          (Msg("%", "%"), "right"), (Msg("완성도", "Complete"), "right"),
                          (Msg("", ""), "left")):
        table.add_column(name.render(lang), justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for dim in q.dimensions:
        flag = Msg("근거 부족", "insufficient evidence").render(lang) \
            if row[f"{dim.id}.insufficient"] else ""
        table.add_row(Text(pick(dim.title, lang)), _num(row[f"{dim.id}.score"]),
                      _percent(row[f"{dim.id}.percent"]),
                      _percent(100 * float(row[f"{dim.id}.completeness"])),
                      Text(flag, style="yellow"))
    table.add_row(Text(Msg("종합", "Overall").render(lang), style="bold"),
                  Text(_num(row["overall.score"]), style="bold"),
                  Text(_percent(row["overall.percent"]), style="bold"), "", "")
    rows: list[RenderableType] = [title, table]
    level = row["overall.level"]
    if pd.isna(level):
        rows.append(Text(Msg("점수가 있는 영역이 없어 수준을 정할 수 없습니다.",
                             "No dimension has a score, so there is no level.").render(lang)))
    else:
        rows.append(Text(Msg("성숙도 수준 {l} {n}", "Maturity level {l} {n}")
                         .format(l=int(level), n=row["overall.level_name"]).render(lang),
                         style="bold green"))
    band = result.scores.band_levels.iloc[0]
    for item in result.scores.fired_gates[0]:
        rows.append(Text(Msg("단계 제한: ", "capped: ").render(lang)
                         + gates.explain(item, q, None if pd.isna(band) else int(band), lang),
                         style="yellow"))
    return Group(*rows)


# --- the conversation ---------------------------------------------------------------------------

def converse(session: Session, ui: Terminal) -> int:
    """Ask until the end or until the consultant stops; the exit code.

    ``q`` and end of input save and exit 0; Ctrl-C saves and exits 130. In every case the
    screen says how to resume.
    """
    try:
        return _conversation(session, ui)
    except KeyboardInterrupt:
        ui.console.print()
        return _stopped(session, ui, EXIT_INTERRUPTED)
    except EOFError:
        ui.console.print()
        return _stopped(session, ui, EXIT_OK)


def _stopped(session: Session, ui: Terminal, code: int) -> int:
    session.save()
    if session.save_error is not None:
        raise DiagnoseError(session.save_error, where=session.path)
    done, total = session.progress()
    ui.say(Msg("저장했습니다 ({d}/{t} 답함): {p}", "saved ({d}/{t} answered): {p}")
           .format(d=done, t=total, p=session.path), "green")
    ui.say(Msg("이어 하려면: {c}", "to resume: {c}").format(c=session.resume_command), "bold")
    return code


def _conversation(session: Session, ui: Terminal) -> int:
    if session.changes is not None:
        ui.clear()
        ui.show(changes_screen(session))
        ui.pause()
    outcome: Outcome | None = Outcome(notice=session.opening) if session.opening else None
    guidance, last = False, None
    while True:
        step = session.current
        if step is None:
            ended = _end(session, ui)
            if isinstance(ended, int):
                return ended
            outcome = ended
            continue
        if step.index != last:
            guidance, last = False, step.index
        line = ui.ask(session, step, outcome, guidance)
        action = interpret(line, step.item, session.value(step) is not None)
        outcome = None
        if action.kind == "quit":
            return _stopped(session, ui, EXIT_OK)
        if action.kind == "help":
            guidance = not guidance
            continue
        if action.kind == "memo":
            outcome = _memo(session, ui, step)
            continue
        if action.kind == "jump" and not action.target:
            target = ui.prompt(Msg("어디로 갈까요? 영역 번호·id 또는 문항 id (Enter = 첫 미응답)",
                                   "Go where? dimension number or id, or a question id "
                                   "(Enter = first open)"))
            action = Action("jump", target=target)
        outcome = session.apply(action)


def _memo(session: Session, ui: Terminal, step: Step) -> Outcome:
    """Ask for the note and the evidence paths of the current question, and save them."""
    if step.is_profile:
        return session.set_note(step, None, None)
    answer = session.answer_of(step)
    if answer is not None and answer.note:
        ui.show(Text(ui.text(Msg("현재 메모: ", "current note: ")) + answer.note))
    note = clean_text(ui.read(ui.text(Msg("메모 (Enter = 그대로, - = 지우기): ",
                                          "note (Enter keeps, - clears): "))))
    if note is None:
        return Outcome(refused=HINT_ENCODING)
    if answer is not None and answer.evidence:
        ui.show(Text(ui.text(Msg("현재 증빙: ", "current evidence: ")) + ", ".join(answer.evidence)))
    paths = clean_text(ui.read(ui.text(Msg("증빙 파일 경로, 쉼표로 구분 (Enter = 그대로, - = 지우기): ",
                                           "evidence paths, comma-separated (Enter keeps, - clears): "))))
    if paths is None:
        return Outcome(refused=HINT_ENCODING)
    note_value = None if not note.strip() else "" if note.strip() == "-" else note.strip()
    evidence: list[str] | None = None
    if paths.strip() == "-":
        evidence = []
    elif paths.strip():
        evidence = [p.strip() for p in paths.replace(";", ",").split(",") if p.strip()]
    if note_value is None and evidence is None:
        return Outcome(notice=Msg("메모를 바꾸지 않았습니다", "note unchanged"))
    return session.set_note(step, note_value, evidence)


def _end(session: Session, ui: Terminal) -> int | Outcome | None:
    """Review what is open, then score, show the result and offer the PDF."""
    pending = session.review_items()
    if pending:
        ui.clear()
        ui.show(review_screen(session, pending))
        if ui.confirm(Msg("지금 답하시겠습니까? (문항에서 Enter는 그대로 둠)",
                          "Answer them now? (Enter on a question leaves it)")):
            session.begin_review(pending)
            return None
        session.decline_review(pending)
    missing = session.missing_required()
    if missing is not None:
        session.position = missing.index
        return Outcome(refused=Msg("기업명은 꼭 있어야 합니다: 입력하세요",
                                   "the company name is required: type it"))
    session.finish()
    result = session.result()
    ui.clear()
    ui.show(result_screen(session, result))
    if ui.confirm(Msg("PDF 보고서를 만들까요?", "Render the PDF report?")):
        ui.say(Msg("PDF를 만드는 중…", "rendering the PDF…"), "dim")
        path = render_report(session, result)
        ui.say(Msg("PDF: {p}", "PDF: {p}").format(p=path), "green")
    ui.say(Msg("인터뷰를 마쳤습니다 (status: complete): {p}",
               "interview complete (status: complete): {p}").format(p=session.path), "green")
    return EXIT_OK


def render_report(session: Session, result: Result) -> Path:
    """The PDF report of a finished interview, written next to its response file."""
    from diagnose.jobs import reports

    scored = batch.Batch(session.questionnaire, session.rubric, [result.loaded], result.scores)
    return reports.render_reports(scored, session.path.parent, session.lang, workers=1)[0]
