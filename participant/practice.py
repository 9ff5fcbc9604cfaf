"""The practice log's rules: what a morning check-in, an evening review and a ladder step may hold,
which days may be written about, how many entries a day, and storing each phone's entry once.

A ladder step is one attempt at one step of the member's exposure ladder (activities/library/
exposure-ladder.yaml): what they feared would happen and what actually happened, the discomfort they
expected and the discomfort they felt (the same 0-10 scale, so the two can be compared), and what
they noticed in their body. A step is usually tried more than once: ``attempts`` gathers the entries
of each step, so the member sees the discomfort of the first try next to the latest.

Who sees an entry: the member only (their own page, and their own check-in review). Nothing here is
shown to facilitators; a member may copy one line of their own into a ReviewShare (participant/review.py).
Rejections carry a plain message for the member; logs get the reason only, never the words.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.member_models import PRACTICE_KINDS, Member, PracticeEntry
from core.models import utcnow

log = logging.getLogger(__name__)

TEXT_MAX = 300
WORD_MAX = 40  # a feeling word, as in the check-in (activities/kinds/form_values.EMOTION_WORD_MAX)
PAST_DAYS = 14  # how far back an entry may be about, and how far back the page lists
AHEAD_DAYS = 1  # a phone a time zone ahead of the server may already be on tomorrow
PER_DAY = 50  # entries one member may add in any 24 hours
KEY = re.compile(r"[A-Za-z0-9_-]{8,40}")
KIND_WORDS = {"morning": "Morning check-in", "evening": "Evening review", "ladder": "Ladder step"}
# The form fields each kind reads (a form post and the phone's JSON use the same flat names).
FIELDS = {"morning": ("feeling_word", "feeling_family", "need"),
          "evening": ("went_well", "repair", "lesson"),
          "ladder": ("step", "feared", "expected", "actual", "happened", "body")}
BODY_MAX = 200  # what the member noticed in their body, in a few words


class PracticeRejected(ValueError):
    """The entry cannot be stored; the message says why, in words for the member."""


def _text(raw: Mapping, name: str, label: str, limit: int = TEXT_MAX) -> str:
    value = raw.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PracticeRejected(f"{label} takes text.")
    value = value.strip()
    if len(value) > limit:
        raise PracticeRejected(f"{label}: please keep it to {limit} characters.")
    return value


def _score(raw: Mapping, name: str, label: str) -> int:
    value = raw.get(name)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,2}\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise PracticeRejected(f"{label}: please choose a whole number from 0 to 10.")
    return value


def _morning(raw: Mapping, families: set[str]) -> dict:
    word = _text(raw, "feeling_word", "The feeling", WORD_MAX)
    family = _text(raw, "feeling_family", "The feeling family", WORD_MAX) or None
    if family is not None and family not in families:
        raise PracticeRejected("Please choose a feeling family from the list, or leave it empty.")
    if not word:
        raise PracticeRejected("Please write a word for how you feel this morning.")
    return {"feeling": {"word": word, "family": family}, "need": _text(raw, "need", "What you need")}


def _evening(raw: Mapping, _families: set[str]) -> dict:
    data = {"went_well": _text(raw, "went_well", "What went well"), "repair": _text(raw, "repair", "The repair"),
            "lesson": _text(raw, "lesson", "The lesson")}
    if not any(data.values()):
        raise PracticeRejected("Please write at least one of the three lines.")
    return data


def _ladder(raw: Mapping, _families: set[str]) -> dict:
    step = _text(raw, "step", "The step")
    if not step:
        raise PracticeRejected("Please write the step you took.")
    data = {"step": step, "expected": _score(raw, "expected", "The discomfort you expected"),
            "actual": _score(raw, "actual", "The discomfort you felt")}
    for name, label, limit in (("feared", "What you feared", TEXT_MAX), ("happened", "What happened", TEXT_MAX),
                               ("body", "What you noticed in your body", BODY_MAX)):
        if text := _text(raw, name, label, limit):
            data[name] = text
    return data


CLEANERS = {"morning": _morning, "evening": _evening, "ladder": _ladder}


def clean_day(value: object, today: date) -> date:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    else:
        day = None
    if day is None:
        raise PracticeRejected("Please choose the day this is about.")
    if day > today + timedelta(days=AHEAD_DAYS):
        raise PracticeRejected("That day is still to come. Please choose today or an earlier day.")
    if day < today - timedelta(days=PAST_DAYS):
        raise PracticeRejected(f"The log keeps the last {PAST_DAYS} days. Please choose a more recent day.")
    return day


def clean_key(value: object) -> str:
    if not isinstance(value, str) or KEY.fullmatch(value) is None:
        raise PracticeRejected("This entry could not be read. Please reload the page and try again.")
    return value


def clean(raw: object, families: set[str], today: date) -> tuple[str, date, dict]:
    """The kind, the day and the data of one entry from a form post or the phone's JSON."""
    if not isinstance(raw, Mapping):
        raise PracticeRejected("This entry could not be read. Please reload the page and try again.")
    kind = raw.get("kind")
    if kind not in PRACTICE_KINDS:
        raise PracticeRejected("Please choose a morning check-in, an evening review or a ladder step.")
    unknown = set(raw) - {"kind", "day", "client_key", "csrf_token", *FIELDS[kind]}
    if unknown:
        raise PracticeRejected("This entry has fields the log does not know. Please reload the page.")
    return kind, clean_day(raw.get("day"), today), CLEANERS[kind](raw, families)


def existing(member: Member, client_key: str) -> PracticeEntry | None:
    return db.session.execute(select(PracticeEntry).where(PracticeEntry.member_id == member.id,
                                                          PracticeEntry.client_key == client_key)).scalar_one_or_none()


def _added_lately(member: Member) -> int:
    since = utcnow() - timedelta(days=1)
    return db.session.execute(select(func.count()).select_from(PracticeEntry).where(
        PracticeEntry.member_id == member.id, PracticeEntry.created_at >= since)).scalar_one()


def add(member: Member, raw: object, families: set[str], today: date) -> tuple[PracticeEntry, bool]:
    """Store one entry; returns it and whether it is new. The same client key again (a phone resending
    what it queued offline) returns the entry already stored, unchanged."""
    key = clean_key(raw.get("client_key") if isinstance(raw, Mapping) else None)
    if (found := existing(member, key)) is not None:
        return found, False
    kind, day, data = clean(raw, families, today)
    if _added_lately(member) >= PER_DAY:
        log.info("practice entry refused: over the daily limit")
        raise PracticeRejected("That is a lot of entries for one day. Please try again tomorrow.")
    try:
        with db.transaction() as s:
            entry = PracticeEntry(member_id=member.id, kind=kind, day=day, data=data, client_key=key)
            s.add(entry)
    except IntegrityError:  # the same key from two tabs at once: the other one stored it
        db.session.rollback()
        if (found := existing(member, key)) is not None:
            return found, False
        raise
    return entry, True


def recent(member: Member, today: date) -> list[PracticeEntry]:
    since = today - timedelta(days=PAST_DAYS)
    return list(db.session.execute(select(PracticeEntry).where(
        PracticeEntry.member_id == member.id, PracticeEntry.day >= since)
        .order_by(PracticeEntry.day.desc(), PracticeEntry.created_at.desc(), PracticeEntry.id.desc())).scalars())


LADDER_KEPT = 200  # the most recent ladder entries gathered into attempts per step


def ladder_entries(member: Member) -> list[PracticeEntry]:
    """The member's most recent ladder entries, however old (the purge's clock decides how long they stay)."""
    return list(db.session.execute(select(PracticeEntry).where(
        PracticeEntry.member_id == member.id, PracticeEntry.kind == "ladder")
        .order_by(PracticeEntry.created_at.desc(), PracticeEntry.id.desc()).limit(LADDER_KEPT)).scalars())


def written_since(member: Member, when: datetime | None) -> list[PracticeEntry]:
    """Entries written after `when` (the end of the member's last session), newest first."""
    query = select(PracticeEntry).where(PracticeEntry.member_id == member.id)
    if when is not None:
        query = query.where(PracticeEntry.created_at >= when)
    return list(db.session.execute(query.order_by(PracticeEntry.created_at.desc(), PracticeEntry.id.desc())).scalars())


def delete(member: Member, entry_id: int) -> bool:
    with db.transaction() as s:
        entry = s.get(PracticeEntry, entry_id)
        if entry is None or entry.member_id != member.id:
            return False
        s.delete(entry)
    return True


def line(entry: PracticeEntry, family_labels: dict[str, str], details: bool = True) -> str:
    """One entry in one line, in the member's own words (for their page and their check-in review).
    ``details=False``: a ladder try without what was feared, what happened and the body (the check-in
    review, where a line may be shared with the room: short, and the least personal part)."""
    d = entry.data
    if entry.kind == "morning":
        feeling = d["feeling"]["word"]
        family = family_labels.get(d["feeling"].get("family") or "")
        text = f"Feeling {feeling}" + (f" ({family.lower()})" if family else "")
        return text + (f"; needing {d['need']}" if d.get("need") else "")
    if entry.kind == "evening":
        parts = [("Went well", d.get("went_well")), ("Repair", d.get("repair")), ("Lesson", d.get("lesson"))]
        return "; ".join(f"{label}: {text}" for label, text in parts if text)
    text = f"{d['step']}: discomfort expected {d['expected']}/10, felt {d['actual']}/10"
    if not details:
        return text
    if d.get("feared"):
        text += f"; feared: {d['feared']}"
    if d.get("happened"):
        text += f"; what happened: {d['happened']}"
    if d.get("body"):
        text += f"; in my body: {d['body']}"
    return text


def _step_key(step: str) -> str:
    return " ".join(step.casefold().split()).rstrip(".!")


def attempts(entries: list[PracticeEntry]) -> list[dict]:
    """The ladder steps tried more than once, each with its attempts oldest first:
    [{"step", "tries": [{"day", "expected", "actual"}]}], the most recently tried step first."""
    steps: dict[str, dict] = {}
    for entry in sorted((e for e in entries if e.kind == "ladder"), key=lambda e: (e.day, e.created_at, e.id)):
        d = entry.data
        found = steps.setdefault(_step_key(d["step"]), {"step": d["step"], "tries": []})
        found["step"] = d["step"]  # the latest wording
        found["tries"].append({"day": f"{entry.day:%a} {entry.day.day} {entry.day:%b}",
                               "expected": d["expected"], "actual": d["actual"]})
    repeated = [step for step in steps.values() if len(step["tries"]) > 1]
    return list(reversed(repeated))


def describe(entry: PracticeEntry, family_labels: dict[str, str]) -> dict:
    """An entry as the member's page lists it."""
    return {"id": entry.id, "kind": KIND_WORDS[entry.kind], "day": f"{entry.day:%A} {entry.day.day} {entry.day:%B}",
            "line": line(entry, family_labels)}
