"""Driving ``diagnose interview`` in a real pseudo-terminal (80x24), for the pty tests.

Shared by ``test_interview_pty.py`` and ``test_crash.py``: what a consultant types for each
item, and how the interview is started.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

from diagnose.engine import batch

Q, _ = batch.load_content()
# The line under a question's header: "<id> · <type>" (ids as in the questionnaire)
ABOUT = re.compile(r"\n(?:\x1b\[[0-9;]*m)*([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)?) · ")
SUMMARY = "종합 의견: "  # the last screen before the result: the consultant's verdict
PDF = "PDF 보고서를 만들까요? [y/n]"


def finish(child: Any, verdict: str = "") -> str:
    """At the summary screen: type the verdict, wait for the result; the result screen."""
    child.expect_exact("> ")
    child.sendline(verdict)
    child.expect_exact(PDF)
    return child.before


def typed(item_id: str) -> tuple[str, Any]:
    """What the consultant types for an item, and the value the file must then hold."""
    item = Q.items[item_id]
    options = list(item.choices() if hasattr(item, "choices") else item.options)
    if item.type == "multi":
        return "1,2", [options[0].value, options[1].value]
    if item.type in {"level", "choice", "yesno"}:
        pick = min(3, len(options))
        return str(pick), options[pick - 1].value
    if item.type == "number":  # 12, or the nearest the item allows (a year is 2000 or later)
        number = int(min(max(12, item.min if item.min is not None else 12),
                         item.max if item.max is not None else 12))
        return str(number), number
    return f"{item_id} 현장 확인", f"{item_id} 현장 확인"


def spawn(folder: Path, *args: str, timeout: int = 30, size: tuple[int, int] = (24, 80)) -> Any:
    """``diagnose interview ARGS`` in an 80x24 UTF-8 terminal, Korean, in ``folder``; the
    consultant's name comes from the environment, as it does on a consultant's laptop."""
    import pexpect

    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color",
           "COLUMNS": str(size[1]), "LINES": str(size[0]), "DIAGNOSE_CONSULTANT": "김민수"}
    env.pop("DIAGNOSE_LANG", None)
    child = pexpect.spawn(sys.executable, ["-m", "diagnose", "interview", *args],
                          cwd=str(folder), env=env, dimensions=size, encoding="utf-8",
                          timeout=timeout)
    child.delaybeforesend = None  # each send waits for the screen anyway
    return child
