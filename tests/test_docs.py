"""The documentation agrees with the code.

* every command the CLI registers has a ``## diagnose <path>`` section in docs/commands.md, and
  no such section names a command that does not exist;
* every option of every command (all its spellings, ``-o`` and ``--out``) is in that command's
  section (the options of ``diagnose`` itself in "Common options"), and no section's synopsis or
  option table names an option its command does not take; the table of common options per
  command, the ``--help`` listings and the command table of docs/index.md agree with the CLI;
* every command and option has help in Korean and English;
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
from typing import Any

import pytest
import typer.main

from diagnose.cli import app
from diagnose.content import questionnaire
from diagnose.engine import batch
from diagnose.render import tables

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

FENCE = re.compile(r"^```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
MARKED = re.compile(
    r"^<!--\s*example:\s*(?P<name>[\w-]+)\s*-->[ \t]*\n+```[\w-]*[ \t]*\n(?P<body>.*?)^```",
    re.M | re.S)
HEADING = re.compile(r"^## diagnose(?P<path>(?: [\w-]+)*)[ \t]*$", re.M)
SECTION = re.compile(r"^## ", re.M)
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
COMMON_OPTIONS = "## 공통 옵션 / Common options"


def read(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def marked(page: str, name: str) -> str:
    """The fenced block right after ``<!-- example: name -->``, which must be there once."""
    found = [m["body"] for m in MARKED.finditer(read(page)) if m["name"] == name]
    assert len(found) == 1, f"{page}: expected one block marked 'example: {name}'"
    return found[0]


# --- 1. every command is documented, and only real ones ---------------------------------------

# Typer builds the Click command tree (with its own copy of Click): read it by duck typing.
def command_tree() -> dict[str, Any]:
    """Every visible command of the CLI by its path ('' for ``diagnose`` itself)."""
    found: dict[str, Any] = {}

    def walk(command: Any, path: tuple[str, ...]) -> None:
        found[" ".join(path)] = command
        for name, sub in (getattr(command, "commands", None) or {}).items():
            if not sub.hidden:
                walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


def registered_commands() -> set[str]:
    return set(command_tree()) - {""}


def options_of(command: Any) -> set[str]:
    """Every spelling of every visible option (``--help`` is Click's own)."""
    return {name for param in command.params if param.param_type_name == "option"
            and not param.hidden for name in (*param.opts, *param.secondary_opts)}


def section(page: str, heading: str) -> str:
    """The text under a ``## `` heading, up to the next one."""
    text = read(page)
    assert f"{heading}\n" in text, f"docs/{page} has no section '{heading}'"
    start = text.index(f"{heading}\n")
    end = SECTION.search(text, start + len(heading))
    return text[start:end.start() if end else len(text)]


def command_section(path: str) -> str:
    return section("commands.md", f"## diagnose {path}" if path else COMMON_OPTIONS)


def declared_options(text: str) -> set[str]:
    """The options a section declares: in its synopsis (its first fenced block) and in the
    first column of its tables. Prose may name other commands' options."""
    fence = FENCE.search(text)
    synopsis = fence["body"] if fence else ""
    firsts = [line.split("|")[1] for line in text.splitlines() if line.startswith("| `")]
    return set(OPTION.findall(synopsis)) | {o for cell in firsts for o in OPTION.findall(cell)}


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


def test_the_cli_has_options_to_compare_with() -> None:
    tree = command_tree()
    assert {"--version", "--debug"} <= options_of(tree[""])
    assert {"-o", "--out", "-q", "--questionnaire", "--map", "--json"} <= options_of(tree["score"])


@pytest.mark.parametrize("path", sorted(command_tree()))
def test_every_option_is_documented_in_its_commands_section(path: str) -> None:
    """Each spelling of each option appears in the command's own section of commands.md."""
    documented = set(OPTION.findall(command_section(path)))
    missing = options_of(command_tree()[path]) - documented
    where = f"'## diagnose {path}'" if path else f"'{COMMON_OPTIONS}'"
    assert not missing, f"docs/commands.md {where} does not name {sorted(missing)}"


@pytest.mark.parametrize("path", sorted(registered_commands()))
def test_a_section_declares_no_option_its_command_lacks(path: str) -> None:
    unknown = declared_options(command_section(path)) - options_of(command_tree()[path]) - {
        "--help"}
    assert not unknown, f"'## diagnose {path}' declares options it does not take: {unknown}"


def test_the_common_options_table_says_which_command_takes_which() -> None:
    """The ✓/– table of --lang, --quiet, --json per command is the CLI's."""
    text = section("commands.md", COMMON_OPTIONS)
    header = next(line for line in text.splitlines() if line.startswith("| 명령 / command"))
    columns = [cell.strip().strip("`") for cell in header.strip("|").split("|")[1:]]
    assert columns == ["--lang", "--quiet", "--json"]
    table = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            table[cells[0].strip("`")] = {o for o, cell in zip(columns, cells[1:], strict=True)
                                          if cell.startswith("✓")}
    tree = command_tree()
    leaves = {path for path in registered_commands() if not hasattr(tree[path], "commands")}
    assert set(table) == leaves, "rows differ from the commands: " + str(
        sorted(set(table) ^ leaves))
    for path in leaves:
        assert table[path] == options_of(tree[path]) & set(columns), path


def listed_commands(page: str, command: str) -> list[str]:
    """The names under ``Commands:`` of the ``$ diagnose ... --help`` output shown on a page."""
    text = read(page)
    start = text.index(f"$ {' '.join(('diagnose', command)).strip()} --help\n")
    listing = text[text.index("Commands:\n", start):]
    names = []
    for line in listing.splitlines()[1:]:
        if not line.startswith("  "):
            break
        names.append(line.split()[0])
    return names


@pytest.mark.parametrize("group", ["", "questionnaire"])
def test_the_help_shown_in_commands_md_lists_the_real_commands(group: str) -> None:
    command = command_tree()[group]
    real = [name for name, sub in command.commands.items() if not sub.hidden]
    assert listed_commands("commands.md", group) == real


def test_index_md_lists_every_command() -> None:
    text = section("index.md", "## 지금 있는 명령 / Commands available today")
    listed = {m["path"].strip() for m in re.finditer(
        r"^\| `diagnose(?P<path>(?: [a-z][\w-]*)+)", text, re.M)}
    tree = command_tree()
    leaves = {path for path in registered_commands() if not hasattr(tree[path], "commands")}
    assert listed == leaves


HANGUL = re.compile("[\uac00-\ud7a3]")


@pytest.mark.parametrize("path", sorted(command_tree()))
def test_every_command_and_option_has_korean_and_english_help(path: str) -> None:
    command = command_tree()[path]
    texts = {f"diagnose {path}".strip(): command.help or ""}
    texts |= {param.name or "": getattr(param, "help", None) or "" for param in command.params}
    for name, text in texts.items():
        assert HANGUL.search(text) and re.search("[A-Za-z]{3}", text.replace("AI", "")), \
            f"{name}: help must be Korean / English: {text!r}"


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


# --- 4. the layout the README and index.md describe is the tree's ----------------------------

NAMED_PATH = re.compile(r"`((?:diagnose|tests|benchmarks|scripts|scoring|questionnaires|"
                        r"report_templates|docs)/[\w./-]*?)(?:::\w+)?`")


def pages() -> dict[str, str]:
    found = {f"docs/{p.name}": p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))}
    return found | {"README.md": (ROOT / "README.md").read_text(encoding="utf-8")}


def test_every_path_the_docs_name_exists() -> None:
    """A module or file named in backticks (`diagnose/render/xlsx.py`) is in the tree."""
    named = {(page, m[1]) for page, text in pages().items() for m in NAMED_PATH.finditer(text)}
    assert len(named) > 20
    missing = sorted((page, path) for page, path in named if not (ROOT / path).exists())
    assert not missing, missing


def test_readme_and_index_describe_every_subpackage() -> None:
    packages = {p.parent.name for p in (ROOT / "diagnose").glob("*/__init__.py")}
    assert {"core", "content", "inputs", "engine", "render", "jobs"} <= packages
    for page in ("README.md", "docs/index.md"):
        missing = {p for p in packages if f"`diagnose/{p}/`" not in pages()[page]}
        assert not missing, f"{page} does not describe {sorted(missing)}"


def test_readme_names_every_benchmark() -> None:
    benchmarks = {p.name for p in (ROOT / "benchmarks").glob("bench_*.py")}
    assert benchmarks
    missing = {b for b in benchmarks if f"`{b}`" not in pages()["README.md"]}
    assert not missing, f"README.md does not name {sorted(missing)}"


def test_every_test_security_md_names_exists() -> None:
    """docs/security.md promises what tests check: each test it names must exist."""
    text = (DOCS / "security.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(?:tests/\w+\.py::)?(test_\w+)`", text))
    defined = set()
    for path in (DOCS.parent / "tests").glob("test_*.py"):
        defined.update(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    assert len(named) > 40
    assert named <= defined, sorted(named - defined)


# --- 5. the README's examples run as typed ----------------------------------------------------

README_COMMAND = re.compile(r"^\.venv/bin/diagnose [^\n]*", re.M)


def readme_examples() -> list[list[str]]:
    """Every ``.venv/bin/diagnose ...`` line of the README's shell blocks, as the shell splits
    it (a trailing ``# comment`` is the shell's too)."""
    import shlex

    text = pages()["README.md"]
    blocks = [m["body"] for m in FENCE.finditer(text) if m["lang"] == "sh"]
    return [shlex.split(line, comments=True) for body in blocks
            for line in README_COMMAND.findall(body)]


def test_the_readme_scores_the_survey_export_the_demo_writes() -> None:
    """A new user types the README's score example after `make demo`: it names the demo's
    sample survey export (a README naming a survey.csv nobody has fails as typed)."""
    scores = [words for words in readme_examples() if words[1] == "score"]
    assert scores
    assert all("demo-out/survey-export.csv" in words or "demo-out/responses" in words
               for words in scores)
    assert any("demo-out/survey-export.csv" in words for words in scores)


@pytest.mark.slow
def test_readme_examples_run_as_typed_after_the_demo(tmp_path: Path) -> None:
    """Each non-interactive example of the README, in a folder where `make demo` ran (with
    fewer companies: the same files, sooner), exits 0; ``score`` writes its table."""
    import subprocess
    import sys

    venv = Path(sys.prefix)
    assert (venv / "bin" / "diagnose").is_file(), "the tests run from the project's .venv"
    (tmp_path / ".venv").symlink_to(venv, target_is_directory=True)
    for path in ("questionnaires",):  # the README validates the bundled questionnaire by path
        (tmp_path / path).symlink_to(ROOT / path, target_is_directory=True)

    def run(words: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(words, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL)

    # six companies: the fewest with a follow-up round, which the compare example reads
    demo = run([".venv/bin/diagnose", "demo", "--out", "demo-out", "--companies", "6",
                "--workers", "2", "--quiet"])
    assert demo.returncode == 0, demo.stderr
    ran = []
    for words in readme_examples():
        if words[1] in {"interview", "--help"}:  # a conversation; help has its own tests
            continue
        result = run(words)
        assert result.returncode == 0, (words, result.stderr)
        assert "Traceback" not in result.stderr
        ran.append(words[1])
        if words[1] == "score":
            out = tmp_path / words[words.index("-o") + 1]
            assert out.stat().st_size > 0, words
    assert {"score", "report", "compare"} <= set(ran)
    # the survey export scores as the demo scored it: 16 companies, none rejected
    survey = run([".venv/bin/diagnose", "score", "demo-out/survey-export.csv", "-o", "s.json",
                  "--json"])
    assert survey.returncode == 0, survey.stderr
    assert len(json.loads(survey.stdout)) == 16
