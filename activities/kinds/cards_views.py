"""Cards views: who sees which card, and who learns who wrote it.

- A participant: the cards they wrote (every status, with a facilitator's note or edit), released
  cards addressed to them, released group cards. The writer of someone else's card is named only in
  ``named`` mode. Pending cards of others never appear, not even to their addressee.
- Facilitators: every card, the writer named except in ``anonymous`` mode, and who has received none.
- The display: the openings, counts, and the one card the facilitator shows.
"""
from __future__ import annotations

from typing import Any

from activities import privacy
from activities.kinds import State, View, is_present, name_of

GROUP = "group"
WHOLE_GROUP = "The whole group"


def _released(state: State) -> list[dict[str, Any]]:
    return [card for card in state["cards"] if card["status"] == "released"]


def _addressee(state: State, card: dict[str, Any]) -> dict[str, Any] | str:
    return GROUP if card["to"] == GROUP else {"id": card["to"], "name": name_of(state, card["to"])}


def _common_view(state: State) -> View:
    return {"kind": "cards", **{key: state[key] for key in ("mode", "anonymity", "worked_example", "max_chars")},
            "templates": list(state["templates"])}


def _counts(state: State) -> dict[str, int]:
    statuses = [card["status"] for card in state["cards"]]
    return {"sent": len(statuses), **{s: statuses.count(s) for s in ("pending", "released", "returned")}}


def _shown(state: State) -> dict[str, Any] | None:
    return next((card for card in state["cards"] if card["id"] == state["shown"]), None)


# ---- facilitators -----------------------------------------------------------------------------


def _facilitator_row(state: State, card: dict[str, Any]) -> dict[str, Any]:
    hidden = state["anonymity"] == "anonymous"
    sender = None if hidden else {"id": card["from"], "name": name_of(state, card["from"])}
    return {
        "id": card["id"], "from": sender, "to": _addressee(state, card), "template": card["template"],
        "opening": state["templates"][card["template"]], "text": card["text"],
        "parts": None if card["parts"] is None else dict(card["parts"]), "status": card["status"],
        "edited": card["edited"], "original": card["original"], "note": card["note"], "sent_at": card["sent_at"],
        "addressee_open": card["to"] == "group" or bool(state["open"].get(card["to"])),
    }


def who_has_none(state: State) -> list[dict[str, Any]]:
    """Present members no released card has been addressed to (group cards do not count)."""
    received = {card["to"] for card in _released(state)}
    return [{"id": member, "name": record["name"]} for member, record in state["members"].items()
            if record["present"] and member not in received]


def facilitator_view(state: State) -> View:
    rows = [_facilitator_row(state, card) for card in state["cards"]]
    shown = _shown(state)
    return {
        **_common_view(state),
        "members": [{"id": member, **record, "open": state["open"][member]}
                    for member, record in state["members"].items()],
        "queue": [row for row in rows if row["status"] == "pending"],
        "cards": rows,
        "who_has_none": who_has_none(state),
        "counts": _counts(state),
        "shown": None if shown is None else _facilitator_row(state, shown),
    }


# ---- participants -----------------------------------------------------------------------------


def _sender_name(state: State, card: dict[str, Any]) -> str | None:
    return name_of(state, card["from"]) if state["anonymity"] == "named" else None


def _delivered(state: State, card: dict[str, Any]) -> dict[str, Any]:
    return {"id": card["id"], "template": card["template"], "opening": state["templates"][card["template"]],
            "text": card["text"], "from": _sender_name(state, card)}


def participant_view(state: State, member_id: str) -> View:
    here = is_present(state, member_id)
    released = _released(state)
    shown = _shown(state)
    sent = [
        {"id": card["id"], "to": _addressee(state, card), "template": card["template"],
         "opening": state["templates"][card["template"]], "text": card["text"], "status": card["status"],
         "edited": card["edited"], "original": card["original"], "note": card["note"]}
        for card in state["cards"] if card["from"] == member_id
    ]
    return {
        **_common_view(state),
        "who_sees": privacy.WHO_SEES[f"cards_{state['anonymity']}"],
        "open": bool(here and state["open"].get(member_id)),
        # Everyone present, whether or not they opted in: listing only the open ones would tell the
        # group who opted out. Cards to someone not open wait and are returned, never delivered.
        "can_send_to": [{"id": member, "name": record["name"]} for member, record in state["members"].items()
                        if record["present"] and member != member_id]
        if here else [],
        "sent": sent,
        "received": [_delivered(state, card) for card in released if card["to"] == member_id],
        "group_cards": [{**_delivered(state, card), "mine": card["from"] == member_id}
                        for card in released if card["to"] == GROUP],
        "shown": None if shown is None else {
            "opening": state["templates"][shown["template"]], "text": shown["text"],
            "to_group": shown["to"] == GROUP, "to_me": shown["to"] == member_id, "from_me": shown["from"] == member_id,
        },
    }


# ---- the room display -------------------------------------------------------------------------


def display_view(state: State, show_names: bool) -> View:
    shown = _shown(state)
    named = show_names and state["anonymity"] == "named"
    if shown is None:
        spotlight = None
    else:
        to = WHOLE_GROUP if shown["to"] == GROUP else (name_of(state, shown["to"]) if named else None)
        spotlight = {"opening": state["templates"][shown["template"]], "text": shown["text"], "to": to,
                     "from": name_of(state, shown["from"]) if named else None}
    return {**_common_view(state), "counts": _counts(state), "shown": spotlight}
