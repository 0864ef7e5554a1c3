"""The documentation agrees with the code.

* every command the CLI registers has a ``## diagnose <path>`` section in docs/commands.md, and
  no such section names a command that does not exist;
* every complete questionnaire in docs/questionnaire-format.md validates without errors;
* the worked example of docs/scoring.md, scored by the real engine, gives exactly the numbers
  printed in the page's result block.

The worked example spans two pages: its questionnaire is the complete example of
docs/questionnaire-format.md; its rubric, response file and result are in docs/scoring.md.
Each block is marked with an HTML comment (``<!-- example: rubric -->``) on the line before it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer.main

from diagnose.cli import app
from diagnose.content import questionnaire
from diagnose.engine import batch
from diagnose.render import tables

DOCS = Path(__file__).resolve().parent.parent / "docs"

FENCE = re.compile(r"^```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
MARKED = re.compile(
    r"^<!--\s*example:\s*(?P<name>[\w-]+)\s*-->[ \t]*\n+```[\w-]*[ \t]*\n(?P<body>.*?)^```",
    re.M | re.S)
HEADING = re.compile(r"^## diagnose(?P<path>(?: [\w-]+)*)[ \t]*$", re.M)


def read(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def marked(page: str, name: str) -> str:
    """The fenced block right after ``<!-- example: name -->``, which must be there once."""
    found = [m["body"] for m in MARKED.finditer(read(page)) if m["name"] == name]
    assert len(found) == 1, f"{page}: expected one block marked 'example: {name}'"
    return found[0]


# --- 1. every command is documented, and only real ones ---------------------------------------

def registered_commands() -> set[str]:
    paths: set[str] = set()

    def walk(command: object, path: tuple[str, ...]) -> None:
        for name, sub in (getattr(command, "commands", None) or {}).items():
            if getattr(sub, "hidden", False):
                continue
            paths.add(" ".join((*path, name)))
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return paths


def documented_commands() -> list[str]:
    return [m["path"].strip() for m in HEADING.finditer(read("commands.md"))]


def test_the_cli_has_commands_to_compare_with() -> None:
    assert {"score", "questionnaire validate"} <= registered_commands()


def test_every_command_has_a_section_in_commands_md() -> None:
    missing = registered_commands() - set(documented_commands())
    assert not missing, f"docs/commands.md lacks '## diagnose ...' for: {sorted(missing)}"


def test_commands_md_documents_no_command_that_does_not_exist() -> None:
    headings = documented_commands()
    unknown = set(headings) - registered_commands()
    assert not unknown, f"docs/commands.md documents unknown commands: {sorted(unknown)}"
    assert len(headings) == len(set(headings)), "a command has two sections"


# --- 2. complete questionnaires in questionnaire-format.md validate ---------------------------

def complete_questionnaires() -> list[str]:
    return [m["body"] for m in FENCE.finditer(read("questionnaire-format.md"))
            if m["lang"] == "yaml" and re.search(r"^dimensions:", m["body"], re.M)]


def test_questionnaire_format_has_a_complete_example() -> None:
    assert complete_questionnaires()


@pytest.mark.parametrize("index", range(len(complete_questionnaires())))
def test_complete_questionnaire_examples_validate(index: int) -> None:
    text = complete_questionnaires()[index]
    model, problems = questionnaire.check_text(text, f"questionnaire-format.md#{index + 1}")
    errors = [p.render("en") for p in problems if p.severity == "error"]
    assert model is not None and not errors, errors


def test_the_worked_example_uses_the_documented_questionnaire() -> None:
    assert marked("questionnaire-format.md", "questionnaire") in complete_questionnaires()


# --- 3. the worked example of scoring.md is what the engine computes --------------------------

def test_worked_example_numbers_are_the_engines(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "example.yaml").write_text(
        marked("questionnaire-format.md", "questionnaire"), encoding="utf-8")
    (tmp_path / "example-rubric.yaml").write_text(marked("scoring.md", "rubric"),
                                                  encoding="utf-8")
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "ulsan-0042.yaml").write_text(marked("scoring.md", "response"),
                                                           encoding="utf-8")
    printed = json.loads(marked("scoring.md", "result"))

    # as `diagnose score responses -q example.yaml -r example-rubric.yaml -o scores.json --json`
    monkeypatch.chdir(tmp_path)
    result = batch.score_inputs([Path("responses")], Path("example.yaml"),
                                Path("example-rubric.yaml"), "ko")
    assert not result.rejections
    engine = json.loads(tables.to_json(tables.rounded(result.scores.table)))

    assert engine == printed
    # and the same types: 85 is not 85.0, 1.0 is not 1 (JSON compares them as equal)
    assert [{k: type(v) for k, v in row.items()} for row in engine] == \
        [{k: type(v) for k, v in row.items()} for row in printed]


def test_worked_example_prose_matches_its_result_block() -> None:
    """The bold numbers of the hand calculation are the ones in the result block."""
    (row,) = json.loads(marked("scoring.md", "result"))
    page = read("scoring.md")
    section = page[page.index("## 계산 예"):page.index("<!-- example: result -->")]
    for key in ("data.score", "data.percent", "infra.score", "infra.percent",
                "overall.score", "overall.percent"):
        assert f"**{row[key]:.2f}**" in section or f"→ {row[key]:.2f}**" in section, key
    assert f"**{row['data.completeness']:.2f}**" in section
    assert f"→ {row['infra.completeness']:.2f}**" in section
    assert f"`overall.gates` = `{row['overall.gates']}`" in section
    assert f"수준 **{row['overall.level']} \"{row['overall.level_name']}\"**" in section


def test_every_test_security_md_names_exists() -> None:
    """docs/security.md promises what tests check: each test it names must exist."""
    text = (DOCS / "security.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(?:tests/\w+\.py::)?(test_\w+)`", text))
    defined = set()
    for path in (DOCS.parent / "tests").glob("test_*.py"):
        defined.update(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    assert len(named) > 40
    assert named <= defined, sorted(named - defined)
