"""The shapes a worksheet takes beyond one question after another (plain data for the templates).

- A form's print groups (activities/schema.PrintGroup): a table of tries or rungs, a chain with arrows,
  questions side by side. A table of more than four columns goes on a landscape page at the end.
- A two-by-two (self x other) to mark, from an information item's `grid`.
- A breathing pattern of four equal-ish sides as a square to trace with the eyes.
- Things to print and cut out (scenario cards, role cards, the observer's checklist, card slips...):
  the facilitator guide's last pages, named as the guide's materials name them.
"""
from __future__ import annotations

from typing import Any

WIDE_COLUMNS = 4  # a table with more columns than this prints landscape
SCALE_HINT = "0\u201310"


# ---- form print groups ----------------------------------------------------------------------------


def _column(field: dict, heading: str) -> dict[str, Any]:
    scale = field["type"] == "scale"
    return {"id": field["id"], "heading": heading or field["label"], "label": field["label"],
            "scale": scale, "hint": SCALE_HINT if scale else "",
            "narrow": field["type"] in ("scale", "emotion")}


CARD_PANELS = 4  # a card folded in four: the front, then three panels of questions


def _weight(field: dict) -> int:
    return field["max_items"] + 1 if field["type"] == "list" else 2


def card_block(group: dict, fields: dict[str, dict], questions: dict[str, dict]) -> dict[str, Any]:
    """A wallet card: the heading and the first question on the front, the rest spread over three panels
    by the room they need (a list takes a line an item)."""
    ids = list(group["fields"])
    names = group["columns"] or [fields[fid]["label"] for fid in ids]
    items = [{"heading": name, "lines": min(fields[fid]["max_items"], 4) if fields[fid]["type"] == "list" else 1,
              "numbered": fields[fid]["type"] == "list"} for fid, name in zip(ids, names, strict=True)]
    rest, weights = items[1:], [_weight(fields[fid]) for fid in ids[1:]]
    panels: list[list[dict]] = [[items[0]]]
    per_panel = max(1, -(-sum(weights) // (CARD_PANELS - 1)))
    current: list[dict] = []
    used = 0
    for item, w in zip(rest, weights, strict=True):
        if current and used + w > per_panel and len(panels) < CARD_PANELS - 1:
            panels.append(current)
            current, used = [], 0
        current.append(item)
        used += w
    panels.append(current)
    while len(panels) < CARD_PANELS:
        panels.append([])
    return {"type": "card", "heading": group["heading"], "help": group["help"],
            "panels": [{"front": n == 0, "items": panel} for n, panel in enumerate(panels)],
            "key": [{"heading": name, "label": fields[fid]["help"]} for fid, name in zip(ids, names, strict=True)
                    if fields[fid]["help"]],
            "who_sees": sorted({questions[fid]["who_sees"] for fid in ids})}


def group_block(group: dict, fields: dict[str, dict], questions: dict[str, dict]) -> dict[str, Any]:
    """One print group as a block: its columns (short headings, the full question kept for the key) and,
    side by side, each question's own room to write."""
    if group["layout"] == "card":
        return {**card_block(group, fields, questions), "wide": False}
    names = group["columns"] or [""] * len(group["fields"])
    columns = [_column(fields[fid], name) for fid, name in zip(group["fields"], names, strict=True)]
    block = {"type": "group", "layout": group["layout"], "heading": group["heading"], "help": group["help"],
             "rows": group["rows"], "columns": columns,
             "wide": group["layout"] != "side_by_side" and len(columns) > WIDE_COLUMNS,
             "who_sees": sorted({questions[fid]["who_sees"] for fid in group["fields"]})}
    if group["layout"] == "side_by_side":
        block["questions"] = [questions[fid] for fid in group["fields"]]
    # the full questions under a table whose headings are short, so nothing of the wording is lost
    block["key"] = [{"heading": c["heading"], "label": c["label"]} for c in columns if c["heading"] != c["label"]]
    return block


def arrange(fields: list[dict], groups: list[dict], questions: dict[str, dict]) -> list[dict[str, Any]]:
    """The form's questions in order, each print group in the place of its first field; wide tables
    last (a page of their own, landscape), with a pointer where they would have been."""
    by_id = {f["id"]: f for f in fields}
    first = {g["fields"][0]: g for g in groups}
    grouped = {fid for g in groups for fid in g["fields"]}
    blocks: list[dict[str, Any]] = []
    wide: list[dict[str, Any]] = []
    for f in fields:
        if f["id"] in first:
            block = group_block(first[f["id"]], by_id, questions)
            if block["wide"]:
                wide.append(block)
                blocks.append({"type": "text", "heading": block["heading"], "pointer": True,
                               "body": "This part is a table, on the last page of this sheet: turn the page "
                                       "sideways to fill it in."})
            else:
                blocks.append(block)
        elif f["id"] not in grouped:
            blocks.append(questions[f["id"]])
    return blocks + wide


# ---- a two-by-two ---------------------------------------------------------------------------------


def grid_block(grid: dict) -> dict[str, Any]:
    cells = grid["cells"]
    return {"type": "grid", "heading": grid["heading"], "help": grid["help"],
            "rows_label": grid["rows_label"], "columns_label": grid["columns_label"],
            "columns": grid["columns"],
            "rows": [{"heading": grid["rows"][0], "cells": cells[:2]}, {"heading": grid["rows"][1], "cells": cells[2:]}]}


# ---- a breathing square ---------------------------------------------------------------------------


def square(phases: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Four phases (in, hold, out, hold) as the sides of a square, clockwise from the top; else None."""
    if len(phases) != 4:
        return None
    top, right, bottom, left = phases
    return {"top": top, "right": right, "bottom": bottom, "left": left}


# ---- things to print and cut out ------------------------------------------------------------------


def _card(heading: str, lines: list[str], *, ticks: bool = False, write: int = 0, ordered: bool = False) -> dict:
    return {"heading": heading, "lines": list(lines), "ticks": ticks, "write": write, "ordered": ordered}


def _two(card: dict) -> list[dict]:
    """A card every triad needs: two to a row, so one cut gives two."""
    return [card, card]


def _pairs_cutouts(activity: Any) -> list[dict[str, Any]]:
    s = activity.settings
    sets: list[dict[str, Any]] = []
    if s.scenarios:
        sets.append({"title": "Scenario cards", "help": "One scenario on each card; a member chooses one, or brings their own.",
                     "cards": [_card(f"Scenario {n}", [text]) for n, text in enumerate(s.scenarios, 1)]})
    steps = [(s.ask_steps, "Asking for repair"), (s.repair_steps, "Offering a repair")]
    if any(items for items, _ in steps):
        sets.append({"title": "Repair steps card", "help": "One card for each triad.",
                     "cards": [_card(heading, items, ordered=True) for items, heading in steps if items]})
        if len(sets[-1]["cards"]) == 1:
            sets[-1]["cards"] = _two(sets[-1]["cards"][0])
    if s.listener_prompts:
        sets.append({"title": "Listener prompt card", "help": "One card for each listener.",
                     "cards": _two(_card("When you are the listener", s.listener_prompts))})
    if s.observer_checklist:
        sets.append({"title": "Observer checklist", "help": "Tick what you noticed; a word or two is enough.",
                     "cards": _two(_card("When you are the observer", s.observer_checklist, ticks=True, write=1))})
    if s.exercise == "roleplay":
        sets.append({"title": "Role cards", "help": "One set for each triad; the roles rotate each round.",
                     "cards": [_card(role, [line]) for role, line in zip(s.roles, _role_lines(s), strict=False)]})
        if activity.debrief:
            sets.append({"title": "Debrief card", "help": "For the talk between the scene and the replay.",
                         "cards": _two(_card("Repeat / adjust", activity.debrief[:4]))})
    return sets


def _role_lines(s: Any) -> list[str]:
    return ["You play yourself, and you are in charge: you can pause, restart or stop at any time.",
            "You play the other person as they might realistically respond: a little resistance, not their worst day.",
            "You watch and listen, and notice what works; afterwards, say what you saw, kindly and specifically."]


def _cards_cutouts(activity: Any) -> list[dict[str, Any]]:
    s = activity.settings
    sender = {"named": "   From: ____________", "facilitators": "   From (for the facilitator only): ____________",
              "anonymous": ""}[s.anonymity]
    return [{"title": "Card slips", "help": "For members in the room without a device: one slip for each card. "
                                            "Hand them to the facilitator, who reads them before anything is shared.",
             "cards": [_card(t, ["To: ____________" + sender], write=3) for t in s.templates]}]


def cutouts(activity: Any) -> list[dict[str, Any]]:
    """The sets of cards this activity's materials call for, each {title, help, cards}."""
    if activity.kind == "pairs":
        return _pairs_cutouts(activity)
    if activity.kind == "cards" and activity.settings.mode != "istatement":
        return _cards_cutouts(activity)
    return []
