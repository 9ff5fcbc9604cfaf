"""Form engine: check-ins, check-outs and reflection worksheets filled in live.

State (``kind: "form"``)::

    phase               "open" -> "closed" (answers can still be deleted when closed)
    go_around           from FormSettings (the hub may follow the form with a round)
    distress_threshold  from the start option ``distress_threshold`` (default 8)
    distress_families   from the start option ``distress_families`` ({family id: weight}, form_distress)
    fields              the FormField settings as plain dicts
    members             {id: {name, in_room, present}}
    answers             {member id: {field id: value}}; a resubmission replaces the whole set
    submitted_at        {member id: now of the last submission}
    spotlight           what the display shows: {"field", "member"} (member None = aggregate) or None
    shared              [{"member", "field"}]: chosen group-audience answers revealed to the group
    approved_words      {field id: {member id: word}}: words a facilitator approved for the room (show_as:
                        words); shown while still the member's answer

Audiences (activities/privacy.py): ``private`` answers belong to the member alone (facilitators only
learn that one exists), ``facilitators`` answers reach the facilitators and never the room, ``summary``
answers reach the facilitators and the room as a summary, ``group`` answers reach the group once revealed.
"""
from __future__ import annotations

from typing import Any

from activities import privacy
from activities.kinds import (
    Command,
    Effect,
    KindEngine,
    Options,
    Rejected,
    State,
    acting_for,
    dispatch,
    form_distress,
    form_records,
    handle_join,
    handle_leave,
    is_present,
    member_arg,
    name_of,
    require_facilitator,
    str_arg,
)
from activities.kinds.form_values import clean_answers, field_by_id
from activities.kinds.form_views import (
    MIN_GROUP_SUMMARY,
    display_view,
    facilitator_view,
    participant_view,
    shows_words,
)
from activities.schema import FormSettings

OPEN, CLOSED = "open", "closed"


def start(settings: FormSettings, members: dict[str, dict[str, Any]], now: float, seed: int,
          options: Options) -> State:
    return {
        "kind": "form",
        "phase": OPEN,
        "go_around": settings.go_around,
        "distress_threshold": options.distress_threshold,
        "distress_families": dict(options.distress_families),
        "fields": [field.model_dump() for field in settings.fields],
        "members": members,
        "answers": {},
        "submitted_at": {},
        "spotlight": None,
        "shared": [],
        "approved_words": {},
    }


def _require_open(state: State) -> None:
    if state["phase"] != OPEN:
        raise Rejected("This form is closed.")


def _distress_alerts(state: State, member: str, before: dict[str, Any],
                     after: dict[str, Any]) -> list[Effect]:
    """One alert per distress field whose answer now calls for one (form_distress) and either did not
    before or has a new value. A field whose audience is private never alerts."""
    earlier = {flag["field"]: flag["value"] for flag in form_distress.flags(state, before)}
    return [{"type": "alert", "kind": "distress", "member": member, **flag}
            for flag in form_distress.flags(state, after)
            if earlier.get(flag["field"]) != flag["value"]]


def _forget_missing(state: State) -> None:
    """Drop shared items and the spotlight when the answer they point at no longer exists."""
    def exists(item: dict[str, Any]) -> bool:
        return item["member"] is None or item["field"] in state["answers"].get(item["member"], {})

    state["shared"] = [item for item in state["shared"] if exists(item)]
    if state["spotlight"] is not None and not exists(state["spotlight"]):
        state["spotlight"] = None


# ---- commands ---------------------------------------------------------------------------------


def _submit(state: State, cmd: Command, now: float) -> list[Effect]:
    _require_open(state)
    member = acting_for(state, cmd, facilitator_may="in_room")
    answers = clean_answers(state["fields"], cmd.args.get("answers"))
    before = state["answers"].get(member, {})
    state["answers"][member] = answers
    state["submitted_at"][member] = now
    _forget_missing(state)
    return _distress_alerts(state, member, before, answers)


def _delete_answers(state: State, cmd: Command, now: float) -> None:
    member = acting_for(state, cmd, facilitator_may="in_room")
    if member not in state["answers"]:
        raise Rejected("There are no answers to delete.")
    del state["answers"][member]
    del state["submitted_at"][member]
    _forget_missing(state)


def _reveal(state: State, cmd: Command, now: float) -> None:
    """Show the group one field's aggregate, or (with ``member``) one chosen group-audience answer."""
    require_facilitator(cmd)
    field = field_by_id(state["fields"], str_arg(cmd, "field", "Please choose a question."))
    if field is None:
        raise Rejected("This form has no such question.")
    label = field["label"]
    if cmd.args.get("member") is None:
        if field["audience"] == "private":
            raise Rejected(f"“{label}” is private to each member and is never shown, not even summed up.")
        if field["audience"] not in privacy.PROJECTABLE:
            raise Rejected(f"“{label}” is for the facilitators only and is never shown on the room screen, "
                           "not even summed up.")
        answered = sum(1 for m, a in state["answers"].items() if is_present(state, m) and field["id"] in a)
        if answered < MIN_GROUP_SUMMARY:
            raise Rejected(f"Wait until at least {MIN_GROUP_SUMMARY} people have answered “{label}”, "
                           "so that no one's answer can be picked out.")
        if shows_words(field):
            _approve_words(state, cmd, field)
        state["spotlight"] = {"field": field["id"], "member": None}
        return
    member = member_arg(state, cmd)
    if field["audience"] != "group":
        raise Rejected(f"“{label}” is not shared with the group; show a summary instead.")
    if field["id"] not in state["answers"].get(member, {}):
        raise Rejected(f"{name_of(state, member)} has not answered “{label}”.")
    item = {"field": field["id"], "member": member}
    state["spotlight"] = item
    if item not in state["shared"]:
        state["shared"].append(dict(item))


def _approve_words(state: State, cmd: Command, field: dict[str, Any]) -> None:
    """Moderation: the room sees only the words a facilitator has read and ticked (``members``: every
    member whose word may be shown; it replaces the earlier choice). A word edited afterwards drops out."""
    chosen = cmd.args.get("members")
    if not isinstance(chosen, list) or not all(isinstance(m, str) for m in chosen):
        raise Rejected("Please tick the words that may be shown.")
    answers = {m: a[field["id"]] for m, a in state["answers"].items() if is_present(state, m) and field["id"] in a}
    unknown = [m for m in chosen if m not in answers]
    if unknown:
        raise Rejected("One of the ticked words is no longer there; please look again.")
    if len(set(chosen)) < MIN_GROUP_SUMMARY:
        raise Rejected(f"Tick the words of at least {MIN_GROUP_SUMMARY} people, "
                       "so that no one's word can be picked out.")
    state.setdefault("approved_words", {})[field["id"]] = {m: answers[m] for m in dict.fromkeys(chosen)}


def _hide(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    if state["spotlight"] is None:
        raise Rejected("Nothing is being shown.")
    state["spotlight"] = None


def _unshare(state: State, cmd: Command, now: float) -> None:
    """Take one shared answer back off participants' screens (and the display, if it is showing)."""
    require_facilitator(cmd)
    field_id = str_arg(cmd, "field", "Please choose a question.")
    member = member_arg(state, cmd)
    item = {"field": field_id, "member": member}
    if item not in state["shared"]:
        raise Rejected("That answer is not being shared.")
    state["shared"] = [i for i in state["shared"] if i != item]
    if state["spotlight"] == item:
        state["spotlight"] = None


def _close(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    _require_open(state)
    state["phase"] = CLOSED


HANDLERS = {
    "submit": _submit,
    "delete_answers": _delete_answers,
    "reveal": _reveal,
    "hide": _hide,
    "unshare": _unshare,
    "close": _close,
    "member_join": handle_join,
    "member_leave": handle_leave,
}


def apply(state: State, cmd: Command, now: float) -> list[Effect]:
    return dispatch(HANDLERS, state, cmd, now)


ENGINE = KindEngine("form", start, apply, facilitator_view, participant_view, display_view,
                    erase_member=form_records.erase_member, member_record=form_records.member_record,
                    summary=form_records.summary)
