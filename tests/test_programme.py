"""The programme file's application windows and contacts: dates the report can judge, and
phone numbers, e-mail addresses and web pages that are refused at their line when malformed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from diagnose.content import programme
from diagnose.core.errors import ValidationFailed

BUNDLED = programme.DEFAULT_PROGRAMME.read_text(encoding="utf-8")


def test_every_bundled_track_has_a_window_and_the_office_no_guessed_number() -> None:
    plan = programme.load()
    assert all(track.window is not None for track in plan.tracks)
    assert plan.contact is not None and plan.contact.organisation
    # phone and e-mail come from the call for applications: never guessed in the bundle
    for contact in [plan.contact, *(t.contact for t in plan.tracks if t.contact)]:
        assert contact.phone is None and contact.email is None


@pytest.mark.parametrize(("on", "status", "words", "short"), [
    ("2026-02-10", "upcoming", "2026년 3월 2일~2026년 3월 31일 모집 예정", "2026년 3월 2일부터 모집 예정"),
    ("2026-03-10", "open", "모집 중 · 2026년 3월 31일까지", "모집 중 · 2026년 3월 31일까지"),
    ("2026-12-06", "closed", "2026년 3월 31일 마감 · 다음 공고 확인 필요",
     "2026년 3월 31일 마감 · 다음 공고 확인 필요"),
])
def test_a_window_is_open_upcoming_or_closed_on_the_reports_date(on: str, status: str,
                                                                 words: str, short: str) -> None:
    window = programme.Window(opens=dt.date(2026, 3, 2), closes=dt.date(2026, 3, 31),
                              text={"ko": "수행기관 공고", "en": "lead agency"})
    day = dt.date.fromisoformat(on)
    assert window.status(day) == status
    assert window.describe("ko", day) == f"{words} (수행기관 공고)"
    assert window.describe("ko", day, short=True) == short


def test_a_call_without_a_closing_date_is_never_called_open() -> None:
    window = programme.Window(opens=dt.date(2026, 3, 1))
    assert window.status(dt.date(2026, 12, 6)) == "unknown"
    assert "다음 공고 확인 필요" in window.describe("ko", dt.date(2026, 12, 6))
    assert programme.Window(text="공고 예정").status(dt.date(2026, 12, 6)) == "unknown"
    assert programme.Window.model_validate({"ko": "가", "en": "A"}).text == {"ko": "가",
                                                                           "en": "A"}


def _with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in BUNDLED
    path = tmp_path / "programme.yaml"
    path.write_text(BUNDLED.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phone", "'052-12'", "not a phone number"),
    ("phone", "'call us'", "not a phone number"),
    ("email", "ai@ulsan", "not an e-mail address"),
    ("url", "www.utp.or.kr", "starts with https://"),
])
def test_a_malformed_contact_is_refused_at_its_line(tmp_path: Path, field: str, value: str,
                                                   message: str) -> None:
    if field == "url":  # the bundled office has no web address: add one before its phone
        path = _with(tmp_path, "  phone: null", f"  url: {value}\n  phone: null")
    else:
        path = _with(tmp_path, f"  {field}: null", f"  {field}: {value}")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith(f"  {field}: {value}"))
    with pytest.raises(ValidationFailed) as caught:
        programme.load(path)
    (problem,) = caught.value.problems
    assert problem.line == line and message in problem.message.render("en")


def test_a_good_contact_and_window_load(tmp_path: Path) -> None:
    path = _with(tmp_path, "  phone: null", "  phone: 052-000-0000")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  email: null", "  email: ai@example.org", 1).replace(
        "      opens: 2026-03-01\n", "      opens: 2026-03-01\n      closes: 2026-03-31\n", 1),
        encoding="utf-8")
    plan = programme.load(path)
    assert (plan.contact.phone, plan.contact.email) == ("052-000-0000", "ai@example.org")
    assert plan.track("ai-solution").window.closes == dt.date(2026, 3, 31)


def test_a_window_that_closes_before_it_opens_is_refused(tmp_path: Path) -> None:
    path = _with(tmp_path, "      opens: 2026-03-01\n",
                 "      opens: 2026-03-01\n      closes: 2026-02-01\n")
    with pytest.raises(ValidationFailed) as caught:
        programme.load(path)
    assert "before the opening date" in caught.value.problems[0].message.render("en")


def test_a_track_id_given_twice_is_refused_at_its_second_place(tmp_path: Path) -> None:
    path = _with(tmp_path, "  - id: validation\n", "  - id: ai-solution\n")
    with pytest.raises(ValidationFailed) as caught:
        programme.load(path)
    (problem,) = [p for p in caught.value.problems
                  if "duplicate track id" in p.message.render("en")]
    assert problem.line == BUNDLED.splitlines().index("  - id: validation") + 1
