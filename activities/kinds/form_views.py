"""Form views: who sees which answers.

- Facilitators: every answer except ``private`` ones (for those, only that they exist).
- A participant: their own answers (every audience) plus group-audience answers the facilitator
  revealed, without names (the participant view has no ``show_names`` switch, so it never names).
- The display: counts and the spotlight (an aggregate, or one revealed group-audience answer, named
  only when ``show_names``).
Aggregates count present members only and never cover ``private`` fields. What the room (and the group)
sees of an aggregate follows activities/privacy.py: only ``summary`` and ``group`` fields, at least
MIN_CONTRIBUTORS people, no bar or bucket standing for one person, words only once a facilitator
approved them; a ``facilitators`` field reaches the display in no form.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from activities import privacy
from activities.kinds import State, View, form_distress, is_present, name_of, present_ids
from activities.kinds.form_values import SCALE_MAX, SCALE_MIN, Field, field_by_id

OTHER_FAMILY = "other"  # emotion words given without a family, and (for the room) feelings few named

MIN_GROUP_SUMMARY = privacy.MIN_CONTRIBUTORS  # fewer answers than this are never summed up for the room


def summarise(state: State, field: Field) -> dict[str, Any]:
    """Aggregate of one field over present members: count, emotion families, scale mean/histogram."""
    values = [
        answers[field["id"]]
        for member, answers in state["answers"].items()
        if is_present(state, member) and field["id"] in answers
    ]
    summary: dict[str, Any] = {"answered": len(values)}
    if field["type"] == "emotion":
        counts = Counter(value["family"] or OTHER_FAMILY for value in values)
        summary["families"] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    elif field["type"] == "scale":
        summary["mean"] = round(sum(values) / len(values), 1) if values else None
        summary["histogram"] = [values.count(point) for point in range(SCALE_MIN, SCALE_MAX + 1)]
    return summary


def _present_values(state: State, field: Field) -> dict[str, Any]:
    return {member: answers[field["id"]] for member, answers in state["answers"].items()
            if is_present(state, member) and field["id"] in answers}


def shows_words(field: Field) -> bool:
    return field.get("show_as") == "words" and field["audience"] in privacy.PROJECTABLE


def approved_words(state: State, field: Field) -> list[str]:
    """Words a facilitator approved for the room and still the member's answer (an edit drops out)."""
    approved = state.get("approved_words", {}).get(field["id"], {})
    values = _present_values(state, field)
    return [values[member] for member, word in approved.items() if values.get(member) == word]


def room_summary(state: State, field: Field) -> dict[str, Any]:
    """What the room and the group may see of one field's answers (activities/privacy.py)."""
    summary = summarise(state, field)
    answered = summary["answered"]
    held = {"answered": answered, "too_few": True, "held_back": privacy.SHOWN_WHEN}
    if field["audience"] not in privacy.PROJECTABLE:
        return {"answered": None, "too_few": True, "held_back": privacy.NOT_SHOWN}
    if not privacy.enough(answered):
        return held
    if shows_words(field):
        words = approved_words(state, field)
        if not privacy.enough(len(words)):
            return {**held, "held_back": privacy.WORDS_SHOWN_WHEN}
        return {"answered": answered, "words": privacy.word_list(words)}
    values = list(_present_values(state, field).values())
    if field["type"] == "emotion":
        return {"answered": answered, "families": privacy.safe_counts(summary["families"], OTHER_FAMILY)}
    if field["type"] == "scale":
        return {"answered": answered, "mean": summary["mean"], "bands": privacy.scale_bands(values)}
    return {"answered": answered}


def _facilitator_summary(state: State, field: Field) -> dict[str, Any]:
    """The full aggregate, and whether (or why not) the room may be shown it."""
    summary = summarise(state, field)
    room = room_summary(state, field)
    summary["can_show"] = not room.get("too_few", False)
    summary["held_back"] = room.get("held_back")
    if shows_words(field):  # the facilitator may tick words (moderation) once enough people answered
        summary["can_show"] = field["audience"] in privacy.PROJECTABLE and privacy.enough(summary["answered"])
        summary["approved"] = sorted(state.get("approved_words", {}).get(field["id"], {}))
    return summary


def _answered(state: State) -> int:
    return sum(1 for member in state["answers"] if is_present(state, member))


def _known_field(state: State, field_id: str) -> Field:
    field = field_by_id(state["fields"], field_id)
    if field is None:  # reveal only ever points at fields of this form
        raise KeyError(field_id)
    return field


def _heading(field: Field) -> dict[str, Any]:
    return {"field": field["id"], "label": field["label"], "type": field["type"]}


def _spotlight(state: State, show_names: bool, viewer: str | None = None,
               public: bool = True) -> dict[str, Any] | None:
    spot = state["spotlight"]
    if spot is None:
        return None
    field = _known_field(state, spot["field"])
    member = spot["member"]
    if member is None:
        if not public:
            return {**_heading(field), "summary": _facilitator_summary(state, field)}
        if field["audience"] not in privacy.PROJECTABLE:  # never, whatever the state says
            return None
        return {**_heading(field), "summary": room_summary(state, field)}
    if public and field["audience"] != "group":
        return None
    shown = {**_heading(field), "value": state["answers"][member][field["id"]]}
    if viewer is not None:
        return {**shown, "mine": member == viewer}
    return {**shown, "name": name_of(state, member) if show_names else None}


def _spotlight_with_member(state: State) -> dict[str, Any] | None:
    """The facilitator's spotlight also says whose answer it is, by id (names can repeat)."""
    spot = _spotlight(state, show_names=True, public=False)
    if spot is not None and state["spotlight"]["member"] is not None:
        spot["member"] = state["spotlight"]["member"]
    return spot


def _private_field_ids(state: State) -> set[str]:
    return {field["id"] for field in state["fields"] if field["audience"] == "private"}


def _member_row(state: State, member: str, private: set[str]) -> dict[str, Any]:
    answers = state["answers"].get(member, {})
    return {
        "id": member,
        **state["members"][member],
        "submitted_at": state["submitted_at"].get(member),
        "answers": {fid: value for fid, value in answers.items() if fid not in private},
        "private_answered": [fid for fid in answers if fid in private],
    }


def _distress(state: State) -> list[dict[str, Any]]:
    """Current answers that call for an alert (form_distress: the feeling weighs the intensity).
    Private fields never flag: even "someone rated high" would say something about an answer that
    belongs to the member alone."""
    return [{"member": member, "field": flag["field"], "value": flag["value"]}
            for member, answers in state["answers"].items()
            for flag in form_distress.flags(state, answers)]


def facilitator_view(state: State) -> View:
    private = _private_field_ids(state)
    return {
        "kind": "form",
        "phase": state["phase"],
        "go_around": state["go_around"],
        "distress_threshold": state["distress_threshold"],
        "fields": [dict(field) for field in state["fields"]],
        "answered": _answered(state),
        "present": len(present_ids(state)),
        "members": [_member_row(state, member, private) for member in state["members"]],
        "summaries": {f["id"]: _facilitator_summary(state, f) for f in state["fields"] if f["id"] not in private},
        "distress": _distress(state),
        "spotlight": _spotlight_with_member(state),
        "shared": [dict(item) for item in state["shared"]],
    }


def participant_view(state: State, member_id: str) -> View:
    shared = [
        {
            **_heading(_known_field(state, item["field"])),
            "value": state["answers"][item["member"]][item["field"]],
            "mine": item["member"] == member_id,
        }
        for item in state["shared"]
    ]
    return {
        "kind": "form",
        "phase": state["phase"],
        "fields": [{**{k: v for k, v in field.items() if k != "distress_alert"},
                    "who_sees": privacy.WHO_SEES[privacy.form_who_sees(field)]} for field in state["fields"]],
        "my_answers": dict(state["answers"].get(member_id, {})),
        "submitted": member_id in state["answers"],
        "shared": shared,
        "spotlight": _spotlight(state, show_names=False, viewer=member_id),
    }


def display_view(state: State, show_names: bool) -> View:
    return {
        "kind": "form",
        "phase": state["phase"],
        "fields": [_heading(field) for field in state["fields"]],
        "answered": privacy.count_for_room(_answered(state)),
        "present": len(present_ids(state)),
        "held_back": None if privacy.count_for_room(_answered(state)) is not None else privacy.SHOWN_WHEN,
        "spotlight": _spotlight(state, show_names),
    }
