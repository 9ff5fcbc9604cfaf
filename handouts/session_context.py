"""Plain-data builders for a group's and a session's handouts: agreements, join sheet, packet,
summary and take-home sheet. ORM rows come in; only dicts, lists, strings and numbers go out."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from activities import plan
from core import links, records
from core import vocabulary as vocab
from core.catalogue import AGREEMENTS_SLUG
from core.crisis import crisis_text
from core.models import Group, GroupSession, Participant
from handouts.context import (
    clock,
    doc,
    guide_data,
    home_question,
    lines_of,
    phrase,
    worksheet_data,
)

EDITIONS = {"facilitator": "Facilitator edition", "participant": "Participant edition"}
LOG_DAYS = 7
OWN_WORDS = "Own words"  # feeling words given without a family


def date_words(when: datetime | None) -> str:
    return f"{when.day} {when:%B %Y}" if when is not None else ""


def mmss(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


# ---- group agreements and the join sheet --------------------------------------------------------


def agreements_data(group: Group) -> dict[str, Any]:
    return {"group": group.name, "items": lines_of(group.agreements)}


def agreements_context(group: Group) -> dict[str, Any]:
    return {"doc": doc(f"{group.name}: group agreements", "Group agreements", "agreements"),
            "agreements": agreements_data(group)}


def join_context(gs: GroupSession, join: dict) -> dict[str, Any]:
    """`join` is core.links.join_info(gs): code, url, qr (an SVG data: URI). `local_only` (the link
    points at this computer only, so phones cannot open it) makes the preview warn the facilitator."""
    parts = urlsplit(join["url"])
    return {"doc": doc(f"Join {gs.title}", "Join sheet", "join"),
            "join": {"title": gs.title, "group": gs.group.name, "code": join["code"],
                     "spelled": " ".join(join["code"]), "url": join["url"], "host": parts.netloc,
                     "home": f"{parts.scheme}://{parts.netloc}/", "qr": join["qr"],
                     "date": date_words(gs.starts_at), "local_only": links.is_local_only(join["url"])}}


# ---- the session packet ---------------------------------------------------------------------------


def packet_context(gs: GroupSession, rows: list[tuple[Any, Any]], edition: str,
                   emotions: list[dict]) -> dict[str, Any]:
    """The plan as an agenda, the agreements, then each activity's guide (facilitator edition)
    or worksheet (participant edition). `rows` is facilitator.plans.plan_rows(gs). An item's own wording
    for this session (`item.prompt`) is what its guide and worksheet print."""
    agenda, sections, at = [], [], 0
    for n, (item, activity) in enumerate(rows, 1):
        replaced = None
        if activity is not None:
            own = plan.worded(activity, getattr(item, "prompt", None))
            if own is not activity:  # the file's wording it replaces is no "other question" on the worksheet
                replaced, activity = plan.prompt_of(activity), own
        anchor = f"sec-{n}" if activity is not None else None
        agenda.append({"at": clock(at), "minutes": item.minutes, "anchor": anchor,
                       "title": activity.title if activity is not None else "An activity that is no longer available",
                       "kind": phrase(vocab.KINDS, activity.kind) if activity is not None else ""})
        at += item.minutes
        if activity is None:
            continue
        body = guide_data(activity, replaced) if edition == "facilitator" else worksheet_data(activity, emotions, replaced)
        sections.append({"anchor": anchor, "n": n, "title": activity.title, "minutes": item.minutes,
                         "guide" if edition == "facilitator" else "sheet": body,
                         # the agreements activity prints the group's own agreements, and the packet no other copy
                         "agreements": agreements_data(gs.group) if activity.slug == AGREEMENTS_SLUG else None})
    words = EDITIONS[edition]
    audience = "Facilitator edition \u00b7 not for participants" if edition == "facilitator" else "Participant edition"
    return {"doc": doc(f"{gs.title}: session packet ({words.lower()})", audience, f"packet {edition}"),
            "packet": {"title": gs.title, "group": gs.group.name, "date": date_words(gs.starts_at),
                       "edition": edition, "edition_words": words, "agenda": agenda, "total": at,
                       "agreements": None if any(s["agreements"] for s in sections) else agreements_data(gs.group),
                       "sections": sections}}


# ---- the session summary (facilitators) --------------------------------------------------------


def _aggregate(field: dict, rows: list[dict], family_labels: dict[str, str]) -> dict[str, Any]:
    values = [row["answers"].get(field["id"]) for row in rows]
    values = [v for v in values if v is not None]
    out: dict[str, Any] = {"label": field["label"], "type": field["type"], "answered": len(values)}
    if field["type"] == "emotion":
        counts = Counter(family_labels.get(v.get("family") or "", OWN_WORDS) for v in values)
        out["families"] = [{"label": k, "count": c} for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    elif field["type"] == "scale" and values:
        out.update(mean=round(sum(values) / len(values), 1), low=min(values), high=max(values),
                   histogram=[{"point": p, "count": values.count(p)} for p in range(11)])
    return out


def summary_context(gs: GroupSession, emotions: list[dict]) -> dict[str, Any]:
    """facilitator.summary.session_summary, arranged for print: attendance and airtime, activities and
    their time, aggregates of the form answers (no names, no text; private answers never appear), and the
    check-in alerts with their follow-up (name, feeling word and intensity, as on the console)."""
    from facilitator.summary import session_summary

    s = session_summary(gs)
    family_labels = {f["id"]: f["label"] for f in emotions}
    total = s["airtime_total"]
    people = [{"name": p["name"], "status": p["status"], "in_room": p["in_room"], "airtime": mmss(p["airtime"]),
               "share": round(100 * p["airtime"] / total) if total else 0} for p in s["attendance"]]
    activities = [{**a, "minutes": a["minutes"], "over": a["minutes"] - a["planned_minutes"]} for a in s["activities"]]
    forms = [{"title": f["title"], "answered": len(f["rows"]),
              "fields": [_aggregate(field, f["rows"], family_labels) for field in f["fields"]]} for f in s["forms"]]
    return {"doc": doc(f"{s['title']}: session summary", "Session summary \u00b7 for facilitators only", "summary"),
            "summary": {"title": s["title"], "group": s["group"], "date": date_words(s["starts_at"]),
                        "open": s["status"] != "ended", "admitted": s["admitted_count"], "people": people,
                        "airtime_total": mmss(total), "activities": activities,
                        "planned_total": sum(a["planned_minutes"] for a in activities),
                        "taken_total": round(sum(a["minutes"] for a in activities), 1), "forms": forms,
                        "alerts": s["alerts"], "follow_ups": s["follow_ups"],
                        "open_follow_ups": sum(1 for item in s["follow_ups"] if item["open"])}}


# ---- the take-home sheet (one participant) -------------------------------------------------------


def _answer(item: dict[str, Any], family_labels: dict[str, str]) -> dict[str, Any]:
    """One record item as the sheet prints it: a text (a feeling word with its family) or a list."""
    if item["entries"] is not None and item["text"] is None:
        return {"label": item["label"], "entries": list(item["entries"]), "text": None}
    family = family_labels.get(item.get("family") or "")
    text = (item["text"] or "") + (f" ({family.lower()})" if family else "")
    return {"label": item["label"], "text": text, "entries": item["entries"]}


def crisis_lines(group) -> list[str]:
    """The group's crisis resources (or the organisation's default), as paragraphs."""
    return [line.strip() for line in crisis_text(group).splitlines() if line.strip()]


def take_home_context(gs: GroupSession, participant: Participant, emotions: list[dict], *,
                      include_private: bool = True) -> dict[str, Any]:
    """One person's own record (what they wrote and received, core.records.session_record), their
    commitments, a daily check-in log and crisis resources.

    Only `participant`'s record is read. `include_private=False` (a facilitator printing for someone
    who had their own device) leaves out what that person kept private."""
    family_labels = {f["id"]: f["label"] for f in emotions}
    activities, commitments, withheld, commitment_withheld = [], [], 0, False
    for entry in records.session_record(gs, participant):
        answers = []
        for item in entry["record"]["items"]:
            if item["audience"] == "private" and not include_private:
                withheld += 1
                commitment_withheld = commitment_withheld or item["commitment"]
                continue
            (commitments if item["commitment"] else answers).append(_answer(item, family_labels))
        cards = [{"label": r.get("label"), "text": r["text"], "from": r["from"]} for r in entry["record"]["received"]]
        # the fields meant for after the session, blank, to fill in at home (the try, how it went)
        later = [home_question(f, emotions) for f in entry.get("later", [])]
        if answers or cards or later:
            activities.append({"title": entry["title"], "answers": answers, "received": cards, "later": later})
    return {"doc": doc(f"{gs.title}: take-home sheet for {participant.display_name}",
                       "Take-home sheet \u00b7 yours to keep", "take-home"),
            "home": {"title": gs.title, "group": gs.group.name, "name": participant.display_name,
                     "date": date_words(gs.starts_at or gs.created_at), "commitments": commitments,
                     "commitment_withheld": commitment_withheld,
                     "activities": activities, "withheld": withheld, "families": emotions,
                     "log_days": list(range(1, LOG_DAYS + 1)),
                     "crisis": crisis_lines(gs.group)}}
