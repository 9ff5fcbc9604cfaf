"""What a cards activity owns: the cards. A member's record holds the cards they wrote and the released
cards that reached them; the sender is named to them only in ``named`` mode, as on their screen."""
from __future__ import annotations

import copy
from typing import Any

from activities.kinds import Record, State, Summary
from activities.kinds.cards_views import GROUP, WHOLE_GROUP
from activities.kinds.shared_records import (
    FACILITATORS,
    PEOPLE,
    empty_record,
    fact,
    forget_member,
    item,
    member_name,
    received,
    summary_of,
)

RELEASED = "released"
# To the writer (their phone, through core/vocabulary.py, and their own record); then in the facilitators' summary.
STATUS_WORDS = {"pending": "waiting for the facilitator to read it", "released": "delivered",
                "returned": "returned to you"}
SUMMARY_WORDS = {"pending": "still waiting", "released": "delivered", "returned": "returned to the writer"}


def erase_member(state: State, member_id: str) -> State:
    """Cards they wrote and cards addressed to them go; so does their choice to receive cards."""
    new = copy.deepcopy(state)
    forget_member(new, member_id)
    new.get("open", {}).pop(member_id, None)
    new["cards"] = [card for card in new.get("cards", []) if member_id not in (card["from"], card["to"])]
    if new.get("shown") is not None and all(card["id"] != new["shown"] for card in new["cards"]):
        new["shown"] = None
    return new


def _opening(state: State, card: dict[str, Any]) -> str | None:
    templates = state.get("templates", [])
    return templates[card["template"]] if 0 <= card["template"] < len(templates) else None


def _audience(card: dict[str, Any]) -> str:
    if card["status"] != RELEASED:
        return FACILITATORS
    return "group" if card["to"] == GROUP else PEOPLE


def member_record(state: State, member_id: str) -> Record:
    record = empty_record()
    named = state.get("anonymity") == "named"
    for card in state.get("cards", []):
        if card["from"] == member_id:
            to = WHOLE_GROUP.lower() if card["to"] == GROUP else member_name(state, card["to"])
            label = f"Your card to {to} ({STATUS_WORDS.get(card['status'], card['status'])})"
            record["items"].append(item(label, text=card["text"], audience=_audience(card)))
            if card["note"]:
                record["received"].append(received(card["note"], None, "The facilitator's note on a card that came back"))
        elif card["status"] == RELEASED and card["to"] in (member_id, GROUP):
            sender = member_name(state, card["from"]) if named else None
            label = _opening(state, card) if card["to"] == member_id else f"To the whole group: {_opening(state, card)}"
            record["received"].append(received(card["text"], sender, label))
    return record


def summary(state: State) -> Summary:
    """Counts, and every card with its writer (not in anonymous mode), as facilitators saw them."""
    cards = state.get("cards", [])
    statuses = [card["status"] for card in cards]
    facts = [fact("Cards written", len(cards)), fact("Delivered", statuses.count(RELEASED)),
             fact("Returned to the writer", statuses.count("returned")),
             fact("Still waiting", statuses.count("pending"))]
    hidden = state.get("anonymity") == "anonymous"
    rows = [{"member": None if hidden else card["from"],
             "name": "Not named (anonymous cards)" if hidden else member_name(state, card["from"]),
             "private_count": 0,
             "answers": {"to": WHOLE_GROUP if card["to"] == GROUP else member_name(state, card["to"]),
                         "text": card["text"], "status": SUMMARY_WORDS.get(card["status"], card["status"])}}
            for card in cards]
    fields = [{"id": "to", "label": "To", "type": "short_text"}, {"id": "text", "label": "Card", "type": "long_text"},
              {"id": "status", "label": "What happened", "type": "short_text"}]
    return summary_of("cards", facts=facts, answers={"fields": fields, "rows": rows} if rows else None)
