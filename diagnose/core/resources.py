"""Where the bundled content lives: questionnaires, scoring rules, report templates.

In a wheel the content folders are packed under ``diagnose/_content``; in a source checkout
they are the top-level folders beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
_INSTALLED = _PACKAGE / "_content"
_ROOT = _INSTALLED if _INSTALLED.is_dir() else _PACKAGE.parent

QUESTIONNAIRES = _ROOT / "questionnaires"
SCORING = _ROOT / "scoring"
REPORT_TEMPLATES = _ROOT / "report_templates"

DEFAULT_QUESTIONNAIRE = QUESTIONNAIRES / "mfg-ai-readiness.yaml"
DEFAULT_RUBRIC = SCORING / "mfg-ai-readiness-rubric.yaml"
