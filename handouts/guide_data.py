"""The facilitator guide as plain data: the script with start times, and how the activity runs in
plain sentences, tables and lists (handouts/context.py builds the worksheets; both feed the packet)."""
from __future__ import annotations

from typing import Any

from activities import privacy
from core import vocabulary as vocab
from handouts import layouts, practice_guides
from handouts.words import AUDIENCE_WORDS, clock, duration_words, people_words, phrase


def _form_settings(s: dict) -> dict[str, Any]:
    fields = [{"label": f["label"], "type": phrase(vocab.FIELDS, f["type"]),
               "audience": AUDIENCE_WORDS.get(f["audience"], f["audience"]),
               "notes": "; ".join(n for n in (
                   "required" if f["required"] else "",
                   f"up to {f['max_items']} items" if f["type"] == "list" else "",
                   "alerts facilitators, privately, at the group's threshold (8 by default) or above"
                   if f["distress_alert"] else "",
                   "the room may see the words you tick, as a list without names"
                   if f.get("show_as") == "words" else "") if n)}
              for f in s["fields"]]
    facts = [f"Members answer {len(fields)} question{'s' if len(fields) != 1 else ''} on their own screens "
             "(or on the printed worksheet)."]
    if s["go_around"]:
        facts.append("Afterwards, members read aloud what they choose to share, in a go-around; passing is always fine.")
    audiences = {f["audience"] for f in s["fields"]}
    if "private" in audiences:
        facts.append(f"Answers marked \u201c{AUDIENCE_WORDS['private']}\u201d are never shown to anyone else, not even to you.")
    if audiences & {"summary", "group"}:
        facts.append(f"The room display shows a summary only of questions marked \u201c{AUDIENCE_WORDS['summary']}"
                     f"\u201d or \u201c{AUDIENCE_WORDS['group']}\u201d, once at least {privacy.MIN_CONTRIBUTORS} "
                     f"people have answered, and never a bar that stands for one person; \u201c{AUDIENCE_WORDS['facilitators']}"
                     "\u201d answers never reach it.")
    else:
        facts.append("Nothing from this activity reaches the room display.")
    return {"facts": facts, "fields": fields}


def _pacer_settings(s: dict) -> dict[str, Any]:
    if s["mode"] == "breathing":
        cycle = sum(p["seconds"] for p in s["pattern"])
        pattern = ", ".join(f"{vocab.BREATH[p['label']]} {p['seconds']}" for p in s["pattern"])
        return {"facts": [f"Breathing pattern: {pattern} ({cycle} seconds a cycle).",
                          f"{s['cycles']} cycles, about {duration_words(cycle * s['cycles'])} in all.",
                          "Every screen shows the same pacer, in step; people who prefer less motion see a "
                          "calm countdown instead."]}
    steps = [f"{step['count']}: {step['prompt']}" for step in s["senses"]]
    return {"facts": [f"{len(steps)} steps, about {duration_words(s['step_seconds'])} each."],
            "lists": [{"heading": "The steps", "items": steps, "ordered": False}]}


def _pairs_settings(s: dict) -> dict[str, Any]:
    facts = [f"Exercise: {phrase(vocab.EXERCISES, s['exercise'])}, in "
             f"{phrase(vocab.GROUP_SETTINGS, s['group'])}.",
             f"Roles: {', '.join(s['roles'])}. Each round lasts {s['round_minutes']} minutes, then roles rotate."]
    lists = [{"heading": heading, "items": s[key], "ordered": ordered} for key, heading, ordered in (
        ("listener_prompts", "Listener's sentence starters", False),
        ("ask_steps", "Asking for repair: the steps", True),
        ("repair_steps", "The repair steps", True),
        ("observer_checklist", "What the observer looks for", False),
        ("scenarios", "Scenario cards", False)) if s.get(key)]
    return {"facts": facts, "lists": lists}


def _cards_settings(s: dict) -> dict[str, Any]:
    facts = [f"Mode: {phrase(vocab.CARDS_MODES, s['mode'])}; {phrase(vocab.ANONYMITY, s['anonymity'])}.",
             f"Each card holds up to {s['max_chars']} characters."]
    if s["mode"] == "feedback":
        facts.append("Cards wait in a moderation queue until you release them.")
    return {"facts": facts, "lists": [{"heading": "Sentence starters", "items": s["templates"], "ordered": False}],
            "example": s["worked_example"]}


def settings_in_words(activity: Any) -> dict[str, Any]:
    """How the activity runs, as plain sentences, tables and lists for the guide."""
    s = activity.settings.model_dump(mode="json")
    kind = activity.kind
    if kind == "round":
        return {"facts": [f"Order: {phrase(vocab.ORDERS, s['order'])}.",
                          f"Each turn: about {duration_words(s['turn_seconds'])}. The timer is soft: it shows, "
                          "it never cuts anyone off.",
                          f"Round prompt: {s['prompt']}"]}
    if kind == "form":
        return _form_settings(s)
    if kind == "pacer":
        return _pacer_settings(s)
    if kind == "info":
        return {"facts": [f"{len(s['sections'])} sections, shown on the room display one at a time."],
                "sections": s["sections"],
                "lists": [{"heading": "Questions to think about", "items": s["reflection"], "ordered": False}]
                if s["reflection"] else []}
    if kind == "pairs":
        return _pairs_settings(s)
    if kind == "cards":
        return _cards_settings(s)
    if kind == "measure":
        return _measure_settings(s)
    return {"facts": []}


def _instrument(instrument_id: str) -> Any:
    from activities import instruments  # the shipped instruments, validated at start-up with the library

    return instruments.instrument(instrument_id)


def _measure_settings(s: dict[str, Any]) -> dict[str, Any]:
    ins = _instrument(s["instrument"])
    facts = [f"{ins.name}: {ins.about}", "Answers, totals and bands go to the facilitators only; the room display "
             "shows only how many have answered. Anyone may choose not to answer, and that is recorded as a choice.",
             f"Scored over {sum(1 for i in ins.items if i.scored)} questions."]
    if ins.bands:
        facts.append("Bands: " + "; ".join(f"{b.min}–{b.max} {b.label.lower()}" for b in ins.bands) + ".")
    facts += [f"Risk: {rule.say}" for rule in ins.risk]
    if ins.flags.low_item is not None or ins.flags.drop is not None:
        facts.append("A private flag to the facilitators: any answer of "
                     f"{ins.flags.low_item} or lower, or a total {ins.flags.drop} or more points below last time.")
    facts.append(f"Source: {ins.source} Licence: {ins.licence}")
    return {"facts": facts}


def guide_data(activity: Any, replaced: str | None = None) -> dict[str, Any]:
    """Everything a facilitator needs to run the activity, in plain data. `replaced`: the file's wording
    that this session's own replaces (plan.worded): said once, and not listed among the prompts."""
    a = activity
    at, steps = 0, []
    for step in a.steps:
        steps.append({"minutes": step.minutes, "at": clock(at), "text": step.text, "say": step.say})
        at += step.minutes
    return {
        "slug": a.slug, "title": a.title, "summary": a.summary, "kind": phrase(vocab.KINDS, a.kind),
        "category": vocab.CATEGORIES.get(a.category, a.category), "duration": a.duration,
        "group_size": people_words(a.group_size.min, a.group_size.max), "materials": list(a.materials),
        "content_note": a.content_note, "purpose": a.purpose, "intro": a.intro, "steps": steps,
        "steps_minutes": at, "prompts": [p for p in a.prompts if p != replaced],
        "settings": _with_replaced(settings_in_words(a), replaced),
        "safety_notes": list(a.safety_notes), "debrief": list(a.debrief), "hybrid_notes": list(a.hybrid_notes),
        "guides": practice_guides.links(list(a.guides)), "cutouts": layouts.cutouts(a),
    }


def _with_replaced(settings: dict[str, Any], replaced: str | None) -> dict[str, Any]:
    if replaced:
        settings = {**settings, "facts": [*settings.get("facts", []),
                                          f"This session's own wording replaces the usual one: {replaced}"]}
    return settings
