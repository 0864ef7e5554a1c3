"""One base exception for every error a user can cause, with the contract's exit codes.

The CLI turns a ``DiagnoseError`` into a one-line message and its exit code; anything else is
a bug and is reported as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from diagnose.core.i18n import Msg, visible
from diagnose.core.labels import label

EXIT_OK = 0
EXIT_REJECTED = 1  # the job ran, but some rows or files were rejected
EXIT_USAGE = 2  # the command could not run


class DiagnoseError(Exception):
    """An error the user can fix: bad arguments, an unreadable or invalid file."""

    exit_code = EXIT_USAGE

    def __init__(self, message: Msg, *, where: str | Path | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.where = str(where) if where is not None else None

    def render(self, lang: str = "ko") -> str:
        text = self.message.render(lang)
        return f"{visible(self.where)}: {text}" if self.where else text


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a file, located as ``FILE:LINE:COL``."""

    file: str
    line: int
    column: int
    message: Msg
    severity: str = "error"  # or "warning"

    def render(self, lang: str = "ko") -> str:
        prefix = ""
        if self.severity == "warning":
            prefix = label("warning", lang)
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        where = visible(where)
        return f"{where}: {prefix}{self.message.render(lang)}"


class ValidationFailed(DiagnoseError):
    """A content file (questionnaire, rubric, response) has one or more problems."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        first = errors[0] if errors else problems[0]
        super().__init__(
            Msg("{n}개의 문제가 있습니다", "{n} problem(s) found").format(n=len(errors))
        )
        self.problems = problems
        self.first = first

    def render(self, lang: str = "ko") -> str:
        return "\n".join(p.render(lang) for p in self.problems if p.severity == "error")


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input file or row that was left out of a job, and why (exit code 1)."""

    file: str
    row: int | None
    column: str
    value: str
    reason: Msg
    # The company of a rejected survey row, where its cells say: whom the office calls.
    company_id: str = ""
    company_name: str = ""

    @property
    def company(self) -> str:
        """The company as shown: ``name (id)``, or whichever is known ('' when neither)."""
        if self.company_id and self.company_name:
            return f"{self.company_name} ({self.company_id})"
        return self.company_name or self.company_id

    def render(self, lang: str = "ko") -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        column = f" [{self.column}]" if self.column else ""
        value = f" '{self.value}'" if self.value else ""
        company = Msg(" (기업: {c})", " (company: {c})").format(c=self.company).render(lang) \
            if self.company else ""
        return visible(f"{where}{column}{value}: ") + self.reason.render(lang) + company
