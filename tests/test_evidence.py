"""Evidence files: only files inside the response folder are read; pictures are shrunk and
stripped of metadata; everything else is named, never read, attached or linked."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from diagnose.engine import batch
from diagnose.inputs import evidence, responses
from diagnose.jobs import demo, reports
from diagnose.render import report

Q, _ = batch.load_content()


def photo(path: Path, size: tuple[int, int] = (1600, 1200), orientation: int | None = None,
          gps: bool = False, kind: str = "JPEG") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, (200, 40, 40))
    exif = image.getexif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {2: (35.0, 32.0, 10.0)}  # the plant's latitude
    image.save(path, kind, exif=exif) if kind == "JPEG" else image.save(path, kind)
    return path


# --- which paths are read -----------------------------------------------------------------

@pytest.mark.parametrize("written", [
    "../secret.jpg", "photos/../../secret.jpg", "photos/../photos/a.jpg", "/etc/hostname",
    "C:\\Users\\kim\\a.jpg", "C:a.jpg", "\\\\server\\share\\a.jpg", "..\\secret.jpg", "",
    "a\x00.jpg",
])
def test_paths_that_could_leave_the_folder_are_refused(tmp_path: Path, written: str) -> None:
    photo(tmp_path / "photos" / "a.jpg")
    photo(tmp_path.parent / "secret.jpg")
    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.locate(tmp_path, written)
    assert caught.value.message is evidence.OUTSIDE


def test_a_link_out_of_the_folder_is_refused_and_one_inside_is_followed(tmp_path: Path) -> None:
    outside = photo(tmp_path / "elsewhere" / "secret.jpg")
    folder = tmp_path / "responses"
    inside = photo(folder / "photos" / "a.jpg")
    (folder / "out.jpg").symlink_to(outside)
    (folder / "in.jpg").symlink_to(inside)
    with pytest.raises(evidence.EvidenceError) as caught:
        evidence.locate(folder, "out.jpg")
    assert caught.value.message is evidence.OUTSIDE
    assert evidence.locate(folder, "in.jpg") == evidence.Found(inside.resolve(), "jpeg")


def test_windows_separators_and_dots_inside_the_folder_work(tmp_path: Path) -> None:
    found = photo(tmp_path / "photos" / "line 2" / "a.jpg").resolve()
    assert evidence.locate(tmp_path, "photos\\line 2\\a.jpg").path == found
    assert evidence.locate(tmp_path, "./photos/line 2/a.jpg").path == found


def test_missing_files_fifos_folders_and_huge_files_are_refused(tmp_path: Path,
                                                               monkeypatch) -> None:
    os.mkfifo(tmp_path / "pipe.jpg")  # reading it would block forever
    (tmp_path / "folder.jpg").mkdir()
    (tmp_path / "big.jpg").write_bytes(b"\xff\xd8\xff" + b"0" * 2000)
    monkeypatch.setattr(evidence, "MAX_BYTES", 1000)
    expected = {"missing.jpg": evidence.NOT_FOUND, "pipe.jpg": evidence.NOT_FILE,
                "folder.jpg": evidence.NOT_FILE}
    for name, message in expected.items():
        with pytest.raises(evidence.EvidenceError) as caught:
            evidence.locate(tmp_path, name)
        assert caught.value.message is message, name
    with pytest.raises(evidence.EvidenceError, match="too large"):
        evidence.locate(tmp_path, "big.jpg")


def test_pictures_are_known_by_their_bytes_not_their_names(tmp_path: Path) -> None:
    photo(tmp_path / "really-a-png.jpg", kind="PNG")
    photo(tmp_path / "a.webp", kind="WEBP")
    (tmp_path / "text.jpg").write_text("not a picture")
    (tmp_path / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg">'
                                          '<image href="file:///etc/passwd"/></svg>')
    (tmp_path / "spec.pdf").write_bytes(b"%PDF-1.7\n")
    kinds = {name: evidence.locate(tmp_path, name).kind
             for name in ("really-a-png.jpg", "a.webp", "text.jpg", "drawing.svg", "spec.pdf")}
    assert kinds == {"really-a-png.jpg": "png", "a.webp": "webp", "text.jpg": "file",
                     "drawing.svg": "file", "spec.pdf": "file"}


# --- what a picture becomes ---------------------------------------------------------------

def test_a_photo_is_shrunk_turned_upright_and_loses_its_metadata(tmp_path: Path) -> None:
    source = photo(tmp_path / "a.jpg", size=(4000, 3000), orientation=6, gps=True)
    data = evidence.thumbnail(evidence.locate(tmp_path, "a.jpg"))
    with Image.open(io.BytesIO(data)) as shrunk:
        assert shrunk.format == "JPEG"
        assert shrunk.size == (900, 1200)  # turned upright (orientation 6), at most 1200 px
        assert not shrunk.getexif()  # no GPS position, no camera serial, no orientation tag
    assert len(data) < source.stat().st_size


def test_transparent_png_lands_on_white(tmp_path: Path) -> None:
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(tmp_path / "a.png")
    data = evidence.thumbnail(evidence.locate(tmp_path, "a.png"))
    with Image.open(io.BytesIO(data)) as shrunk:
        assert shrunk.convert("L").getextrema()[0] > 240


@pytest.mark.parametrize("damage", ["truncated", "header-only", "bomb"])
def test_damaged_or_oversized_pictures_are_refused_not_raised(tmp_path: Path, damage: str,
                                                              monkeypatch) -> None:
    source = photo(tmp_path / "a.png", size=(3000, 2000), kind="PNG")
    if damage == "truncated":
        source.write_bytes(source.read_bytes()[:200])
    elif damage == "header-only":
        source.write_bytes(b"\x89PNG\r\n\x1a\n")
    else:
        monkeypatch.setattr(evidence, "MAX_PIXELS", 1_000_000)
    with pytest.raises(evidence.EvidenceError):
        evidence.thumbnail(evidence.locate(tmp_path, "a.png"))


# --- in the report ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def with_evidence(tmp_path_factory) -> tuple[Path, Path]:
    """A demo company whose answers list good, hostile and odd evidence paths."""
    root = tmp_path_factory.mktemp("evidence")
    # One sample response as the demo writes it (not the whole demo: its PDFs go unread).
    (sample,) = demo.sample_responses(batch.load_content()[0], 1)
    response = root / f"{sample.company['id']}.yaml"
    responses.save(sample, response)
    folder = root / "case"
    folder.mkdir()
    photo(folder / "photos" / "line2.jpg", size=(2000, 1500), gps=True)
    (folder / "photos" / "spec.pdf").write_bytes(b"%PDF-1.7\n")
    secret = photo(root / "secret.png", size=(1000, 1000), kind="PNG")  # beside the folder: must never show
    (folder / "photos" / "link.png").symlink_to(secret)
    text = response.read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if line.startswith("  data.storage: {"):
            line = line.replace("{", "{evidence: [photos/line2.jpg, photos/spec.pdf, "
                                     "../secret.png, photos/link.png, photos/none.jpg], ", 1)
        lines.append(line)
    target = folder / response.name
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target, secret


@pytest.mark.slow
def test_report_embeds_only_the_picture_inside_the_folder(with_evidence, tmp_path) -> None:
    from pypdf import PdfReader

    response, _ = with_evidence
    result = batch.score_inputs([response])
    jobs = reports.report_jobs(result, tmp_path, "ko")
    items = {item["name"]: item for item in jobs[0].context["evidence"]}
    assert {name: item["kind"] for name, item in items.items()} == {
        "photos/line2.jpg": "jpeg", "photos/spec.pdf": "file", "../secret.png": "refused",
        "photos/link.png": "refused", "photos/none.jpg": "refused"}
    warned = [w.render("en") for w in reports.evidence_warnings(result, jobs)]
    assert sum("left out of the report" in w for w in warned) == 3

    html = report.render_html({**jobs[0].context, "radar": ""}, jobs[0].templates)
    assert "evidence:" not in html  # pictures get their URLs only in the worker
    [out] = report.render_many(jobs, workers=1)
    pdf = PdfReader(out)
    images = {image.data: image.image.size for page in pdf.pages for image in page.images}
    assert list(images.values()) == [(1200, 900)]  # line2.jpg; not the secret, not the PDF
    assert "/EmbeddedFiles" not in pdf.trailer["/Root"].get("/Names", {})
    assert not pdf.attachments
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "photos/spec.pdf" in text and "../secret.png" in text  # named, with the reason


def test_a_refused_picture_is_named_with_its_reason(with_evidence) -> None:
    response, _ = with_evidence
    result = batch.score_inputs([response])
    read = list(result.warnings)
    jobs = reports.report_jobs(result, response.parent / "out", "en")
    reasons = dict((name, why) for _, name, why in report.evidence_problems(jobs[0].context))
    assert reasons["photos/none.jpg"] == "file not found"
    assert "outside" in reasons["../secret.png"] and "outside" in reasons["photos/link.png"]
    # the warnings come back from the rendering; the batch stays as it was read
    assert result.warnings == read
    assert [w.file for w in reports.evidence_warnings(result, jobs)] == [str(response)] * 3
