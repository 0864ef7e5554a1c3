"""Shared helpers. Fixtures stay inline in each test (pyxform style); these only load them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from diagnose.content import questionnaire
from diagnose.content.questionnaire import Questionnaire

# Five maturity levels, for level questions in inline questionnaires: `options: LEVELS`.
LEVELS = ("[{value: 1, label: 일}, {value: 2, label: 이}, {value: 3, label: 삼},"
          " {value: 4, label: 사}, {value: 5, label: 오}]")


def yaml_text(text: str) -> str:
    """An inline YAML fixture as its file would read: dedented, ``LEVELS`` written out."""
    return textwrap.dedent(text).replace("LEVELS", LEVELS)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write an inline fixture to ``tmp_path/name`` (UTF-8) and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(yaml_text(text), encoding="utf-8")
        return path

    return _write


def make_questionnaire(text: str, path: str = "q.yaml") -> Questionnaire:
    """A questionnaire from inline YAML; fails the test if the fixture itself has an error."""
    model, problems = questionnaire.check_text(yaml_text(text), path)
    errors = [p.render("en") for p in problems if p.severity == "error"]
    assert model is not None and not errors, errors
    return model


@pytest.fixture(scope="session")
def build_questionnaire() -> Callable[[str], Questionnaire]:
    return make_questionnaire
