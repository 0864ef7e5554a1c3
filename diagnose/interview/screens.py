"""The interview at the terminal: screens that fit the terminal, reading lines, the conversation.

Every screen is rebuilt from the session for each prompt, so what the consultant sees is
always what is in the file. A screen is drawn in the first of its layouts that fits the
terminal (guidance clipped, options on one line each when space is short), so the header
never scrolls away; a resize or Ctrl-L draws it again for the new size, keeping what was
typed. Untrusted text (company names, notes, questionnaire content) is always
``rich.text.Text``, never markup. Lines are read whole with ``input()`` (GNU readline on a
terminal), decoded in the terminal's encoding, so a Korean IME's multi-byte input arrives
intact and backspace deletes whole syllables.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.segment import Segment, Segments
from rich.table import Table
from rich.text import Text

from diagnose.core import labels
from diagnose.core.errors import EXIT_OK, DiagnoseError
from diagnose.core.i18n import Msg, pick
from diagnose.engine import batch, gates
from diagnose.inputs import identity
from diagnose.inputs.answers import UNKNOWN
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
    shown_value,
)
from diagnose.render.pdf import PdfUnavailable

KEYS = Msg("? 안내 b 이전 s 나중에 j 이동 r 검토 m 메모 q 종료",
           "? guidance b back s later j jump r review m note q quit")
KEYS_HELP = Msg(
    "Enter 유지 · s 나중에(끝에서 다시 물음) · j 2 / j data / j data.quality 이동\n"
    "r 모든 답 검토·고치기 · m 메모·증빙 · Ctrl-L 다시 그리기\n"
    "q 저장 후 종료 (Ctrl-C도 저장) · 답마다 바로 저장됩니다",
    "Enter keeps · s later (asked again at the end) · j 2 / j data / j data.quality\n"
    "r review and edit all answers · m note, evidence · Ctrl-L redraw\n"
    "q save and quit (Ctrl-C too) · every answer is saved at once")
BAR_WIDTH = 16
CTRL_L = "\x0c"  # what the Ctrl-L binding leaves at the end of the line: draw the screen again
GUIDANCE_LINES = (4, 2, 1)  # how far the guidance is clipped when the screen does not fit


class Redraw(Exception):
    """The terminal was resized or Ctrl-L pressed: draw the screen again, keeping ``typed``."""

    def __init__(self, typed: str) -> None:
        super().__init__(typed)
        self.typed = typed


def read_line(prompt: str) -> str:
    """One whole line from the terminal, decoded in its encoding.

    Bytes the terminal's encoding cannot decode come back as a lone surrogate, which the
    interview refuses with a hint instead of writing garbage to the file.
    """
    try:
        return input(prompt)
    except UnicodeDecodeError:
        return "\udcff"


def _gnu_readline() -> Any:
    """GNU readline, with Ctrl-L bound to 'draw the screen again'; None elsewhere (libedit,
    Windows), where the default keys stay."""
    try:
        import readline
    except ImportError:
        return None
    if getattr(readline, "backend", "readline") != "readline" \
            or "libedit" in (readline.__doc__ or ""):
        return None
    # Ctrl-L ends the line with a form feed (quoted-insert), which ``read`` turns into a redraw
    readline.parse_and_bind(r'"\C-l": "\C-e\C-v\C-l\C-m"')
    return readline


class Terminal:
    """Where the interview is shown and typed: a rich console and a line reader."""

    def __init__(self, lang: str = "ko", console: Console | None = None,
                 read: Callable[[str], str] | None = None) -> None:
        self.lang = lang
        self.console = console or Console(highlight=False, markup=False, emoji=False)
        self._read = read or read_line
        self.interactive = console is None and read is None and sys.stdin.isatty() \
            and self.console.is_terminal
        # line editing that knows wide Korean characters, and Ctrl-L
        self._readline = _gnu_readline() if self.interactive else None

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

    def screen(self, layouts: Callable[[int], Iterator[RenderableType]],
               prompt: str = "> ") -> str:
        """Show a screen and read a line; drawn again on a resize or Ctrl-L.

        ``layouts(width)`` yields the screen's layouts, fullest first: the first that fits
        the terminal's height is shown (else the last, the most compact).
        """
        typed = ""
        while True:
            self.clear()
            self.show_fitting(layouts(self.console.width))
            try:
                return self._read_redrawable(prompt, typed)
            except Redraw as again:
                typed = again.typed

    def show_fitting(self, layouts: Iterator[RenderableType]) -> None:
        """The first of ``layouts`` that fits the terminal's height, else the last one."""
        room = self.console.height - 1  # the prompt's line
        lines: list[list[Segment]] = []
        for layout in layouts:
            lines = self.console.render_lines(layout, self.console.options, pad=False)
            if len(lines) <= room:
                break
        # the lines already rendered are printed as they are, not rendered a second time
        flat: list[Segment] = []
        for line in lines:
            flat.extend(line)
            flat.append(Segment.line())
        self.console.print(Segments(flat), end="")

    def _read_redrawable(self, prompt: str, typed: str) -> str:
        readline = self._readline
        if readline is None:
            return self.read(prompt)

        def resized(signum: int, frame: Any) -> None:
            raise Redraw(readline.get_line_buffer())

        winch = getattr(signal, "SIGWINCH", None)
        before = signal.signal(winch, resized) if winch is not None else None
        if typed:
            readline.set_pre_input_hook(lambda: (readline.insert_text(typed),
                                                 readline.redisplay()))
        try:
            line = self.read(prompt)
        finally:
            if winch is not None:
                signal.signal(winch, before)
            readline.set_pre_input_hook(None)
        if CTRL_L in line:
            raise Redraw(line.replace(CTRL_L, ""))
        return line

    def prompt(self, msg: Msg) -> str:
        """A question on its own (wrapped at word boundaries) and the typed line."""
        self.console.print(Text(self.text(msg), style="bold"))
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


def _bar(done: int, total: int, width: int = BAR_WIDTH) -> Text:
    filled = round(width * done / total) if total else 0
    bar = Text("━" * filled, style="cyan")
    bar.append("─" * (width - filled), style="dim")
    bar.append(f" {done}/{total}")
    return bar


def _status(session: Session, width: int) -> Text:
    """The right of the header: minutes so far, the progress bar, answered/asked."""
    minutes = session.elapsed_minutes()
    status = Text(_t(session, Msg("{m}분 ", "{m} min ").format(m=minutes)), style="dim")
    done, total = session.progress()
    status.append_text(_bar(done, total, BAR_WIDTH if width >= 72 else 8))
    return status


def _header(session: Session, step: Step, width: int) -> Table:
    steps = session.visible_steps(step.section)
    number = next((k for k, s in enumerate(steps, 1) if s.index == step.index), 0)
    title = session.section_title(step.section)
    if step.section == PROFILE:
        where = Msg("{t} · 항목 {j}/{m}", "{t} · item {j}/{m}")
    else:
        where = Msg("영역 {i}/{n} {t} · 문항 {j}/{m}", "Dimension {i}/{n} {t} · question {j}/{m}")
    where = where.format(i=step.section, n=len(session.questionnaire.dimensions), t=title,
                         j=number, m=len(steps))
    return _title_row(Text(_t(session, where), style="bold"), _status(session, width))


def _title_row(left: Text, right: Text) -> Table:
    grid = Table.grid(expand=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(no_wrap=True, justify="right")
    grid.add_row(left, right)
    return grid


def _about(session: Session, step: Step) -> Text:
    item = step.item
    parts = [step.id, _t(session, labels.msg(f"question_types.{item.type}"))]
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
    elif session.edit_from is not None:
        parts.append(_t(session, Msg("고치는 중 (답하면 검토로 돌아감)",
                                     "editing (back to the review after the answer)")))
    elif step.id in session.skipped:
        parts.append(_t(session, Msg("나중에로 미룸", "left for later")))
    return Text(" · ".join(parts), style="dim", no_wrap=True, overflow="ellipsis")


def _selected(value: Any) -> set[Any]:
    if value is None:
        return set()
    return set(value) if isinstance(value, tuple) else {value}


def _options(session: Session, step: Step, value: Any, compact: bool = False) -> Table:
    options = options_of(step.item)
    grid = Table.grid(padding=(0, 1), expand=compact)
    grid.add_column(justify="right", no_wrap=True, min_width=1 + len(str(len(options))))
    grid.add_column(overflow="ellipsis" if compact else "fold", no_wrap=compact,
                    ratio=1 if compact else None)
    chosen = _selected(value)
    for k, option in enumerate(options, 1):
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
        parts.append(_t(session, Msg("현재 답 (Enter = 유지): {v}", "answer (Enter keeps it): {v}")
                        .format(v=shown_value(step.item, value, session.lang))))
    if answer is not None and (answer.note or answer.evidence):
        note = (answer.note or "").replace("\n", " ")
        extra = _t(session, Msg(" · 증빙 {n}개", " · {n} evidence")).format(
            n=len(answer.evidence)) if answer.evidence else ""
        parts.append(_t(session, Msg("메모: ", "note: ")) + note + extra)
    if not parts:
        return None
    return Text(" │ ".join(parts), style="green", no_wrap=True, overflow="ellipsis")


def _clip(text: str, cells: int) -> str:
    """``text`` cut to about ``cells`` terminal cells, marked with … when cut."""
    if cell_len(text) <= cells:
        return text
    kept, used = [], 0
    for char in text:
        used += cell_len(char)
        if used > cells - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _outcome_rows(session: Session, outcome: Outcome | None, tight: bool = False
                  ) -> list[RenderableType]:
    """What the last input did: saved (one line), notices, warnings, a refusal; ``tight``:
    each on one line."""
    rows: list[RenderableType] = []
    if session.save_error is not None:
        rows.append(Text(_t(session, session.save_error), style="bold red"))
    if outcome is None:
        return rows
    if outcome.saved is not None:
        rows.append(Text(_t(session, outcome.saved), style="green", no_wrap=True,
                         overflow="ellipsis"))
    for msg, style in ((outcome.notice, "green"), (outcome.warning, "yellow"),
                       (outcome.refused, "yellow")):
        if msg is not None:
            rows.append(Text(_t(session, msg), style=style, no_wrap=tight,
                             overflow="ellipsis" if tight else None))
    return rows


def question_screen(session: Session, step: Step, outcome: Outcome | None = None,
                    guidance: bool = False, width: int = 80, key_help: bool = True,
                    guidance_lines: int | None = None, compact: bool = False,
                    tight: bool = False) -> Group:
    """One question, compact enough for 80x24 with five long anchored options.

    ``guidance`` adds the consultant guidance (and, with ``key_help``, what the keys do);
    ``compact`` puts each option on one line, ``guidance_lines`` clips the guidance and
    ``tight`` puts every message on one line: the layouts for a small terminal (see
    ``question_layouts``).
    """
    item = step.item
    value = session.value(step)
    rows: list[RenderableType] = [_header(session, step, width), _about(session, step),
                                  Text(pick(item.text, session.lang), style="bold")]
    if options_of(item):
        rows.append(_options(session, step, value, compact))
    if guidance:
        text = pick(item.guidance, session.lang) if item.guidance else _t(
            session, Msg("이 문항에는 안내가 없습니다.", "no guidance for this question."))
        text = _t(session, Msg("안내: ", "Guidance: ")) + text
        if guidance_lines is not None:
            text = _clip(text, guidance_lines * width - width // 4)
        rows.append(Text(text, style="cyan"))
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
    rows.extend(_outcome_rows(session, outcome, tight))
    return Group(*rows)


def question_layouts(session: Session, step: Step, outcome: Outcome | None,
                     guidance: bool) -> Callable[[int], Iterator[RenderableType]]:
    """The question screen's layouts, fullest first, for ``Terminal.screen``."""

    def layouts(width: int) -> Iterator[RenderableType]:
        yield question_screen(session, step, outcome, guidance, width)
        if guidance:  # asked for: the guidance is kept whole longest, the options go first
            yield question_screen(session, step, outcome, guidance, width, key_help=False)
            yield question_screen(session, step, outcome, guidance, width, key_help=False,
                                  compact=True)
            for lines in GUIDANCE_LINES:
                yield question_screen(session, step, outcome, guidance, width, key_help=False,
                                      guidance_lines=lines, compact=True)
        else:
            yield question_screen(session, step, outcome, guidance, width, compact=True)
        yield question_screen(session, step, outcome, guidance, width, key_help=False,
                              guidance_lines=1, compact=True, tight=True)

    return layouts


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
    if changes.downgrade:
        rows.append(Text(Msg("주의: 이 파일은 더 새 질문지(버전 {o})로 답했습니다. 지금 질문지는 "
                             "버전 {n}입니다.",
                             "Careful: this file was answered with a newer questionnaire "
                             "(version {o}); the questionnaire in use is version {n}.")
                         .format(o=changes.old_version, n=changes.new_version).render(lang),
                         style="bold red"))
    elif changes.version_changed:
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
    rows.append(Text(Msg("계속하면 파일을 버전 {n}에 맞게 고쳐 씁니다: 맞는 답은 그대로 두고, 원본은 "
                         ".bak 사본으로 보관합니다. 아니면 파일을 건드리지 않고 멈춥니다.",
                         "Going on rewrites the file for version {n}: answers that still fit "
                         "are kept, the original is kept as a .bak copy. Otherwise the file is "
                         "left untouched.").format(n=changes.new_version).render(lang),
                     style="dim"))
    return Group(*rows)


def _by_section(session: Session, steps: list[Step]) -> dict[int, list[Step]]:
    grouped: dict[int, list[Step]] = {}
    for step in steps:
        grouped.setdefault(step.section, []).append(step)
    return grouped


def review_layouts(session: Session, steps: list[Step]
                   ) -> Callable[[int], Iterator[RenderableType]]:
    """The questions left open or answered 'don't know', before the interview ends: every
    one by id under its section; when that does not fit, every section with its counts."""
    lang = session.lang
    unknown = [s for s in steps if session.value(s) == UNKNOWN]
    title = Text(Msg("끝까지 왔습니다. 답하지 않은 문항 {a}개, '모름' {b}개가 있습니다.",
                     "You reached the end. {a} question(s) unanswered, {b} answered "
                     "'don't know'.").format(a=len(steps) - len(unknown), b=len(unknown))
                 .render(lang), style="bold")
    grouped = _by_section(session, steps)
    dont_know = Msg("모름", "don't know").render(lang)

    def layouts(width: int) -> Iterator[RenderableType]:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for section, items in grouped.items():
            ids = [s.id + (f" ({dont_know})" if session.value(s) == UNKNOWN else "")
                   for s in items]
            grid.add_row(Text(session.section_title(section)), Text(", ".join(ids)))
        yield Group(title, grid)
        counts = Table.grid(padding=(0, 1))
        counts.add_column(no_wrap=True, style="bold")
        counts.add_column(no_wrap=True)
        for section, items in grouped.items():
            known = sum(1 for s in items if session.value(s) == UNKNOWN)
            counts.add_row(Text(session.section_title(section)), Text(Msg(
                "미응답 {a} · 모름 {b}", "open {a} · don't know {b}").format(
                    a=len(items) - known, b=known).render(lang)))
        yield Group(title, counts)

    return layouts


def _mark(session: Session, step: Step) -> Text:
    value = session.value(step)
    if value is None:
        return Text("·", style="yellow")
    return Text("?" if value == UNKNOWN else "●", style="yellow" if value == UNKNOWN else "green")


def overview_rows(session: Session, section: int) -> list[Step]:
    """The items the review of all answers lists for a section, numbered from 1."""
    return session.visible_steps(section)


def overview_page_size(height: int) -> int:
    """Rows of answers per page: the title, the keys, a notice and the prompt take four."""
    return max(3, height - 5)


def overview_layouts(session: Session, outcome: Outcome | None, height: int
                     ) -> Callable[[int], Iterator[RenderableType]]:
    """The review of all answers, one section (and page) at a time: each question's text and
    its answer as the consultant reads it; a number edits one."""
    lang = session.lang
    section = session.overview
    assert section is not None
    steps = overview_rows(session, section)
    size = overview_page_size(height)
    pages = max(1, -(-len(steps) // size))
    page = min(session.overview_page, pages - 1)
    first = page * size
    done, total = session.section_progress(section)
    count = len(session.questionnaire.dimensions)
    where = Msg("답 검토 · 영역 {i}/{n} {t} · {d}/{a} 답함",
                "Review · dimension {i}/{n} {t} · {d}/{a} answered") if section else Msg(
        "답 검토 · {t} · {d}/{a} 답함", "Review · {t} · {d}/{a} answered")
    title = where.format(i=section, n=count, t=session.section_title(section), d=done, a=total)
    if pages > 1:
        title = Msg(title.ko + " · 쪽 {p}/{q}", title.en + " · page {p}/{q}").format(
            p=page + 1, q=pages)
    keys = Msg("번호 = 고치기 · Enter 다음 · b 이전 · j 3 영역 이동 · r 닫기 · q 종료",
               "number = edit · Enter next · b back · j 3 go to dimension · r close · q quit")

    def layouts(width: int) -> Iterator[RenderableType]:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=3, no_wrap=True, overflow="ellipsis")
        grid.add_column(ratio=2, no_wrap=True, overflow="ellipsis")
        for k, step in enumerate(steps[first:first + size], first + 1):
            answer = Text(shown_value(step.item, session.value(step), lang)
                          or Msg("(미응답)", "(open)").render(lang),
                          style="" if session.value(step) is not None else "yellow")
            grid.add_row(Text(str(k), style="bold"), _mark(session, step),
                         Text(pick(step.item.text, lang)), answer)
        minutes = Msg("{m}분", "{m} min").format(m=session.elapsed_minutes()).render(lang)
        yield Group(_title_row(Text(title.render(lang), style="bold"), Text(minutes, style="dim")),
                    grid, Text(keys.render(lang), style="dim"),
                    *_outcome_rows(session, outcome))

    return layouts


def contents_layouts(session: Session) -> Callable[[int], Iterator[RenderableType]]:
    """Where ``j`` can go: every section with its progress and its first open question."""
    lang = session.lang

    def layouts(width: int) -> Iterator[RenderableType]:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True, style="bold")
        grid.add_column(no_wrap=True, overflow="ellipsis", max_width=max(12, width // 3))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(no_wrap=True, overflow="ellipsis", style="dim")
        for section in range(len(session.questionnaire.dimensions) + 1):
            done, total = session.section_progress(section)
            first = next((s.id for s in session.visible_steps(section)
                          if session.is_open(s) and not s.optional), "")
            grid.add_row(str(section), Text(session.section_title(section)), f"{done}/{total}",
                         Text(Msg("첫 미응답 {i}", "first open {i}").format(i=first).render(lang)
                              if first else ""))
        yield Group(
            Text(Msg("어디로 갈까요?", "Go where?").render(lang), style="bold"), grid,
            Text(Msg("영역 번호·id 또는 문항 id (Enter = 첫 미응답, r = 모든 답 검토)",
                     "dimension number or id, or a question id (Enter = first open, r = review "
                     "all answers)").render(lang), style="dim"))

    return layouts


def summary_layouts(session: Session) -> Callable[[int], Iterator[RenderableType]]:
    """The last question: the consultant's own verdict (``assessment.summary``), optional."""
    lang = session.lang
    done, total = session.progress()
    current = session.response.assessment.summary

    def layouts(width: int) -> Iterator[RenderableType]:
        rows: list[RenderableType] = [
            _title_row(Text(Msg("마무리 — {d}/{t} 답함", "Finishing — {d}/{t} answered")
                            .format(d=done, t=total).render(lang), style="bold"),
                       _status(session, width)),
            Text(Msg("종합 의견: 이 기업에 대한 컨설턴트의 판단을 한 문단으로 적으세요. 보고서 "
                     "첫머리에 실립니다 (assessment.summary, 파일에서 고칠 수 있음).",
                     "Summary: your own verdict on this company, one paragraph. It opens the "
                     "report (assessment.summary, editable in the file).").render(lang),
                 style="bold")]
        if current:
            rows.append(Text(Msg("현재: ", "now: ").render(lang) + current, style="green"))
        rows.append(Text(Msg("Enter = {k} · - = 지우기 · r = 모든 답 검토 · b = 마지막 문항",
                             "Enter = {k} · - clears · r = review all answers · b = last question")
                         .format(k=Msg("그대로 두고 채점", "keep it and score").render(lang)
                                 if current else Msg("비워 두고 채점", "leave it blank and score")
                                 .render(lang)).render(lang), style="dim"))
        yield Group(*rows)

    return layouts


def support_layouts(session: Session) -> Callable[[int], Iterator[RenderableType]]:
    """On a follow-up round, before the summary: the support received since the last round
    (``assessment.support_since_last``), which the progress report sets beside the change."""
    lang = session.lang
    current = session.response.assessment.support_since_last
    tracks = session.programme_tracks()

    def layouts(width: int) -> Iterator[RenderableType]:
        rows: list[RenderableType] = [
            _title_row(Text(Msg("마무리 — 지난 진단 뒤 받은 지원",
                                "Finishing — support since the last round").render(lang),
                            style="bold"), _status(session, width)),
            Text(Msg("지난 진단 뒤 이 기업이 받은 지원을 쉼표로 구분해 적으세요: 사업 트랙 번호·id "
                     "또는 자유 기술 (예: 1, 울산TP 품질 데이터 컨설팅). 후속 진단 보고서가 "
                     "변화 옆에 보여 줍니다.",
                     "Support this company received since the last round, separated by "
                     "commas: programme track numbers or ids, or free text (e.g. 1, a quality "
                     "data consultancy). The progress report shows it beside the change."
                     ).render(lang), style="bold")]
        if tracks:
            grid = Table.grid(padding=(0, 1))
            for number, track in enumerate(tracks, 1):
                grid.add_row(str(number), Text(track.id, style="cyan"),
                             Text(pick(track.name, lang)))
            rows.append(grid)
        if current is not None:
            names = {t.id: pick(t.name, lang) for t in tracks}  # a track by its name
            items = current if isinstance(current, list) else [str(current)]
            shown = ", ".join(names.get(item, item) for item in items) or (
                Msg("받은 지원 없음", "none received").render(lang))
            rows.append(Text(Msg("현재: ", "now: ").render(lang) + shown, style="green"))
        rows.append(Text(Msg("0 = 받은 지원 없음 · - = 지우기 · Enter = {k} · r = 모든 답 검토 · "
                             "b = 마지막 문항", "0 = none received · - clears · Enter = {k} · "
                             "r = review all answers · b = last question")
                         .format(k=Msg("그대로 둠", "keep it").render(lang) if current is not None
                                 else Msg("기록하지 않음", "do not record").render(lang))
                         .render(lang), style="dim"))
        yield Group(*rows)

    return layouts


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
    title.append(f"  ({identity.round_name(row['assessment.round'], lang)}, "
                 f"{row['assessment.date'] or ''})", style="dim")
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
    if session.changes is not None:  # stopped before the questionnaire change was agreed
        ui.say(Msg("파일을 바꾸지 않았습니다: {p}", "the file was not changed: {p}")
               .format(p=session.path), "yellow")
        return code
    session.save()
    if session.save_error is not None:
        raise DiagnoseError(session.save_error, where=session.path)
    done, total = session.progress()
    ui.say(Msg("저장했습니다 ({d}/{t} 답함): {p}", "saved ({d}/{t} answered): {p}")
           .format(d=done, t=total, p=session.path), "green")
    ui.say(Msg("이어 하려면: {c}", "to resume: {c}").format(c=session.resume_command), "bold")
    return code


def _agree_to_changes(session: Session, ui: Terminal) -> bool:
    """Show what a questionnaire change does to the file and rewrite it only on a yes."""
    changes = session.changes
    assert changes is not None
    ui.clear()
    ui.show(changes_screen(session))
    question = Msg("버전 {n}으로 고쳐 쓰고 이어 할까요?", "Rewrite it for version {n} and go on?")
    if not ui.confirm(question.format(n=changes.new_version)):
        ui.say(Msg("파일을 바꾸지 않았습니다. 버전 {o}의 질문지로 이어 하려면 -q로 그 파일을 주세요.",
                   "The file was not changed. To go on with version {o}, pass that "
                   "questionnaire with -q.").format(o=changes.old_version), "yellow")
        return False
    session.accept_changes()
    kept = Msg("원래 파일은 {b}에 보관했습니다", "the original file is kept as {b}").format(
        b=changes.backup)
    session.opening = kept if session.opening is None else Msg(
        f"{kept.ko} · {session.opening.ko}", f"{kept.en} · {session.opening.en}")
    return True


def _ask_consultant(session: Session, ui: Terminal) -> None:
    """The consultant's name, when neither ``--consultant`` nor the environment gave it."""
    ui.clear()
    name = clean_text(ui.prompt(Msg(
        "컨설턴트 이름을 입력하세요 (보고서와 컨설턴트별 비교에 쓰입니다; Enter = 비워 둠, "
        "다음부터는 --consultant나 DIAGNOSE_CONSULTANT로)",
        "Your name as the consultant (used in the report and the per-consultant comparison; "
        "Enter leaves it blank; next time use --consultant or DIAGNOSE_CONSULTANT)")))
    if name and name.strip():
        session.set_assessment(consultant=name)


def _conversation(session: Session, ui: Terminal) -> int:
    if session.changes is not None and not _agree_to_changes(session, ui):
        return EXIT_OK
    if not session.response.assessment.consultant:
        _ask_consultant(session, ui)
    outcome: Outcome | None = Outcome(notice=session.opening) if session.opening else None
    guidance, last = False, None
    while True:
        if session.overview is not None:
            reviewed = _overview(session, ui, outcome)
            if isinstance(reviewed, int):
                return reviewed
            outcome = reviewed
            continue
        step = session.current
        if step is None:
            ended = _end(session, ui)
            if isinstance(ended, int):
                return ended
            outcome = ended
            continue
        if step.index != last:
            guidance, last = False, step.index
        line = ui.screen(question_layouts(session, step, outcome, guidance))
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
            target = ui.screen(contents_layouts(session))
            if interpret(target, step.item, True).kind == "review":
                action = Action("review")
            else:
                action = Action("jump", target=target)
        outcome = session.apply(action)


def _overview(session: Session, ui: Terminal, outcome: Outcome | None) -> int | Outcome | None:
    """One screen of the review of all answers and what the typed line does there."""
    section = session.overview
    assert section is not None
    line = ui.screen(overview_layouts(session, outcome, ui.console.height))
    text = (clean_text(line) or "").strip()
    steps = overview_rows(session, section)
    size = overview_page_size(ui.console.height)
    pages = max(1, -(-len(steps) // size))
    page = min(session.overview_page, pages - 1)
    last_section = len(session.questionnaire.dimensions)
    word = text.casefold()
    if not text:  # the next page, the next section; after the last one, close
        if page + 1 < pages:
            session.overview_page = page + 1
        elif section < last_section:
            session.open_overview(section + 1, session.overview_from)
        else:
            session.close_overview()
        return None
    action = interpret(text, steps[0].item if steps else session.steps[0].item, True)
    if action.kind == "quit":
        return _stopped(session, ui, EXIT_OK)
    if action.kind == "review":
        session.close_overview()
        return None
    if action.kind == "back" or word in {"b", "ㅠ"}:
        if page > 0:
            session.overview_page = page - 1
        elif section > PROFILE:
            previous = overview_rows(session, section - 1)
            session.open_overview(section - 1, session.overview_from,
                                  page=max(0, -(-len(previous) // size) - 1))
        else:
            return Outcome(refused=Msg("처음입니다", "this is the start"))
        return None
    if text.isdecimal() and 1 <= int(text) <= len(steps):
        session.edit_from_overview(steps[int(text) - 1])
        return None
    target = action.target if action.kind == "jump" else text
    where = session.locate(target or "")
    if isinstance(where, Msg):
        return Outcome(refused=Msg("{ko} · 번호(1~{k})로 고치거나 Enter로 넘기세요",
                                   "{en} · type a number (1-{k}) to edit, or Enter").format(
            ko=where.ko, en=where.en, k=len(steps)))
    found = session.steps[where]
    if found.id.casefold() == (target or "").strip().casefold():
        session.edit_from_overview(found)  # a question id: edit it
    else:
        session.open_overview(found.section, session.overview_from)  # a section
    return None


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
    paths = clean_text(ui.read(ui.text(Msg(
        "증빙 파일 경로 (응답 파일 폴더 기준), 쉼표로 구분 (Enter = 그대로, - = 지우기): ",
        "evidence paths (from the response file's folder), comma-separated "
        "(Enter keeps, - clears): "))))
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


def _closing_line(session: Session, ui: Terminal,
                  layouts: Callable[[int], Iterator[RenderableType]]) -> str | None:
    """The line typed on a closing screen (support, summary), stripped; ``None`` when the
    consultant went back instead: ``r`` to the review of all answers, ``b`` to the last
    question."""
    while True:
        line = clean_text(ui.screen(layouts))
        if line is None:
            ui.say(HINT_ENCODING, "yellow")
            continue
        text = line.strip()
        word = text.casefold()
        if word in {"r", "ㄱ"}:
            session.open_overview(PROFILE, None)
            return None
        if word in {"b", "ㅠ"}:
            shown = session.visible_steps()
            session.position = shown[-1].index if shown else None
            return None
        return text


def _summary(session: Session, ui: Terminal) -> bool:
    """Ask for the consultant's verdict; False when they chose to go back instead."""
    text = _closing_line(session, ui, summary_layouts(session))
    if text is None:
        return False
    if text == "-":
        session.set_assessment(summary="")
    elif text:
        session.set_assessment(summary=text)
    return True


def _support(session: Session, ui: Terminal) -> bool:
    """Ask what support the company received since the last round; False to go back."""
    text = _closing_line(session, ui, support_layouts(session))
    if text is None:
        return False
    if text:
        session.set_support(text)
    return True


def _end(session: Session, ui: Terminal) -> int | Outcome | None:
    """Review what is open, ask for the summary, then score, show the result, offer the PDF."""
    pending = session.review_items()
    if pending:
        ui.clear()
        ui.show_fitting(review_layouts(session, pending)(ui.console.width))
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
    if session.followup and not _support(session, ui):
        return None
    if not _summary(session, ui):
        return None
    complete = session.finish()
    result = session.result()
    ui.clear()
    ui.show(result_screen(session, result))
    if ui.confirm(Msg("PDF 보고서를 만들까요?", "Render the PDF report?")):
        ui.say(Msg("PDF를 만드는 중…", "rendering the PDF…"), "dim")
        try:
            path = render_report(session, result)
            ui.say(Msg("PDF: {p}", "PDF: {p}").format(p=path), "green")
        except PdfUnavailable as exc:  # a laptop without Pango: the answers are all saved
            ui.say(Msg("{m}", "{m}").format(m=exc.render(session.lang)), "yellow")
    if complete:
        ui.say(Msg("인터뷰를 마쳤습니다 (status: complete): {p}",
                   "interview complete (status: complete): {p}").format(p=session.path), "green")
    else:
        ui.say(Msg("답하지 않은 문항 {n}개: status는 in_progress로 둡니다 ({p})",
                   "{n} question(s) unanswered: the status stays in_progress ({p})")
               .format(n=len(session.open_required()), p=session.path), "yellow")
        ui.say(Msg("이어 하려면: {c}", "to resume: {c}").format(c=session.resume_command), "bold")
    return EXIT_OK


def render_report(session: Session, result: Result) -> Path:
    """The PDF report of a finished interview, written next to its response file."""
    from diagnose.jobs import reports

    scored = batch.Batch(session.questionnaire, session.rubric, [result.loaded], result.scores)
    return reports.render_reports(scored, session.path.parent, session.lang, workers=1)[0]
