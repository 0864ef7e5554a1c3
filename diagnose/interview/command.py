"""``diagnose interview``: load the content, open or start the response file, converse."""

from __future__ import annotations

import shlex
from pathlib import Path

from diagnose.core import resources
from diagnose.core.errors import EXIT_OK
from diagnose.engine import batch
from diagnose.interview import screens
from diagnose.interview.session import Session


def resume_command(path: Path, questionnaire_path: Path | None, rubric_path: Path | None,
                   lang: str) -> str:
    """The exact command that continues this interview."""
    parts = ["diagnose", "interview", "--resume", str(path)]
    if questionnaire_path is not None:
        parts += ["-q", str(questionnaire_path)]
    if rubric_path is not None:
        parts += ["-r", str(rubric_path)]
    if lang != "ko":
        parts += ["--lang", lang]
    return shlex.join(parts)


def run(*, out: Path | None, resume: Path | None, questionnaire_path: Path | None = None,
        rubric_path: Path | None = None, company: str | None = None,
        consultant: str | None = None, round_: str = "baseline", lang: str = "ko") -> int:
    """``diagnose interview``: ask, save after every answer, score at the end; the exit code."""
    q, r = batch.load_content(questionnaire_path, rubric_path)
    if resume is not None:
        search = [resources.QUESTIONNAIRES, resume.parent]
        if questionnaire_path is not None:
            search.insert(0, questionnaire_path.parent)
        session = Session.resume(resume, q, r, company=company, consultant=consultant,
                                 lang=lang, search=search)
    else:
        assert out is not None
        session = Session.start(out, q, r, company=company, consultant=consultant,
                                round_=round_, lang=lang)
    session.resume_command = resume_command(session.path, questionnaire_path, rubric_path, lang)
    code = screens.converse(session, screens.Terminal(lang))
    return code if code is not None else EXIT_OK
