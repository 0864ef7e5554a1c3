"""The report's first two pages: the verdict a CEO reads in thirty seconds.

Built from what the rest of the report shows (recommendations with their schedule, findings,
level), so the summary can never disagree with the pages after it: the company's own goal and
pain in its own words, answered first; the consultant's verdict (``assessment.summary`` in the
response file) or, when there is none, a generated headline marked as such; the value at stake
with the figures it comes from; three findings with their evidence; the decisions the CEO has to
take; the next 90 days with owner roles and the programme's application windows; who to call.
"""

from __future__ import annotations

from typing import Any

from diagnose.content.questionnaire import Questionnaire
from diagnose.core import labels, money
from diagnose.core.i18n import pick
from diagnose.inputs import answers
from diagnose.render.findings import months_label

FIRST_DAYS = 3  # months: "the next 90 days"
VALUE_COUNT = 3  # recommendations whose yearly value makes the value at stake
NEXT_ROWS = 5  # rows of the 90-day plan: the second page has room for that many

def _say(key: str, lang: str, **params: Any) -> str:
    """The verdict's label ``key`` in ``lang``, its slots filled."""
    text = labels.msg(f"verdict.{key}")
    return (text.format(**params) if params else text).render(lang)


def own_words(q: Questionnaire, values: dict[str, Any], lang: str) -> dict[str, Any]:
    """The CEO's goal and the plant's pains: the chosen options and the words as written."""
    def label(item_id: str) -> list[str]:
        item = q.items.get(item_id)
        value = values.get(item_id)
        if item is None or value is None or value in {"na", "unknown"}:
            return []
        return [x.strip() for x in answers.display(item, value, lang).split(", ") if x.strip()] \
            if item.type == "multi" else [answers.display(item, value, lang)]

    def words(item_id: str) -> str:
        value = values.get(item_id)
        return str(value).strip() if isinstance(value, str) and value not in {"na", "unknown"} \
            else ""

    goal = label("goal_area")
    return {"goal": goal[0] if goal else "", "goal_words": words("strategy.ai_goal"),
            "pains": label("pain_areas"), "pain_words": words("process.pain_point")}


def goal_answer(recs: list[dict[str, Any]], lang: str) -> dict[str, Any] | None:
    """The recommendation that answers the CEO's goal (else a stated pain), as one sentence."""
    best = (next((r for r in recs if r["goal_hit"]), None)
            or next((r for r in recs if r["pain_hit"]), None))
    if best is None:
        return None
    first = [s for s in best["steps"] if not s["alongside"]]
    start = months_label(best["start_month"], best["start_month"], lang)
    parts = [_say("after_steps", lang, n=len(first), m=start) if first
             else _say("starts_in", lang, m=start),
             _say("investment", lang, i=best["investment_text"], o=best["own_share_text"])]
    if best["value_text"]:
        parts.append(_say("yearly", lang, v=best["value_text"]))
    if best["payback_months"] is not None:
        parts.append(_say("payback", lang, m=max(1, round(best["payback_months"]))))
    return {"name": best["name"], "rank": best["rank"], "track": best["track"],
            "facts": parts, "direct": best["goal_hit"]}


def value_at_stake(recs: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The yearly value of the first recommendations that have one, one per category (two
    quality projects would count the same defects twice), with the company figures used."""
    chosen, categories = [], set()
    for rec in recs:
        value = rec["value"]["yearly_krw"]
        if value is None or value <= 0 or rec["category"] in categories:  # net of upkeep
            continue
        categories.add(rec["category"])
        figures = [f"{i['label']} {i['text']}" for t in rec["value"]["terms"] for i in t["inputs"]
                   if i["source"].startswith("profile:") and i["value"] is not None]
        chosen.append({"name": rec["name"], "rank": rec["rank"], "text": rec["value_text"],
                       "figures": list(dict.fromkeys(figures))})
        if len(chosen) == VALUE_COUNT:
            break
    total = sum(rec["value"]["yearly_krw"] for rec in recs if rec["name"] in
                {c["name"] for c in chosen})
    return {"projects": chosen, "total": money.krw(total, lang) if chosen else ""}


def three_findings(findings: dict[str, dict[str, Any]], dimensions: list[dict[str, Any]],
                   evidence: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The three findings that matter most: dimensions that hold the level down or hold up a
    recommendation first, then the weakest; each with its weakest answer, note and photos."""
    def weight(dim: dict[str, Any]) -> tuple[Any, ...]:
        why = findings[dim["id"]]["why"]
        return (-len(why), dim["score"] if dim["score"] is not None else 9, dim["id"])

    chosen: list[dict[str, Any]] = []
    said: set[str] = set()  # two dimensions waiting for one project: say it once
    for dim in sorted(dimensions, key=weight):
        f = findings[dim["id"]]
        # the weakest answer shows what holds the dimension back, gap or not
        seen = f["gaps"][0] if f["gaps"] else (f["weakest"][0] if f["weakest"] else None)
        if seen is None or dim["score"] is None:
            continue
        photos = [e for e in evidence if e["qid"] == seen["qid"] and e["kind"] not in
                  {"refused", "file"}]
        chosen.append({"dimension": dim["title"], "band": dim["level_name"],
                       "score": dim["score"], "seen": seen["seen"], "topic": seen["topic"],
                       "note": seen["note"], "photos": len(photos),
                       "why": next((w["short"] for w in f["why"] if w["short"] not in said),
                                   "")})
        said.update(w["short"] for w in f["why"])
        if len(chosen) == 3:
            break
    return chosen


def decisions(recs: list[dict[str, Any]], lang: str) -> list[str]:
    """What only the CEO can decide now: go-ahead and own share for the first projects, and
    the preparation steps the catalogue gives to the CEO (an owner, a maintenance budget)."""
    found: list[str] = []
    leading = [r for r in recs if r["priority"]["level"] == "high"][:2] or recs[:1]
    goal = next((r for r in recs if r["goal_hit"]), None)
    if goal is not None and goal not in leading:
        leading.append(goal)
    for rec in leading:
        found.append(_say("go_ahead", lang, n=rec["name"], o=rec["own_share_text"],
                          t=rec["track"],
                          m=months_label(rec["start_month"], rec["start_month"], lang)))
    seen: set[str] = set()
    for rec in leading:
        for step in rec["steps"]:
            if step["ceo"] and step["id"] not in seen:
                seen.add(step["id"])
                found.append(step["shared_label"])
    return found[:3]


def next_days(recs: list[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    """What happens in the next 90 days: preparation steps and starts in months 1-3, and the
    application to each primary track of a project starting within six months."""
    rows: list[tuple[int, int, dict[str, str]]] = []
    seen: set[str] = set()  # a step several projects need is done once (findings.share_steps)
    active = [r for r in recs if r["priority"]["level"] != "low"] or recs[:3]
    for rec in active:
        for step in rec["steps"]:
            if step["alongside"] or step["start"] > FIRST_DAYS or step["id"] in seen:
                continue
            seen.add(step["id"])
            rows.append((step["start"], rec["rank"], {  # the step names its project itself
                "when": months_label(step["start"], step["end"], lang), "what": step["shared_label"],
                "who": step["owner"], "for": step["shared_text"]}))
        if rec["start_month"] <= FIRST_DAYS:
            rows.append((rec["start_month"], rec["rank"], {
                "when": months_label(rec["start_month"], rec["start_month"], lang),
                "what": _say("starts", lang, n=rec["name"]), "who": rec["owner"], "for": ""}))
    tracks: set[str] = set()
    for rec in active:
        if rec["start_month"] > 6 or rec["track"] in tracks:
            continue
        tracks.add(rec["track"])
        # a closed call, or one whose dates are not known, is never sent to as if open
        what = {"open": "apply", "upcoming": "apply", "rolling": "apply",
                "closed": "next_call"}.get(rec["track_window_status"], "check_apply")
        rows.append((0, rec["rank"], {
            "when": rec["track_window_short"] or _say("check_call", lang),
            "what": _say(what, lang, t=rec["track"]),
            "who": _say("with_consultant", lang), "for": rec["name"]}))
    rows.sort(key=lambda r: (r[0], r[1]))
    for _, _, row in rows:  # a table cell starts with a capital
        row["when"] = row["when"][:1].upper() + row["when"][1:]
    return [r[2] for r in rows][:NEXT_ROWS]


def contacts(consultant: str, office: dict[str, str] | None, recs: list[dict[str, Any]],
             lang: str) -> list[dict[str, Any]]:
    """Who to call: the consultant, the programme office (``office``: its name and the
    programme file's contact), and the desk of each track that funds a project of the next six
    months when it has its own (an outside programme's provider). Each with what is known of
    phone, e-mail and web page, or a line that says to see the call: never a blank."""
    found: list[dict[str, Any]] = []
    if consultant:
        found.append({"role": _say("consultant", lang), "name": consultant, "reach": [],
                      "about": _say("about_consultant", lang)})
    if office:
        found.append({"role": _say("office", lang), "name": office["organisation"],
                      "reach": _reach(office, lang),
                      "about": office["role"] or _say("about_office", lang)})
    shown: set[str] = set()
    for rec in recs:
        contact = rec["track_contact"]
        name = contact["organisation"] or (rec["track_provider"] if rec["track_external"]
                                           else "")
        if not name or rec["start_month"] > 6 or rec["track"] in shown:
            continue
        shown.add(rec["track"])
        found.append({"role": rec["track"], "name": name, "reach": _reach(contact, lang),
                      "about": contact["role"] or rec["track_window_short"]
                      or _say("check_call", lang)})
    return found


def _reach(contact: dict[str, str], lang: str) -> list[str]:
    """Phone, e-mail and web page as written in the programme file, or the line that sends
    the reader to the call when it gives none."""
    reach = [contact[key] for key in ("phone", "email", "url") if contact.get(key)]
    return reach or [_say("see_call", lang)]


def headline(company: str, overall: dict[str, Any], gaps: list[dict[str, Any]],
             answer: dict[str, Any] | None, words: dict[str, Any], lang: str) -> str:
    """The verdict in one paragraph when the consultant wrote none (marked as generated)."""
    parts = []
    if overall["level"] is not None:
        parts.append(_say("headline.level", lang, c=company, l=overall["level"],
                          n=overall["level_name"]))
    if gaps:
        parts.append(_say("headline.gaps", lang, d=", ".join(g["title"] for g in gaps[:2])))
    if answer is not None and words["goal"]:
        parts.append(_say("headline.goal", lang, g=words["goal"], r=answer["name"],
                          f=answer["facts"][0]))
    elif answer is not None:
        parts.append(_say("headline.first", lang, r=answer["name"], f=answer["facts"][0]))
    return " ".join(parts)


def ladder(bands: list[Any], level: int | None, lang: str) -> list[dict[str, Any]]:
    """The five levels with their names, the company's marked."""
    return [{"level": b.level, "name": pick(b.name, lang), "min": b.min,
             "current": b.level == level} for b in bands]
