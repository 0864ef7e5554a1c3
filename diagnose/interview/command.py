"""``diagnose interview``: load the content, lock and open or start the response file, converse."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from diagnose.core import resources
from diagnose.core.errors import EXIT_OK
from diagnose.engine import batch
from diagnose.interview import lock, screens
from diagnose.interview.session import Session

PROGRAM = "diagnose"


def _as_typed(path: str) -> str:
    """An absolute path inside the current folder as a relative one, as it would be typed."""
    if not os.path.isabs(path):
        return path
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return relative if not relative.startswith("..") else path


def _on_path(name: str, path: str) -> bool:
    """Whether typing ``name`` runs ``path`` (links are not followed: a venv's python is a
    link to one that does not have diagnose installed)."""
    found = shutil.which(name)
    return found is not None and os.path.abspath(found) == os.path.abspath(path)


def program(argv0: str | None = None, executable: str | None = None) -> list[str]:
    """How this program was started, to print hints that work as typed.

    ``.venv/bin/diagnose`` when that is what the consultant typed (the shell hands the path
    over as typed); ``diagnose`` when that name on PATH is this program; ``python -m diagnose``
    with the interpreter that runs it. Anything else (a test runner, an embedding program):
    ``diagnose``.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    executable = sys.executable if executable is None else executable
    name = Path(argv0).name.casefold()
    if Path(argv0).stem.casefold() in {PROGRAM, f"{PROGRAM}-script"}:
        return [PROGRAM] if _on_path(PROGRAM, argv0) else [_as_typed(argv0)]
    if name == "__main__.py" and Path(argv0).parent.name == PROGRAM:
        python = next((n for n in ("python3", "python") if _on_path(n, executable)), None)
        return [python or _as_typed(executable), "-m", PROGRAM]
    return [PROGRAM]


def join(words: Sequence[str]) -> str:
    """A command line as the shell of this system reads it."""
    return subprocess.list2cmdline(list(words)) if os.name == "nt" else shlex.join(words)


def resume_command(path: Path, questionnaire_path: Path | None, rubric_path: Path | None,
                   lang: str, start: Sequence[str] = (PROGRAM,)) -> str:
    """The exact command that continues this interview."""
    parts = [*start, "interview", "--resume", str(path)]
    if questionnaire_path is not None:
        parts += ["-q", str(questionnaire_path)]
    if rubric_path is not None:
        parts += ["-r", str(rubric_path)]
    if lang != "ko":
        parts += ["--lang", lang]
    return join(parts)


def run(*, out: Path | None, resume: Path | None, questionnaire_path: Path | None = None,
        rubric_path: Path | None = None, company: str | None = None,
        consultant: str | None = None, round_: str = "baseline", lang: str = "ko") -> int:
    """``diagnose interview``: ask, save after every answer, score at the end; the exit code.

    The response file is locked for the whole session: a second interview on the same file
    is refused, never allowed to overwrite the first one's answers.
    """
    q, r = batch.load_content(questionnaire_path, rubric_path)
    start = program()
    path = resume if resume is not None else out
    assert path is not None
    with lock.held(path):
        if resume is not None:
            search = [resources.QUESTIONNAIRES, resume.parent]
            if questionnaire_path is not None:
                search.insert(0, questionnaire_path.parent)
            session = Session.resume(resume, q, r, company=company, consultant=consultant,
                                     lang=lang, search=search)
        else:
            session = Session.start(path, q, r, company=company, consultant=consultant,
                                    round_=round_, lang=lang, program=join(start))
        session.resume_command = resume_command(session.path, questionnaire_path, rubric_path,
                                                lang, start)
        code = screens.converse(session, screens.Terminal(lang))
    return code if code is not None else EXIT_OK
