"""Session plans: the ordered activities of one session, templates to reuse them, and publishing the
plan to the live session. The rules live here; routes only parse the request and report the result.

Every change runs in one write unit, keeps positions dense (0..n-1), and is then published, so an
open console sees the new plan straight away.
"""
from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import exists, select

from activities import plan
from core import catalogue, live
from core.activity_models import PlanItem, PlanTemplate
from core.extensions import db
from core.models import Group, GroupSession
from core.text import clean_text, draws_nothing

PLAN_MAX = plan.PLAN_MAX
MINUTES_MIN, MINUTES_MAX = 1, 240
TEMPLATE_NAME_MAX = 120
PROMPT_MAX = 300  # the same as an activity file's prompt line (activities/schema.py `Line`)


class PlanError(ValueError):
    """A change the plan cannot take. The message is written for the facilitator and shown as is."""


# ---- reading ------------------------------------------------------------------------------------


def plan_items(gs: GroupSession) -> list[PlanItem]:
    """The session's plan, in order."""
    return list(db.session.execute(
        select(PlanItem).where(PlanItem.session_id == gs.id).order_by(PlanItem.position, PlanItem.id)
    ).scalars())


def plan_rows(gs: GroupSession) -> list[tuple[PlanItem, Any | None]]:
    """Each plan item with its activity (None when the activity is no longer available)."""
    return [(item, catalogue.resolve(gs.group_id, item.slug)) for item in plan_items(gs)]


def title(gs: GroupSession, item: PlanItem) -> str:
    activity = catalogue.resolve(gs.group_id, item.slug)
    return activity.title if activity is not None else "That activity"


def templates_of(group: Group) -> list[PlanTemplate]:
    return list(db.session.execute(
        select(PlanTemplate).where(PlanTemplate.group_id == group.id).order_by(PlanTemplate.name, PlanTemplate.id)
    ).scalars())


def sessions_with_plans(gs: GroupSession) -> list[GroupSession]:
    """The group's other sessions that have a plan to copy, newest first."""
    has_plan = exists().where(PlanItem.session_id == GroupSession.id)
    return list(db.session.execute(
        select(GroupSession).where(GroupSession.group_id == gs.group_id, GroupSession.id != gs.id, has_plan)
        .order_by(GroupSession.starts_at.desc(), GroupSession.id.desc())
    ).scalars())


def source_session(gs: GroupSession, session_id: int) -> GroupSession:
    """Another session of the same group, to copy its plan from."""
    other = db.session.get(GroupSession, session_id)
    if other is None or other.group_id != gs.group_id:
        raise PlanError("That session is not one of this group's sessions.")
    return other


def template_for(gs: GroupSession, template_id: int) -> PlanTemplate:
    """One of the group's templates."""
    template = db.session.get(PlanTemplate, template_id)
    if template is None or template.group_id != gs.group_id:
        raise PlanError("That template is not one of this group's templates.")
    return template


# ---- changing -----------------------------------------------------------------------------------


def _editable(gs: GroupSession) -> None:
    if gs.status == "ended":
        raise PlanError("This session has ended, so its plan can no longer change.")


def _check_minutes(minutes: object) -> int:
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not MINUTES_MIN <= minutes <= MINUTES_MAX:
        raise PlanError(f"Please choose between {MINUTES_MIN} and {MINUTES_MAX} minutes.")
    return minutes


def _locked_items(s, gs: GroupSession) -> list[PlanItem]:
    """The plan inside a write unit. SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL
    the session row's lock does, so two changes at once cannot both take the same position."""
    s.execute(select(GroupSession.id).where(GroupSession.id == gs.id).with_for_update())
    return list(s.execute(
        select(PlanItem).where(PlanItem.session_id == gs.id).order_by(PlanItem.position, PlanItem.id)
    ).scalars())


def _item(items: list[PlanItem], item_id: int) -> PlanItem:
    for item in items:
        if item.id == item_id:
            return item
    raise PlanError("That activity is not in this plan. The page may be out of date; it has been reloaded.")


def _saved(item: PlanItem) -> PlanItem:
    """Detach the item as saved, so publishing (a new write unit) does not expire what callers read."""
    if item in db.session:
        db.session.expunge(item)
    return item


def _renumber(items: list[PlanItem]) -> None:
    for position, item in enumerate(items):
        item.position = position


def _carried(item: PlanItem) -> dict:
    """What a copy of a plan item keeps: the activity, the minutes and the session's own wording."""
    return {"slug": item.slug, "minutes": item.minutes, **({"prompt": item.prompt} if item.prompt else {})}


def _carried_prompt(entry: dict) -> str | None:
    """A copied entry's own wording, when it is still well formed (a template's JSON is old data)."""
    prompt = entry.get("prompt")
    if not isinstance(prompt, str):
        return None
    try:
        return clean_text(prompt, PROMPT_MAX) or None
    except ValueError:
        return None


def _append(s, gs: GroupSession, entries: list[dict]) -> tuple[int, int]:
    """Add {"slug", "minutes", "prompt"?} entries after the current items; returns (added, skipped)."""
    items = _locked_items(s, gs)
    usable = [e for e in entries if catalogue.resolve(gs.group_id, e["slug"]) is not None]
    if len(items) + len(usable) > PLAN_MAX:
        raise PlanError(f"A plan holds at most {PLAN_MAX} activities; this would make {len(items) + len(usable)}.")
    for offset, entry in enumerate(usable):
        s.add(PlanItem(session_id=gs.id, position=len(items) + offset, slug=entry["slug"],
                       minutes=_check_minutes(entry["minutes"]), prompt=_carried_prompt(entry)))
    return len(usable), len(entries) - len(usable)


def add(gs: GroupSession, slug: str, minutes: int | None = None) -> PlanItem:
    """Add an activity at the end of the plan; minutes default to the activity's suggested duration."""
    _editable(gs)
    with db.transaction() as s:
        activity = catalogue.resolve(gs.group_id, slug)
        if activity is None:
            raise PlanError("That activity is not available to this group.")
        minutes = activity.duration if minutes is None else _check_minutes(minutes)
        items = _locked_items(s, gs)
        if len(items) >= PLAN_MAX:
            raise PlanError(f"A plan holds at most {PLAN_MAX} activities.")
        item = PlanItem(session_id=gs.id, position=len(items), slug=slug, minutes=minutes)
        s.add(item)
    _saved(item)
    publish(gs)
    return item


def remove(gs: GroupSession, item_id: int) -> PlanItem:
    _editable(gs)
    with db.transaction() as s:
        items = _locked_items(s, gs)
        item = _item(items, item_id)
        s.delete(item)
        items.remove(item)
        _renumber(items)
    _saved(item)
    publish(gs)
    return item


def move(gs: GroupSession, item_id: int, to: int | Literal["up", "down"]) -> PlanItem:
    """Move an item one place up or down, or to a position (0-based)."""
    _editable(gs)
    with db.transaction() as s:
        items = _locked_items(s, gs)
        item = _item(items, item_id)
        here = items.index(item)
        target = {"up": here - 1, "down": here + 1}.get(to, to) if isinstance(to, str) else to
        if not isinstance(target, int) or isinstance(target, bool):
            raise PlanError("Please choose up or down.")
        if not 0 <= target < len(items):
            raise PlanError("That activity is already at the " + ("top" if target < 0 else "end") + " of the plan.")
        items.insert(target, items.pop(here))
        _renumber(items)
    _saved(item)
    publish(gs)
    return item


def set_minutes(gs: GroupSession, item_id: int, minutes: int) -> PlanItem:
    _editable(gs)
    minutes = _check_minutes(minutes)
    with db.transaction() as s:
        item = _item(_locked_items(s, gs), item_id)
        item.minutes = minutes
    _saved(item)
    publish(gs)
    return item


def set_prompt(gs: GroupSession, item_id: int, text: object) -> PlanItem:
    """This session's own wording for a round's prompt or a form's first question. Empty text clears it,
    and the activity's own wording is used again."""
    _editable(gs)
    try:
        text = clean_text(text, PROMPT_MAX)
    except ValueError as exc:
        raise PlanError(str(exc)) from exc
    if text and all(draws_nothing(ch) for ch in text):
        raise PlanError("That wording would show as blank. Please write words people can see.")
    with db.transaction() as s:
        item = _item(_locked_items(s, gs), item_id)
        activity = catalogue.resolve(gs.group_id, item.slug)
        if activity is None:
            raise PlanError("That activity is no longer available, so its wording cannot change.")
        if activity.kind not in plan.PROMPT_KINDS:
            raise PlanError("Only a round's prompt or a form's first question can have its own wording "
                            "for a session; this activity's wording stays as written.")
        item.prompt = text or None
    _saved(item)
    publish(gs)
    return item


def copy_from(gs: GroupSession, other: GroupSession) -> tuple[int, int]:
    """Add another session's activities after this plan's. Returns (added, skipped as unavailable)."""
    _editable(gs)
    if other.group_id != gs.group_id:
        raise PlanError("That session is not one of this group's sessions.")
    if other.id == gs.id:
        raise PlanError("Please choose a different session to copy from.")
    entries = [_carried(i) for i in plan_items(other)]
    if not entries:
        raise PlanError("That session has no plan to copy.")
    with db.transaction() as s:
        result = _append(s, gs, entries)
    publish(gs)
    return result


def save_template(gs: GroupSession, name: str) -> PlanTemplate:
    """Keep this plan under a name, for the group's later sessions."""
    try:
        name = clean_text(name, TEMPLATE_NAME_MAX)
    except ValueError as exc:
        raise PlanError(str(exc)) from exc
    if not name:
        raise PlanError("Please give the template a name.")
    with db.transaction() as s:
        items = [_carried(i) for i in _locked_items(s, gs)]
        if not items:
            raise PlanError("Add at least one activity before saving the plan as a template.")
        taken = s.execute(select(PlanTemplate.id).where(PlanTemplate.group_id == gs.group_id,
                                                        PlanTemplate.name == name)).first()
        if taken is not None:
            raise PlanError(f"There is already a template called \u201c{name}\u201d. Please choose another name.")
        template = PlanTemplate(group_id=gs.group_id, name=name, items=items)
        s.add(template)
    return template


def apply_template(gs: GroupSession, template: PlanTemplate) -> tuple[int, int]:
    """Add a template's activities after this plan's. Returns (added, skipped as no longer available)."""
    _editable(gs)
    if template.group_id != gs.group_id:
        raise PlanError("That template is not one of this group's templates.")
    entries = [e for e in template.items if isinstance(e, dict) and isinstance(e.get("slug"), str)]
    with db.transaction() as s:
        added, skipped = _append(s, gs, entries)
    publish(gs)
    return added, skipped + len(template.items) - len(entries)


def publish(gs: GroupSession) -> dict:
    """Send the plan to the live session (items whose activity is gone are left out)."""
    items = [plan.entry(item.slug, activity, item.minutes, item.prompt) for item, activity in plan_rows(gs)
             if activity is not None]
    return live.system(gs, {"type": "plan_set", "items": items})
