"""WeasyPrint, the PDF engine, loaded in one place, and only when a PDF is written.

WeasyPrint needs system libraries that pip cannot install (Pango, HarfBuzz, fontconfig): a
Windows laptop gets them from MSYS2, a Mac from Homebrew, Debian from apt. Everything that
writes no PDF (the interview, ``score``, ``recommend``, the workbooks and JSON of ``cohort`` and
``select``, the responses and tables of ``demo``) must work without them, so no module imports
WeasyPrint but this one, and only inside ``weasyprint()`` (tests/test_fieldproof.py checks
both). When the libraries are missing, ``PdfUnavailable`` says in one line which and how to
install them; the jobs write their PDFs last, so what they were asked for besides is written.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
from types import ModuleType

from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg, visible

# WeasyPrint's documented steps (doc.courtbouillon.org/weasyprint/stable/first_steps.html);
# on Windows, WeasyPrint looks in C:\msys64\ucrt64\bin by itself (WEASYPRINT_DLL_DIRECTORIES
# names another folder).
_INSTALL = Msg(
    "설치: Windows는 MSYS2(https://www.msys2.org)를 설치하고 그 창에서 "
    "'pacman -S mingw-w64-ucrt-x86_64-pango', macOS는 'brew install pango', "
    "Debian·Ubuntu는 'sudo apt install libpango-1.0-0 libpangoft2-1.0-0' (README의 설치 안내)",
    "install: on Windows, MSYS2 (https://www.msys2.org) and in its shell "
    "'pacman -S mingw-w64-ucrt-x86_64-pango'; on macOS 'brew install pango'; on Debian or "
    "Ubuntu 'sudo apt install libpango-1.0-0 libpangoft2-1.0-0' (see Installing in the README)")


class PdfUnavailable(DiagnoseError):
    """WeasyPrint cannot be loaded: the PDF cannot be written (exit 2); one line says why.

    ``missing`` is the library that failed to load (``libgobject-2.0-0``), or ``weasyprint``
    when the Python package itself is not installed; ``written``, the files the job wrote
    before it came to its PDF (a workbook), named at the end of the line.
    """

    def __init__(self, missing: str, written: tuple[str, ...] = ()) -> None:
        self.missing = missing
        self.written = tuple(str(p) for p in written)
        if missing == "weasyprint":
            message = Msg("PDF를 만들 수 없습니다: Python 패키지 weasyprint가 없습니다. "
                          "diagnose를 다시 설치하세요",
                          "cannot write a PDF: the Python package weasyprint is not installed; "
                          "install diagnose again")
        else:
            message = Msg(
                "PDF를 만들 수 없습니다: PDF 엔진 WeasyPrint가 쓰는 시스템 라이브러리 Pango를 "
                "찾지 못했습니다 ({m} 없음). " + _INSTALL.ko,
                "cannot write a PDF: the system library Pango that the PDF engine WeasyPrint "
                "uses was not found ({m} is missing); " + _INSTALL.en).format(m=missing)
        if self.written:
            written_ = visible(", ".join(self.written))
            message = Msg(f"{message.ko} (저장한 파일: {written_})",
                          f"{message.en} (written: {written_})")
        super().__init__(message)

    def __reduce__(self) -> tuple[type[PdfUnavailable], tuple[str, tuple[str, ...]]]:
        # raised in a report worker process too: it must cross back whole
        return PdfUnavailable, (self.missing, self.written)


def _library(exc: OSError) -> str:
    """The library named in cffi's "cannot load library 'X': ..." message."""
    found = re.search(r"library '([^']+)'", str(exc))
    return found.group(1) if found else "Pango"


def weasyprint() -> ModuleType:
    """The ``weasyprint`` module, or ``PdfUnavailable`` when it cannot be loaded."""
    try:
        # A failed load prints WeasyPrint's own multi-line notice on standard output first:
        # the user gets the one line below instead, and --json output stays clean.
        with contextlib.redirect_stdout(io.StringIO()):
            return importlib.import_module("weasyprint")
    except ImportError:
        raise PdfUnavailable("weasyprint") from None
    except OSError as exc:  # cffi could not open a system library
        raise PdfUnavailable(_library(exc)) from None


def submodule(name: str) -> ModuleType:
    """``weasyprint.<name>`` (``urls``), once ``weasyprint()`` has loaded."""
    weasyprint()
    return importlib.import_module(f"weasyprint.{name}")


def version() -> str:
    """WeasyPrint's version, for a report's colophon."""
    return str(weasyprint().__version__)
