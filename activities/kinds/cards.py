"""Cards engine: compassionate feedback, appreciations and I-statements, held for moderation.

State (``kind: "cards"``)::

    mode, templates, anonymity, worked_example, max_chars     from CardsSettings
    members     {id: {name, in_room, present}}
    open        {member id: bool}: open to receiving cards addressed to them
    cards       [{id, from, to, template, text, parts, status, edited, original, note, sent_at}]
                ``to`` is a member id or "group"; ``status`` pending -> released | returned
    next_card   counter behind the card ids ("c1", "c2", ...)
    shown       the id of the released card on the display, or None

Every card starts ``pending`` and reaches no participant, not even its addressee, until a facilitator
releases it. The sender's id stays in the state (so they can follow and withdraw their own card);
the views decide who may see it: participants only in ``named`` mode, facilitators in every mode but
``anonymous``.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from activities.kinds import (
    Command,
    Effect,
    KindEngine,
    Options,
    Rejected,
    State,
    acting_for,
    cards_records,
    dispatch,
    handle_leave,
    int_arg,
    is_present,
    join,
    name_of,
    require_facilitator,
)
from activities.kinds.cards_views import GROUP, display_view, facilitator_view, participant_view
from activities.schema import CardsSettings

PENDING, RELEASED, RETURNED = "pending", "released", "returned"
MAX_RETURN_NOTE = 200
PARTS = ("feel", "when", "because", "like")
BLAME = re.compile(r"\b(always|never)\b", re.IGNORECASE)
STATUS_REASONS = {
    RELEASED: "That card has already been released.",
    RETURNED: "That card went back to its writer.",
}


def open_by_default(mode: str) -> bool:
    """Appreciations reach everyone unless they step out. Feedback (and an I-statement addressed to
    someone) can sting even when kind, so receiving it is something a member chooses: they opt in,
    and nobody has to opt out in front of the group. Anyone can always write to the whole group."""
    return mode == "appreciations"


def start(settings: CardsSettings, members: dict[str, dict[str, Any]], now: float, seed: int,
          options: Options) -> State:
    return {
        "kind": "cards",
        **settings.model_dump(),
        "members": members,
        "open": {member: open_by_default(settings.mode) for member in members},
        "cards": [],
        "next_card": 0,
        "shown": None,
    }


def _text(state: State, raw: object, what: str = "A card") -> str:
    limit = state["max_chars"]
    if not isinstance(raw, str) or not raw.strip():
        raise Rejected(f"{what} needs a few words.")
    if len(raw.strip()) > limit:
        raise Rejected(f"{what} can be up to {limit} characters.")
    return raw.strip()


def _without_opening(opening: str, text: str) -> str:
    """A card is its opening and then the text: an opening typed again ("I appreciate… I appreciate how
    you listened") is dropped once, so the card does not say it twice."""
    lead = opening.split("…")[0].split("___")[0].strip(" .")
    if not lead or not text.casefold().startswith(lead.casefold()) or text[len(lead):len(lead) + 1].isalnum():
        return text
    rest = text[len(lead):].lstrip(" .,:;…")
    if not rest:
        raise Rejected("A card needs a few words after its opening.")
    return rest


def _compose(state: State, raw: object) -> tuple[str, dict[str, str]]:
    """'I feel ___ when ___, because ___. What I'd like is ___.' (the because part is optional)."""
    if not isinstance(raw, Mapping) or any(not isinstance(raw.get(p, ""), str) for p in PARTS):
        raise Rejected("Please fill in the parts of the I-statement.")
    parts = {p: raw.get(p, "").strip().rstrip(".").strip() for p in PARTS}
    missing = [label for p, label in (("feel", "what you feel"), ("when", "when it happens"),
                                      ("like", "what you would like")) if not parts[p]]
    if missing:
        raise Rejected(f"Please add {missing[0]}.")
    because = f", because {parts['because']}" if parts["because"] else ""
    text = f"I feel {parts['feel']} when {parts['when']}{because}. What I'd like is {parts['like']}."
    return _text(state, text, "An I-statement"), parts


def _card(state: State, cmd: Command) -> dict[str, Any]:
    card_id = cmd.args.get("card")
    card = next((c for c in state["cards"] if c["id"] == card_id), None)
    if card is None:
        raise Rejected("There is no such card.")
    return card


def _pending_card(state: State, cmd: Command) -> dict[str, Any]:
    card = _card(state, cmd)
    if card["status"] != PENDING:
        raise Rejected(STATUS_REASONS[card["status"]])
    return card


def _not_open(state: State, member: str) -> Rejected:
    return Rejected(f"{name_of(state, member)} is not receiving cards today. "
                    "You could write to the whole group instead.")


# ---- commands ---------------------------------------------------------------------------------


def _set_open(state: State, cmd: Command, now: float) -> None:
    member = acting_for(state, cmd, facilitator_may="anyone")
    value = cmd.args.get("open")
    if not isinstance(value, bool):
        raise Rejected("Choose whether to receive cards or not.")
    state["open"][member] = value


def _send(state: State, cmd: Command, now: float) -> None:
    sender = acting_for(state, cmd, facilitator_may="in_room")
    to = cmd.args.get("to")
    if to != GROUP:
        if not is_present(state, to):
            raise Rejected("Choose a member who is here, or the whole group.")
        if to == sender:
            raise Rejected("Cards go to another member or to the whole group.")
        # A card to someone who has not opted in is accepted like any other and simply never released
        # (the facilitator returns it with a note): refusing it here would tell the sender who opted out.
    template = int_arg(cmd, "template", 0, len(state["templates"]) - 1, "Please choose a card opening.")
    parts = None
    if state["mode"] == "istatement":
        text, parts = _compose(state, cmd.args.get("parts"))
        if BLAME.search(text) and cmd.args.get("keep_wording") is not True:
            raise Rejected("“Always” and “never” can make the other person defend themselves. Could you "
                           "describe one concrete moment instead? You can also keep your wording.")
    else:
        text = _without_opening(state["templates"][template], _text(state, cmd.args.get("text")))
    state["next_card"] += 1
    state["cards"].append({
        "id": f"c{state['next_card']}", "from": sender, "to": to, "template": template, "text": text,
        "parts": parts, "status": PENDING, "edited": False, "original": None, "note": None, "sent_at": now,
    })


def _withdraw(state: State, cmd: Command, now: float) -> None:
    sender = acting_for(state, cmd, facilitator_may="in_room")
    card = _card(state, cmd)
    if card["from"] != sender:
        raise Rejected("There is no such card.")  # the same words as a missing card: nothing leaks
    if card["status"] != PENDING:
        raise Rejected(STATUS_REASONS[card["status"]])
    state["cards"].remove(card)


def _release(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    card = _pending_card(state, cmd)
    if card["to"] != GROUP and not state["open"].get(card["to"]):
        raise _not_open(state, card["to"])
    card["status"] = RELEASED


def _edit(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    card = _pending_card(state, cmd)
    text = _text(state, cmd.args.get("text"))
    if text != card["text"]:
        card["original"] = card["original"] if card["edited"] else card["text"]
        card["text"], card["edited"], card["parts"] = text, True, None  # the parts no longer match


def _return_card(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    card = _pending_card(state, cmd)
    note = cmd.args.get("note")
    if note is not None and (not isinstance(note, str) or len(note.strip()) > MAX_RETURN_NOTE):
        raise Rejected(f"A note can be up to {MAX_RETURN_NOTE} characters.")
    card["status"], card["note"] = RETURNED, (note or "").strip() or None


def _show(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    card = _card(state, cmd)
    if card["status"] != RELEASED:
        raise Rejected("Only a released card can be shown.")
    state["shown"] = card["id"]


def _hide(state: State, cmd: Command, now: float) -> None:
    require_facilitator(cmd)
    if state["shown"] is None:
        raise Rejected("Nothing is being shown.")
    state["shown"] = None


def _member_join(state: State, cmd: Command, now: float) -> None:
    member = join(state, cmd)
    state["open"].setdefault(member, open_by_default(state["mode"]))


HANDLERS = {
    "set_open": _set_open,
    "send": _send,
    "withdraw": _withdraw,
    "release": _release,
    "edit": _edit,
    "return_card": _return_card,
    "show": _show,
    "hide": _hide,
    "member_join": _member_join,
    "member_leave": handle_leave,
}


def apply(state: State, cmd: Command, now: float) -> list[Effect]:
    return dispatch(HANDLERS, state, cmd, now)


ENGINE = KindEngine("cards", start, apply, facilitator_view, participant_view, display_view,
                    erase_member=cards_records.erase_member, member_record=cards_records.member_record,
                    summary=cards_records.summary)
